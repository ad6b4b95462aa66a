//! SQL for `interviews`. Rows come with their job's organization, which decides who
//! sees feedback.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, prelude::FromRow};
use uuid::Uuid;

use super::refused;
use crate::{
    error::AppError,
    hiring::{
        application::ApplicationId,
        input::InterviewFields,
        interview::{Interview, InterviewId, InterviewStatus, InterviewType},
        organization::OrganizationId,
    },
    users::UserId,
};

#[derive(FromRow)]
struct InterviewRow {
    id: Uuid,
    application_id: Uuid,
    organization_id: Uuid,
    interviewer_id: Option<Uuid>,
    title: String,
    description: Option<String>,
    interview_type: String,
    location: Option<String>,
    is_virtual: bool,
    meeting_link: Option<String>,
    scheduled_at: DateTime<Utc>,
    duration_minutes: i32,
    status: String,
    feedback: Option<String>,
    rating: Option<i16>,
    created_at: DateTime<Utc>,
}

impl From<InterviewRow> for Interview {
    fn from(r: InterviewRow) -> Self {
        Interview {
            id: InterviewId(r.id),
            application: ApplicationId(r.application_id),
            organization: OrganizationId(r.organization_id),
            interviewer: r.interviewer_id.map(UserId),
            title: r.title,
            description: r.description,
            interview_type: InterviewType::parse(&r.interview_type)
                .unwrap_or(InterviewType::Screening),
            location: r.location,
            is_virtual: r.is_virtual,
            meeting_link: r.meeting_link,
            scheduled_at: r.scheduled_at,
            duration_minutes: r.duration_minutes,
            status: InterviewStatus::parse(&r.status).unwrap_or(InterviewStatus::Canceled),
            feedback: r.feedback,
            rating: r.rating.map(i32::from),
            created_at: r.created_at,
        }
    }
}

/// The columns of an interview (`i`) with its job's organization (`j`); queries join
/// `job_applications a` and `jobs j`.
const COLUMNS: &str =
    "i.id, i.application_id, j.organization_id, i.interviewer_id, i.title, i.description,
    i.interview_type, i.location, i.is_virtual, i.meeting_link, i.scheduled_at, i.duration_minutes,
    i.status, i.feedback, i.rating, i.created_at";

const JOINS: &str =
    "join job_applications a on a.id = i.application_id join jobs j on j.id = a.job_id";

/// Plans an interview.
#[tracing::instrument(skip_all)]
pub(crate) async fn insert(
    db: impl PgExecutor<'_>,
    application: ApplicationId,
    fields: &InterviewFields,
) -> Result<Interview, AppError> {
    sqlx::query_as::<_, InterviewRow>(&format!(
        "with i as (
            insert into interviews (id, application_id, interviewer_id, title, description, interview_type,
                location, is_virtual, meeting_link, scheduled_at, duration_minutes)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning *)
         select {COLUMNS} from i {JOINS}"
    ))
    .bind(Uuid::now_v7())
    .bind(application.0)
    .bind(fields.interviewer.map(|u| u.0))
    .bind(&fields.title)
    .bind(&fields.description)
    .bind(fields.interview_type.as_str())
    .bind(&fields.location)
    .bind(fields.is_virtual)
    .bind(&fields.meeting_link)
    .bind(fields.scheduled_at)
    .bind(fields.duration_minutes)
    .fetch_one(db)
    .await
    .map(Interview::from)
    .map_err(refused)
}

/// An interview, locked until the transaction ends.
pub(crate) async fn for_update(
    db: impl PgExecutor<'_>,
    id: InterviewId,
) -> sqlx::Result<Option<Interview>> {
    sqlx::query_as::<_, InterviewRow>(&format!(
        "select {COLUMNS} from interviews i {JOINS} where i.id = $1 for update of i"
    ))
    .bind(id.0)
    .fetch_optional(db)
    .await
    .map(|row| row.map(Interview::from))
}

/// What a change to an interview sets.
pub(crate) enum InterviewChange {
    /// A new time (status `rescheduled`).
    Reschedule {
        /// When it starts.
        at: DateTime<Utc>,
        /// How long it lasts.
        minutes: i32,
    },
    /// Called off.
    Cancel,
    /// Held, with the interviewers' notes.
    Complete {
        /// Notes.
        feedback: Option<String>,
        /// 1 to 5.
        rating: Option<i16>,
    },
}

/// Changes an interview; the transition trigger refuses changes to finished ones.
#[tracing::instrument(skip_all)]
pub(crate) async fn change(
    db: impl PgExecutor<'_>,
    id: InterviewId,
    change: &InterviewChange,
) -> Result<Interview, AppError> {
    let (status, at, minutes, feedback, rating) = match change {
        InterviewChange::Reschedule { at, minutes } => (
            InterviewStatus::Rescheduled,
            Some(*at),
            Some(*minutes),
            None,
            None,
        ),
        InterviewChange::Cancel => (InterviewStatus::Canceled, None, None, None, None),
        InterviewChange::Complete { feedback, rating } => (
            InterviewStatus::Completed,
            None,
            None,
            feedback.clone(),
            *rating,
        ),
    };
    sqlx::query_as::<_, InterviewRow>(&format!(
        "with i as (
            update interviews set status = $2, scheduled_at = coalesce($3, scheduled_at),
                duration_minutes = coalesce($4, duration_minutes), feedback = $5, rating = $6
            where id = $1 returning *)
         select {COLUMNS} from i {JOINS}"
    ))
    .bind(id.0)
    .bind(status.as_str())
    .bind(at)
    .bind(minutes)
    .bind(feedback)
    .bind(rating)
    .fetch_one(db)
    .await
    .map(Interview::from)
    .map_err(refused)
}

/// The interviews of many applications, earliest first, in one statement.
#[tracing::instrument(skip_all, fields(count = applications.len()))]
pub(crate) async fn of_applications(
    db: impl PgExecutor<'_>,
    applications: &[Uuid],
) -> sqlx::Result<Vec<Interview>> {
    sqlx::query_as::<_, InterviewRow>(&format!(
        "select {COLUMNS} from interviews i {JOINS} where i.application_id = any($1)
         order by i.scheduled_at, i.id"
    ))
    .bind(applications)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(Interview::from).collect())
}

/// The application an interview belongs to.
pub(crate) async fn application_of(
    db: impl PgExecutor<'_>,
    id: InterviewId,
) -> sqlx::Result<Option<ApplicationId>> {
    sqlx::query_scalar("select application_id from interviews where id = $1")
        .bind(id.0)
        .fetch_optional(db)
        .await
        .map(|id: Option<Uuid>| id.map(ApplicationId))
}
