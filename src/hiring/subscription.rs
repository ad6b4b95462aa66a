//! `applicationUpdated`: applications made or moved, from any braid instance.

use async_graphql::{Context, ID, Subscription};
use futures::Stream;

use super::{
    access,
    application::{ApplicationId, JobApplication},
    job::JobId,
    loader,
};
use crate::{
    error::AppError,
    events::{self, Topic},
    graphql::{self, node::NodeId, viewer::Viewer},
    state::AppState,
};

/// Hiring subscriptions.
#[derive(Default)]
pub struct HiringSubscription;

#[Subscription]
impl HiringSubscription {
    /// Each application made to a job, or each change of one application's state, from
    /// now on. Give exactly one of `jobId` and `applicationId`. Every event is checked
    /// again: the viewer receives only applications they may see (the applicant, the
    /// job's organization, admins).
    async fn application_updated<'ctx>(
        &self,
        ctx: &'ctx Context<'_>,
        #[graphql(desc = "Follow every application to this job.")] job_id: Option<ID>,
        #[graphql(desc = "Follow this one application.")] application_id: Option<ID>,
    ) -> Result<impl Stream<Item = Result<JobApplication, AppError>> + use<'ctx>, AppError> {
        graphql::data::<Viewer>(ctx)?.require_user()?;
        let topic = match (job_id, application_id) {
            (Some(job), None) => {
                let id = JobId::from_global(&job)?;
                let job = match loader::load_job(ctx, id).await? {
                    Some(job) if access::may_see_job(ctx, &job).await? => job,
                    _ => return Err(AppError::NotFound("jobId: no such job".to_owned())),
                };
                Topic::JobApplications(job.id.0)
            }
            (None, Some(application)) => {
                let id = ApplicationId::from_global(&application)?;
                loader::load_application(ctx, id).await?.ok_or_else(|| {
                    AppError::NotFound("applicationId: no such application".to_owned())
                })?;
                Topic::Application(id.0)
            }
            _ => {
                return Err(AppError::BadUserInput(
                    "give exactly one of jobId and applicationId".to_owned(),
                ));
            }
        };
        let state = graphql::data::<AppState>(ctx)?;
        Ok(events::follow(&state.events, topic, move |delivery| {
            loader::load_application(ctx, ApplicationId(delivery.event.id))
        }))
    }
}
