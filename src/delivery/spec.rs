//! `ApiSpec` (PostgreSQL `api_specs`) and `AnalysisFailure` (`ai_analysis_failures`).

use async_graphql::{ComplexObject, Context, Enum, ID, Json, SimpleObject};
use chrono::{DateTime, Utc};

use super::{
    design::TechDesign,
    loader,
    model::{AnalysisFailureId, ApiSpecId, DesignId, ProjectId, RequirementId},
    project::Project,
};
use crate::{error::AppError, graphql::node::NodeId, users::UserId};

/// An OpenAPI document attached to a tech design (seed 000 section 5).
#[derive(SimpleObject, Clone, Debug)]
#[graphql(complex)]
pub struct ApiSpec {
    #[graphql(skip)]
    pub(crate) id: ApiSpecId,
    #[graphql(skip)]
    pub(crate) design_id: DesignId,
    #[graphql(skip)]
    pub(crate) project_id: ProjectId,
    #[graphql(skip)]
    pub(crate) owner: UserId,
    /// `info.title` of the document.
    pub title: String,
    /// The document's `openapi` version, e.g. `3.0.3` or `3.1.0`.
    pub openapi_version: String,
    /// The OpenAPI document as given.
    pub openapi: Json<serde_json::Value>,
    /// What the OpenAPI parser and the reference checks found wrong (empty when valid).
    pub validation_errors: Vec<String>,
    /// The GitHub repository or file the spec syncs with.
    pub github_url: Option<String>,
    /// When it was last synchronised with GitHub.
    pub last_sync: Option<DateTime<Utc>>,
    /// When it was attached.
    pub created_at: DateTime<Utc>,
}

#[ComplexObject]
impl ApiSpec {
    /// The spec's global ID.
    pub(crate) async fn id(&self) -> ID {
        self.id.to_global()
    }

    /// Whether the document passed validation.
    async fn is_valid(&self) -> bool {
        self.validation_errors.is_empty()
    }

    /// The project the spec belongs to.
    async fn project(&self, ctx: &Context<'_>) -> Result<Option<Project>, AppError> {
        loader::load_project(ctx, self.project_id).await
    }

    /// The tech design (MongoDB) the spec belongs to; `null` if it no longer exists.
    async fn tech_design(&self, ctx: &Context<'_>) -> Result<Option<TechDesign>, AppError> {
        loader::load_design(ctx, self.design_id).await
    }
}

/// Where an analysis failed.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnalysisFailureStage {
    /// The AI worker could not analyse the requirement.
    AiAnalysis,
    /// The analysis was made but MongoDB could not record it; the payload keeps it.
    StoreWrite,
}

crate::stored_as_text!(AnalysisFailureStage {
    AiAnalysis => "ai_analysis",
    StoreWrite => "store_write",
});

/// An analysis that could not be recorded, logged in PostgreSQL (seed 000: "on failure,
/// degrade to a PostgreSQL log").
#[derive(SimpleObject, Clone, Debug)]
#[graphql(complex)]
pub struct AnalysisFailure {
    #[graphql(skip)]
    pub(crate) id: AnalysisFailureId,
    #[graphql(skip)]
    pub(crate) requirement_id: RequirementId,
    /// Where it failed.
    pub stage: AnalysisFailureStage,
    /// What went wrong.
    pub reason: String,
    /// The analysis that could not be stored, if there was one.
    pub payload: Option<Json<serde_json::Value>>,
    /// When it was logged.
    pub created_at: DateTime<Utc>,
    /// When it was dealt with.
    pub resolved_at: Option<DateTime<Utc>>,
}

#[ComplexObject]
impl AnalysisFailure {
    /// The failure's global ID.
    async fn id(&self) -> ID {
        self.id.to_global()
    }
}
