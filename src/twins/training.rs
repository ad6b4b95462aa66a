//! Twin training: a queued `twin_training_jobs` row becomes a vector set. Each data
//! source's text (only the configuration's `knowledgeSourceIds` when it names any) is chunked and embedded into points tagged with the twin and the new
//! version's `model_path` (the vector set's name); the version is activated and the twin
//! becomes active. `DigitalTwin.ask` searches the active version's vector set.
//!
//! Every change of a job's state or progress is announced to `twinTrainingProgress`
//! subscribers (claimed, each source done, completed or failed).

use qdrant_client::qdrant::{Condition, Value};
use sqlx::FromRow;
use uuid::Uuid;

use super::{
    db,
    model::{DataSourceKind, DataSourceStatus, TrainingJobId, TwinDataSource, TwinId},
};
use crate::{
    error::AppError,
    state::AppState,
    vectors::{self, points},
};

/// The `kind` payload of twin passages.
pub const PASSAGE_KIND: &str = "twin_passage";

#[derive(FromRow)]
struct ClaimedJob {
    id: Uuid,
    twin_id: Uuid,
    owner: Uuid,
}

impl ClaimedJob {
    /// Tells the `twinTrainingProgress` subscribers that this job changed.
    fn announce(&self, state: &AppState) {
        super::publish_training_progress(state, TwinId(self.twin_id), TrainingJobId(self.id));
    }
}

/// Records a running job's progress (0..100) and announces it.
async fn record_training_progress(
    state: &AppState,
    job: &ClaimedJob,
    progress: i16,
) -> Result<(), AppError> {
    sqlx::query(
        "update twin_training_jobs set progress = $2 where id = $1 and status = 'processing'",
    )
    .bind(job.id)
    .bind(progress.clamp(0, 100))
    .execute(&state.pg)
    .await?;
    job.announce(state);
    Ok(())
}

async fn set_source_status(
    state: &AppState,
    source: Uuid,
    status: DataSourceStatus,
    error: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query(
        "update twin_data_sources set status = $2, error_message = $3,
             processed_at = case when $2 = 'processed' then now() else processed_at end
         where id = $1",
    )
    .bind(source)
    .bind(status.as_str())
    .bind(error)
    .execute(&state.pg)
    .await?;
    Ok(())
}

/// The vector-set name of a twin's model version.
pub fn model_path(twin: TwinId, version: i32) -> String {
    format!("qdrant:twin_passage/{}/v{version}", twin.0)
}

/// Runs queued training jobs one by one until none is left; how many ran.
pub async fn run_queued_training(state: &AppState) -> Result<usize, AppError> {
    let mut ran = 0;
    while let Some(job) = claim(state).await? {
        ran += 1;
        job.announce(state);
        if let Err(error) = train(state, &job).await {
            tracing::warn!(job = %job.id, %error, "twin training failed");
            fail(state, &job, &error.to_string()).await?;
        }
        job.announce(state);
    }
    Ok(ran)
}

async fn claim(state: &AppState) -> Result<Option<ClaimedJob>, AppError> {
    Ok(sqlx::query_as(
        "update twin_training_jobs j set status = 'processing', started_at = now(), progress = 0
         from digital_twins t
         where j.id = (select id from twin_training_jobs where status = 'queued'
                       order by created_at, id limit 1 for update skip locked)
           and t.id = j.twin_id
         returning j.id, j.twin_id, t.user_id as owner",
    )
    .fetch_optional(&state.pg)
    .await?)
}

/// The text a source contributes: text sources only (URLs and files are not fetched).
fn source_text(source: &TwinDataSource) -> Result<&str, &'static str> {
    match (source.kind, source.content_text.as_deref()) {
        (DataSourceKind::Text, Some(text)) if !text.trim().is_empty() => Ok(text),
        (DataSourceKind::Text, _) => Err("the source has no text"),
        _ => Err("only text sources can be trained on: braid does not fetch URLs or files"),
    }
}

async fn train(state: &AppState, job: &ClaimedJob) -> Result<(), AppError> {
    let twin = TwinId(job.twin_id);
    let mut sources = db::data_sources_of(&state.pg, &[twin.0]).await?;
    // The configuration's knowledge sources, when it names any, are all it learns from.
    let chosen = super::docs::current_configs(&state.mongo, &[twin])
        .await?
        .remove(&twin)
        .map(|config| config.body.knowledge_source_ids)
        .unwrap_or_default();
    if !chosen.is_empty() {
        sources.retain(|source| chosen.contains(&bson::Uuid::from(source.id.0)));
    }
    let version: i32 = sqlx::query_scalar(
        "select coalesce(max(version), 0) + 1 from twin_model_versions where twin_id = $1",
    )
    .bind(twin.0)
    .fetch_one(&state.pg)
    .await?;
    let vector_set = model_path(twin, version);
    let total = sources.len().max(1);
    let mut passages = 0usize;
    let mut trained = 0usize;
    for (index, source) in sources.iter().enumerate() {
        set_source_status(state, source.id.0, DataSourceStatus::Processing, None).await?;
        match source_text(source) {
            Ok(text) => {
                let chunks = vectors::chunk(text);
                let embedded = state
                    .embedder
                    .embed(chunks.clone())
                    .await
                    .map_err(AppError::internal)?;
                let new_points = chunks
                    .into_iter()
                    .zip(embedded)
                    .enumerate()
                    .map(|(chunk, (text, vector))| points::NewPoint {
                        id: points::point_id(&vector_set, source.id.0, chunk),
                        vector,
                        payload: std::collections::HashMap::from([
                            ("kind", Value::from(PASSAGE_KIND.to_owned())),
                            ("entity_id", Value::from(source.id.0.to_string())),
                            ("parent_id", Value::from(twin.0.to_string())),
                            ("owner_id", Value::from(job.owner.to_string())),
                            (
                                "visibility",
                                Value::from(vectors::Visibility::Private.as_str().to_owned()),
                            ),
                            ("vector_set", Value::from(vector_set.clone())),
                            ("chunk", Value::from(chunk as i64)),
                            ("text", Value::from(text)),
                        ]),
                    })
                    .collect::<Vec<_>>();
                passages += new_points.len();
                if let Err(error) = points::upsert(&state.qdrant, &state.config, new_points).await {
                    set_source_status(
                        state,
                        source.id.0,
                        DataSourceStatus::Failed,
                        Some(&error.to_string()),
                    )
                    .await?;
                    return Err(error);
                }
                set_source_status(state, source.id.0, DataSourceStatus::Processed, None).await?;
                trained += 1;
            }
            Err(reason) => {
                set_source_status(state, source.id.0, DataSourceStatus::Failed, Some(reason))
                    .await?;
            }
        }
        let progress = ((index + 1) * 100 / total).min(99) as i16;
        record_training_progress(state, job, progress).await?;
    }
    if trained == 0 {
        return Err(AppError::BadUserInput(
            "no data source had text to train on".to_owned(),
        ));
    }
    let mut tx = state.pg.begin().await?;
    let version_id: Uuid = sqlx::query_scalar(
        "insert into twin_model_versions (id, twin_id, version, model_path, training_job_id, performance_metrics)
         values ($1, $2, $3, $4, $5, $6) returning id",
    )
    .bind(Uuid::now_v7())
    .bind(twin.0)
    .bind(version)
    .bind(&vector_set)
    .bind(job.id)
    .bind(sqlx::types::Json(serde_json::json!({
        "sources": trained,
        "failedSources": sources.len() - trained,
        "passages": passages,
    })))
    .fetch_one(&mut *tx)
    .await?;
    db::activate_version(&mut tx, twin, super::model::ModelVersionId(version_id)).await?;
    sqlx::query(
        "update twin_training_jobs set status = 'completed', progress = 100, completed_at = now() where id = $1",
    )
    .bind(job.id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("update digital_twins set last_trained_at = now() where id = $1")
        .bind(twin.0)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

async fn fail(state: &AppState, job: &ClaimedJob, error: &str) -> Result<(), AppError> {
    let mut tx = state.pg.begin().await?;
    sqlx::query(
        "update twin_training_jobs set status = 'failed', error_message = $2, completed_at = now() where id = $1",
    )
    .bind(job.id)
    .bind(error)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "update twin_data_sources set status = 'failed', error_message = $2
         where twin_id = $1 and status = 'processing'",
    )
    .bind(job.twin_id)
    .bind(error)
    .execute(&mut *tx)
    .await?;
    // A twin that has an active version keeps answering with it.
    sqlx::query(
        "update digital_twins t set status = case when exists (
             select 1 from twin_model_versions v where v.twin_id = t.id and v.is_active) then 'active' else 'error' end
         where id = $1",
    )
    .bind(job.twin_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The active version's vector set of a twin, if it has one.
pub(super) async fn active_vector_set(
    state: &AppState,
    twin: TwinId,
) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar(
        "select model_path from twin_model_versions where twin_id = $1 and is_active",
    )
    .bind(twin.0)
    .fetch_optional(&state.pg)
    .await?)
}

/// Passages of a twin's vector set closest to `question`: (score, source id, chunk, text).
pub(super) async fn nearest_passages(
    state: &AppState,
    twin: TwinId,
    vector_set: &str,
    question: &str,
    limit: usize,
) -> Result<Vec<points::Hit>, AppError> {
    let vector = state
        .embedder
        .embed_one(question)
        .await
        .map_err(AppError::internal)?;
    let filter = qdrant_client::qdrant::Filter::must([
        Condition::matches("kind", PASSAGE_KIND.to_owned()),
        Condition::matches("parent_id", twin.0.to_string()),
        Condition::matches("vector_set", vector_set.to_owned()),
    ]);
    points::nearest(&state.qdrant, &state.config, vector, filter, limit as u64).await
}

/// A passage of a twin's data that answers a question.
#[derive(async_graphql::SimpleObject)]
pub struct TwinPassage {
    /// Cosine similarity of the passage to the question (-1..1).
    pub score: f64,
    /// The passage's text (one chunk of a data source).
    pub text: String,
    /// Which chunk of its source it is (0 = the beginning).
    pub chunk: i32,
    /// The data source it comes from (`null` if it was removed since training).
    pub source: Option<TwinDataSource>,
}

/// `DigitalTwin.ask`: the passages of the active version closest to `question`, with
/// their sources; empty when the twin has no active version.
pub(super) async fn ask(
    ctx: &async_graphql::Context<'_>,
    twin: TwinId,
    question: &str,
    first: i32,
) -> Result<Vec<TwinPassage>, AppError> {
    let state = crate::graphql::data::<AppState>(ctx)?;
    let question = crate::graphql::input::required("question", question, 2_000)?;
    let limit = vectors::result_count(first)?;
    let Some(vector_set) = active_vector_set(state, twin).await? else {
        return Ok(Vec::new());
    };
    let hits = nearest_passages(state, twin, &vector_set, &question, limit).await?;
    let sources = super::loader::load_data_sources(ctx, twin).await?;
    Ok(hits
        .into_iter()
        .map(|hit| TwinPassage {
            score: f64::from(hit.score),
            text: hit.text.unwrap_or_default(),
            chunk: hit.chunk as i32,
            source: sources.iter().find(|s| s.id.0 == hit.entity_id).cloned(),
        })
        .collect())
}
