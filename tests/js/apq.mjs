// Apollo Client's persisted-queries link against braid: the first request sends only the
// hash, braid answers PersistedQueryNotFound, the link resends with the text; the second
// request for the same query is served from the hash alone.
// Usage: node apq.mjs http://127.0.0.1:PORT/graphql
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client/core/index.js';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries/index.js';

const url = process.argv[2];
const seen = [];
const recordingFetch = async (uri, options) => {
  const body = options.body ? JSON.parse(options.body) : null;
  seen.push({ method: options.method ?? 'GET', hasQuery: Boolean(body?.query) || String(uri).includes('query=') });
  const response = await fetch(uri, options);
  return response;
};

const sha256 = (text) => createHash('sha256').update(text).digest('hex');
const link = createPersistedQueryLink({ sha256, useGETForHashedQueries: true }).concat(new HttpLink({ uri: url, fetch: recordingFetch }));
const client = new ApolloClient({ link, cache: new InMemoryCache(), defaultOptions: { query: { fetchPolicy: 'no-cache' } } });

const query = gql`query Skills { skills(first: 2) { name } }`;
const first = await client.query({ query });
assert.ok(Array.isArray(first.data.skills), JSON.stringify(first));
const second = await client.query({ query });
assert.ok(Array.isArray(second.data.skills), JSON.stringify(second));

// First query: hash only (miss), then hash + text. Second query: hash only (hit).
assert.deepEqual(seen.map((s) => s.hasQuery), [false, true, false], JSON.stringify(seen));
assert.equal(seen[0].method, 'GET');
console.log(`apollo persisted-queries link: ${seen.length} requests, miss then register then hit`);
