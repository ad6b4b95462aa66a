//! Vector benchmark (run by hand, release build, against the local stack):
//!
//! ```sh
//! . .data/stack.env && cargo run --release --example vector-bench -- [POINTS] [QUERIES]
//! ```
//!
//! 1. Embedding throughput of the in-process model: short texts (a job title and a
//!    sentence) and long ones (about 200 words), one compute thread, batched.
//! 2. Loads POINTS jobs (default 100,000) into a database of its own
//!    (`braid_bench_vectors`) and as many points into Qdrant: 2,000 of them embedded
//!    from their text, the rest synthetic (random unit vectors: embedding 100k texts
//!    takes hours on two cores), all with the payload the indexer writes.
//! 3. Runs QUERIES (default 200) `semanticSearch` operations through the real schema
//!    (embed the text, Qdrant with the visibility filter, hydration through the job
//!    DataLoader) and prints p50/p99 latency.

// async-graphql's nested resolver futures exceed the default limit in release builds.
#![recursion_limit = "256"]

use std::time::Instant;

use braid::{
    commands::migrate,
    config::Config,
    graphql::{self, viewer::Viewer},
    state::AppState,
    vectors::{self, points},
};
use clap::Parser;
use qdrant_client::qdrant::Value;
use rand::Rng;
use uuid::Uuid;

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    config: Config,
    /// Points to load.
    #[arg(default_value_t = 100_000)]
    points: usize,
    /// Search operations to time.
    #[arg(default_value_t = 200)]
    queries: usize,
}

const TOPICS: &[&str] = &[
    "Rust backend services with PostgreSQL",
    "React and TypeScript front-end",
    "Kubernetes platform engineering",
    "machine learning on tabular data",
    "mobile apps in Kotlin and Swift",
    "data pipelines with Kafka and Spark",
    "security engineering and incident response",
    "embedded C firmware for sensors",
    "product design and user research",
    "technical writing for developer docs",
];

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn random_unit(rng: &mut impl Rng) -> Vec<f32> {
    let v: Vec<f32> = (0..vectors::DIMENSIONS)
        .map(|_| rng.gen_range(-1.0f32..1.0))
        .collect();
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.into_iter().map(|x| x / norm).collect()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = dotenvy::dotenv();
    let args = Args::parse();
    let mut config = args.config;
    let base = config.database_url.clone();
    let (server, _) = base
        .rsplit_once('/')
        .ok_or_else(|| anyhow::anyhow!("DATABASE_URL has no database"))?;
    config.database_url = format!("{server}/braid_bench_vectors");
    config.mongodb_database = "braid_bench_vectors".to_owned();
    config.qdrant_prefix = "bench_vectors_".to_owned();
    config.dataloader_delay_ms = 1;
    {
        use sqlx::Connection;
        let mut admin = sqlx::PgConnection::connect(&base).await?;
        sqlx::query("drop database if exists braid_bench_vectors with (force)")
            .execute(&mut admin)
            .await?;
        sqlx::query("create database braid_bench_vectors")
            .execute(&mut admin)
            .await?;
    }
    let state = AppState::connect(config).await?;
    let _ = state.qdrant.delete_collection("bench_vectors_chunks").await;
    migrate::apply_all(&state).await?;

    // 1. Embedding throughput.
    state.embedder.load().await?;
    let short: Vec<String> = (0..1_000)
        .map(|i| {
            format!(
                "{} engineer #{i}: join a team doing {}.",
                TOPICS[i % 10],
                TOPICS[(i + 3) % 10]
            )
        })
        .collect();
    let started = Instant::now();
    state.embedder.embed(short.clone()).await?;
    let short_rate = short.len() as f64 / started.elapsed().as_secs_f64();
    let long: Vec<String> = (0..50)
        .map(|i| {
            (0..20)
                .map(|j| TOPICS[(i + j) % 10])
                .collect::<Vec<_>>()
                .join(", and also ")
        })
        .collect();
    let started = Instant::now();
    state.embedder.embed(long.clone()).await?;
    let long_rate = long.len() as f64 / started.elapsed().as_secs_f64();
    println!(
        "embedding: {short_rate:.0} short texts/s (~20 tokens), {long_rate:.1} long texts/s (~200 tokens), one thread"
    );

    // 2. Data: one employer, POINTS published jobs, POINTS points.
    let user = Uuid::now_v7();
    let org = Uuid::now_v7();
    sqlx::query("insert into users (id, username, email, role) values ($1, 'bench', 'bench@example.com', 'employer')")
        .bind(user).execute(&state.pg).await?;
    sqlx::query("insert into employer_organizations (id, name) values ($1, 'Bench')")
        .bind(org)
        .execute(&state.pg)
        .await?;
    let started = Instant::now();
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "insert into jobs (id, organization_id, created_by, title, description, employment_type, experience_level, status, published_at)
         select gen_random_uuid(), $1, $2, 'Job ' || i, ($3::text[])[1 + i % 10] || ' position number ' || i,
                'full_time', 'mid', 'published', now()
         from generate_series(1, $4) as i returning id",
    )
    .bind(org).bind(user).bind(TOPICS.iter().map(|t| t.to_string()).collect::<Vec<_>>()).bind(args.points as i64)
    .fetch_all(&state.pg).await?;
    sqlx::query("delete from vector_outbox")
        .execute(&state.pg)
        .await?;
    println!(
        "postgres: {} jobs in {:.1}s",
        ids.len(),
        started.elapsed().as_secs_f64()
    );

    let embedded = 2_000.min(ids.len());
    let texts: Vec<String> = (0..embedded)
        .map(|i| format!("{} position number {}", TOPICS[(i + 1) % 10], i + 1))
        .collect();
    let started = Instant::now();
    let mut real = state.embedder.embed(texts).await?;
    println!(
        "embedded {embedded} job texts in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    let mut rng = rand::thread_rng();
    let started = Instant::now();
    for (batch_index, batch) in ids.chunks(1_000).enumerate() {
        let new_points: Vec<points::NewPoint> = batch
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let n = batch_index * 1_000 + i;
                let vector = if n < embedded {
                    std::mem::take(&mut real[n])
                } else {
                    random_unit(&mut rng)
                };
                points::NewPoint {
                    id: points::point_id("job", *id, 0),
                    vector,
                    payload: std::collections::HashMap::from([
                        ("kind", Value::from("job".to_owned())),
                        ("entity_id", Value::from(id.to_string())),
                        ("owner_id", Value::from(user.to_string())),
                        ("org_id", Value::from(org.to_string())),
                        ("visibility", Value::from("public".to_owned())),
                        ("status", Value::from("published".to_owned())),
                        ("chunk", Value::from(0i64)),
                    ]),
                }
            })
            .collect();
        points::upsert(&state.qdrant, &state.config, new_points).await?;
    }
    let upsert_secs = started.elapsed().as_secs_f64();
    println!(
        "qdrant: {} points upserted in {upsert_secs:.1}s ({:.0} points/s)",
        ids.len(),
        ids.len() as f64 / upsert_secs
    );

    // 3. semanticSearch latency, hydration included.
    let schema = graphql::build_schema(&state);
    let query = "query($t: String!) { semanticSearch(text: $t, kinds: [JOB], first: 10) { score node { id ... on Job { title description organization { name } } } } }";
    let mut latencies = Vec::with_capacity(args.queries);
    for i in 0..args.queries {
        let text = format!("{} role {i}", TOPICS[i % 10]);
        let request = async_graphql::Request::new(query).variables(
            async_graphql::Variables::from_json(serde_json::json!({ "t": text })),
        );
        let request = graphql::prepare(request, &state, Viewer::Anonymous, Default::default());
        let started = Instant::now();
        let response = graphql::execute(&schema, &state, request).await;
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
        if !response.errors.is_empty() {
            anyhow::bail!("search failed: {:?}", response.errors);
        }
        if i == 0 {
            let json = serde_json::to_value(&response.data)?;
            let hits = json["semanticSearch"].as_array().map_or(0, Vec::len);
            anyhow::ensure!(hits == 10, "expected 10 hydrated hits, got {hits}");
        }
    }
    latencies.sort_by(f64::total_cmp);
    println!(
        "semanticSearch over {} points ({} queries, embed + Qdrant + hydration): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        ids.len(),
        latencies.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies[latencies.len() - 1]
    );
    Ok(())
}
