//! DataLoaders for twins (PostgreSQL) and their configurations (MongoDB), created per
//! request: one statement or one `find` per batch.

use std::collections::HashMap;

use async_graphql::{
    Context, Request,
    dataloader::{DataLoader, Loader},
};
use sqlx::PgPool;
use uuid::Uuid;

use super::{
    config::TwinConfig,
    db, docs,
    model::{DigitalTwin, ModelVersion, TrainingJob, TwinDataSource, TwinId},
};
use crate::{
    error::AppError,
    graphql,
    state::AppState,
    users::{self, UserId},
};

/// Twins by id.
pub(super) struct TwinLoader(PgPool);

impl Loader<TwinId> for TwinLoader {
    type Value = DigitalTwin;
    type Error = AppError;

    async fn load(&self, keys: &[TwinId]) -> Result<HashMap<TwinId, DigitalTwin>, AppError> {
        let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
        Ok(db::twins_by_ids(&self.0, &ids)
            .await?
            .into_iter()
            .map(|t| (t.id, t))
            .collect())
    }
}

/// Twins by owner.
pub(super) struct OwnedTwinsLoader(PgPool);

impl Loader<UserId> for OwnedTwinsLoader {
    type Value = Vec<DigitalTwin>;
    type Error = AppError;

    async fn load(&self, keys: &[UserId]) -> Result<HashMap<UserId, Vec<DigitalTwin>>, AppError> {
        let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
        Ok(graphql::group_by(db::twins_of(&self.0, &ids).await?, |t| {
            t.owner
        }))
    }
}

/// Current configurations by twin, from MongoDB.
pub(super) struct ConfigLoader(mongodb::Database);

impl Loader<TwinId> for ConfigLoader {
    type Value = TwinConfig;
    type Error = AppError;

    async fn load(&self, keys: &[TwinId]) -> Result<HashMap<TwinId, TwinConfig>, AppError> {
        Ok(docs::current_configs(&self.0, keys).await?)
    }
}

/// Declares a loader from twin ids to their rows, built from one `*_of` query.
macro_rules! per_twin_loader {
    ($(#[$doc:meta])* $name:ident, $value:ty, $query:path) => {
        $(#[$doc])*
        pub(super) struct $name(PgPool);

        impl Loader<TwinId> for $name {
            type Value = Vec<$value>;
            type Error = AppError;

            async fn load(&self, keys: &[TwinId]) -> Result<HashMap<TwinId, Vec<$value>>, AppError> {
                let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
                Ok(graphql::group_by($query(&self.0, &ids).await?, |row| row.twin_id))
            }
        }
    };
}

per_twin_loader!(
    /// Data sources by twin.
    DataSourcesLoader, TwinDataSource, db::data_sources_of
);
per_twin_loader!(
    /// Training jobs by twin.
    TrainingJobsLoader, TrainingJob, db::training_jobs_of
);
per_twin_loader!(
    /// Model versions by twin.
    ModelVersionsLoader, ModelVersion, db::model_versions_of
);

/// Adds this domain's loaders to a request.
pub fn attach_loaders(request: Request, state: &AppState) -> Request {
    let pg = || state.pg.clone();
    request
        .data(graphql::loader(state, TwinLoader(pg())))
        .data(graphql::loader(state, OwnedTwinsLoader(pg())))
        .data(graphql::loader(state, ConfigLoader(state.mongo.clone())))
        .data(graphql::loader(state, DataSourcesLoader(pg())))
        .data(graphql::loader(state, TrainingJobsLoader(pg())))
        .data(graphql::loader(state, ModelVersionsLoader(pg())))
}

/// A twin by id, if the viewer may see its owner.
pub async fn load_twin(ctx: &Context<'_>, id: TwinId) -> Result<Option<DigitalTwin>, AppError> {
    let Some(twin) = graphql::data::<DataLoader<TwinLoader>>(ctx)?
        .load_one(id)
        .await?
    else {
        return Ok(None);
    };
    Ok(users::load_user(ctx, twin.owner).await?.map(|_| twin))
}

/// A user's twins, newest first (callers check the owner's visibility).
pub async fn load_twins_of(ctx: &Context<'_>, owner: UserId) -> Result<Vec<DigitalTwin>, AppError> {
    Ok(graphql::data::<DataLoader<OwnedTwinsLoader>>(ctx)?
        .load_one(owner)
        .await?
        .unwrap_or_default())
}

pub(super) async fn load_config(
    ctx: &Context<'_>,
    twin: TwinId,
) -> Result<Option<TwinConfig>, AppError> {
    graphql::data::<DataLoader<ConfigLoader>>(ctx)?
        .load_one(twin)
        .await
}

pub(super) async fn load_data_sources(
    ctx: &Context<'_>,
    twin: TwinId,
) -> Result<Vec<TwinDataSource>, AppError> {
    Ok(graphql::data::<DataLoader<DataSourcesLoader>>(ctx)?
        .load_one(twin)
        .await?
        .unwrap_or_default())
}

pub(super) async fn load_training_jobs(
    ctx: &Context<'_>,
    twin: TwinId,
) -> Result<Vec<TrainingJob>, AppError> {
    Ok(graphql::data::<DataLoader<TrainingJobsLoader>>(ctx)?
        .load_one(twin)
        .await?
        .unwrap_or_default())
}

pub(super) async fn load_model_versions(
    ctx: &Context<'_>,
    twin: TwinId,
) -> Result<Vec<ModelVersion>, AppError> {
    Ok(graphql::data::<DataLoader<ModelVersionsLoader>>(ctx)?
        .load_one(twin)
        .await?
        .unwrap_or_default())
}
