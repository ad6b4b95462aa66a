//! SQL for `digital_twins`, `twin_data_sources`, `twin_training_jobs` and
//! `twin_model_versions`.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor, prelude::FromRow, types::Json};
use uuid::Uuid;

use super::model::{
    DataSourceId, DataSourceKind, DataSourceStatus, DigitalTwin, ModelVersion, ModelVersionId,
    TrainingJob, TrainingJobId, TrainingStatus, TwinDataSource, TwinId, TwinStatus,
};
use crate::{
    error::{AppError, violated_constraint},
    users::UserId,
};

#[derive(FromRow)]
struct TwinRow {
    id: Uuid,
    user_id: Uuid,
    name: String,
    description: Option<String>,
    avatar_url: Option<String>,
    status: String,
    last_trained_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl From<TwinRow> for DigitalTwin {
    fn from(r: TwinRow) -> Self {
        DigitalTwin {
            id: TwinId(r.id),
            owner: UserId(r.user_id),
            name: r.name,
            description: r.description,
            avatar_url: r.avatar_url,
            status: TwinStatus::parse(&r.status).unwrap_or(TwinStatus::Error),
            last_trained_at: r.last_trained_at,
            created_at: r.created_at,
        }
    }
}

const TWIN_COLUMNS: &str =
    "id, user_id, name, description, avatar_url, status, last_trained_at, created_at";

#[tracing::instrument(skip_all)]
pub(super) async fn insert_twin(
    db: impl PgExecutor<'_>,
    owner: UserId,
    name: &str,
    description: Option<&str>,
) -> sqlx::Result<DigitalTwin> {
    sqlx::query_as::<_, TwinRow>(&format!(
        "insert into digital_twins (id, user_id, name, description) values ($1, $2, $3, $4) returning {TWIN_COLUMNS}"
    ))
    .bind(Uuid::now_v7())
    .bind(owner.0)
    .bind(name)
    .bind(description)
    .fetch_one(db)
    .await
    .map(DigitalTwin::from)
}

#[tracing::instrument(skip_all)]
pub(super) async fn update_twin(
    db: impl PgExecutor<'_>,
    id: TwinId,
    name: &str,
    description: Option<&str>,
    status: TwinStatus,
) -> sqlx::Result<DigitalTwin> {
    sqlx::query_as::<_, TwinRow>(&format!(
        "update digital_twins set name = $2, description = $3, status = $4 where id = $1 returning {TWIN_COLUMNS}"
    ))
    .bind(id.0)
    .bind(name)
    .bind(description)
    .bind(status.as_str())
    .fetch_one(db)
    .await
    .map(DigitalTwin::from)
}

/// A twin, locked until the transaction ends.
pub(super) async fn twin_for_update(
    db: impl PgExecutor<'_>,
    id: TwinId,
) -> sqlx::Result<Option<DigitalTwin>> {
    sqlx::query_as::<_, TwinRow>(&format!(
        "select {TWIN_COLUMNS} from digital_twins where id = $1 for update"
    ))
    .bind(id.0)
    .fetch_optional(db)
    .await
    .map(|row| row.map(DigitalTwin::from))
}

pub(super) async fn delete_twin(db: impl PgExecutor<'_>, id: TwinId) -> sqlx::Result<bool> {
    sqlx::query("delete from digital_twins where id = $1")
        .bind(id.0)
        .execute(db)
        .await
        .map(|done| done.rows_affected() > 0)
}

#[tracing::instrument(skip_all, fields(count = ids.len()))]
pub(super) async fn twins_by_ids(
    db: impl PgExecutor<'_>,
    ids: &[Uuid],
) -> sqlx::Result<Vec<DigitalTwin>> {
    sqlx::query_as::<_, TwinRow>(&format!(
        "select {TWIN_COLUMNS} from digital_twins where id = any($1)"
    ))
    .bind(ids)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(DigitalTwin::from).collect())
}

#[tracing::instrument(skip_all, fields(count = owners.len()))]
pub(super) async fn twins_of(
    db: impl PgExecutor<'_>,
    owners: &[Uuid],
) -> sqlx::Result<Vec<DigitalTwin>> {
    sqlx::query_as::<_, TwinRow>(&format!(
        "select {TWIN_COLUMNS} from digital_twins where user_id = any($1) order by created_at desc, id desc"
    ))
    .bind(owners)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(DigitalTwin::from).collect())
}

#[derive(FromRow)]
struct DataSourceRow {
    id: Uuid,
    twin_id: Uuid,
    source_type: String,
    name: String,
    content_text: Option<String>,
    content_url: Option<String>,
    content_path: Option<String>,
    metadata: Json<serde_json::Value>,
    status: String,
    error_message: Option<String>,
    created_at: DateTime<Utc>,
}

impl From<DataSourceRow> for TwinDataSource {
    fn from(r: DataSourceRow) -> Self {
        TwinDataSource {
            id: DataSourceId(r.id),
            twin_id: TwinId(r.twin_id),
            kind: DataSourceKind::parse(&r.source_type).unwrap_or(DataSourceKind::Text),
            name: r.name,
            content_text: r.content_text,
            content_url: r.content_url,
            content_path: r.content_path,
            metadata: async_graphql::Json(r.metadata.0),
            status: DataSourceStatus::parse(&r.status).unwrap_or(DataSourceStatus::Failed),
            error_message: r.error_message,
            created_at: r.created_at,
        }
    }
}

const SOURCE_COLUMNS: &str = "id, twin_id, source_type, name, content_text, content_url, content_path, metadata, status, error_message, created_at";

/// A checked data source.
pub(super) struct NewDataSource {
    pub(super) kind: DataSourceKind,
    pub(super) name: String,
    pub(super) text: Option<String>,
    pub(super) url: Option<String>,
    pub(super) path: Option<String>,
    pub(super) metadata: serde_json::Value,
}

#[tracing::instrument(skip_all)]
pub(super) async fn insert_data_source(
    db: impl PgExecutor<'_>,
    twin: TwinId,
    source: &NewDataSource,
) -> sqlx::Result<TwinDataSource> {
    sqlx::query_as::<_, DataSourceRow>(&format!(
        "insert into twin_data_sources (id, twin_id, source_type, name, content_text, content_url, content_path, metadata)
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning {SOURCE_COLUMNS}"
    ))
    .bind(Uuid::now_v7())
    .bind(twin.0)
    .bind(source.kind.as_str())
    .bind(&source.name)
    .bind(&source.text)
    .bind(&source.url)
    .bind(&source.path)
    .bind(Json(&source.metadata))
    .fetch_one(db)
    .await
    .map(TwinDataSource::from)
}

/// The twin a data source belongs to.
pub(super) async fn data_source_twin(
    db: impl PgExecutor<'_>,
    id: DataSourceId,
) -> sqlx::Result<Option<TwinId>> {
    sqlx::query_scalar::<_, Uuid>("select twin_id from twin_data_sources where id = $1")
        .bind(id.0)
        .fetch_optional(db)
        .await
        .map(|twin| twin.map(TwinId))
}

pub(super) async fn delete_data_source(
    db: impl PgExecutor<'_>,
    id: DataSourceId,
) -> sqlx::Result<bool> {
    sqlx::query("delete from twin_data_sources where id = $1")
        .bind(id.0)
        .execute(db)
        .await
        .map(|done| done.rows_affected() > 0)
}

/// How many of `ids` are data sources of `twin`.
pub(super) async fn count_sources_of(
    db: impl PgExecutor<'_>,
    twin: TwinId,
    ids: &[Uuid],
) -> sqlx::Result<i64> {
    sqlx::query_scalar("select count(*) from twin_data_sources where twin_id = $1 and id = any($2)")
        .bind(twin.0)
        .bind(ids)
        .fetch_one(db)
        .await
}

#[tracing::instrument(skip_all, fields(count = twins.len()))]
pub(super) async fn data_sources_of(
    db: impl PgExecutor<'_>,
    twins: &[Uuid],
) -> sqlx::Result<Vec<TwinDataSource>> {
    sqlx::query_as::<_, DataSourceRow>(&format!(
        "select {SOURCE_COLUMNS} from twin_data_sources where twin_id = any($1) order by created_at desc, id desc"
    ))
    .bind(twins)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(TwinDataSource::from).collect())
}

#[derive(FromRow)]
struct JobRow {
    id: Uuid,
    twin_id: Uuid,
    status: String,
    progress: i16,
    error_message: Option<String>,
    started_at: Option<DateTime<Utc>>,
    completed_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl From<JobRow> for TrainingJob {
    fn from(r: JobRow) -> Self {
        TrainingJob {
            id: TrainingJobId(r.id),
            twin_id: TwinId(r.twin_id),
            status: TrainingStatus::parse(&r.status).unwrap_or(TrainingStatus::Failed),
            progress: i32::from(r.progress),
            error_message: r.error_message,
            started_at: r.started_at,
            completed_at: r.completed_at,
            created_at: r.created_at,
        }
    }
}

const JOB_COLUMNS: &str =
    "id, twin_id, status, progress, error_message, started_at, completed_at, created_at";

/// Queues a training job and marks the twin as training, in the caller's transaction.
/// A twin with a job already queued or running is `CONFLICT`.
#[tracing::instrument(skip_all)]
pub(super) async fn queue_training(
    tx: &mut PgConnection,
    twin: TwinId,
) -> Result<TrainingJob, AppError> {
    let job = sqlx::query_as::<_, JobRow>(&format!(
        "insert into twin_training_jobs (id, twin_id) values ($1, $2) returning {JOB_COLUMNS}"
    ))
    .bind(Uuid::now_v7())
    .bind(twin.0)
    .fetch_one(&mut *tx)
    .await
    .map_err(|error| match violated_constraint(&error) {
        Some("twin_training_jobs_one_running") => {
            AppError::Conflict("twinId: a training job is already queued or running".to_owned())
        }
        _ => AppError::from(error),
    })?;
    sqlx::query("update digital_twins set status = 'training' where id = $1")
        .bind(twin.0)
        .execute(&mut *tx)
        .await?;
    Ok(TrainingJob::from(job))
}

/// One training job; `None` when there is none.
pub(super) async fn training_job(
    db: impl PgExecutor<'_>,
    id: TrainingJobId,
) -> sqlx::Result<Option<TrainingJob>> {
    sqlx::query_as::<_, JobRow>(&format!(
        "select {JOB_COLUMNS} from twin_training_jobs where id = $1"
    ))
    .bind(id.0)
    .fetch_optional(db)
    .await
    .map(|row| row.map(TrainingJob::from))
}

#[tracing::instrument(skip_all, fields(count = twins.len()))]
pub(super) async fn training_jobs_of(
    db: impl PgExecutor<'_>,
    twins: &[Uuid],
) -> sqlx::Result<Vec<TrainingJob>> {
    sqlx::query_as::<_, JobRow>(&format!(
        "select {JOB_COLUMNS} from twin_training_jobs where twin_id = any($1) order by created_at desc, id desc"
    ))
    .bind(twins)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(TrainingJob::from).collect())
}

#[derive(FromRow)]
struct VersionRow {
    id: Uuid,
    twin_id: Uuid,
    version: i32,
    is_active: bool,
    performance_metrics: Json<serde_json::Value>,
    created_at: DateTime<Utc>,
}

impl From<VersionRow> for ModelVersion {
    fn from(r: VersionRow) -> Self {
        ModelVersion {
            id: ModelVersionId(r.id),
            twin_id: TwinId(r.twin_id),
            version: r.version,
            is_active: r.is_active,
            performance_metrics: async_graphql::Json(r.performance_metrics.0),
            created_at: r.created_at,
        }
    }
}

const VERSION_COLUMNS: &str = "id, twin_id, version, is_active, performance_metrics, created_at";

#[tracing::instrument(skip_all, fields(count = twins.len()))]
pub(super) async fn model_versions_of(
    db: impl PgExecutor<'_>,
    twins: &[Uuid],
) -> sqlx::Result<Vec<ModelVersion>> {
    sqlx::query_as::<_, VersionRow>(&format!(
        "select {VERSION_COLUMNS} from twin_model_versions where twin_id = any($1) order by version desc"
    ))
    .bind(twins)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(ModelVersion::from).collect())
}

/// The twin a model version belongs to, locking the twin's versions for the switch.
pub(super) async fn model_version_twin(
    db: impl PgExecutor<'_>,
    id: ModelVersionId,
) -> sqlx::Result<Option<TwinId>> {
    sqlx::query_scalar::<_, Uuid>("select twin_id from twin_model_versions where id = $1")
        .bind(id.0)
        .fetch_optional(db)
        .await
        .map(|twin| twin.map(TwinId))
}

/// Makes `version` the twin's only active version and the twin active, in the caller's
/// transaction (the partial unique index guarantees there is never a second one).
#[tracing::instrument(skip_all)]
pub(super) async fn activate_version(
    tx: &mut PgConnection,
    twin: TwinId,
    version: ModelVersionId,
) -> sqlx::Result<ModelVersion> {
    sqlx::query("update twin_model_versions set is_active = false where twin_id = $1 and is_active and id <> $2")
        .bind(twin.0)
        .bind(version.0)
        .execute(&mut *tx)
        .await?;
    let activated = sqlx::query_as::<_, VersionRow>(&format!(
        "update twin_model_versions set is_active = true where id = $1 returning {VERSION_COLUMNS}"
    ))
    .bind(version.0)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("update digital_twins set status = 'active' where id = $1")
        .bind(twin.0)
        .execute(&mut *tx)
        .await?;
    Ok(ModelVersion::from(activated))
}
