//! `Interview`: scheduled (or rescheduled) -> completed | canceled.

use async_graphql::{Context, Enum, ID, Object};
use chrono::{DateTime, Utc};

use super::{
    access,
    application::{ApplicationId, JobApplication},
    loader,
    organization::OrganizationId,
};
use crate::{
    error::AppError,
    graphql::node::NodeId,
    users::{self, User, UserId},
};

crate::node_id!(
    /// The id of an interview.
    InterviewId => "Interview"
);

/// What an interview is for.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum InterviewType {
    /// A first conversation.
    Screening,
    /// Technical skills.
    Technical,
    /// How the candidate works with others.
    Behavioral,
    /// The last round.
    Final,
}

crate::stored_as_text!(InterviewType {
    Screening => "screening",
    Technical => "technical",
    Behavioral => "behavioral",
    Final => "final",
});

/// Where an interview is.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum InterviewStatus {
    /// Planned.
    Scheduled,
    /// Planned, at a new time.
    Rescheduled,
    /// Held; may carry feedback and a rating.
    Completed,
    /// Called off.
    Canceled,
}

crate::stored_as_text!(InterviewStatus {
    Scheduled => "scheduled",
    Rescheduled => "rescheduled",
    Completed => "completed",
    Canceled => "canceled",
});

/// An interview on an application.
#[derive(Clone, Debug)]
pub struct Interview {
    pub(crate) id: InterviewId,
    pub(crate) application: ApplicationId,
    /// The organization of the job (joined in, for access checks).
    pub(crate) organization: OrganizationId,
    pub(crate) interviewer: Option<UserId>,
    pub(crate) title: String,
    pub(crate) description: Option<String>,
    pub(crate) interview_type: InterviewType,
    pub(crate) location: Option<String>,
    pub(crate) is_virtual: bool,
    pub(crate) meeting_link: Option<String>,
    pub(crate) scheduled_at: DateTime<Utc>,
    pub(crate) duration_minutes: i32,
    pub(crate) status: InterviewStatus,
    pub(crate) feedback: Option<String>,
    pub(crate) rating: Option<i32>,
    pub(crate) created_at: DateTime<Utc>,
}

/// An interview on an application: seen by the applicant and the organization; feedback
/// and rating by the organization only.
#[Object]
impl Interview {
    /// The interview's global ID.
    pub(crate) async fn id(&self) -> ID {
        self.id.to_global()
    }

    /// The application it belongs to.
    async fn application(&self, ctx: &Context<'_>) -> Result<Option<JobApplication>, AppError> {
        loader::load_application(ctx, self.application).await
    }

    /// Who interviews (a member of the organization).
    async fn interviewer(&self, ctx: &Context<'_>) -> Result<Option<User>, AppError> {
        match self.interviewer {
            Some(user) => users::load_user_shared(ctx, user).await,
            None => Ok(None),
        }
    }

    /// Title.
    async fn title(&self) -> &str {
        &self.title
    }

    /// Details for the candidate.
    async fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// What the interview is for.
    async fn interview_type(&self) -> InterviewType {
        self.interview_type
    }

    /// Where it happens (on site).
    async fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }

    /// Whether it happens online.
    async fn is_virtual(&self) -> bool {
        self.is_virtual
    }

    /// The call link (online interviews).
    async fn meeting_link(&self) -> Option<&str> {
        self.meeting_link.as_deref()
    }

    /// When it starts.
    async fn scheduled_at(&self) -> DateTime<Utc> {
        self.scheduled_at
    }

    /// How long it lasts.
    async fn duration_minutes(&self) -> i32 {
        self.duration_minutes
    }

    /// Where it is.
    async fn status(&self) -> InterviewStatus {
        self.status
    }

    /// The interviewers' notes. The organization only.
    async fn feedback(&self, ctx: &Context<'_>) -> Result<Option<&str>, AppError> {
        Ok(access::is_member_or_admin(ctx, self.organization)
            .await?
            .then_some(self.feedback.as_deref())
            .flatten())
    }

    /// The interviewers' rating, 1 to 5. The organization only.
    async fn rating(&self, ctx: &Context<'_>) -> Result<Option<i32>, AppError> {
        Ok(access::is_member_or_admin(ctx, self.organization)
            .await?
            .then_some(self.rating)
            .flatten())
    }

    /// When it was planned.
    async fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }
}
