// Real clients on braid's subscriptions: graphql-ws (graphql-transport-ws),
// subscriptions-transport-ws (legacy graphql-ws) and graphql-sse (distinct connections).
// Usage: node realtime.mjs WS_URL HTTP_URL SSE_URL ALICE_TOKEN BOB_TOKEN CAROL_TOKEN CONVERSATION_ID
// Alice and Bob share the conversation; Carol is an outsider.
import assert from 'node:assert/strict';
import { createClient as createWsClient } from 'graphql-ws';
import { SubscriptionClient } from 'subscriptions-transport-ws';
import { createClient as createSseClient } from 'graphql-sse';
import WebSocket from 'ws';

const [wsUrl, httpUrl, sseUrl, alice, bob, carol, conversation] = process.argv.slice(2);
const subscription = {
  query: 'subscription($c: ID!) { messageAdded(conversationId: $c) { content } }',
  variables: { c: conversation },
};
let scenarios = 0;

async function send(content) {
  const response = await fetch(httpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${alice}` },
    body: JSON.stringify({
      query: 'mutation($c: ID!, $t: String!) { sendMessage(conversationId: $c, content: $t) { id } }',
      variables: { c: conversation, t: content },
    }),
  });
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.equal(body.errors, undefined, JSON.stringify(body));
}

// Sends messages until `received` settles (the server registers a subscription a moment
// after the client sends it; the protocols have no acknowledgement for it).
async function deliver(prefix, received) {
  let result;
  for (let attempt = 0; attempt < 50 && !result; attempt += 1) {
    await send(`${prefix} ${attempt}`);
    result = await Promise.race([received, new Promise((resolve) => setTimeout(() => resolve(undefined), 200))]);
  }
  assert.ok(result, `${prefix}: a message arrives`);
  return result;
}

// graphql-ws: Bob receives; Carol is refused.
{
  const client = createWsClient({
    url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true,
    connectionParams: { Authorization: `Bearer ${bob}` },
  });
  const iterator = client.iterate(subscription);
  const event = await deliver('graphql-ws', iterator.next());
  assert.match(event.value.data.messageAdded.content, /^graphql-ws/);
  await iterator.return();
  await client.dispose();
  scenarios += 1;

  const outsider = createWsClient({
    url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true,
    connectionParams: { Authorization: `Bearer ${carol}` },
  });
  const refused = await outsider.iterate(subscription).next();
  assert.equal(refused.value.errors[0].extensions.code, 'NOT_FOUND');
  assert.deepEqual(refused.value.errors[0].path, ['messageAdded']);
  await outsider.dispose();
  scenarios += 1;
}

// subscriptions-transport-ws: Bob receives.
{
  const client = new SubscriptionClient(wsUrl, { reconnect: false, connectionParams: { authToken: bob } }, WebSocket);
  const received = new Promise((resolve, reject) => {
    const sub = client.request(subscription).subscribe({
      next(value) { sub.unsubscribe(); resolve(value); },
      error: reject,
    });
  });
  const event = await deliver('legacy', received);
  assert.match(event.data.messageAdded.content, /^legacy/);
  client.close();
  scenarios += 1;
}

// graphql-sse, distinct connections mode.
{
  const client = createSseClient({ url: sseUrl, headers: { authorization: `Bearer ${bob}` }, retryAttempts: 0 });
  const iterator = client.iterate(subscription);
  const event = await deliver('sse', iterator.next());
  assert.match(event.value.data.messageAdded.content, /^sse/);
  await iterator.return();
  scenarios += 1;

  const query = client.iterate({ query: '{ __typename }' });
  assert.deepEqual((await query.next()).value, { data: { __typename: 'Query' } });
  assert.equal((await query.next()).done, true);
  scenarios += 1;

  const outsider = createSseClient({ url: sseUrl, headers: { authorization: `Bearer ${carol}` }, retryAttempts: 0 });
  const refused = await outsider.iterate(subscription).next();
  assert.equal(refused.value.errors[0].extensions.code, 'NOT_FOUND');
  scenarios += 1;

  const forged = createSseClient({ url: sseUrl, headers: { authorization: 'Bearer forged' }, retryAttempts: 0 });
  await assert.rejects(forged.iterate({ query: '{ __typename }' }).next(), (error) => {
    assert.match(String(error.message ?? error), /401/);
    return true;
  });
  scenarios += 1;
  client.dispose();
  outsider.dispose();
  forged.dispose();
}

console.log(`realtime clients: ${scenarios} scenarios passed`);
