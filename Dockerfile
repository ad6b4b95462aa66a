# braid, built from source. Used by docker-compose.yml; any container runtime works.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src src
COPY migrations migrations
COPY mongo-indexes mongo-indexes
COPY tests tests
RUN cargo build --release --locked --bin braid

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
COPY --from=graphiql /assets /usr/share/braid/graphiql
USER braid
ENV BRAID_ADDR=0.0.0.0:8080 BRAID_LOG_FORMAT=json BRAID_GRAPHIQL_ASSETS=/usr/share/braid/graphiql
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["braid"]
CMD ["serve"]
