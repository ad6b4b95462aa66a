//! `twin(id)`, `myTwins` and `twinConfigHistory`.

use async_graphql::{Context, ID, Object};

use super::{
    config::TwinConfig,
    docs, loader,
    model::{DigitalTwin, TwinId},
};
use crate::{
    error::AppError,
    graphql::{self, node::NodeId, viewer::Viewer},
    state::AppState,
};

/// Twin queries.
#[derive(Default)]
pub struct TwinQuery;

#[Object]
impl TwinQuery {
    /// A twin by global ID; `null` when there is none or its owner is not visible.
    #[graphql(cache_control(no_cache))]
    async fn twin(&self, ctx: &Context<'_>, id: ID) -> Result<Option<DigitalTwin>, AppError> {
        loader::load_twin(ctx, TwinId::from_global(&id)?).await
    }

    /// The viewer's twins, newest first.
    #[graphql(cache_control(no_cache))]
    async fn my_twins(&self, ctx: &Context<'_>) -> Result<Vec<DigitalTwin>, AppError> {
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        loader::load_twins_of(ctx, viewer.user_id).await
    }

    /// Every saved version of a twin's configuration, newest first. Owner and admins only.
    #[graphql(cache_control(no_cache))]
    async fn twin_config_history(
        &self,
        ctx: &Context<'_>,
        twin_id: ID,
    ) -> Result<Vec<TwinConfig>, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?;
        let twin = loader::load_twin(ctx, TwinId::from_global(&twin_id)?)
            .await?
            .ok_or_else(|| AppError::NotFound("no twin has this id".to_owned()))?;
        viewer.require_owner_or_admin(twin.owner)?;
        Ok(docs::history(&state.mongo, twin.id).await?)
    }
}
