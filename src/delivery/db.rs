//! SQL for `api_specs` and `ai_analysis_failures`.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, prelude::FromRow, types::Json};
use uuid::Uuid;

use super::{
    model::{AnalysisFailureId, ApiSpecId, DesignId, ProjectId, RequirementId},
    spec::{AnalysisFailure, AnalysisFailureStage, ApiSpec},
};
use crate::users::UserId;

#[derive(FromRow)]
struct SpecRow {
    id: Uuid,
    design_id: Uuid,
    project_id: Uuid,
    owner_id: Uuid,
    title: String,
    openapi_version: String,
    openapi_spec: Json<serde_json::Value>,
    validation_errors: Json<Vec<String>>,
    github_url: Option<String>,
    last_sync: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl From<SpecRow> for ApiSpec {
    fn from(r: SpecRow) -> Self {
        ApiSpec {
            id: ApiSpecId(r.id),
            design_id: DesignId(r.design_id),
            project_id: ProjectId(r.project_id),
            owner: UserId(r.owner_id),
            title: r.title,
            openapi_version: r.openapi_version,
            openapi: async_graphql::Json(r.openapi_spec.0),
            validation_errors: r.validation_errors.0,
            github_url: r.github_url,
            last_sync: r.last_sync,
            created_at: r.created_at,
        }
    }
}

const SPEC_COLUMNS: &str = "id, design_id, project_id, owner_id, title, openapi_version, openapi_spec, validation_errors, github_url, last_sync, created_at";

/// A checked spec, ready to insert.
pub(super) struct NewSpec<'a> {
    pub(super) id: ApiSpecId,
    pub(super) design: DesignId,
    pub(super) project: ProjectId,
    pub(super) owner: UserId,
    pub(super) title: &'a str,
    pub(super) openapi_version: &'a str,
    pub(super) document: &'a serde_json::Value,
    pub(super) validation_errors: &'a [String],
    pub(super) github_url: Option<&'a str>,
}

#[tracing::instrument(skip_all)]
pub(super) async fn insert_spec(
    db: impl PgExecutor<'_>,
    spec: &NewSpec<'_>,
) -> sqlx::Result<ApiSpec> {
    sqlx::query_as::<_, SpecRow>(&format!(
        "insert into api_specs (id, design_id, project_id, owner_id, title, openapi_version, openapi_spec, validation_errors, github_url)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning {SPEC_COLUMNS}"
    ))
    .bind(spec.id.0)
    .bind(spec.design.0)
    .bind(spec.project.0)
    .bind(spec.owner.0)
    .bind(spec.title)
    .bind(spec.openapi_version)
    .bind(Json(spec.document))
    .bind(Json(spec.validation_errors))
    .bind(spec.github_url)
    .fetch_one(db)
    .await
    .map(ApiSpec::from)
}

#[tracing::instrument(skip_all, fields(count = ids.len()))]
pub(super) async fn specs_by_ids(
    db: impl PgExecutor<'_>,
    ids: &[Uuid],
) -> sqlx::Result<Vec<ApiSpec>> {
    sqlx::query_as::<_, SpecRow>(&format!(
        "select {SPEC_COLUMNS} from api_specs where id = any($1)"
    ))
    .bind(ids)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(ApiSpec::from).collect())
}

/// The specs of each design, oldest first.
#[tracing::instrument(skip_all, fields(count = designs.len()))]
pub(super) async fn specs_of(
    db: impl PgExecutor<'_>,
    designs: &[Uuid],
) -> sqlx::Result<Vec<ApiSpec>> {
    sqlx::query_as::<_, SpecRow>(&format!(
        "select {SPEC_COLUMNS} from api_specs where design_id = any($1) order by created_at, id"
    ))
    .bind(designs)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(ApiSpec::from).collect())
}

/// A spec's link to its design, as `braid reconcile` walks them.
#[derive(FromRow, Debug, Clone, Copy)]
pub(super) struct SpecLink {
    pub(super) id: Uuid,
    pub(super) design_id: Uuid,
}

/// One page of (spec, design) links in id order, after `after`.
pub(super) async fn spec_links(
    db: impl PgExecutor<'_>,
    after: Option<Uuid>,
    limit: i64,
) -> sqlx::Result<Vec<SpecLink>> {
    sqlx::query_as::<_, SpecLink>(
        "select id, design_id from api_specs where $1::uuid is null or id > $1 order by id limit $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Which of these spec ids exist.
pub(super) async fn existing_specs(
    db: impl PgExecutor<'_>,
    ids: &[Uuid],
) -> sqlx::Result<Vec<SpecLink>> {
    sqlx::query_as::<_, SpecLink>("select id, design_id from api_specs where id = any($1)")
        .bind(ids)
        .fetch_all(db)
        .await
}

#[derive(FromRow)]
struct FailureRow {
    id: Uuid,
    requirement_id: Uuid,
    stage: String,
    reason: String,
    payload: Option<Json<serde_json::Value>>,
    created_at: DateTime<Utc>,
    resolved_at: Option<DateTime<Utc>>,
}

impl From<FailureRow> for AnalysisFailure {
    fn from(r: FailureRow) -> Self {
        AnalysisFailure {
            id: AnalysisFailureId(r.id),
            requirement_id: RequirementId(r.requirement_id),
            stage: AnalysisFailureStage::parse(&r.stage)
                .unwrap_or(AnalysisFailureStage::AiAnalysis),
            reason: r.reason,
            payload: r.payload.map(|p| async_graphql::Json(p.0)),
            created_at: r.created_at,
            resolved_at: r.resolved_at,
        }
    }
}

const FAILURE_COLUMNS: &str = "id, requirement_id, stage, reason, payload, created_at, resolved_at";

#[tracing::instrument(skip_all)]
pub(super) async fn insert_failure(
    db: impl PgExecutor<'_>,
    requirement: RequirementId,
    project: Option<ProjectId>,
    reported_by: UserId,
    stage: AnalysisFailureStage,
    reason: &str,
    payload: Option<&serde_json::Value>,
) -> sqlx::Result<AnalysisFailure> {
    sqlx::query_as::<_, FailureRow>(&format!(
        "insert into ai_analysis_failures (id, requirement_id, project_id, reported_by, stage, reason, payload)
         values ($1, $2, $3, $4, $5, $6, $7) returning {FAILURE_COLUMNS}"
    ))
    .bind(Uuid::now_v7())
    .bind(requirement.0)
    .bind(project.map(|p| p.0))
    .bind(reported_by.0)
    .bind(stage.as_str())
    .bind(reason)
    .bind(payload.map(Json))
    .fetch_one(db)
    .await
    .map(AnalysisFailure::from)
}

/// The logged failures of each requirement, newest first.
#[tracing::instrument(skip_all, fields(count = requirements.len()))]
pub(super) async fn failures_of(
    db: impl PgExecutor<'_>,
    requirements: &[Uuid],
) -> sqlx::Result<Vec<AnalysisFailure>> {
    sqlx::query_as::<_, FailureRow>(&format!(
        "select {FAILURE_COLUMNS} from ai_analysis_failures where requirement_id = any($1) order by created_at desc, id desc"
    ))
    .bind(requirements)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(AnalysisFailure::from).collect())
}
