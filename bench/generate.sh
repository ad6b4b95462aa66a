#!/usr/bin/env bash
# Data generator for the benchmarks, on the local stack: the demo seed (when the database
# is empty) plus SCALE units of generated data from `braid seed --volume SCALE`. One unit
# is 1,000 users (3 in 5 individuals with profiles and 3 skills), 10 organizations, 200
# published jobs with 2 skills, 2,000 applications and 100 projects with 5 requirement
# documents each; SCALE=100 gives 100k users, 20k jobs, 200k applications and 50k
# requirement documents. Every generated user signs in with the demo password.
#
# With --vectors, `braid reindex` then embeds everything indexable (jobs, profiles,
# requirements, ...) into Qdrant with the real model: at SCALE=100 that is over 100k
# vectors, and it takes a while on two cores (the embedding rate is in the output of
# `cargo run --release --example vector-bench`).
#
# Usage: bench/generate.sh SCALE [--vectors]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scale="${1:?usage: bench/generate.sh SCALE [--vectors]  (1 = 1k users, 100 = 100k users)}"
[[ $scale =~ ^[0-9]+$ ]] && ((scale > 0)) || { echo "SCALE is a positive integer" >&2; exit 2; }
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/braid/target}"
"$ROOT/scripts/stack" up >&2
# shellcheck source=/dev/null
source "$ROOT/.data/stack.env"
# shellcheck source=bench/lib/common.sh
source "$ROOT/bench/lib/common.sh"
build_release
braid="$CARGO_TARGET_DIR/release/braid"
"$braid" migrate >&2
"$braid" seed --volume "$scale"
psql "$DATABASE_URL" -Atc "select format('totals: users %s, organizations %s, published jobs %s, applications %s',
  (select count(*) from users), (select count(*) from employer_organizations),
  (select count(*) from jobs where status = 'published'), (select count(*) from job_applications))"
if [ "${2:-}" = --vectors ]; then
  started=$SECONDS
  "$braid" reindex
  echo "reindex (every kind embedded) in $((SECONDS - started)) s"
fi
