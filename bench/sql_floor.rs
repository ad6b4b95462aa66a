//! The floor under braid's Postgres-only benchmark query (bench/load.sh): the same six
//! statements braid's DataLoaders issue for a page of jobs with their organizations,
//! applications, applicants and skills, sent directly with sqlx and turned into the same
//! nested JSON, with no GraphQL in between.
//!
//! `cargo run --release --example sql-floor -- SECONDS CONCURRENCY` (DATABASE_URL from
//! the environment) prints `RESULT requests=N errors=N rps=X p50_ms=X p95_ms=X p99_ms=X`.

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use serde_json::{Value, json};
use sqlx::{PgPool, Row, postgres::PgPoolOptions};
use uuid::Uuid;

const JOBS: i64 = 20;
const APPLICATIONS: i64 = 10;

async fn page(pg: &PgPool) -> sqlx::Result<Value> {
    let jobs = sqlx::query(
        "select id, organization_id, title from jobs where status = 'published'
         order by published_at desc, id desc limit $1",
    )
    .bind(JOBS)
    .fetch_all(pg)
    .await?;
    let job_ids: Vec<Uuid> = jobs.iter().map(|r| r.get("id")).collect();
    let org_ids: Vec<Uuid> = jobs.iter().map(|r| r.get("organization_id")).collect();
    let organizations: HashMap<Uuid, String> =
        sqlx::query("select id, name from employer_organizations where id = any($1)")
            .bind(&org_ids)
            .fetch_all(pg)
            .await?
            .iter()
            .map(|r| (r.get("id"), r.get("name")))
            .collect();
    let applications = sqlx::query(
        "select a.job_id, a.applicant_id, a.status from unnest($1::uuid[]) as j (id)
         cross join lateral (select * from job_applications where job_id = j.id
                             order by applied_at desc, id desc limit $2) a",
    )
    .bind(&job_ids)
    .bind(APPLICATIONS)
    .fetch_all(pg)
    .await?;
    let user_ids: Vec<Uuid> = applications.iter().map(|r| r.get("applicant_id")).collect();
    let usernames: HashMap<Uuid, String> =
        sqlx::query("select id, username::text as username from users where id = any($1)")
            .bind(&user_ids)
            .fetch_all(pg)
            .await?
            .iter()
            .map(|r| (r.get("id"), r.get("username")))
            .collect();
    let user_skills = sqlx::query(
        "select user_id, skill_id, proficiency_level from user_skills where user_id = any($1)",
    )
    .bind(&user_ids)
    .fetch_all(pg)
    .await?;
    let skill_ids: Vec<Uuid> = user_skills.iter().map(|r| r.get("skill_id")).collect();
    let skills: HashMap<Uuid, String> =
        sqlx::query("select id, name::text as name from skills where id = any($1)")
            .bind(&skill_ids)
            .fetch_all(pg)
            .await?
            .iter()
            .map(|r| (r.get("id"), r.get("name")))
            .collect();

    let mut skills_of: HashMap<Uuid, Vec<Value>> = HashMap::new();
    for row in &user_skills {
        let skill: Uuid = row.get("skill_id");
        skills_of
            .entry(row.get("user_id"))
            .or_default()
            .push(json!({
                "proficiency": row.get::<i16, _>("proficiency_level"),
                "skill": { "name": skills.get(&skill) },
            }));
    }
    let mut applications_of: HashMap<Uuid, Vec<Value>> = HashMap::new();
    for row in &applications {
        let applicant: Uuid = row.get("applicant_id");
        applications_of
            .entry(row.get("job_id"))
            .or_default()
            .push(json!({
                "status": row.get::<String, _>("status"),
                "applicant": {
                    "username": usernames.get(&applicant),
                    "skills": skills_of.get(&applicant).cloned().unwrap_or_default(),
                },
            }));
    }
    let nodes: Vec<Value> = jobs
        .iter()
        .map(|row| {
            let id: Uuid = row.get("id");
            let organization: Uuid = row.get("organization_id");
            json!({
                "title": row.get::<String, _>("title"),
                "organization": { "name": organizations.get(&organization) },
                "applications": applications_of.remove(&id).unwrap_or_default(),
            })
        })
        .collect();
    Ok(json!({ "data": { "jobs": nodes } }))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().map_or(Ok(10), |a| a.parse())?;
    let concurrency: usize = args.next().map_or(Ok(32), |a| a.parse())?;
    let url = std::env::var("DATABASE_URL")?;
    // As many connections as braid's pool (BRAID_PG_MAX_CONNECTIONS, default 10).
    let connections: u32 =
        std::env::var("BRAID_PG_MAX_CONNECTIONS").map_or(Ok(10), |v| v.parse())?;
    let pg = PgPoolOptions::new()
        .max_connections(connections)
        .connect(&url)
        .await?;
    let sample = page(&pg).await?;
    anyhow::ensure!(
        sample["data"]["jobs"]
            .as_array()
            .is_some_and(|jobs| !jobs.is_empty()),
        "no published jobs: seed the database first"
    );

    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let pg = pg.clone();
            tokio::spawn(async move {
                let (mut latencies, mut errors) = (Vec::new(), 0usize);
                while Instant::now() < deadline {
                    let start = Instant::now();
                    match page(&pg).await {
                        Ok(body) => {
                            std::hint::black_box(serde_json::to_vec(&body)?);
                            latencies.push(start.elapsed());
                        }
                        Err(_) => errors += 1,
                    }
                }
                anyhow::Ok((latencies, errors))
            })
        })
        .collect();
    let (mut latencies, mut errors) = (Vec::new(), 0);
    for worker in workers {
        let (l, e) = worker.await??;
        latencies.extend(l);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let percentile = |p: f64| {
        let index = ((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1);
        latencies
            .get(index)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "RESULT requests={} errors={errors} rps={:.1} p50_ms={:.2} p95_ms={:.2} p99_ms={:.2}",
        latencies.len(),
        latencies.len() as f64 / elapsed,
        percentile(0.50),
        percentile(0.95),
        percentile(0.99)
    );
    Ok(())
}
