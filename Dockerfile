# braid, built from source. Used by docker-compose.yml; any container runtime works.
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

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 braid
COPY --from=build /src/target/release/braid /usr/local/bin/braid
USER braid
ENV BRAID_ADDR=0.0.0.0:8080 BRAID_LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["braid"]
CMD ["serve"]
