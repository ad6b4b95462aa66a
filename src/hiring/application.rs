//! `JobApplication`: applied -> reviewing -> interviewed -> offered -> accepted, with
//! `rejected` (by the organization) and `withdrawn` (by the applicant) from any open
//! state.

use async_graphql::{
    Context, Enum, ID, Object,
    connection::{Connection, Edge},
};
use chrono::{DateTime, Utc};

use super::{
    access,
    interview::Interview,
    job::{Job, JobId},
    loader,
    organization::OrganizationId,
};
use crate::{
    error::AppError,
    graphql::{node::NodeId, pagination::KeysetCursor},
    users::{self, User, UserId},
};

crate::node_id!(
    /// The id of a job application.
    ApplicationId => "JobApplication"
);

/// Where an application is.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ApplicationStatus {
    /// Received, not looked at yet.
    Applied,
    /// The organization is reviewing it.
    Reviewing,
    /// The applicant has been interviewed.
    Interviewed,
    /// An offer was made.
    Offered,
    /// The applicant accepted the offer.
    Accepted,
    /// The organization turned it down.
    Rejected,
    /// The applicant withdrew it.
    Withdrawn,
}

crate::stored_as_text!(ApplicationStatus {
    Applied => "applied",
    Reviewing => "reviewing",
    Interviewed => "interviewed",
    Offered => "offered",
    Accepted => "accepted",
    Rejected => "rejected",
    Withdrawn => "withdrawn",
});

impl ApplicationStatus {
    /// Whether the application is still in play.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Self::Applied | Self::Reviewing | Self::Interviewed | Self::Offered
        )
    }
}

/// Someone's application to a job.
#[derive(Clone, Debug)]
pub struct JobApplication {
    pub(crate) id: ApplicationId,
    pub(crate) job: JobId,
    /// The organization of the job (joined in, for access checks).
    pub(crate) organization: OrganizationId,
    pub(crate) applicant: UserId,
    pub(crate) cover_letter: Option<String>,
    pub(crate) resume_url: Option<String>,
    pub(crate) twin_enabled: bool,
    pub(crate) status: ApplicationStatus,
    pub(crate) match_score: Option<i32>,
    pub(crate) applied_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

impl JobApplication {
    /// A page of applications as a connection, keyed by when they were made.
    pub(super) fn connection(
        page: Vec<JobApplication>,
        has_previous: bool,
        has_next: bool,
    ) -> Connection<KeysetCursor, JobApplication> {
        let mut connection = Connection::new(has_previous, has_next);
        connection.edges.extend(page.into_iter().map(|a| {
            Edge::new(
                KeysetCursor {
                    at: a.applied_at,
                    id: a.id.0,
                },
                a,
            )
        }));
        connection
    }
}

/// Someone's application to a job: seen by the applicant, the organization's members
/// and admins.
#[Object]
impl JobApplication {
    /// The application's global ID.
    pub(crate) async fn id(&self) -> ID {
        self.id.to_global()
    }

    /// The job applied to.
    async fn job(&self, ctx: &Context<'_>) -> Result<Option<Job>, AppError> {
        loader::load_job(ctx, self.job).await
    }

    /// The applicant (shared with the organization by applying).
    async fn applicant(&self, ctx: &Context<'_>) -> Result<Option<User>, AppError> {
        users::load_user_shared(ctx, self.applicant).await
    }

    /// The cover letter.
    async fn cover_letter(&self) -> Option<&str> {
        self.cover_letter.as_deref()
    }

    /// Link to a résumé.
    async fn resume_url(&self) -> Option<&str> {
        self.resume_url.as_deref()
    }

    /// Whether the organization may talk to the applicant's digital twin.
    async fn twin_enabled(&self) -> bool {
        self.twin_enabled
    }

    /// Where the application is.
    async fn status(&self) -> ApplicationStatus {
        self.status
    }

    /// How well the applicant's profile matches the job, 0 to 100 (cosine similarity of
    /// their embeddings, computed when they applied); `null` when either had no text.
    async fn match_score(&self) -> Option<i32> {
        self.match_score
    }

    /// When it was made.
    async fn applied_at(&self) -> DateTime<Utc> {
        self.applied_at
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }

    /// Interviews, earliest first. Feedback and ratings show to the organization only.
    async fn interviews(&self, ctx: &Context<'_>) -> Result<Vec<Interview>, AppError> {
        loader::load_interviews(ctx, self.id).await
    }

    /// Whether the viewer acts for the organization on this application.
    async fn viewer_is_recruiter(&self, ctx: &Context<'_>) -> Result<bool, AppError> {
        access::is_member_or_admin(ctx, self.organization).await
    }
}
