//! `braid seed --volume SCALE`: the benchmarks' data set, added on top of the demo seed.
//!
//! Per unit of SCALE: 1,000 users (3 in 5 individuals with profiles and 3 skills), 10
//! organizations, 200 published jobs with 2 skills, 2,000 applications (PostgreSQL, bulk
//! SQL in `volume.sql`), and 100 delivery projects with 5 requirement documents each
//! (MongoDB, through the same checked functions the API uses). SCALE 100 gives 100k
//! users, 20k jobs, 200k applications and 50k requirement documents.
//!
//! Nothing is embedded here: `braid reindex` (or the running index worker, for the
//! requirements) builds their vectors.

use std::time::Instant;

use anyhow::Context as _;
use futures::{StreamExt as _, TryStreamExt as _};
use uuid::Uuid;

use crate::{
    delivery::{self, Actor, CreateProjectInput},
    state::AppState,
    users::UserId,
};

const SQL: &str = include_str!("volume.sql");

/// Projects per unit of scale, and requirement documents per project.
const PROJECTS_PER_SCALE: u32 = 100;
const REQUIREMENTS_PER_PROJECT: usize = 5;

/// MongoDB writes in flight at once.
const CONCURRENCY: usize = 16;

const DOMAINS: &[(&str, &str)] = &[
    ("Clinic scheduling", "appointments"),
    ("Freight tracking", "shipments"),
    ("Loyalty wallet", "reward points"),
    ("Invoice archive", "invoices"),
    ("Field service app", "work orders"),
    ("Course platform", "enrolments"),
    ("Warehouse robotics", "pick lists"),
    ("Energy metering", "meter readings"),
];

const NEEDS: &[&str] = &[
    "Operators search and filter {d} by status, owner and date, and export the result.",
    "Customers receive notifications when their {d} change, by e-mail and in the app.",
    "Every change to {d} is kept in an audit trail that admins can review.",
    "Partners import {d} in bulk from CSV files and see which rows were refused.",
    "Managers see a weekly dashboard of {d} with trends and outliers.",
];

/// Adds SCALE units of generated data; returns a one-line summary.
pub(super) async fn generate(state: &AppState, scale: u32) -> anyhow::Result<String> {
    anyhow::ensure!(scale > 0, "--volume: SCALE must be at least 1");
    let started = Instant::now();
    let batch = chrono::Utc::now().timestamp();
    let sql = SQL
        .replace("{scale}", &scale.to_string())
        .replace("{batch}", &batch.to_string());
    let mut tx = state.pg.begin().await?;
    sqlx::query("set local session_replication_role = replica")
        .execute(&mut *tx)
        .await?;
    sqlx::raw_sql(&sql)
        .execute(&mut *tx)
        .await
        .context("volume.sql")?;
    tx.commit().await?;
    sqlx::query("analyze").execute(&state.pg).await?;
    let postgres_secs = started.elapsed().as_secs_f64();

    let owners: Vec<Uuid> = sqlx::query_scalar(
        "select id from users where username like $1 and role = 'individual'
         order by username limit $2",
    )
    .bind(format!("gen{batch}\\_%"))
    .bind(i64::from(scale * PROJECTS_PER_SCALE))
    .fetch_all(&state.pg)
    .await?;
    let started = Instant::now();
    let requirements: usize = futures::stream::iter(owners.into_iter().enumerate())
        .map(|(n, owner)| project_with_requirements(state, UserId(owner), n))
        .buffer_unordered(CONCURRENCY)
        .try_fold(0, |sum, count| async move { Ok(sum + count) })
        .await?;
    Ok(format!(
        "volume scale {scale}: PostgreSQL rows in {postgres_secs:.1} s; {requirements} requirement documents in {:.1} s",
        started.elapsed().as_secs_f64()
    ))
}

/// One draft project owned by `owner` and its requirement documents.
async fn project_with_requirements(
    state: &AppState,
    owner: UserId,
    n: usize,
) -> anyhow::Result<usize> {
    let (name, domain) = DOMAINS[n % DOMAINS.len()];
    let actor = Actor::user(owner);
    let project = delivery::create_project(
        state,
        actor,
        CreateProjectInput {
            name: format!("{name} #{n}"),
            description: Some(format!("Generated for the benchmarks: manage {domain}.")),
            tech_stack: None,
            milestones: None,
            custom_fields: None,
        },
    )
    .await?;
    for (r, need) in NEEDS.iter().enumerate().take(REQUIREMENTS_PER_PROJECT) {
        let text = format!("Requirement {}: {}", r + 1, need.replace("{d}", domain));
        delivery::submit_requirement(state, actor, project.project_id(), &text).await?;
    }
    Ok(REQUIREMENTS_PER_PROJECT)
}
