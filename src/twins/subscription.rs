//! `twinTrainingProgress`: a twin's training jobs queued or progressing, from any braid
//! instance.

use async_graphql::{Context, ID, Subscription};
use futures::Stream;

use super::{
    db, loader,
    model::{TrainingJob, TrainingJobId, TwinId},
};
use crate::{
    error::AppError,
    events::{self, Topic},
    graphql::{self, node::NodeId, viewer::Viewer},
    state::AppState,
    users::UserId,
};

/// Whether `viewer` owns the twin (through the request's loader).
async fn owns(ctx: &Context<'_>, twin: TwinId, viewer: UserId) -> Result<bool, AppError> {
    Ok(loader::load_twin(ctx, twin)
        .await?
        .is_some_and(|t| t.owner == viewer))
}

/// Twin subscriptions.
#[derive(Default)]
pub struct TwinSubscription;

#[Subscription]
impl TwinSubscription {
    /// The state of a training job each time it changes (queued, progress, done), or of
    /// every training job of a twin (`twinId`, which also sees jobs queued later). Give
    /// exactly one of `jobId` and `twinId`. The twin's owner only; checked on every
    /// event.
    async fn twin_training_progress<'ctx>(
        &self,
        ctx: &'ctx Context<'_>,
        #[graphql(desc = "Follow this training job.")] job_id: Option<ID>,
        #[graphql(desc = "Follow every training job of this twin.")] twin_id: Option<ID>,
    ) -> Result<impl Stream<Item = Result<TrainingJob, AppError>> + use<'ctx>, AppError> {
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?.user_id;
        let state = graphql::data::<AppState>(ctx)?;
        let (twin, only) = match (job_id, twin_id) {
            (Some(job), None) => {
                let id = TrainingJobId::from_global(&job)?;
                match db::training_job(&state.pg, id).await? {
                    Some(job) if owns(ctx, job.twin_id, viewer).await? => (job.twin_id, Some(id)),
                    _ => return Err(AppError::NotFound("jobId: no such training job".to_owned())),
                }
            }
            (None, Some(twin)) => {
                let id = TwinId::from_global(&twin)?;
                if !owns(ctx, id, viewer).await? {
                    return Err(AppError::NotFound("twinId: no such twin".to_owned()));
                }
                (id, None)
            }
            _ => {
                return Err(AppError::BadUserInput(
                    "give exactly one of jobId and twinId".to_owned(),
                ));
            }
        };
        Ok(events::follow(
            &state.events,
            Topic::TwinTraining(twin.0),
            move |delivery| async move {
                let id = TrainingJobId(delivery.event.id);
                if only.is_some_and(|only| only != id) || !owns(ctx, twin, viewer).await? {
                    return Ok(None);
                }
                let pg = &graphql::data::<AppState>(ctx)?.pg;
                Ok(db::training_job(pg, id).await?)
            },
        ))
    }
}
