//! `jobs(filter, orderBy)`: the job board. Filters compose in SQL; `search` is full text
//! over the generated `jobs.search` column (title weighted over requirements over
//! description, GIN-indexed) and ranks with `ts_rank`. Pages are keyset pages in every
//! order, so a page never repeats or skips a job while others are added.

use async_graphql::{
    Context, Enum, ID, InputObject,
    connection::{Connection, CursorType, Edge},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sqlx::{PgExecutor, Postgres, QueryBuilder, prelude::FromRow};
use uuid::Uuid;

use super::{
    db::jobs::{COLUMNS, JobRow},
    job::{EmploymentType, ExperienceLevel, Job, JobStatus, RemoteType},
    organization::OrganizationId,
};
use crate::{
    error::AppError,
    graphql::{self, input::text, money::Money, node::NodeId, pagination, viewer::Viewer},
    skills::SkillId,
    state::AppState,
    users::UserId,
};

/// What to narrow the job board to; every given field must match.
#[derive(InputObject, Default)]
pub struct JobFilter {
    /// Jobs in this state (default `PUBLISHED`; drafts only of the viewer's organizations).
    pub status: Option<JobStatus>,
    /// On site, remote or hybrid.
    pub remote_type: Option<RemoteType>,
    /// The kind of contract.
    pub employment_type: Option<EmploymentType>,
    /// Seniority.
    pub experience_level: Option<ExperienceLevel>,
    /// Jobs asking for this skill (a `Skill` ID).
    pub skill: Option<ID>,
    /// Jobs whose salary reaches at least this amount (their maximum, or minimum when
    /// they give no maximum).
    pub salary_min: Option<Money>,
    /// One organization's jobs.
    pub organization_id: Option<ID>,
    /// Full-text search over title, requirements and description (web-search syntax:
    /// `rust -java "distributed systems"`).
    pub search: Option<String>,
}

/// The order of the job board.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum JobOrder {
    /// Most recently published first.
    #[default]
    Newest,
    /// Best full-text match first (needs `filter.search`), then newest.
    Relevance,
    /// Highest salary first; jobs without a salary last.
    Salary,
}

/// A position in the job board, in the order it was read with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum JobCursor {
    /// `NEWEST`: publication (or creation) time and id.
    Newest(DateTime<Utc>, Uuid),
    /// `RELEVANCE`: rank, time and id.
    Relevance(f64, DateTime<Utc>, Uuid),
    /// `SALARY`: salary (-1 when none) and id.
    Salary(Decimal, Uuid),
}

impl CursorType for JobCursor {
    type Error = AppError;

    fn decode_cursor(s: &str) -> Result<Self, Self::Error> {
        let invalid = || AppError::BadUserInput(format!("{s:?} is not a valid cursor"));
        let text = URL_SAFE_NO_PAD
            .decode(s)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(invalid)?;
        let parts: Vec<&str> = text.split(':').collect();
        let at = |micros: &str| {
            micros
                .parse()
                .ok()
                .and_then(DateTime::from_timestamp_micros)
        };
        let id = |raw: &str| Uuid::parse_str(raw).ok();
        let cursor = match parts.as_slice() {
            ["n", micros, uuid] => at(micros)
                .zip(id(uuid))
                .map(|(a, i)| JobCursor::Newest(a, i)),
            ["r", rank, micros, uuid] => rank
                .parse::<f64>()
                .ok()
                .filter(|r| r.is_finite())
                .zip(at(micros))
                .zip(id(uuid))
                .map(|((r, a), i)| JobCursor::Relevance(r, a, i)),
            ["s", amount, uuid] => amount
                .parse::<Decimal>()
                .ok()
                .zip(id(uuid))
                .map(|(m, i)| JobCursor::Salary(m, i)),
            _ => None,
        };
        cursor.ok_or_else(invalid)
    }

    fn encode_cursor(&self) -> String {
        URL_SAFE_NO_PAD.encode(match self {
            JobCursor::Newest(at, id) => format!("n:{}:{id}", at.timestamp_micros()),
            JobCursor::Relevance(rank, at, id) => {
                format!("r:{rank:?}:{}:{id}", at.timestamp_micros())
            }
            JobCursor::Salary(amount, id) => format!("s:{amount}:{id}"),
        })
    }
}

/// Who is reading the board: drafts show only to their organizations' members.
struct Reader {
    user: Option<UserId>,
    is_admin: bool,
}

/// One page of the job board as a connection, for the viewer of the request.
pub(super) async fn board(
    ctx: &Context<'_>,
    filter: JobFilter,
    order: JobOrder,
    first: Option<i32>,
    after: Option<String>,
) -> Result<Connection<JobCursor, Job>, AppError> {
    let state = graphql::data::<AppState>(ctx)?;
    let viewer = graphql::data::<Viewer>(ctx)?;
    let reader = Reader {
        user: viewer.user_id(),
        is_admin: viewer.is_admin(),
    };
    let limit = pagination::page_size(first)?;
    let mut page = self::page(
        &state.pg,
        &reader,
        filter,
        order,
        after.as_deref(),
        limit + 1,
    )
    .await?;
    let has_next = page.len() as i64 > limit;
    page.truncate(limit as usize);
    let mut connection = Connection::new(after.is_some(), has_next);
    connection.edges.extend(
        page.into_iter()
            .map(|listed| Edge::new(listed.cursor, listed.job)),
    );
    Ok(connection)
}

#[derive(FromRow)]
struct RankedJobRow {
    #[sqlx(flatten)]
    job: JobRow,
    sort_at: DateTime<Utc>,
    rank: f64,
    salary: Decimal,
}

/// A job with the cursor it was read at.
struct Listed {
    job: Job,
    cursor: JobCursor,
}

/// One page of the job board (`limit` rows after `after`).
#[tracing::instrument(skip_all)]
async fn page(
    db: impl PgExecutor<'_>,
    reader: &Reader,
    filter: JobFilter,
    order: JobOrder,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<Listed>, AppError> {
    let search = text("filter.search", filter.search, 500)?;
    if order == JobOrder::Relevance && search.is_none() {
        return Err(AppError::BadUserInput(
            "orderBy: RELEVANCE needs filter.search".to_owned(),
        ));
    }
    let after = after.map(JobCursor::decode_cursor).transpose()?;
    let mut sql = QueryBuilder::<Postgres>::new(format!("select {COLUMNS}, "));
    sql.push("coalesce(j.published_at, j.created_at) as sort_at, ");
    match &search {
        Some(q) => sql
            .push("ts_rank(j.search, websearch_to_tsquery('english', ")
            .push_bind(q.clone())
            .push("))::float8 as rank, "),
        None => sql.push("0::float8 as rank, "),
    };
    sql.push("coalesce(j.salary_max, j.salary_min, -1)::numeric(12, 2) as salary from jobs j where j.status = ")
        .push_bind(filter.status.unwrap_or(JobStatus::Published).as_str());
    if !reader.is_admin {
        sql.push(" and (j.status <> 'draft' or j.organization_id in (select organization_id from employer_members where user_id = ")
            .push_bind(reader.user.map(|u| u.0))
            .push("))");
    }
    if let Some(remote) = filter.remote_type {
        sql.push(" and j.remote_type = ").push_bind(remote.as_str());
    }
    if let Some(employment) = filter.employment_type {
        sql.push(" and j.employment_type = ")
            .push_bind(employment.as_str());
    }
    if let Some(level) = filter.experience_level {
        sql.push(" and j.experience_level = ")
            .push_bind(level.as_str());
    }
    if let Some(skill) = &filter.skill {
        sql.push(" and exists (select 1 from job_skills s where s.job_id = j.id and s.skill_id = ")
            .push_bind(SkillId::from_global(skill)?.0)
            .push(")");
    }
    if let Some(amount) = filter.salary_min {
        sql.push(" and coalesce(j.salary_max, j.salary_min) >= ")
            .push_bind(amount.0);
    }
    if let Some(organization) = &filter.organization_id {
        sql.push(" and j.organization_id = ")
            .push_bind(OrganizationId::from_global(organization)?.0);
    }
    if let Some(q) = &search {
        sql.push(" and j.search @@ websearch_to_tsquery('english', ")
            .push_bind(q.clone())
            .push(")");
    }
    let mismatch = || AppError::BadUserInput("after: the cursor is from another order".to_owned());
    let sort_at = "coalesce(j.published_at, j.created_at)";
    match (order, after) {
        (_, None) => {}
        (JobOrder::Newest, Some(JobCursor::Newest(at, id))) => {
            sql.push(format!(" and ({sort_at}, j.id) < ("))
                .push_bind(at)
                .push(", ")
                .push_bind(id)
                .push(")");
        }
        (JobOrder::Relevance, Some(JobCursor::Relevance(rank, at, id))) => {
            sql.push(" and (ts_rank(j.search, websearch_to_tsquery('english', ")
                .push_bind(search.clone())
                .push(format!("))::float8, {sort_at}, j.id) < ("))
                .push_bind(rank)
                .push(", ")
                .push_bind(at)
                .push(", ")
                .push_bind(id)
                .push(")");
        }
        (JobOrder::Salary, Some(JobCursor::Salary(amount, id))) => {
            sql.push(" and (coalesce(j.salary_max, j.salary_min, -1), j.id) < (")
                .push_bind(amount)
                .push(", ")
                .push_bind(id)
                .push(")");
        }
        _ => return Err(mismatch()),
    }
    sql.push(match order {
        JobOrder::Newest => " order by sort_at desc, j.id desc",
        JobOrder::Relevance => " order by rank desc, sort_at desc, j.id desc",
        JobOrder::Salary => " order by salary desc, j.id desc",
    });
    sql.push(" limit ").push_bind(limit);
    let rows: Vec<RankedJobRow> = sql.build_query_as().fetch_all(db).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let job = Job::from(row.job);
            let cursor = match order {
                JobOrder::Newest => JobCursor::Newest(row.sort_at, job.id.0),
                JobOrder::Relevance => JobCursor::Relevance(row.rank, row.sort_at, job.id.0),
                JobOrder::Salary => JobCursor::Salary(row.salary, job.id.0),
            };
            Listed { job, cursor }
        })
        .collect())
}

/// Published jobs matching `text` in full text, best `ts_rank` first: the lexical half
/// of `hybridSearch`.
#[tracing::instrument(skip_all)]
pub(crate) async fn full_text_ranking(
    db: impl PgExecutor<'_>,
    text: &str,
    limit: i64,
) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar(
        "select j.id from jobs j, websearch_to_tsquery('english', $1) q
         where j.status = 'published' and j.search @@ q
         order by ts_rank(j.search, q) desc, j.published_at desc, j.id desc limit $2",
    )
    .bind(text)
    .bind(limit)
    .fetch_all(db)
    .await
}
