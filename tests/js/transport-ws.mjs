// The graphql-ws client (graphql-transport-ws protocol) against braid.
// Usage: node transport-ws.mjs WS_URL HTTP_URL EMPLOYER_TOKEN DRAFT_JOB_IDS (comma-separated)
import assert from 'node:assert/strict';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [wsUrl, httpUrl, employer, drafts] = process.argv.slice(2);
const jobs = drafts.split(',');

function client(connectionParams) {
  return createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
}

async function first(c, payload) {
  const iterator = c.iterate(payload);
  const { value } = await iterator.next();
  await iterator.return?.();
  return value;
}

async function publishJob(id) {
  const response = await fetch(httpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${employer}` },
    body: JSON.stringify({ query: 'mutation($id: ID!) { publishJob(id: $id) { id } }', variables: { id } }),
  });
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.equal(body.errors, undefined, JSON.stringify(body));
}

// A query over the socket.
const ok = client();
assert.deepEqual(await first(ok, { query: '{ __typename }' }), { data: { __typename: 'Query' } });

// A subscription receives a job published over HTTP.
const iterator = ok.iterate({ query: 'subscription { jobPosted { title } }' });
const received = iterator.next();
let event;
for (const job of jobs) {
  await publishJob(job);
  event = await Promise.race([received, new Promise((resolve) => setTimeout(() => resolve(undefined), 200))]);
  if (event) break;
}
assert.ok(event, 'a jobPosted event arrives');
assert.match(event.value.data.jobPosted.title, /^Engineer/);
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
