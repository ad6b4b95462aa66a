// The subscriptions-transport-ws client (legacy graphql-ws protocol) against braid.
// Usage: node legacy-ws.mjs WS_URL HTTP_URL EMPLOYER_TOKEN DRAFT_JOB_IDS (comma-separated)
import assert from 'node:assert/strict';
import { SubscriptionClient } from 'subscriptions-transport-ws';
import WebSocket from 'ws';

const [wsUrl, httpUrl, employer, drafts] = process.argv.slice(2);
const jobs = drafts.split(',');

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
const subscription = client.request({ query: 'subscription { jobPosted { title } }' }).subscribe({
  next: (value) => events.push(value),
});
for (const job of jobs) {
  if (events.length > 0) break;
  const response = await fetch(httpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${employer}` },
    body: JSON.stringify({ query: 'mutation($id: ID!) { publishJob(id: $id) { id } }', variables: { id: job } }),
  });
  assert.equal(response.status, 200);
  await new Promise((resolve) => setTimeout(resolve, 200));
}
assert.ok(events.length > 0, 'a jobPosted event arrives');
assert.match(events[0].data.jobPosted.title, /^Engineer/);
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
