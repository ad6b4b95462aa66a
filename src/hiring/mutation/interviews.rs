//! Interviews: planned, moved, called off and completed by the organization's members;
//! the applicant (and the interviewer) hear of every change of plan.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};

use super::{Notice, tell};
use crate::{
    error::AppError,
    events::Pending,
    graphql::{self, input::text, node::NodeId},
    hiring::{
        access::{self, Actor, Needs},
        application::ApplicationId,
        db::{self, interviews::InterviewChange},
        input::{InterviewInput, interview_time},
        interview::{Interview, InterviewId},
    },
    state::AppState,
};

/// Plans an interview on an open application.
pub(crate) async fn schedule(
    state: &AppState,
    actor: Actor,
    application_id: ApplicationId,
    input: InterviewInput,
) -> Result<Interview, AppError> {
    let mut fields = input.parse()?;
    let mut tx = state.pg.begin().await?;
    let application = db::applications::for_update(&mut *tx, application_id)
        .await?
        .ok_or_else(|| AppError::NotFound("no application has this id".to_owned()))?;
    access::require(&mut tx, actor, application.organization, Needs::Member).await?;
    if !application.status.is_open() {
        return Err(AppError::Conflict(format!(
            "the application is {}; interviews are for open applications",
            application.status.as_str()
        )));
    }
    let interviewer = *fields.interviewer.get_or_insert(actor.user);
    if db::organizations::member_role(&mut *tx, application.organization, interviewer)
        .await?
        .is_none()
    {
        return Err(AppError::BadUserInput(
            "interviewerId: must be a member of the organization".to_owned(),
        ));
    }
    let interview = db::interviews::insert(&mut *tx, application.id, &fields).await?;
    let content = format!(
        "{} on {} ({} minutes).",
        interview.title,
        interview.scheduled_at.format("%Y-%m-%d %H:%M UTC"),
        interview.duration_minutes
    );
    let url = format!("/applications/{}", application.id.to_global().as_str());
    let events = tell(
        &mut tx,
        actor.user,
        [application.applicant, interviewer],
        Notice {
            kind: "interview_scheduled",
            title: "Interview scheduled",
            content: &content,
            action_url: Some(&url),
        },
    )
    .await?;
    tx.commit().await?;
    events.publish(&state.events);
    Ok(interview)
}

/// Reschedules, cancels or completes an interview.
pub(crate) async fn change_interview(
    state: &AppState,
    actor: Actor,
    id: InterviewId,
    change: InterviewChange,
) -> Result<Interview, AppError> {
    let mut tx = state.pg.begin().await?;
    let interview = db::interviews::for_update(&mut *tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound("no interview has this id".to_owned()))?;
    access::require(&mut tx, actor, interview.organization, Needs::Member).await?;
    let changed = db::interviews::change(&mut *tx, id, &change).await?;
    let notice = match change {
        InterviewChange::Reschedule { at, minutes } => Some((
            "Interview rescheduled",
            format!(
                "{} moved to {} ({minutes} minutes).",
                changed.title,
                at.format("%Y-%m-%d %H:%M UTC")
            ),
        )),
        InterviewChange::Cancel => Some((
            "Interview canceled",
            format!("{} was canceled.", changed.title),
        )),
        InterviewChange::Complete { .. } => None,
    };
    let mut events = Pending::new();
    if let Some((title, content)) = notice {
        let applicant = db::applications::by_ids(&mut *tx, &[changed.application.0])
            .await?
            .pop()
            .map(|a| a.applicant);
        let url = format!("/applications/{}", changed.application.to_global().as_str());
        events = tell(
            &mut tx,
            actor.user,
            applicant.into_iter().chain(changed.interviewer),
            Notice {
                kind: "interview_changed",
                title,
                content: &content,
                action_url: Some(&url),
            },
        )
        .await?;
    }
    tx.commit().await?;
    events.publish(&state.events);
    Ok(changed)
}

/// Interview mutations.
#[derive(Default)]
pub struct InterviewMutation;

#[Object]
impl InterviewMutation {
    /// Plans an interview on an open application (members of the job's organization).
    async fn schedule_interview(
        &self,
        ctx: &Context<'_>,
        application_id: ID,
        input: InterviewInput,
    ) -> Result<Interview, AppError> {
        let application = ApplicationId::from_global(&application_id)?;
        schedule(
            graphql::data::<AppState>(ctx)?,
            Actor::of(ctx)?,
            application,
            input,
        )
        .await
    }

    /// Moves a planned interview to a new time.
    async fn reschedule_interview(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(desc = "The new start (in the future).")] scheduled_at: DateTime<Utc>,
        #[graphql(desc = "The new length, 5 to 480 minutes (default: unchanged).")]
        duration_minutes: Option<i32>,
    ) -> Result<Interview, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let id = InterviewId::from_global(&id)?;
        let minutes = match duration_minutes {
            Some(minutes) => minutes,
            None => db::interviews::for_update(&state.pg, id)
                .await?
                .map_or(60, |i| i.duration_minutes),
        };
        interview_time(scheduled_at, minutes)?;
        let change = InterviewChange::Reschedule {
            at: scheduled_at,
            minutes,
        };
        change_interview(state, Actor::of(ctx)?, id, change).await
    }

    /// Calls off a planned interview.
    async fn cancel_interview(&self, ctx: &Context<'_>, id: ID) -> Result<Interview, AppError> {
        let id = InterviewId::from_global(&id)?;
        change_interview(
            graphql::data::<AppState>(ctx)?,
            Actor::of(ctx)?,
            id,
            InterviewChange::Cancel,
        )
        .await
    }

    /// Records that an interview took place, with the interviewers' notes and rating
    /// (seen by the organization only).
    async fn complete_interview(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(desc = "Notes (up to 10000 characters).")] feedback: Option<String>,
        #[graphql(desc = "1 to 5.")] rating: Option<i32>,
    ) -> Result<Interview, AppError> {
        let id = InterviewId::from_global(&id)?;
        let rating = match rating {
            None => None,
            Some(n @ 1..=5) => Some(n as i16),
            Some(_) => return Err(AppError::BadUserInput("rating: between 1 and 5".to_owned())),
        };
        let change = InterviewChange::Complete {
            feedback: text("feedback", feedback, 10000)?,
            rating,
        };
        change_interview(graphql::data::<AppState>(ctx)?, Actor::of(ctx)?, id, change).await
    }
}
