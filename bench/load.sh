#!/usr/bin/env bash
# Load runner: a fixed set of operations against a release braid on the local stack,
# side by side with PostGraphile v5 serving the same Postgres-only query from the same
# database, and the same SQL issued directly by a small Rust client (the floor).
#
# For every operation: requests/s, p50/p95/p99 latency (wrk, Debian), and store round
# trips per request: PostgreSQL statements from pg_stat_statements (when the server
# preloads it; `BRAID_PG_PORT=1 scripts/stack up` gives the private cluster, which does)
# and MongoDB commands from braid's /metrics.
#
# Builds braid in release mode, starts the stack, migrates and seeds an empty database.
# Usage: bench/load.sh [SECONDS] [CONNECTIONS]   (defaults: 15 s, 32 connections, 2 wrk threads)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
duration="${1:-15}"
connections="${2:-32}"
work="$(mktemp -d)"

command -v wrk >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y wrk >/dev/null
command -v jq >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y jq >/dev/null
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/braid/target}"
"$ROOT/scripts/stack" up >&2
# shellcheck source=/dev/null
source "$ROOT/.data/stack.env"
export DATABASE_URL MONGODB_URL
# shellcheck source=bench/lib/common.sh
source "$ROOT/bench/lib/common.sh"
build_release
braid="$CARGO_TARGET_DIR/release/braid"
"$braid" migrate >&2
"$braid" seed >&2
(cd bench/postgraphile && [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error >&2)

braid_port=18281
peer_port=18282
export BRAID_ANONYMOUS_RATE_LIMIT_PER_MINUTE=1000000000 BRAID_RATE_LIMIT_PER_MINUTE=1000000000
export RUST_LOG=warn BRAID_GRAPHIQL=false
BRAID_ADDR="127.0.0.1:$braid_port" "$braid" serve &
braid_pid=$!
GRAPHILE_ENV=production bench/postgraphile/node_modules/.bin/node \
  bench/postgraphile/node_modules/postgraphile/dist/cli-run.js \
  -P postgraphile/presets/amber -c "$DATABASE_URL" -s public -n 127.0.0.1 -p "$peer_port" >"$work/postgraphile.log" 2>&1 &
peer_pid=$!
trap 'kill "$braid_pid" "$peer_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for url in "http://127.0.0.1:$braid_port/healthz" "http://127.0.0.1:$peer_port/graphql"; do
  for _ in $(seq 300); do
    curl -s -o /dev/null "$url" && break
    sleep 0.1
  done
done
wait_for_index

# Sign in: an admin (sees every organization's applications, like PostGraphile without
# row-level security) and the owner of a seeded delivery project.
login() {
  curl -sf -H 'content-type: application/json' \
    -d "$(jq -nc --arg u "$1" '{query: "mutation($u:String!){login(identifier:$u,password:\"braid-demo-password\"){token}}", variables: {u: $u}}')" \
    "http://127.0.0.1:$braid_port/graphql" | jq -er '.data.login.token'
}
admin="$(psql "$DATABASE_URL" -Atc "select username from users where is_admin order by username limit 1")"
owner_id="$("$ROOT/.data/venv/bin/python" - <<'PY'
import os, uuid, pymongo
db = pymongo.MongoClient(os.environ["MONGODB_URL"])[os.environ.get("BRAID_MONGODB_DATABASE", "braid")]
project = db.projects.find_one({}, sort=[("created_at", 1)])
print(uuid.UUID(bytes=bytes(project["owner_id"])))
PY
)"
owner="$(psql "$DATABASE_URL" -Atc "select username from users where id = '$owner_id'")"
admin_token="$(login "$admin")"
owner_token="$(login "$owner")"

pg_stats=false
if psql "$DATABASE_URL" -qAtc "create extension if not exists pg_stat_statements; select pg_stat_statements_reset()" >/dev/null 2>&1; then
  pg_stats=true
fi
pg_calls() {
  psql "$DATABASE_URL" -Atc "select coalesce(sum(calls), 0) from pg_stat_statements
    where dbid = (select oid from pg_database where datname = current_database())
      and query not ilike '%pg_stat_statements%'"
}
mongo_commands() {
  curl -sf "http://127.0.0.1:$braid_port/metrics" |
    awk '/^braid_mongodb_commands_total/ { sum += $NF } END { printf "%d\n", sum }'
}

body() { jq -nc --arg q "$1" '{query: $q}'; }
NESTED='{ jobs(first: 20) { edges { node { title organization { name } applications(first: 10) { edges { node { status applicant { username skills { proficiency skill { name } } } } } } } } } }'
PEER_NESTED='{ allJobs(first: 20) { nodes { title employerOrganizationByOrganizationId { name } jobApplicationsByJobId(first: 10) { nodes { status userByApplicantId { username userSkillsByUserId { nodes { proficiencyLevel skillBySkillId { name } } } } } } } } }'
CHAIN='{ myProjects(first: 10) { edges { node { name owner { username } requirements { rawText prd { title version techDesigns { title apiSpecs { title isValid } } } } } } } }'
SEARCH_TEXTS=("rust backend engineer" "frontend developer with react" "data scientist" "site reliability on call" "product designer for mobile")
for text in "${SEARCH_TEXTS[@]}"; do
  jq -nc --arg t "$text" '{query: "query($t: String!) { semanticSearch(text: $t, kinds: [JOB], first: 10) { score node { ... on Job { title organization { name } } } } }", variables: {t: $t}}'
done >"$work/search"
BOARD='query Board($first: Int!) { jobs(first: $first) { edges { node { title salaryMin salaryMax remoteType organization { name industry } skills { isRequired skill { name } } } } } }'
board_path="$(apq_get_path "http://127.0.0.1:$braid_port" "$BOARD" '{"first":20}')"
body "$NESTED" >"$work/nested"
body "$PEER_NESTED" >"$work/peer-nested"
body "$CHAIN" >"$work/chain"
{
  jq -nc '{query: "mutation($h:String!){updateProfile(input:{headline:$h}){headline}}", variables: {h: "Benchmarking braid"}}'
  jq -nc '{query: "mutation{setSkill(input:{name:\"Rust\",proficiency:4}){proficiency}}"}'
  jq -nc --arg p "$(printf 'Project:%s' "$("$ROOT/.data/venv/bin/python" - <<'PY'
import os, uuid, pymongo
db = pymongo.MongoClient(os.environ["MONGODB_URL"])[os.environ.get("BRAID_MONGODB_DATABASE", "braid")]
print(uuid.UUID(bytes=bytes(db.projects.find_one({}, sort=[("created_at", 1)])["_id"])))
PY
)" | basenc --base64url | tr -d '=')" \
    '{query: "mutation($p:ID!){setProjectCustomField(projectId:$p,key:\"bench\",value:42){name}}", variables: {p: $p}}'
} >"$work/mutations"

printf '%-34s %9s %8s %8s %8s %8s %7s %7s\n' operation req/s p50_ms p95_ms p99_ms errors pg/req mongo/req
report() { # NAME RESULT_LINE PG_CALLS MONGO_COMMANDS
  local name="$1" line="$2" pg="$3" mongo="$4" requests
  requests="$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$line")"
  field() { sed -n "s/.*$1=\\([0-9.]*\\).*/\\1/p" <<<"$line"; }
  awk -v n="$name" -v r="$(field rps)" -v a="$(field p50_ms)" -v b="$(field p95_ms)" -v c="$(field p99_ms)" \
      -v e="$(field errors)" -v q="$requests" -v pg="$pg" -v m="$mongo" 'BEGIN {
    pgr = (pg == "") ? "n/a" : sprintf("%.1f", pg / q); mr = (m == "") ? "n/a" : sprintf("%.1f", m / q)
    printf "%-34s %9.0f %8.2f %8.2f %8.2f %8d %7s %7s\n", n, r, a, b, c, e, pgr, mr }'
}
run() { # NAME PORT BODIES TOKEN [MONGO]   (BODIES "GET:PATH": GET that path instead)
  local pg_before="" mongo_before="" line pg="" mongo="" get_path=""
  $pg_stats && pg_before="$(pg_calls)"
  [ "${5:-}" = mongo ] && mongo_before="$(mongo_commands)"
  [[ $3 == GET:* ]] && get_path="${3#GET:}"
  line="$(BODIES="$3" GET_PATH="$get_path" TOKEN="$4" wrk -t2 -c"$connections" -d"${duration}s" -s bench/wrk/graphql.lua \
    "http://127.0.0.1:$2/graphql" | grep '^RESULT')"
  $pg_stats && pg="$(( $(pg_calls) - pg_before ))"
  [ -n "$mongo_before" ] && mongo="$(( $(mongo_commands) - mongo_before ))"
  report "$1" "$line" "$pg" "$mongo"
}

run "braid: jobs>org>applications>skills" "$braid_port" "$work/nested" "$admin_token" mongo
run "postgraphile v5: the same query" "$peer_port" "$work/peer-nested" ""
pg_before=""; $pg_stats && pg_before="$(pg_calls)"
line="$("$CARGO_TARGET_DIR/release/examples/sql-floor" "$duration" "$connections")"
report "sql floor (Rust + sqlx, same SQL)" "$line" "$($pg_stats && echo $(( $(pg_calls) - pg_before )))" ""
run "braid: project>reqs>prd>designs>specs" "$braid_port" "$work/chain" "$owner_token" mongo
run "braid: semanticSearch (embed+qdrant)" "$braid_port" "$work/search" "" mongo
run "braid: mutation mix (pg + mongo)" "$braid_port" "$work/mutations" "$owner_token" mongo
run "braid: persisted query, cached GET" "$braid_port" "GET:$board_path" "" mongo
$pg_stats || echo "(pg/req n/a: this PostgreSQL does not preload pg_stat_statements)"
echo "machine: $(nproc) cores, $(free -g | awk '/^Mem/ { print $2 }') GiB; braid, PostGraphile, PostgreSQL, MongoDB-wire server and wrk share it"
