#!/usr/bin/env bash
# Requests/s of a public persisted query (a job board page: 20 jobs with their
# organizations and skills) answered from the response cache, against the same request
# with the response cache off (BRAID_RESPONSE_CACHE=false; the hot cache stays on in both,
# as in production).
#
# Builds braid in release mode, starts the local stack (scripts/stack up), migrates and
# seeds it (an empty database only), then serves two instances side by side and drives
# each with wrk (Debian `wrk`) over GET, as a CDN or Apollo's GET link would send it.
#
# Usage: bench/cache.sh [SECONDS] [CONNECTIONS] [THREADS]   (defaults: 10 s, 32, 2)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
duration="${1:-10}"
connections="${2:-32}"
threads="${3:-2}"

command -v wrk >/dev/null || {
  echo "bench/cache.sh: installing wrk" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y wrk >/dev/null
}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/braid/target}"
"$ROOT/scripts/stack" up >&2
# shellcheck source=/dev/null
source "$ROOT/.data/stack.env"
# shellcheck source=bench/lib/common.sh
source "$ROOT/bench/lib/common.sh"
build_release
braid="$CARGO_TARGET_DIR/release/braid"
"$braid" migrate >&2
"$braid" seed >&2

# No rate limit gets in the way of the load, and the logs stay quiet.
export BRAID_ANONYMOUS_RATE_LIMIT_PER_MINUTE=1000000000 RUST_LOG=warn BRAID_GRAPHIQL=false
cached_port=18181
uncached_port=18182
BRAID_ADDR="127.0.0.1:$cached_port" "$braid" serve &
cached_pid=$!
BRAID_ADDR="127.0.0.1:$uncached_port" BRAID_RESPONSE_CACHE=false "$braid" serve &
uncached_pid=$!
trap 'kill "$cached_pid" "$uncached_pid" 2>/dev/null || true' EXIT
for port in "$cached_port" "$uncached_port"; do
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
    sleep 0.1
  done
done

query='query Board($first: Int!) { jobs(first: $first) { edges { node { title salaryMin salaryMax remoteType organization { name industry } skills { isRequired skill { name } } } } } }'
wait_for_index
path="$(apq_get_path "http://127.0.0.1:$cached_port" "$query" '{"first":20}')"
for port in "$cached_port" "$uncached_port"; do
  echo "x-cache on :$port: $(curl -sf -D - -o /dev/null "http://127.0.0.1:$port$path" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-cache" { print $2 }')"
done
run() {
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "http://127.0.0.1:$1$path"
}
echo "== cached (response cache on)"
run "$cached_port" | tee /tmp/braid-bench-cached.txt
echo "== uncached (BRAID_RESPONSE_CACHE=false)"
run "$uncached_port" | tee /tmp/braid-bench-uncached.txt
cached="$(awk '/Requests\/sec/ { print $2 }' /tmp/braid-bench-cached.txt)"
uncached="$(awk '/Requests\/sec/ { print $2 }' /tmp/braid-bench-uncached.txt)"
awk -v c="$cached" -v u="$uncached" 'BEGIN { printf "job board page (20 jobs), GET persisted query: cached %.0f req/s, uncached %.0f req/s (x%.1f)\n", c, u, c / u }'
