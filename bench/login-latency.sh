#!/usr/bin/env bash
# Sign-in latency against a running braid (scripts/run), which is mostly the argon2id
# cost (19 MiB, 2 passes, 1 lane). Signs in as a demo user N times, sequentially, and
# prints min / p50 / p95 / max of the whole HTTP round trip.
#
# Usage: bench/login-latency.sh [URL] [N]   (defaults: http://127.0.0.1:8080/graphql, 20)
# N stays under the per-IP sign-in limit (BRAID_LOGIN_ATTEMPTS_PER_IP, default 50 per 15 min).
set -euo pipefail
url="${1:-http://127.0.0.1:8080/graphql}"
n="${2:-20}"
body='{"query":"mutation($i:String!,$p:String!){login(identifier:$i,password:$p){expiresAt}}","variables":{"i":"mei_chen","p":"braid-demo-password"}}'
times=()
for _ in $(seq "$n"); do
  out="$(curl -sS -o /tmp/braid-login-bench.json -w '%{time_total}' -H 'content-type: application/json' -d "$body" "$url")"
  grep -q expiresAt /tmp/braid-login-bench.json || { echo "login failed: $(cat /tmp/braid-login-bench.json)" >&2; exit 1; }
  times+=("$out")
done
printf '%s\n' "${times[@]}" | sort -n | awk -v n="$n" '
  { t[NR] = $1 * 1000 }
  END {
    p50 = t[int((n + 1) * 0.50)]; p95 = t[int((n + 1) * 0.95)]; if (p95 == "") p95 = t[n]
    printf "logins: %d  min %.1f ms  p50 %.1f ms  p95 %.1f ms  max %.1f ms\n", n, t[1], p50, p95, t[n]
  }'
