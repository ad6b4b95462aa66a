#!/usr/bin/env bash
# Failure drills and the soak, against a release braid with its own MongoDB-wire server,
# Qdrant-API server and Redis (started here on free ports, so the drill kills only what
# it started) and a fresh database on the stack's PostgreSQL.
#
#   bench/drills.sh drill   under steady load (wrk on a Postgres-only query, plus a writer
#                           that records every acknowledged PostgreSQL and MongoDB write),
#                           kill -9 and restart the MongoDB-wire server, the Qdrant-API
#                           server and Redis in turn. Checks: braid stays up; the
#                           Postgres-only query keeps 100% success; during each outage a
#                           query touching the dead store answers STORE_UNAVAILABLE with
#                           the rest of its data; no acknowledged write is lost; after the
#                           restarts the vector outbox drains and `reconcile` finds 0 drift.
#   bench/drills.sh soak [SECONDS]   a steady read/write mix for SECONDS (default 600),
#                           braid's RSS sampled every 10 s.
#
# Exits non-zero when a check fails. Prints a summary at the end.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mode="${1:-drill}"
soak_seconds="${2:-600}"
command -v wrk >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y wrk >/dev/null
command -v jq >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y jq >/dev/null
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/braid/target}"
"$ROOT/scripts/stack" up >&2
# shellcheck source=/dev/null
source "$ROOT/.data/stack.env"
# shellcheck source=bench/lib/common.sh
source "$ROOT/bench/lib/common.sh"
build_release
braid="$CARGO_TARGET_DIR/release/braid"
venv="$ROOT/.data/venv"

work="$(mktemp -d /tmp/braid-drill.XXXXXX)"
pids=()
failures=()
check() { # DESCRIPTION COMMAND... - records a failed check instead of stopping
  local description="$1"
  shift
  if "$@"; then echo "ok    $description"; else echo "FAIL  $description"; failures+=("$description"); fi
}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on $1" >&2
  return 1
}

mongo_port="$(free_port)" redis_port="$(free_port)" qdrant_grpc="$(free_port)" qdrant_http="$(free_port)"
braid_port="$(free_port)"
: >"$work/secantusd.toml"
start_mongo() {
  "$venv/bin/secantusd-py" --config "$work/secantusd.toml" --host 127.0.0.1 --port "$mongo_port" \
    --storage-path "$work/mongo" >>"$work/mongo.log" 2>&1 &
  mongo_pid=$!
  wait_port "$mongo_port"
}
start_qdrant() {
  "$venv/bin/python" scripts/qdrant-dev/server.py --host 127.0.0.1 --grpc-port "$qdrant_grpc" \
    --http-port "$qdrant_http" --storage-path "$work/qdrant" >>"$work/qdrant.log" 2>&1 &
  qdrant_pid=$!
  wait_port "$qdrant_grpc"
}
start_redis() {
  redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no >>"$work/redis.log" 2>&1 &
  redis_pid=$!
  wait_port "$redis_port"
}
mkdir -p "$work/mongo" "$work/qdrant"
start_mongo
start_qdrant
start_redis

database="braid_drill_$$"
admin_url="${DATABASE_URL%/*}/postgres"
psql "$admin_url" -qc "create database $database"
cleanup() {
  for pid in "${pids[@]}" "${mongo_pid:-}" "${qdrant_pid:-}" "${redis_pid:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  sleep 1
  psql "$admin_url" -qc "drop database if exists $database with (force)" || true
  rm -rf "$work"
}
trap cleanup EXIT

export DATABASE_URL="${DATABASE_URL%/*}/$database"
export MONGODB_URL="mongodb://127.0.0.1:$mongo_port/?directConnection=true"
export QDRANT_URL="http://127.0.0.1:$qdrant_grpc" REDIS_URL="redis://127.0.0.1:$redis_port"
export BRAID_ANONYMOUS_RATE_LIMIT_PER_MINUTE=1000000000 BRAID_RATE_LIMIT_PER_MINUTE=1000000000
export BRAID_ADDR="127.0.0.1:$braid_port" RUST_LOG=warn BRAID_GRAPHIQL=false BRAID_STORE_TIMEOUT_MS=1000
"$braid" migrate >&2
"$braid" seed >&2
"$braid" serve 2>>"$work/braid.log" &
braid_pid=$!
pids+=("$braid_pid")
url="http://127.0.0.1:$braid_port/graphql"
for _ in $(seq 300); do curl -sf -o /dev/null "http://127.0.0.1:$braid_port/healthz" && break; sleep 0.1; done

gql() { # TOKEN QUERY [VARIABLES]   (an empty TOKEN: anonymous)
  local auth=()
  [ -n "$1" ] && auth=(-H "authorization: Bearer $1")
  curl -s -H 'content-type: application/json' "${auth[@]}" \
    -d "$(jq -nc --arg q "$2" --argjson v "${3:-{\}}" '{query: $q, variables: $v}')" "$url"
}
login() {
  gql "" 'mutation($u:String!){login(identifier:$u,password:"braid-demo-password"){token}}' \
    "$(jq -nc --arg u "$1" '{u: $u}')" | jq -er '.data.login.token'
}
writer="$(psql "$DATABASE_URL" -Atc "select username from users where role = 'individual' and registration_source = 'seed' order by username limit 1")"
token="$(login "$writer")"
project="$(gql "$token" 'mutation{createProject(input:{name:"Drill"}){id}}' | jq -er '.data.createProject.id')"
READS='{ jobs(first: 10) { edges { node { title organization { name } skills { skill { name } } } } } }'
jq -nc --arg q "$READS" '{query: $q}' >"$work/reads"
rss_mib() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$braid_pid/status"; }

if [ "$mode" = soak ]; then
  {
    jq -nc --arg q "$READS" '{query: $q}'
    jq -nc '{query: "{ me { username experiences { title } } myProjects(first: 5) { edges { node { name requirements { rawText } } } } }"}'
    jq -nc '{query: "mutation{updateProfile(input:{headline:\"Soaking\"}){headline}}"}'
  } >"$work/mix"
  BODIES="$work/mix" TOKEN="$token" wrk -t2 -c16 -d"${soak_seconds}s" -s bench/wrk/graphql.lua "$url" \
    >"$work/soak.txt" &
  wrk_pid=$!
  pids+=("$wrk_pid")
  echo "seconds rss_mib"
  started=$SECONDS
  while kill -0 "$wrk_pid" 2>/dev/null; do
    echo "$((SECONDS - started)) $(rss_mib)"
    sleep 10
  done
  grep '^RESULT' "$work/soak.txt"
  exit 0
fi

# Steady load for the whole drill: reads that need PostgreSQL only, and the writer.
: >"$work/acked"
"$venv/bin/python" bench/drills/writer.py "$url" "$writer" "$project" "$work/acked" 2>>"$work/writer.log" &
writer_pid=$!
pids+=("$writer_pid")
BODIES="$work/reads" wrk -t1 -c8 -d150s -s bench/wrk/graphql.lua "$url" >"$work/reads.txt" &
wrk_pid=$!
pids+=("$wrk_pid")
echo "rss before: $(rss_mib) MiB"
sleep 10

partial() { # QUERY FIELD_THAT_MUST_RESOLVE - the answer has that field and a STORE_UNAVAILABLE error
  local answer
  answer="$(gql "$token" "$1")"
  jq -e --arg f "$2" '(.data[$f] != null) and ([.errors[]?.extensions.code] | index("STORE_UNAVAILABLE") != null)' \
    <<<"$answer" >/dev/null || { echo "  answer: $answer"; return 1; }
}
answers() { # QUERY - the answer has data and no errors
  local answer
  answer="$(gql "$token" "$1")"
  jq -e '(.data != null) and (.errors == null)' <<<"$answer" >/dev/null || { echo "  answer: $answer"; return 1; }
}

echo "== MongoDB-wire server killed"
kill -9 "$mongo_pid"
sleep 5
check "a query needing MongoDB answers STORE_UNAVAILABLE with the Postgres part" \
  partial '{ me { username } myProjects(first: 3) { edges { node { name } } } }' me
sleep 10
start_mongo
sleep 15
check "after the restart the MongoDB part answers again" answers '{ me { username } myProjects(first: 3) { edges { node { name } } } }'

echo "== Qdrant-API server killed"
kill -9 "$qdrant_pid"
sleep 5
check "a search answers STORE_UNAVAILABLE with the rest of the query" \
  partial '{ me { username } semanticSearch(text: "rust engineer", first: 3) { score } }' me
sleep 10
start_qdrant
sleep 15
check "after the restart search answers again" answers '{ me { username } semanticSearch(text: "rust engineer", first: 3) { score } }'

echo "== Redis killed"
kill -9 "$redis_pid"
sleep 5
check "signed-in queries still answer without Redis" answers '{ me { username } myProjects(first: 3) { edges { node { name } } } }'
sleep 10
start_redis
sleep 15

kill "$writer_pid" 2>/dev/null || true
wait "$wrk_pid" || true
check "braid stayed up" kill -0 "$braid_pid"
line="$(grep '^RESULT' "$work/reads.txt")"
echo "postgres-only reads under the drills: $line"
check "postgres-only reads kept 100% success" grep -q ' errors=0 ' <<<"$line"

acked_pg="$(grep -c '^pg ' "$work/acked" || true)"
acked_mongo="$(grep -c '^mongo ' "$work/acked" || true)"
stored_pg="$(psql "$DATABASE_URL" -Atc "select count(*) from experiences where title like 'drill-%'")"
stored_mongo="$("$venv/bin/python" -c "
import os, pymongo
db = pymongo.MongoClient(os.environ['MONGODB_URL'])[os.environ.get('BRAID_MONGODB_DATABASE', 'braid')]
print(db.requirements.count_documents({'raw_text': {'\$regex': '^drill-'}}))")"
echo "acknowledged writes: postgres $acked_pg (stored $stored_pg), mongodb $acked_mongo (stored $stored_mongo)"
pg_missing="$(comm -23 <(sed -n 's/^pg //p' "$work/acked" | sort) <(psql "$DATABASE_URL" -Atc "select title from experiences where title like 'drill-%'" | sort) | wc -l)"
check "no acknowledged PostgreSQL write is lost" [ "$pg_missing" -eq 0 ]
check "no acknowledged MongoDB write is lost" [ "$stored_mongo" -ge "$acked_mongo" ]

for _ in $(seq 120); do
  pending="$(psql "$DATABASE_URL" -Atc "select count(*) from vector_outbox")"
  [ "$pending" -eq 0 ] && break
  sleep 5
done
check "the vector outbox drained" [ "$pending" -eq 0 ]
"$braid" reconcile --dry-run >"$work/reconcile.txt" 2>&1 || true
cat "$work/reconcile.txt"
# One line per check ("NAME: N finding(s), M left unrepaired"): every N must be 0.
check "reconcile finds 0 drift" awk -F': ' '/finding\(s\)/ { n++; if ($2 !~ /^0 finding/) bad++ } END { exit !(n > 0 && bad == 0) }' "$work/reconcile.txt"
echo "rss after: $(rss_mib) MiB"
if ((${#failures[@]})); then
  echo "${#failures[@]} check(s) failed"
  exit 1
fi
echo "every check passed"
