//! Jobs: drafted, published and closed by the organization's owners and admins.

use async_graphql::{Context, ID, Object};
use chrono::Utc;

use crate::{
    error::AppError,
    events::{Event, EventKind, Topic},
    graphql::{self, node::NodeId},
    hiring::{
        access::{self, Actor, Needs},
        db,
        input::JobInput,
        job::{Job, JobId, JobStatus},
        organization::OrganizationId,
    },
    state::AppState,
};

/// Drafts a job for an organization, with its skills.
pub(crate) async fn create_job(
    state: &AppState,
    actor: Actor,
    organization: OrganizationId,
    input: JobInput,
) -> Result<Job, AppError> {
    let fields = input.parse()?;
    let mut tx = state.pg.begin().await?;
    if db::organizations::by_ids(&mut *tx, &[organization.0])
        .await?
        .is_empty()
    {
        return Err(AppError::NotFound("no organization has this id".to_owned()));
    }
    access::require(&mut tx, actor, organization, Needs::Manager).await?;
    let job = db::jobs::insert(&mut *tx, organization, actor.user, &fields).await?;
    db::jobs::replace_skills(&mut tx, job.id, &fields.skills).await?;
    tx.commit().await?;
    Ok(job)
}

/// Publishes or closes a job. Publishing past the deadline is refused; the database
/// refuses moves the life cycle does not allow (`CONFLICT`). A published job is
/// announced on the job board (`jobPosted`).
pub(crate) async fn set_job_status(
    state: &AppState,
    actor: Actor,
    id: JobId,
    status: JobStatus,
) -> Result<Job, AppError> {
    let mut tx = state.pg.begin().await?;
    let job = managed_job(&mut tx, actor, id).await?;
    if job.status == status {
        return Err(AppError::Conflict(format!(
            "the job is already {}",
            status.as_str()
        )));
    }
    if status == JobStatus::Published
        && job
            .application_deadline
            .is_some_and(|deadline| deadline < Utc::now().date_naive())
    {
        return Err(AppError::BadUserInput(
            "applicationDeadline: has passed; move it before publishing".to_owned(),
        ));
    }
    let job = db::jobs::set_status(&mut *tx, id, status).await?;
    tx.commit().await?;
    if status == JobStatus::Published {
        state
            .events
            .publish(Topic::JobBoard, Event::new(EventKind::Job, id.0));
    }
    Ok(job)
}

/// The job, locked, if the actor manages its organization.
async fn managed_job(
    tx: &mut sqlx::PgConnection,
    actor: Actor,
    id: JobId,
) -> Result<Job, AppError> {
    let job = db::jobs::for_update(&mut *tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound("no job has this id".to_owned()))?;
    access::require(tx, actor, job.organization, Needs::Manager).await?;
    Ok(job)
}

/// Job mutations.
#[derive(Default)]
pub struct JobMutation;

#[Object]
impl JobMutation {
    /// Drafts a job. Owners and admins of the organization.
    async fn create_job(
        &self,
        ctx: &Context<'_>,
        organization_id: ID,
        input: JobInput,
    ) -> Result<Job, AppError> {
        let organization = OrganizationId::from_global(&organization_id)?;
        create_job(
            graphql::data::<AppState>(ctx)?,
            Actor::of(ctx)?,
            organization,
            input,
        )
        .await
    }

    /// Replaces a draft or published job's details and skills. A closed job is final.
    async fn update_job(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: JobInput,
    ) -> Result<Job, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let id = JobId::from_global(&id)?;
        let fields = input.parse()?;
        let mut tx = state.pg.begin().await?;
        let job = managed_job(&mut tx, Actor::of(ctx)?, id).await?;
        if job.status == JobStatus::Closed {
            return Err(AppError::Conflict("a closed job cannot change".to_owned()));
        }
        let updated = db::jobs::update(&mut *tx, id, &fields).await?;
        db::jobs::replace_skills(&mut tx, id, &fields.skills).await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Publishes a draft: it appears on the job board and takes applications.
    async fn publish_job(&self, ctx: &Context<'_>, id: ID) -> Result<Job, AppError> {
        let id = JobId::from_global(&id)?;
        set_job_status(
            graphql::data::<AppState>(ctx)?,
            Actor::of(ctx)?,
            id,
            JobStatus::Published,
        )
        .await
    }

    /// Closes a published job: it takes no more applications.
    async fn close_job(&self, ctx: &Context<'_>, id: ID) -> Result<Job, AppError> {
        let id = JobId::from_global(&id)?;
        set_job_status(
            graphql::data::<AppState>(ctx)?,
            Actor::of(ctx)?,
            id,
            JobStatus::Closed,
        )
        .await
    }
}
