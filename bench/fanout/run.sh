#!/usr/bin/env bash
# Fan-out benchmark: one `braid serve` (release build) holding N idle subscribers to the
# public job board feed (jobPosted) over WebSocket; measures the latency from a
# publishJob mutation to each subscriber receiving the event (p50 / p99) and braid's RSS.
#
# Usage: bench/fanout/run.sh [N=10000] [EVENTS=5]
#        BRAID_BENCH_PROFILE=debug bench/fanout/run.sh   (the unoptimised build)
# Needs the local stack (`scripts/stack up`) and `npm ci` in tests/js (for `ws`).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
n="${1:-10000}"
events="${2:-5}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/braid/target}"
profile="${BRAID_BENCH_PROFILE:-release}"
# shellcheck source=/dev/null
source "$ROOT/.data/stack.env"
# shellcheck source=bench/lib/common.sh
source "$ROOT/bench/lib/common.sh"
if [ "$profile" = release ]; then build_release; else cargo build --quiet; fi
braid="$CARGO_TARGET_DIR/$profile/braid"
export BRAID_REDIS_PREFIX="bench_fanout:$$:"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export BRAID_ADDR="127.0.0.1:$port"
# Each subscriber is one socket on both sides; the 1 s per-instance rate limits do not
# apply to WebSocket subscriptions, but the anonymous HTTP budget covers the mutations.
ulimit -n "$(ulimit -Hn)"
"$braid" migrate >/dev/null
RUST_LOG=warn "$braid" serve &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
until curl -fsS "http://$BRAID_ADDR/healthz" >/dev/null 2>&1; do sleep 0.2; done
node "$ROOT/bench/fanout/fanout.mjs" "http://$BRAID_ADDR" "$pid" "$n" "$events"
