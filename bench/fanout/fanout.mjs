// Fan-out benchmark client: holds N idle graphql-transport-ws subscribers to the public
// job board feed (`jobPosted`) on one braid instance, then publishes jobs over HTTP (as
// an employer it registers) and measures, for each job, the time from sending the
// mutation to each subscriber receiving the event.
// Usage: node fanout.mjs BASE_URL BRAID_PID [N=10000] [EVENTS=5]
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../tests/js/package.json', import.meta.url));
const WebSocket = require('ws');

const [base, pid, n = '10000', events = '5'] = process.argv.slice(2);
const N = Number(n);
const EVENTS = Number(events);
const wsUrl = `${base.replace(/^http/, 'ws')}/graphql/ws`;
const subscribe = JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { jobPosted { title } }' } });

function rssMiB() {
  const status = require('node:fs').readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
}

async function gauge(name) {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

async function graphql(query, variables, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${base}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  if (response.status !== 200 || body.errors) throw new Error(`${query}: ${response.status} ${JSON.stringify(body.errors)}`);
  return body.data;
}

// An employer with one draft job per event, each published during the measurement.
const suffix = `${process.pid}${Date.now()}`;
const { register } = await graphql(
  'mutation($input: RegisterInput!) { register(input: $input) { token } }',
  { input: { email: `fanout${suffix}@example.com`, username: `fanout${suffix}`, password: 'fan-out benchmark password', role: 'EMPLOYER' } },
);
const employer = register.token;
const { createOrganization } = await graphql(
  'mutation($input: OrganizationInput!) { createOrganization(input: $input) { id } }',
  { input: { name: `Fan-out ${suffix}`, companySize: 'EMPLOYEES_11_50' } },
  employer,
);
const drafts = [];
for (let e = 0; e < EVENTS; e += 1) {
  const { createJob } = await graphql(
    'mutation($org: ID!, $input: JobInput!) { createJob(organizationId: $org, input: $input) { id } }',
    { org: createOrganization.id, input: { title: `Fan-out ${e}`, description: 'A job for the fan-out benchmark.', employmentType: 'FULL_TIME', experienceLevel: 'SENIOR' } },
    employer,
  );
  drafts.push(createJob.id);
}

let current = null; // { started, times: [] }
function open() {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws', { perMessageDeflate: false });
    socket.on('open', () => socket.send('{"type":"connection_init"}'));
    socket.on('error', reject);
    socket.on('message', (data) => {
      const text = data.toString();
      if (text.includes('connection_ack')) {
        socket.send(subscribe);
        resolve(socket);
      } else if (text.includes('ping')) {
        socket.send('{"type":"pong"}');
      } else if (current && text.includes('"next"')) {
        current.times.push(performance.now() - current.started);
      }
    });
  });
}

const rssBefore = rssMiB();
const sockets = [];
const opening = Date.now();
for (let i = 0; i < N; i += 200) {
  const batch = [];
  for (let j = i; j < Math.min(N, i + 200); j += 1) batch.push(open());
  sockets.push(...(await Promise.all(batch)));
}
while ((await gauge('braid_events_subscribers')) < N) await new Promise((r) => setTimeout(r, 200));
const connectSecs = (Date.now() - opening) / 1000;
await new Promise((r) => setTimeout(r, 2000));
const rssHeld = rssMiB();

const p = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const rounds = [];
for (let e = 0; e < EVENTS; e += 1) {
  current = { started: performance.now(), times: [] };
  await graphql('mutation($id: ID!) { publishJob(id: $id) { id } }', { id: drafts[e] }, employer);
  const deadline = performance.now() + 60_000;
  while (current.times.length < N && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  const sorted = current.times.sort((a, b) => a - b);
  rounds.push({ received: sorted.length, p50: p(sorted, 0.5), p99: p(sorted, 0.99), max: sorted[sorted.length - 1] });
  current = null;
  await new Promise((r) => setTimeout(r, 1000));
}
const rssAfter = rssMiB();
console.log(`subscribers: ${N} (connected in ${connectSecs.toFixed(1)} s)`);
console.log(`braid RSS: ${rssBefore.toFixed(0)} MiB idle -> ${rssHeld.toFixed(0)} MiB holding them (${(((rssHeld - rssBefore) * 1024) / N).toFixed(1)} KiB per subscriber) -> ${rssAfter.toFixed(0)} MiB after ${EVENTS} events`);
for (const [i, r] of rounds.entries()) {
  console.log(`event ${i}: received ${r.received}/${N}  p50 ${r.p50.toFixed(0)} ms  p99 ${r.p99.toFixed(0)} ms  max ${r.max.toFixed(0)} ms`);
}
const all = rounds.slice(1); // the first event warms caches and pools
const mean = (k) => all.reduce((s, r) => s + r[k], 0) / all.length;
console.log(`mean over events 1..${EVENTS - 1}: p50 ${mean('p50').toFixed(0)} ms  p99 ${mean('p99').toFixed(0)} ms`);
for (const socket of sockets) socket.terminate();
