# Sourced by the benchmark scripts (after `source .data/stack.env`).

# One release build for every benchmark: the binary and the examples together, so the
# scripts share one set of artifacts (building examples unifies dev-dependency features,
# and switching between the two sets rebuilds braid).
build_release() {
  cargo build --release --locked --bins --examples >&2
}

# Waits until the vector index has caught up (no outbox row, no pending MongoDB document):
# a freshly seeded database makes `braid serve` embed everything, which would load the
# CPU during a measurement. Needs a running `braid serve` on that database.
wait_for_index() {
  local pending
  for _ in $(seq 600); do
    pending="$(psql "$DATABASE_URL" -Atc "select count(*) from vector_outbox")"
    pending=$((pending + $("$ROOT/.data/venv/bin/python" - <<'PY'
import os, pymongo
db = pymongo.MongoClient(os.environ["MONGODB_URL"])[os.environ.get("BRAID_MONGODB_DATABASE", "braid")]
pending = {"$expr": {"$ne": ["$indexed_version", "$current_version"]}}
print(sum(db[c].count_documents(pending) for c in ("requirements", "prd_docs")))
PY
    )))
    [ "$pending" -eq 0 ] && return 0
    sleep 2
  done
  echo "wait_for_index: $pending entities still waiting for the index after 20 min" >&2
  return 1
}

# Registers an automatic persisted query (APQ) with a braid and prints the GET path that
# runs it by hash alone, as Apollo's GET link or a CDN sends it.
#   path="$(apq_get_path URL QUERY VARIABLES_JSON)"   (fails when the query answers errors)
apq_get_path() {
  local url="$1" query="$2" variables="$3" hash extensions
  hash="$(printf '%s' "$query" | sha256sum | cut -d' ' -f1)"
  extensions="{\"persistedQuery\":{\"version\":1,\"sha256Hash\":\"$hash\"}}"
  jq -nc --arg q "$query" --argjson v "$variables" --argjson e "$extensions" \
    '{query: $q, variables: $v, extensions: $e}' |
    curl -sf -H 'content-type: application/json' -d @- "$url/graphql" |
    jq -e '.errors == null and .data != null' >/dev/null || {
    echo "apq_get_path: the query failed on $url" >&2
    return 1
  }
  printf '/graphql?extensions=%s&variables=%s\n' \
    "$(jq -rn --arg s "$extensions" '$s|@uri')" "$(jq -rn --arg s "$variables" '$s|@uri')"
}
