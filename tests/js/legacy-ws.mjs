// The subscriptions-transport-ws client (legacy graphql-ws protocol) against braid.
// Usage: node legacy-ws.mjs ws://127.0.0.1:PORT/graphql/ws http://127.0.0.1:PORT/graphql
import assert from 'node:assert/strict';
import { SubscriptionClient } from 'subscriptions-transport-ws';
import WebSocket from 'ws';

const [wsUrl, httpUrl] = process.argv.slice(2);

function next(observable) {
  return new Promise((resolve, reject) => {
    const subscription = observable.subscribe({
      next(value) { subscription.unsubscribe(); resolve(value); },
      error: reject,
    });
  });
}

const client = new SubscriptionClient(wsUrl, { reconnect: false }, WebSocket);
assert.deepEqual(await next(client.request({ query: '{ __typename }' })), { data: { __typename: 'Query' } });

const events = [];
const subscription = client.request({ query: 'subscription { noteAdded { body } }' }).subscribe({
  next: (value) => events.push(value),
});
for (let attempt = 0; attempt < 50 && events.length === 0; attempt += 1) {
  const response = await fetch(httpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'mutation($b: String!) { createNote(body: $b) { id } }', variables: { b: `legacy ${attempt}` } }),
  });
  assert.equal(response.status, 200);
  await new Promise((resolve) => setTimeout(resolve, 200));
}
assert.ok(events.length > 0, 'a noteAdded event arrives');
assert.match(events[0].data.noteAdded.body, /^legacy/);
subscription.unsubscribe();
client.close();

// Forged credentials: connection_error reaches the client's connection callback.
const refusal = await new Promise((resolve) => {
  const forged = new SubscriptionClient(
    wsUrl,
    { reconnect: false, connectionParams: { authToken: 'forged' }, connectionCallback: (error) => resolve({ error, forged }) },
    WebSocket,
  );
});
assert.equal(refusal.error.extensions.code, 'UNAUTHENTICATED');
refusal.forged.close();
console.log('subscriptions-transport-ws client: 3 scenarios passed');
