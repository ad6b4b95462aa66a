#!/usr/bin/env bash
# Hostile documents: fragment bombs (about 1 KB that expand to 2^LEVELS fields) against
# one release `braid serve`, with /healthz probed every 5 ms meanwhile:
#   burst:     COPIES bombs sent at the same instant (bench/hostile/client.py);
#   sustained: wrk keeping COPIES connections busy with bombs for 10 s.
# Prints the refusal and health-probe latencies (p50/p99/max) of each, twice. The bar
# (issue 18): every bomb refused in under 50 ms, /healthz under 20 ms.
#
# Usage: bench/hostile.sh [COPIES=100] [LEVELS=30]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
copies="${1:-100}"
levels="${2:-30}"

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/braid/target}"
"$ROOT/scripts/stack" up >&2
# shellcheck source=/dev/null
source "$ROOT/.data/stack.env"
# shellcheck source=bench/lib/common.sh
source "$ROOT/bench/lib/common.sh"
build_release
braid="$CARGO_TARGET_DIR/release/braid"
"$braid" migrate >&2

# No rate limit gets in the way of the burst, and the logs stay quiet.
export BRAID_ANONYMOUS_RATE_LIMIT_PER_MINUTE=1000000000 RUST_LOG=warn
port=18191
BRAID_ADDR="127.0.0.1:$port" "$braid" serve &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.1
done
command -v wrk >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y wrk >/dev/null
bodies="$(mktemp)"
trap 'kill "$pid" 2>/dev/null || true; rm -f "$bodies"' EXIT
python3 "$ROOT/bench/hostile/client.py" "http://127.0.0.1:$port" "$copies" "$levels" "$bodies"
for round in 1 2; do
  echo "== round $round: burst"
  python3 "$ROOT/bench/hostile/client.py" "http://127.0.0.1:$port" "$copies" "$levels"
  echo "== round $round: sustained (wrk, $copies connections, 10 s)"
  python3 "$ROOT/bench/hostile/probe.py" "http://127.0.0.1:$port" 9 &
  probe=$!
  BODIES="$bodies" wrk -t1 -c"$copies" -d10s --latency -s "$ROOT/bench/wrk/graphql.lua" \
    "http://127.0.0.1:$port/graphql" | grep -E 'Latency  |RESULT'
  wait "$probe"
done
