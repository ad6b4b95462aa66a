// The graphql-ws client (graphql-transport-ws protocol) against braid.
// Usage: node transport-ws.mjs ws://127.0.0.1:PORT/graphql/ws http://127.0.0.1:PORT/graphql
import assert from 'node:assert/strict';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [wsUrl, httpUrl] = process.argv.slice(2);

function client(connectionParams) {
  return createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
}

async function first(c, payload) {
  const iterator = c.iterate(payload);
  const { value } = await iterator.next();
  await iterator.return?.();
  return value;
}

async function createNote(body) {
  const response = await fetch(httpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query: 'mutation($b: String!) { createNote(body: $b) { id } }', variables: { b: body } }),
  });
  assert.equal(response.status, 200);
}

// A query over the socket.
const ok = client();
assert.deepEqual(await first(ok, { query: '{ __typename }' }), { data: { __typename: 'Query' } });

// A subscription receives a note created over HTTP.
const iterator = ok.iterate({ query: 'subscription { noteAdded { body } }' });
const received = iterator.next();
let event;
for (let attempt = 0; attempt < 50 && !event; attempt += 1) {
  await createNote(`from graphql-ws ${attempt}`);
  event = await Promise.race([received, new Promise((resolve) => setTimeout(() => resolve(undefined), 200))]);
}
assert.ok(event, 'a noteAdded event arrives');
assert.match(event.value.data.noteAdded.body, /^from graphql-ws/);
await iterator.return();

// Validation errors reach the sink as GraphQL errors.
await assert.rejects(first(ok, { query: '{ nope }' }), (errors) => {
  assert.equal(errors[0].extensions.code, 'GRAPHQL_VALIDATION_FAILED');
  return true;
});
await ok.dispose();

// Forged credentials: the server closes with 4403 Forbidden.
const forged = client({ Authorization: 'Bearer forged' });
const closeCode = await new Promise((resolve) => {
  forged.on('closed', (event) => resolve(event.code));
  forged.subscribe({ query: '{ __typename }' }, { next() {}, error() {}, complete() {} });
});
assert.equal(closeCode, 4403);
await forged.dispose();
console.log('graphql-ws client: 4 scenarios passed');
