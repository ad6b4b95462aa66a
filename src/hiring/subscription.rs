//! `applicationUpdated`: applications made or moved; `jobPosted`: the public job board's
//! feed. Both hear every braid instance through the event hub.

use async_graphql::{Context, ID, Subscription};
use futures::Stream;

use super::{
    access,
    application::{ApplicationId, JobApplication},
    db,
    job::{Job, JobId, JobStatus, RemoteType},
    loader,
};
use crate::{
    error::AppError,
    events::{self, Topic},
    graphql::{self, node::NodeId, viewer::Viewer},
    skills::SkillId,
    state::AppState,
};

/// A published job as every `jobPosted` subscriber sees it, loaded once per event.
struct PostedJob {
    job: Job,
    skills: Vec<SkillId>,
}

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

    /// Each job published from now on, on any braid instance: the job board's live feed.
    /// Public (no sign-in needed). `skillIds` keeps jobs that ask for at least one of
    /// these skills; `remoteType` keeps jobs of that kind.
    async fn job_posted<'ctx>(
        &self,
        ctx: &'ctx Context<'_>,
        #[graphql(desc = "Only jobs asking for at least one of these skills (at most 20).")]
        skill_ids: Option<Vec<ID>>,
        #[graphql(desc = "Only jobs of this kind.")] remote_type: Option<RemoteType>,
    ) -> Result<impl Stream<Item = Result<Job, AppError>> + use<'ctx>, AppError> {
        let skill_ids = skill_ids.unwrap_or_default();
        if skill_ids.len() > 20 {
            return Err(AppError::BadUserInput(
                "skillIds: at most 20 skills".to_owned(),
            ));
        }
        let wanted = skill_ids
            .iter()
            .map(SkillId::from_global)
            .collect::<Result<Vec<_>, _>>()?;
        let state = graphql::data::<AppState>(ctx)?;
        let pg = &state.pg;
        Ok(events::follow(
            &state.events,
            Topic::JobBoard,
            move |delivery| {
                let wanted = wanted.clone();
                async move {
                    // Published jobs are public: one load per event serves every subscriber.
                    let posted = delivery
                        .shared(|event| async move {
                            let job = db::jobs::by_ids(pg, &[event.id]).await?.pop();
                            let skills = db::jobs::skills_of(pg, &[event.id]).await?;
                            Ok(job.map(|job| PostedJob {
                                job,
                                skills: skills.into_iter().map(|s| s.skill).collect(),
                            }))
                        })
                        .await?;
                    let Some(posted) = posted.as_ref() else {
                        return Ok(None);
                    };
                    let matches = posted.job.status == JobStatus::Published
                        && remote_type.is_none_or(|kind| posted.job.remote_type == kind)
                        && (wanted.is_empty() || wanted.iter().any(|s| posted.skills.contains(s)));
                    Ok(matches.then(|| posted.job.clone()))
                }
            },
        ))
    }
}
