//! SQL for `job_applications`. Rows come with their job's organization, which decides
//! who may see them.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, prelude::FromRow};
use uuid::Uuid;

use super::refused;
use crate::{
    error::AppError,
    graphql::pagination::KeysetCursor,
    hiring::{
        application::{ApplicationId, ApplicationStatus, JobApplication},
        input::ApplicationFields,
        job::JobId,
        organization::OrganizationId,
    },
    users::UserId,
};

#[derive(FromRow)]
struct ApplicationRow {
    id: Uuid,
    job_id: Uuid,
    organization_id: Uuid,
    applicant_id: Uuid,
    cover_letter: Option<String>,
    resume_url: Option<String>,
    twin_enabled: bool,
    status: String,
    match_score: Option<i32>,
    applied_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<ApplicationRow> for JobApplication {
    fn from(r: ApplicationRow) -> Self {
        JobApplication {
            id: ApplicationId(r.id),
            job: JobId(r.job_id),
            organization: OrganizationId(r.organization_id),
            applicant: UserId(r.applicant_id),
            cover_letter: r.cover_letter,
            resume_url: r.resume_url,
            twin_enabled: r.twin_enabled,
            status: ApplicationStatus::parse(&r.status).unwrap_or(ApplicationStatus::Rejected),
            match_score: r.match_score,
            applied_at: r.applied_at,
            updated_at: r.updated_at,
        }
    }
}

/// The columns of an application row (`a`) with its job's organization (`j`).
const COLUMNS: &str =
    "a.id, a.job_id, j.organization_id, a.applicant_id, a.cover_letter, a.resume_url,
    a.twin_enabled, a.status, a.match_score, a.applied_at, a.updated_at";

/// Records an application. A second one by the same person, or one to a job that is not
/// open, is `CONFLICT` (the database decides, so racing requests cannot slip through).
#[tracing::instrument(skip_all)]
pub(crate) async fn insert(
    db: impl PgExecutor<'_>,
    job: JobId,
    applicant: UserId,
    fields: &ApplicationFields,
    match_score: Option<i32>,
) -> Result<JobApplication, AppError> {
    sqlx::query_as::<_, ApplicationRow>(&format!(
        "with a as (
            insert into job_applications (id, job_id, applicant_id, cover_letter, resume_url, twin_enabled, match_score)
            values ($1, $2, $3, $4, $5, $6, $7) returning *)
         select {COLUMNS} from a join jobs j on j.id = a.job_id"
    ))
    .bind(Uuid::now_v7())
    .bind(job.0)
    .bind(applicant.0)
    .bind(&fields.cover_letter)
    .bind(&fields.resume_url)
    .bind(fields.twin_enabled)
    .bind(match_score)
    .fetch_one(db)
    .await
    .map(JobApplication::from)
    .map_err(refused)
}

/// An application, locked until the transaction ends.
pub(crate) async fn for_update(
    db: impl PgExecutor<'_>,
    id: ApplicationId,
) -> sqlx::Result<Option<JobApplication>> {
    sqlx::query_as::<_, ApplicationRow>(&format!(
        "select {COLUMNS} from job_applications a join jobs j on j.id = a.job_id
         where a.id = $1 for update of a"
    ))
    .bind(id.0)
    .fetch_optional(db)
    .await
    .map(|row| row.map(JobApplication::from))
}

/// Moves an application; the transition trigger refuses moves the life cycle forbids.
#[tracing::instrument(skip_all)]
pub(crate) async fn set_status(
    db: impl PgExecutor<'_>,
    id: ApplicationId,
    status: ApplicationStatus,
) -> Result<JobApplication, AppError> {
    sqlx::query_as::<_, ApplicationRow>(&format!(
        "with a as (update job_applications set status = $2 where id = $1 returning *)
         select {COLUMNS} from a join jobs j on j.id = a.job_id"
    ))
    .bind(id.0)
    .bind(status.as_str())
    .fetch_one(db)
    .await
    .map(JobApplication::from)
    .map_err(refused)
}

/// Applications by id, in one statement.
#[tracing::instrument(skip_all, fields(count = ids.len()))]
pub(crate) async fn by_ids(
    db: impl PgExecutor<'_>,
    ids: &[Uuid],
) -> sqlx::Result<Vec<JobApplication>> {
    sqlx::query_as::<_, ApplicationRow>(&format!(
        "select {COLUMNS} from job_applications a join jobs j on j.id = a.job_id where a.id = any($1)"
    ))
    .bind(ids)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(JobApplication::from).collect())
}

/// The first `limit` applications (newest first, after `after`) of each of many jobs,
/// in one statement.
#[tracing::instrument(skip_all, fields(count = jobs.len()))]
pub(crate) async fn pages_of_jobs(
    db: impl PgExecutor<'_>,
    jobs: &[Uuid],
    status: Option<ApplicationStatus>,
    after: Option<KeysetCursor>,
    limit: i64,
) -> sqlx::Result<Vec<JobApplication>> {
    sqlx::query_as::<_, ApplicationRow>(&format!(
        "select {COLUMNS} from (
            select a.*, row_number() over (partition by a.job_id order by a.applied_at desc, a.id desc) as n
            from job_applications a
            where a.job_id = any($1) and ($2::text is null or a.status = $2)
              and ($3::timestamptz is null or (a.applied_at, a.id) < ($3, $4))
         ) a join jobs j on j.id = a.job_id
         where a.n <= $5 order by a.job_id, a.n"
    ))
    .bind(jobs)
    .bind(status.map(ApplicationStatus::as_str))
    .bind(after.map(|c| c.at))
    .bind(after.map(|c| c.id))
    .bind(limit)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(JobApplication::from).collect())
}

/// The applications of (job, applicant) pairs, in one statement.
#[tracing::instrument(skip_all, fields(count = pairs.len()))]
pub(crate) async fn of_applicants(
    db: impl PgExecutor<'_>,
    pairs: &[(JobId, UserId)],
) -> sqlx::Result<Vec<JobApplication>> {
    let jobs: Vec<Uuid> = pairs.iter().map(|(j, _)| j.0).collect();
    let users: Vec<Uuid> = pairs.iter().map(|(_, u)| u.0).collect();
    sqlx::query_as::<_, ApplicationRow>(&format!(
        "select {COLUMNS} from job_applications a join jobs j on j.id = a.job_id
         where (a.job_id, a.applicant_id) in (select * from unnest($1::uuid[], $2::uuid[]))"
    ))
    .bind(jobs)
    .bind(users)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(JobApplication::from).collect())
}

/// A page of one applicant's applications, newest first.
#[tracing::instrument(skip_all)]
pub(crate) async fn page_of_applicant(
    db: impl PgExecutor<'_>,
    applicant: UserId,
    status: Option<ApplicationStatus>,
    after: Option<KeysetCursor>,
    limit: i64,
) -> sqlx::Result<Vec<JobApplication>> {
    sqlx::query_as::<_, ApplicationRow>(&format!(
        "select {COLUMNS} from job_applications a join jobs j on j.id = a.job_id
         where a.applicant_id = $1 and ($2::text is null or a.status = $2)
           and ($3::timestamptz is null or (a.applied_at, a.id) < ($3, $4))
         order by a.applied_at desc, a.id desc limit $5"
    ))
    .bind(applicant.0)
    .bind(status.map(ApplicationStatus::as_str))
    .bind(after.map(|c| c.at))
    .bind(after.map(|c| c.id))
    .bind(limit)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(JobApplication::from).collect())
}
