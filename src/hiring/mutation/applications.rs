//! Applications: made, withdrawn and accepted by the applicant; moved through review by
//! the organization's members.

use async_graphql::{Context, ID, Object};
use sqlx::PgConnection;

use super::{Notice, tell};
use crate::{
    error::AppError,
    events::{Event, EventKind, Pending, Topic},
    graphql::{self, node::NodeId},
    hiring::{
        access::{self, Actor, Needs},
        application::{ApplicationId, ApplicationStatus, JobApplication},
        db,
        input::ApplicationInput,
        job::{Job, JobId, JobStatus},
    },
    state::AppState,
    users::{self, UserId},
    vectors,
};

/// The `applicationUpdated` events of a change to `application`, on its job's topic
/// and its own.
fn updated(application: &JobApplication) -> Pending {
    let event = Event::new(EventKind::Application, application.id.0);
    let mut events = Pending::new();
    events.push(Topic::JobApplications(application.job.0), event);
    events.push(Topic::Application(application.id.0), event);
    events
}

/// Whether an application gets its match score (embedding both texts takes a moment).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scoring {
    /// Score it now (`applyToJob`).
    AtApply,
    /// Leave it unscored (bulk demo data, where hundreds of embeddings would dominate).
    Skip,
}

fn no_application() -> AppError {
    AppError::NotFound("no application has this id".to_owned())
}

async fn job(tx: &mut PgConnection, id: JobId) -> Result<Job, AppError> {
    db::jobs::by_ids(&mut *tx, &[id.0])
        .await?
        .pop()
        .ok_or_else(|| AppError::NotFound("no job has this id".to_owned()))
}

/// Who hears about an application on the organization's side: its owners and admins
/// and whoever wrote the job.
async fn recruiters(tx: &mut PgConnection, job: &Job) -> Result<Vec<UserId>, AppError> {
    let mut people = db::organizations::managers_of(&mut *tx, job.organization).await?;
    people.push(job.created_by);
    Ok(people)
}

/// Applies to a published job on the actor's behalf; the organization hears of it.
pub(crate) async fn apply(
    state: &AppState,
    actor: Actor,
    job_id: JobId,
    input: ApplicationInput,
    scoring: Scoring,
) -> Result<JobApplication, AppError> {
    let fields = input.parse()?;
    let applicant = users::find_user(state, actor.user).await?;
    // Embedding takes a moment: before the transaction, from the texts as they are now.
    // A failure leaves the score empty; it never fails the application.
    let match_score = match scoring {
        Scoring::AtApply => vectors::match_score(state, job_id.0, actor.user.0)
            .await
            .unwrap_or_else(|error| {
                tracing::warn!(%error, "match score not computed");
                None
            }),
        Scoring::Skip => None,
    };
    let mut tx = state.pg.begin().await?;
    let job = job(&mut tx, job_id).await?;
    let role = db::organizations::member_role(&mut *tx, job.organization, actor.user).await?;
    if job.status == JobStatus::Draft && role.is_none() {
        return Err(AppError::NotFound("no job has this id".to_owned()));
    }
    if role.is_some() {
        return Err(AppError::Forbidden(
            "members of an organization do not apply to its jobs".to_owned(),
        ));
    }
    let application =
        db::applications::insert(&mut *tx, job.id, actor.user, &fields, match_score).await?;
    let recipients = recruiters(&mut tx, &job).await?;
    let content = format!("{} applied to {}.", applicant.username, job.title);
    let url = format!("/applications/{}", application.id.to_global().as_str());
    let mut events = tell(
        &mut tx,
        actor.user,
        recipients,
        Notice {
            kind: "application_received",
            title: &format!("New application: {}", job.title),
            content: &content,
            action_url: Some(&url),
        },
    )
    .await?;
    tx.commit().await?;
    events.extend(updated(&application));
    events.publish(&state.events);
    Ok(application)
}

/// Moves an application through review (the organization's members): reviewing,
/// interviewed, offered or rejected. The applicant hears of it.
pub(crate) async fn move_application(
    state: &AppState,
    actor: Actor,
    id: ApplicationId,
    status: ApplicationStatus,
) -> Result<JobApplication, AppError> {
    if matches!(
        status,
        ApplicationStatus::Accepted | ApplicationStatus::Withdrawn | ApplicationStatus::Applied
    ) {
        return Err(AppError::Forbidden(
            "only the applicant accepts an offer or withdraws; use acceptOffer or withdrawApplication"
                .to_owned(),
        ));
    }
    let mut tx = state.pg.begin().await?;
    let application = db::applications::for_update(&mut *tx, id)
        .await?
        .ok_or_else(no_application)?;
    access::require(&mut tx, actor, application.organization, Needs::Member).await?;
    let moved = db::applications::set_status(&mut *tx, id, status).await?;
    let job = job(&mut tx, moved.job).await?;
    let content = format!(
        "Your application to {} is now {}.",
        job.title,
        status.as_str()
    );
    let url = format!("/applications/{}", moved.id.to_global().as_str());
    let mut events = tell(
        &mut tx,
        actor.user,
        [moved.applicant],
        Notice {
            kind: "application_status_changed",
            title: &format!("Application update: {}", job.title),
            content: &content,
            action_url: Some(&url),
        },
    )
    .await?;
    tx.commit().await?;
    events.extend(updated(&moved));
    events.publish(&state.events);
    Ok(moved)
}

/// The applicant's own moves: withdrawing, or accepting an offer. The organization
/// hears of it.
async fn applicant_moves(
    state: &AppState,
    actor: Actor,
    id: ApplicationId,
    status: ApplicationStatus,
) -> Result<JobApplication, AppError> {
    let mut tx = state.pg.begin().await?;
    let application = db::applications::for_update(&mut *tx, id)
        .await?
        .ok_or_else(no_application)?;
    if application.applicant != actor.user {
        return Err(AppError::Forbidden(
            "only the applicant may do this".to_owned(),
        ));
    }
    let moved = db::applications::set_status(&mut *tx, id, status).await?;
    let job = job(&mut tx, moved.job).await?;
    let applicant = users::find_user(state, actor.user).await?;
    let (kind, verb) = match status {
        ApplicationStatus::Accepted => ("offer_accepted", "accepted the offer for"),
        _ => ("application_withdrawn", "withdrew their application to"),
    };
    let content = format!("{} {verb} {}.", applicant.username, job.title);
    let url = format!("/applications/{}", moved.id.to_global().as_str());
    let recipients = recruiters(&mut tx, &job).await?;
    let mut events = tell(
        &mut tx,
        actor.user,
        recipients,
        Notice {
            kind,
            title: &content,
            content: &content,
            action_url: Some(&url),
        },
    )
    .await?;
    tx.commit().await?;
    events.extend(updated(&moved));
    events.publish(&state.events);
    Ok(moved)
}

/// Accepts an offer (the applicant).
pub(crate) async fn accept_offer(
    state: &AppState,
    actor: Actor,
    id: ApplicationId,
) -> Result<JobApplication, AppError> {
    applicant_moves(state, actor, id, ApplicationStatus::Accepted).await
}

/// Withdraws an open application (the applicant).
pub(crate) async fn withdraw(
    state: &AppState,
    actor: Actor,
    id: ApplicationId,
) -> Result<JobApplication, AppError> {
    applicant_moves(state, actor, id, ApplicationStatus::Withdrawn).await
}

/// Application mutations.
#[derive(Default)]
pub struct ApplicationMutation;

#[Object]
impl ApplicationMutation {
    /// Applies to a published job whose deadline has not passed; once per job.
    async fn apply_to_job(
        &self,
        ctx: &Context<'_>,
        job_id: ID,
        #[graphql(default)] input: ApplicationInput,
    ) -> Result<JobApplication, AppError> {
        let job = JobId::from_global(&job_id)?;
        apply(
            graphql::data::<AppState>(ctx)?,
            Actor::of(ctx)?,
            job,
            input,
            Scoring::AtApply,
        )
        .await
    }

    /// Moves an application on (members of the job's organization): REVIEWING,
    /// INTERVIEWED, OFFERED in that order, or REJECTED from any open state.
    async fn move_application(
        &self,
        ctx: &Context<'_>,
        id: ID,
        status: ApplicationStatus,
    ) -> Result<JobApplication, AppError> {
        let id = ApplicationId::from_global(&id)?;
        move_application(graphql::data::<AppState>(ctx)?, Actor::of(ctx)?, id, status).await
    }

    /// Withdraws an open application (the applicant).
    async fn withdraw_application(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<JobApplication, AppError> {
        let id = ApplicationId::from_global(&id)?;
        withdraw(graphql::data::<AppState>(ctx)?, Actor::of(ctx)?, id).await
    }

    /// Accepts an offer (the applicant; the application must be OFFERED).
    async fn accept_offer(&self, ctx: &Context<'_>, id: ID) -> Result<JobApplication, AppError> {
        let id = ApplicationId::from_global(&id)?;
        accept_offer(graphql::data::<AppState>(ctx)?, Actor::of(ctx)?, id).await
    }
}
