//! SQL for a person's history: `experiences`, `projects` (portfolio) and `educations`.

use chrono::NaiveDate;
use sqlx::{PgExecutor, prelude::FromRow};
use uuid::Uuid;

use super::{
    input::Period,
    model::{
        Education, EducationId, Experience, ExperienceId, PortfolioProject, PortfolioProjectId,
    },
};
use crate::users::UserId;

/// The tables holding a person's history items, for the statements they share.
#[derive(Clone, Copy)]
pub(super) enum HistoryTable {
    Experiences,
    Projects,
    Educations,
}

impl HistoryTable {
    fn name(self) -> &'static str {
        match self {
            HistoryTable::Experiences => "experiences",
            HistoryTable::Projects => "projects",
            HistoryTable::Educations => "educations",
        }
    }
}

/// Who owns a history item; `None` when it does not exist. Locks the row until the
/// transaction ends, so it cannot vanish between the check and the change.
pub(super) async fn owner_of(
    db: impl PgExecutor<'_>,
    table: HistoryTable,
    id: Uuid,
) -> sqlx::Result<Option<UserId>> {
    sqlx::query_scalar::<_, Uuid>(&format!(
        "select user_id from {} where id = $1 for update",
        table.name()
    ))
    .bind(id)
    .fetch_optional(db)
    .await
    .map(|owner| owner.map(UserId))
}

pub(super) async fn delete_item(
    db: impl PgExecutor<'_>,
    table: HistoryTable,
    id: Uuid,
) -> sqlx::Result<bool> {
    sqlx::query(&format!("delete from {} where id = $1", table.name()))
        .bind(id)
        .execute(db)
        .await
        .map(|done| done.rows_affected() > 0)
}

/// A checked experience.
pub(crate) struct NewExperience {
    pub(crate) title: String,
    pub(crate) company: String,
    pub(crate) location: Option<String>,
    pub(crate) description: Option<String>,
    pub(super) period: Period,
}

#[derive(FromRow)]
struct ExperienceRow {
    id: Uuid,
    user_id: Uuid,
    title: String,
    company: String,
    location: Option<String>,
    description: Option<String>,
    start_date: NaiveDate,
    end_date: Option<NaiveDate>,
    is_current: bool,
}

impl From<ExperienceRow> for Experience {
    fn from(r: ExperienceRow) -> Self {
        Experience {
            id: ExperienceId(r.id),
            user_id: UserId(r.user_id),
            title: r.title,
            company: r.company,
            location: r.location,
            description: r.description,
            start_date: r.start_date,
            end_date: r.end_date,
            is_current: r.is_current,
        }
    }
}

const EXPERIENCE_COLUMNS: &str =
    "id, user_id, title, company, location, description, start_date, end_date, is_current";

/// Inserts (`id` new) or replaces (`id` existing) an experience.
#[tracing::instrument(skip_all)]
pub(crate) async fn insert_experience(
    db: impl PgExecutor<'_>,
    id: Uuid,
    user: UserId,
    e: &NewExperience,
) -> sqlx::Result<Experience> {
    sqlx::query_as::<_, ExperienceRow>(&format!(
        "insert into experiences (id, user_id, title, company, location, description, start_date, end_date, is_current)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         on conflict (id) do update set title = excluded.title, company = excluded.company,
             location = excluded.location, description = excluded.description, start_date = excluded.start_date,
             end_date = excluded.end_date, is_current = excluded.is_current
         returning {EXPERIENCE_COLUMNS}"
    ))
    .bind(id)
    .bind(user.0)
    .bind(&e.title)
    .bind(&e.company)
    .bind(&e.location)
    .bind(&e.description)
    .bind(e.period.start)
    .bind(e.period.end)
    .bind(e.period.is_current)
    .fetch_one(db)
    .await
    .map(Experience::from)
}

#[tracing::instrument(skip_all, fields(count = users.len()))]
pub(super) async fn experiences_of(
    db: impl PgExecutor<'_>,
    users: &[Uuid],
) -> sqlx::Result<Vec<Experience>> {
    sqlx::query_as::<_, ExperienceRow>(&format!(
        "select {EXPERIENCE_COLUMNS} from experiences where user_id = any($1) order by start_date desc, id"
    ))
    .bind(users)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(Experience::from).collect())
}

pub(super) async fn experience_by_id(
    db: impl PgExecutor<'_>,
    id: Uuid,
) -> sqlx::Result<Option<Experience>> {
    sqlx::query_as::<_, ExperienceRow>(&format!(
        "select {EXPERIENCE_COLUMNS} from experiences where id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await
    .map(|row| row.map(Experience::from))
}

/// A checked portfolio project.
pub(crate) struct NewPortfolioProject {
    pub(crate) title: String,
    pub(crate) description: Option<String>,
    pub(crate) url: Option<String>,
    pub(crate) technologies: Vec<String>,
    pub(super) period: Period,
}

#[derive(FromRow)]
struct ProjectRow {
    id: Uuid,
    user_id: Uuid,
    title: String,
    description: Option<String>,
    url: Option<String>,
    technologies: Vec<String>,
    start_date: Option<NaiveDate>,
    end_date: Option<NaiveDate>,
    is_current: bool,
}

impl From<ProjectRow> for PortfolioProject {
    fn from(r: ProjectRow) -> Self {
        PortfolioProject {
            id: PortfolioProjectId(r.id),
            user_id: UserId(r.user_id),
            title: r.title,
            description: r.description,
            url: r.url,
            technologies: r.technologies,
            start_date: r.start_date,
            end_date: r.end_date,
            is_current: r.is_current,
        }
    }
}

const PROJECT_COLUMNS: &str =
    "id, user_id, title, description, url, technologies, start_date, end_date, is_current";

/// Inserts (`id` new) or replaces (`id` existing) a portfolio project.
#[tracing::instrument(skip_all)]
pub(crate) async fn insert_portfolio_project(
    db: impl PgExecutor<'_>,
    id: Uuid,
    user: UserId,
    p: &NewPortfolioProject,
) -> sqlx::Result<PortfolioProject> {
    sqlx::query_as::<_, ProjectRow>(&format!(
        "insert into projects (id, user_id, title, description, url, technologies, start_date, end_date, is_current)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         on conflict (id) do update set title = excluded.title, description = excluded.description,
             url = excluded.url, technologies = excluded.technologies, start_date = excluded.start_date,
             end_date = excluded.end_date, is_current = excluded.is_current
         returning {PROJECT_COLUMNS}"
    ))
    .bind(id)
    .bind(user.0)
    .bind(&p.title)
    .bind(&p.description)
    .bind(&p.url)
    .bind(&p.technologies)
    .bind(p.period.start)
    .bind(p.period.end)
    .bind(p.period.is_current)
    .fetch_one(db)
    .await
    .map(PortfolioProject::from)
}

#[tracing::instrument(skip_all, fields(count = users.len()))]
pub(super) async fn portfolio_projects_of(
    db: impl PgExecutor<'_>,
    users: &[Uuid],
) -> sqlx::Result<Vec<PortfolioProject>> {
    sqlx::query_as::<_, ProjectRow>(&format!(
        "select {PROJECT_COLUMNS} from projects where user_id = any($1) order by start_date desc nulls last, id"
    ))
    .bind(users)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(PortfolioProject::from).collect())
}

pub(super) async fn portfolio_project_by_id(
    db: impl PgExecutor<'_>,
    id: Uuid,
) -> sqlx::Result<Option<PortfolioProject>> {
    sqlx::query_as::<_, ProjectRow>(&format!(
        "select {PROJECT_COLUMNS} from projects where id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await
    .map(|row| row.map(PortfolioProject::from))
}

/// A checked education.
pub(crate) struct NewEducation {
    pub(crate) institution: String,
    pub(crate) degree: Option<String>,
    pub(crate) field_of_study: Option<String>,
    pub(crate) grade: Option<String>,
    pub(crate) description: Option<String>,
    pub(super) period: Period,
}

#[derive(FromRow)]
struct EducationRow {
    id: Uuid,
    user_id: Uuid,
    institution: String,
    degree: Option<String>,
    field_of_study: Option<String>,
    grade: Option<String>,
    description: Option<String>,
    start_date: Option<NaiveDate>,
    end_date: Option<NaiveDate>,
    is_current: bool,
}

impl From<EducationRow> for Education {
    fn from(r: EducationRow) -> Self {
        Education {
            id: EducationId(r.id),
            user_id: UserId(r.user_id),
            institution: r.institution,
            degree: r.degree,
            field_of_study: r.field_of_study,
            grade: r.grade,
            description: r.description,
            start_date: r.start_date,
            end_date: r.end_date,
            is_current: r.is_current,
        }
    }
}

const EDUCATION_COLUMNS: &str = "id, user_id, institution, degree, field_of_study, grade, description, start_date, end_date, is_current";

/// Inserts (`id` new) or replaces (`id` existing) an education.
#[tracing::instrument(skip_all)]
pub(crate) async fn insert_education(
    db: impl PgExecutor<'_>,
    id: Uuid,
    user: UserId,
    e: &NewEducation,
) -> sqlx::Result<Education> {
    sqlx::query_as::<_, EducationRow>(&format!(
        "insert into educations (id, user_id, institution, degree, field_of_study, grade, description,
             start_date, end_date, is_current)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         on conflict (id) do update set institution = excluded.institution, degree = excluded.degree,
             field_of_study = excluded.field_of_study, grade = excluded.grade, description = excluded.description,
             start_date = excluded.start_date, end_date = excluded.end_date, is_current = excluded.is_current
         returning {EDUCATION_COLUMNS}"
    ))
    .bind(id)
    .bind(user.0)
    .bind(&e.institution)
    .bind(&e.degree)
    .bind(&e.field_of_study)
    .bind(&e.grade)
    .bind(&e.description)
    .bind(e.period.start)
    .bind(e.period.end)
    .bind(e.period.is_current)
    .fetch_one(db)
    .await
    .map(Education::from)
}

#[tracing::instrument(skip_all, fields(count = users.len()))]
pub(super) async fn educations_of(
    db: impl PgExecutor<'_>,
    users: &[Uuid],
) -> sqlx::Result<Vec<Education>> {
    sqlx::query_as::<_, EducationRow>(&format!(
        "select {EDUCATION_COLUMNS} from educations where user_id = any($1) order by start_date desc nulls last, id"
    ))
    .bind(users)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(Education::from).collect())
}

pub(super) async fn education_by_id(
    db: impl PgExecutor<'_>,
    id: Uuid,
) -> sqlx::Result<Option<Education>> {
    sqlx::query_as::<_, EducationRow>(&format!(
        "select {EDUCATION_COLUMNS} from educations where id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await
    .map(|row| row.map(Education::from))
}
