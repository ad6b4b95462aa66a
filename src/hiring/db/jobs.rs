//! SQL for `jobs` and `job_skills`. The full-text listing is in `hiring::search`.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::{PgExecutor, prelude::FromRow};
use uuid::Uuid;

use super::refused;
use crate::{
    error::AppError,
    hiring::{
        input::{JobFields, JobSkillFields},
        job::{EmploymentType, ExperienceLevel, Job, JobId, JobSkill, JobStatus, RemoteType},
        organization::OrganizationId,
    },
    skills::SkillId,
    users::UserId,
};

#[derive(FromRow)]
pub(crate) struct JobRow {
    id: Uuid,
    organization_id: Uuid,
    created_by: Uuid,
    title: String,
    description: String,
    requirements: Option<String>,
    responsibilities: Option<String>,
    location: Option<String>,
    remote_type: String,
    employment_type: String,
    experience_level: String,
    salary_min: Option<Decimal>,
    salary_max: Option<Decimal>,
    salary_currency: Option<String>,
    application_deadline: Option<NaiveDate>,
    status: String,
    published_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<JobRow> for Job {
    fn from(r: JobRow) -> Self {
        Job {
            id: JobId(r.id),
            organization: OrganizationId(r.organization_id),
            created_by: UserId(r.created_by),
            title: r.title,
            description: r.description,
            requirements: r.requirements,
            responsibilities: r.responsibilities,
            location: r.location,
            remote_type: RemoteType::parse(&r.remote_type).unwrap_or(RemoteType::OnSite),
            employment_type: EmploymentType::parse(&r.employment_type)
                .unwrap_or(EmploymentType::FullTime),
            experience_level: ExperienceLevel::parse(&r.experience_level)
                .unwrap_or(ExperienceLevel::Mid),
            salary_min: r.salary_min,
            salary_max: r.salary_max,
            salary_currency: r.salary_currency,
            application_deadline: r.application_deadline,
            status: JobStatus::parse(&r.status).unwrap_or(JobStatus::Closed),
            published_at: r.published_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// The columns of a job row, qualified by the alias `j`.
pub(crate) const COLUMNS: &str = "j.id, j.organization_id, j.created_by, j.title, j.description, j.requirements,
    j.responsibilities, j.location, j.remote_type, j.employment_type, j.experience_level, j.salary_min,
    j.salary_max, j.salary_currency, j.application_deadline, j.status, j.published_at, j.created_at, j.updated_at";

/// Creates a draft job.
#[tracing::instrument(skip_all)]
pub(crate) async fn insert(
    db: impl PgExecutor<'_>,
    organization: OrganizationId,
    author: UserId,
    fields: &JobFields,
) -> Result<Job, AppError> {
    sqlx::query_as::<_, JobRow>(&format!(
        "insert into jobs as j (id, organization_id, created_by, title, description, requirements,
            responsibilities, location, remote_type, employment_type, experience_level, salary_min,
            salary_max, salary_currency, application_deadline)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) returning {COLUMNS}"
    ))
    .bind(Uuid::now_v7())
    .bind(organization.0)
    .bind(author.0)
    .bind(&fields.title)
    .bind(&fields.description)
    .bind(&fields.requirements)
    .bind(&fields.responsibilities)
    .bind(&fields.location)
    .bind(fields.remote_type.as_str())
    .bind(fields.employment_type.as_str())
    .bind(fields.experience_level.as_str())
    .bind(fields.salary_min)
    .bind(fields.salary_max)
    .bind(&fields.salary_currency)
    .bind(fields.application_deadline)
    .fetch_one(db)
    .await
    .map(Job::from)
    .map_err(refused)
}

/// Replaces a job's details.
#[tracing::instrument(skip_all)]
pub(crate) async fn update(
    db: impl PgExecutor<'_>,
    id: JobId,
    fields: &JobFields,
) -> Result<Job, AppError> {
    sqlx::query_as::<_, JobRow>(&format!(
        "update jobs as j set title = $2, description = $3, requirements = $4, responsibilities = $5,
            location = $6, remote_type = $7, employment_type = $8, experience_level = $9,
            salary_min = $10, salary_max = $11, salary_currency = $12, application_deadline = $13
         where id = $1 returning {COLUMNS}"
    ))
    .bind(id.0)
    .bind(&fields.title)
    .bind(&fields.description)
    .bind(&fields.requirements)
    .bind(&fields.responsibilities)
    .bind(&fields.location)
    .bind(fields.remote_type.as_str())
    .bind(fields.employment_type.as_str())
    .bind(fields.experience_level.as_str())
    .bind(fields.salary_min)
    .bind(fields.salary_max)
    .bind(&fields.salary_currency)
    .bind(fields.application_deadline)
    .fetch_one(db)
    .await
    .map(Job::from)
    .map_err(refused)
}

/// Moves a job to `status` (publishing stamps `published_at`); the transition trigger
/// refuses moves the life cycle does not allow.
#[tracing::instrument(skip_all)]
pub(crate) async fn set_status(
    db: impl PgExecutor<'_>,
    id: JobId,
    status: JobStatus,
) -> Result<Job, AppError> {
    sqlx::query_as::<_, JobRow>(&format!(
        "update jobs as j set status = $2,
            published_at = case when $2 = 'published' and j.status = 'draft' then now() else j.published_at end
         where id = $1 returning {COLUMNS}"
    ))
    .bind(id.0)
    .bind(status.as_str())
    .fetch_one(db)
    .await
    .map(Job::from)
    .map_err(refused)
}

/// A job, locked until the transaction ends.
pub(crate) async fn for_update(db: impl PgExecutor<'_>, id: JobId) -> sqlx::Result<Option<Job>> {
    sqlx::query_as::<_, JobRow>(&format!(
        "select {COLUMNS} from jobs j where id = $1 for update"
    ))
    .bind(id.0)
    .fetch_optional(db)
    .await
    .map(|row| row.map(Job::from))
}

/// Jobs by id, in one statement.
#[tracing::instrument(skip_all, fields(count = ids.len()))]
pub(crate) async fn by_ids(db: impl PgExecutor<'_>, ids: &[Uuid]) -> sqlx::Result<Vec<Job>> {
    sqlx::query_as::<_, JobRow>(&format!("select {COLUMNS} from jobs j where id = any($1)"))
        .bind(ids)
        .fetch_all(db)
        .await
        .map(|rows| rows.into_iter().map(Job::from).collect())
}

/// Replaces the skills a job asks for.
#[tracing::instrument(skip_all, fields(count = skills.len()))]
pub(crate) async fn replace_skills(
    db: &mut sqlx::PgConnection,
    job: JobId,
    skills: &[JobSkillFields],
) -> Result<(), AppError> {
    sqlx::query("delete from job_skills where job_id = $1")
        .bind(job.0)
        .execute(&mut *db)
        .await?;
    let ids: Vec<Uuid> = skills.iter().map(|s| s.skill.0).collect();
    let required: Vec<bool> = skills.iter().map(|s| s.is_required).collect();
    let importance: Vec<Option<i16>> = skills.iter().map(|s| s.importance).collect();
    sqlx::query(
        "insert into job_skills (job_id, skill_id, is_required, importance)
         select $1, * from unnest($2::uuid[], $3::bool[], $4::int2[])",
    )
    .bind(job.0)
    .bind(ids)
    .bind(required)
    .bind(importance)
    .execute(&mut *db)
    .await
    .map(drop)
    .map_err(refused)
}

#[derive(FromRow)]
struct JobSkillRow {
    job_id: Uuid,
    skill_id: Uuid,
    is_required: bool,
    importance: Option<i16>,
}

/// The skills of many jobs, required and most important first, in one statement.
#[tracing::instrument(skip_all, fields(count = jobs.len()))]
pub(crate) async fn skills_of(
    db: impl PgExecutor<'_>,
    jobs: &[Uuid],
) -> sqlx::Result<Vec<JobSkill>> {
    sqlx::query_as::<_, JobSkillRow>(
        "select job_id, skill_id, is_required, importance from job_skills where job_id = any($1)
         order by is_required desc, importance desc nulls last, created_at, skill_id",
    )
    .bind(jobs)
    .fetch_all(db)
    .await
    .map(|rows| {
        rows.into_iter()
            .map(|r| JobSkill {
                job: JobId(r.job_id),
                skill: SkillId(r.skill_id),
                is_required: r.is_required,
                importance: r.importance.map(i32::from),
            })
            .collect()
    })
}
