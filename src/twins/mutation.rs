//! Twin mutations. Only a twin's owner (or an admin) changes it.
//!
//! Across stores: PostgreSQL owns the twin and is written first; the configuration
//! document follows. When that second write fails the twin still exists, its `config`
//! shows the defaults, and the next configuration save creates the document.

use async_graphql::{Context, ID, Object};
use sqlx::PgConnection;

use super::{
    config::{ConfigBody, TwinConfig, TwinConfigInput},
    db::{self},
    docs,
    input::{CreateTwinInput, TwinDataSourceInput, TwinSwitch, UpdateTwinInput, description, name},
    model::{
        DataSourceId, DigitalTwin, ModelVersion, ModelVersionId, TrainingJob, TrainingJobId,
        TwinDataSource, TwinId, TwinStatus,
    },
};
use crate::{
    error::AppError,
    events::{Event, EventKind, Topic},
    graphql::{
        self,
        node::NodeId,
        viewer::{SignedIn, Viewer},
    },
    state::AppState,
    users::{Role, UserId},
};

/// The twin, locked in the caller's transaction, if the viewer may change it.
async fn owned_twin(
    ctx: &Context<'_>,
    tx: &mut PgConnection,
    id: TwinId,
) -> Result<(DigitalTwin, SignedIn), AppError> {
    let viewer = graphql::data::<Viewer>(ctx)?;
    let signed_in = viewer.require_user()?.clone();
    let twin = db::twin_for_update(&mut *tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound("no twin has this id".to_owned()))?;
    viewer.require_owner_or_admin(twin.owner)?;
    Ok((twin, signed_in))
}

/// Tells `twinTrainingProgress` subscribers (on every instance) that a training job was
/// queued or changed: call it after the change is committed. The training worker calls
/// it whenever it records progress.
pub fn publish_training_progress(state: &AppState, twin: TwinId, job: TrainingJobId) {
    state.events.publish(
        Topic::TwinTraining(twin.0),
        Event::new(EventKind::TrainingJob, job.0),
    );
}

/// Checks a new configuration against the twin's data sources and saves it as the next
/// version.
async fn save_config(
    state: &AppState,
    twin: &DigitalTwin,
    author: &SignedIn,
    body: ConfigBody,
    sources: &[DataSourceId],
) -> Result<TwinConfig, AppError> {
    if !sources.is_empty() {
        let ids: Vec<_> = sources.iter().map(|s| s.0).collect();
        let found = db::count_sources_of(&state.pg, twin.id, &ids).await?;
        if found != ids.len() as i64 {
            return Err(AppError::BadUserInput(
                "knowledgeSourceIds: every id must be a data source of this twin".to_owned(),
            ));
        }
    }
    docs::save_version(&state.mongo, twin.id, twin.owner, author.user_id, body).await
}

/// The twin's current configuration body, straight from MongoDB (defaults when unsaved).
async fn current_body(state: &AppState, twin: TwinId) -> Result<ConfigBody, AppError> {
    Ok(docs::current_configs(&state.mongo, &[twin])
        .await?
        .remove(&twin)
        .map(|c| c.body)
        .unwrap_or_default())
}

/// Creates a twin for `owner` with its first configuration: PostgreSQL first, then the
/// configuration document (a failure there leaves the twin with default config).
pub(crate) async fn create(
    state: &AppState,
    owner: UserId,
    input: CreateTwinInput,
) -> Result<DigitalTwin, AppError> {
    let twin_name = name("name", &input.name, 100)?;
    let twin_description = description(input.description)?;
    let (body, sources) = input
        .config
        .unwrap_or_default()
        .apply(ConfigBody::default())?;
    if !sources.is_empty() {
        return Err(AppError::BadUserInput(
            "knowledgeSourceIds: a new twin has no data sources yet".to_owned(),
        ));
    }
    let twin = db::insert_twin(&state.pg, owner, &twin_name, twin_description.as_deref()).await?;
    if let Err(error) = docs::save_version(&state.mongo, twin.id, twin.owner, owner, body).await {
        // The twin stands; `config` shows defaults until the next save writes the document.
        tracing::warn!(twin = %twin.id.0, error = %error, "twin created without its configuration document");
    }
    Ok(twin)
}

/// Adds a checked data source to a twin.
pub(crate) async fn add_data_source(
    db: impl sqlx::PgExecutor<'_>,
    twin: TwinId,
    input: TwinDataSourceInput,
) -> Result<TwinDataSource, AppError> {
    let source = input.parse()?;
    Ok(db::insert_data_source(db, twin, &source).await?)
}

/// Twin mutations.
#[derive(Default)]
pub struct TwinMutation;

#[Object]
impl TwinMutation {
    /// Creates a twin for the viewer (individual users only) with its first configuration.
    async fn create_twin(
        &self,
        ctx: &Context<'_>,
        input: CreateTwinInput,
    ) -> Result<DigitalTwin, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        if viewer.role != Role::Individual {
            return Err(AppError::Forbidden(
                "twins belong to individual users".to_owned(),
            ));
        }
        create(state, viewer.user_id, input).await
    }

    /// Renames a twin, changes its description, or switches it between active and paused.
    async fn update_twin(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateTwinInput,
    ) -> Result<DigitalTwin, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let mut tx = state.pg.begin().await?;
        let (twin, _) = owned_twin(ctx, &mut tx, TwinId::from_global(&id)?).await?;
        let new_name = match input.name {
            Some(n) => name("name", &n, 100)?,
            None => twin.name.clone(),
        };
        let new_description = match input.description {
            Some(d) => description(Some(d))?,
            None => twin.description.clone(),
        };
        let status = match input.status {
            None => twin.status,
            Some(switch) if matches!(twin.status, TwinStatus::Active | TwinStatus::Paused) => {
                match switch {
                    TwinSwitch::Active => TwinStatus::Active,
                    TwinSwitch::Paused => TwinStatus::Paused,
                }
            }
            Some(_) => {
                return Err(AppError::Conflict(format!(
                    "status: a twin that is {} cannot be switched; it needs an active model version",
                    twin.status.as_str()
                )));
            }
        };
        let updated = db::update_twin(
            &mut *tx,
            twin.id,
            &new_name,
            new_description.as_deref(),
            status,
        )
        .await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Deletes a twin with its data sources, jobs, versions and configuration document.
    async fn delete_twin(&self, ctx: &Context<'_>, id: ID) -> Result<bool, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let mut tx = state.pg.begin().await?;
        let (twin, _) = owned_twin(ctx, &mut tx, TwinId::from_global(&id)?).await?;
        db::delete_twin(&mut *tx, twin.id).await?;
        tx.commit().await?;
        if let Err(error) = docs::delete(&state.mongo, twin.id).await {
            // An orphaned document is harmless (nothing reaches it) and `reconcile` removes it.
            tracing::warn!(twin = %twin.id.0, %error, "twin deleted; its configuration document remains");
        }
        Ok(true)
    }

    /// Saves a new configuration version: given fields change, the rest carry over.
    async fn update_twin_config(
        &self,
        ctx: &Context<'_>,
        twin_id: ID,
        input: TwinConfigInput,
    ) -> Result<TwinConfig, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let mut tx = state.pg.begin().await?;
        let (twin, author) = owned_twin(ctx, &mut tx, TwinId::from_global(&twin_id)?).await?;
        let (body, sources) = input.apply(current_body(state, twin.id).await?)?;
        let saved = save_config(state, &twin, &author, body, &sources).await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// Restores an earlier configuration version as a new version.
    async fn revert_twin_config(
        &self,
        ctx: &Context<'_>,
        twin_id: ID,
        version: i32,
    ) -> Result<TwinConfig, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let mut tx = state.pg.begin().await?;
        let (twin, author) = owned_twin(ctx, &mut tx, TwinId::from_global(&twin_id)?).await?;
        let earlier = docs::history(&state.mongo, twin.id)
            .await?
            .into_iter()
            .find(|c| c.version == version)
            .ok_or_else(|| {
                AppError::NotFound(format!(
                    "version: the twin has no configuration version {version}"
                ))
            })?;
        let saved = docs::save_version(
            &state.mongo,
            twin.id,
            twin.owner,
            author.user_id,
            earlier.body,
        )
        .await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// Adds a data source (text, URL or file reference) to a twin.
    async fn add_twin_data_source(
        &self,
        ctx: &Context<'_>,
        twin_id: ID,
        input: TwinDataSourceInput,
    ) -> Result<TwinDataSource, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let mut tx = state.pg.begin().await?;
        let (twin, _) = owned_twin(ctx, &mut tx, TwinId::from_global(&twin_id)?).await?;
        let added = add_data_source(&mut *tx, twin.id, input).await?;
        tx.commit().await?;
        Ok(added)
    }

    /// Removes a data source from its twin.
    async fn remove_twin_data_source(&self, ctx: &Context<'_>, id: ID) -> Result<bool, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let id = DataSourceId::from_global(&id)?;
        let twin = db::data_source_twin(&state.pg, id)
            .await?
            .ok_or_else(|| AppError::NotFound("no data source has this id".to_owned()))?;
        let mut tx = state.pg.begin().await?;
        owned_twin(ctx, &mut tx, twin).await?;
        let removed = db::delete_data_source(&mut *tx, id).await?;
        tx.commit().await?;
        Ok(removed)
    }

    /// Queues a training job for a twin (one at a time) and marks the twin as training;
    /// `twinTrainingProgress` subscribers hear of it.
    async fn start_twin_training(
        &self,
        ctx: &Context<'_>,
        twin_id: ID,
    ) -> Result<TrainingJob, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let mut tx = state.pg.begin().await?;
        let (twin, _) = owned_twin(ctx, &mut tx, TwinId::from_global(&twin_id)?).await?;
        let job = db::queue_training(&mut tx, twin.id).await?;
        tx.commit().await?;
        publish_training_progress(state, job.twin_id, job.id);
        Ok(job)
    }

    /// Makes a model version the twin's active one; the previous one is deactivated in
    /// the same transaction.
    async fn activate_twin_model_version(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<ModelVersion, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let id = ModelVersionId::from_global(&id)?;
        let twin = db::model_version_twin(&state.pg, id)
            .await?
            .ok_or_else(|| AppError::NotFound("no model version has this id".to_owned()))?;
        let mut tx = state.pg.begin().await?;
        owned_twin(ctx, &mut tx, twin).await?;
        let activated = db::activate_version(&mut tx, twin, id).await?;
        tx.commit().await?;
        Ok(activated)
    }
}
