// Runs the graphql-http GraphQL-over-HTTP server audits against a braid URL.
// Usage: node audit.mjs http://127.0.0.1:PORT/graphql
// Prints one line per audit, then a summary; exits 1 when any MUST or SHOULD fails.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}

const results = await auditServer({ url });
const counts = {};
let failed = 0;
for (const result of results) {
  const level = result.name.split(' ')[0];
  counts[level] ??= { ok: 0, failed: 0 };
  if (result.status === 'ok') {
    counts[level].ok += 1;
  } else {
    counts[level].failed += 1;
    if (level !== 'MAY') failed += 1;
    const body = result.response ? await result.response.text().catch(() => '') : '';
    console.log(`FAIL ${result.name}: ${result.reason} ${body.slice(0, 300)}`);
  }
}
for (const [level, { ok, failed: bad }] of Object.entries(counts)) {
  console.log(`${level}: ${ok}/${ok + bad} passed`);
}
console.log(`AUDIT ${JSON.stringify(counts)}`);
process.exit(failed === 0 ? 0 : 1);
