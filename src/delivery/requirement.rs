//! `Requirement`: raw text, the AI's structured analysis, manual edits and versions (one
//! document of MongoDB `requirements`).

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use bson::{DateTime as BsonDateTime, Uuid as BsonUuid};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    loader,
    model::{ProjectId, RequirementId, RequirementStatus},
    prd::PrdDoc,
    project::Project,
    spec::AnalysisFailure,
};
use crate::{error::AppError, graphql::node::NodeId, users::UserId};

/// A requirement of a project, as submitted and as analysed.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Requirement {
    #[serde(rename = "_id")]
    pub(crate) id: BsonUuid,
    pub(crate) project_id: BsonUuid,
    pub(crate) owner_id: BsonUuid,
    pub(crate) raw_text: String,
    pub(crate) status: RequirementStatus,
    pub(crate) ai_analysis: Option<Analysis>,
    pub(crate) confidence_score: Option<f64>,
    pub(crate) manual_edits: Vec<ManualEdit>,
    pub(crate) current_version: i32,
    pub(crate) version_history: Vec<RequirementVersion>,
    pub(crate) created_at: BsonDateTime,
    pub(crate) updated_at: BsonDateTime,
}

impl Requirement {
    pub(crate) fn requirement_id(&self) -> RequirementId {
        RequirementId(self.id.into())
    }

    pub(crate) fn project_ref(&self) -> ProjectId {
        ProjectId(self.project_id.into())
    }

    pub(crate) fn owned_by(&self) -> UserId {
        UserId(self.owner_id.into())
    }
}

/// The AI's structured reading of a requirement (seed 000 `ai_analysis`).
#[derive(SimpleObject, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[graphql(name = "RequirementAnalysis")]
pub struct Analysis {
    /// "As a ..., I want ..., so that ..." stories.
    pub user_stories: Vec<String>,
    /// Features by MoSCoW priority.
    pub features: Features,
    /// Non-functional requirements (performance, security, ...).
    pub non_functional: Vec<String>,
}

/// Features by MoSCoW priority.
#[derive(SimpleObject, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[graphql(name = "MoscowFeatures")]
pub struct Features {
    /// Must have.
    pub must: Vec<String>,
    /// Should have.
    pub should: Vec<String>,
    /// Could have.
    pub could: Vec<String>,
    /// Won't have this time.
    pub wont: Vec<String>,
}

impl Analysis {
    fn lists(&self) -> [(&'static str, &[String]); 6] {
        [
            ("userStories", &self.user_stories),
            ("features.must", &self.features.must),
            ("features.should", &self.features.should),
            ("features.could", &self.features.could),
            ("features.wont", &self.features.wont),
            ("nonFunctional", &self.non_functional),
        ]
    }

    /// The structured difference from `before` to `self`: per list, the entries added and
    /// removed. Lists that did not change are left out.
    pub(crate) fn diff_from(&self, before: &Analysis) -> Vec<FieldChange> {
        self.lists()
            .into_iter()
            .zip(before.lists())
            .filter_map(|((field, after), (_, before))| {
                let added: Vec<String> = after
                    .iter()
                    .filter(|e| !before.contains(e))
                    .cloned()
                    .collect();
                let removed: Vec<String> = before
                    .iter()
                    .filter(|e| !after.contains(e))
                    .cloned()
                    .collect();
                let reordered = added.is_empty() && removed.is_empty() && after != before;
                (!added.is_empty() || !removed.is_empty() || reordered).then(|| FieldChange {
                    field: field.to_owned(),
                    added,
                    removed,
                })
            })
            .collect()
    }
}

/// How one list of the analysis changed in a manual edit.
#[derive(SimpleObject, Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct FieldChange {
    /// The list, e.g. `features.must` or `userStories`.
    pub field: String,
    /// Entries the edit added.
    pub added: Vec<String>,
    /// Entries the edit removed.
    pub removed: Vec<String>,
}

/// A person's correction of the AI analysis (seed 000 `manual_edits`).
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct ManualEdit {
    pub(crate) editor_id: BsonUuid,
    pub(crate) edited_at: BsonDateTime,
    pub(crate) version: i32,
    pub(crate) changes: Vec<FieldChange>,
}

/// A person's correction of the AI analysis.
#[Object]
impl ManualEdit {
    /// Who edited.
    async fn editor_id(&self) -> ID {
        UserId(self.editor_id.into()).to_global()
    }

    /// When.
    async fn edited_at(&self) -> DateTime<Utc> {
        self.edited_at.to_chrono()
    }

    /// The requirement version the edit created.
    async fn version(&self) -> i32 {
        self.version
    }

    /// What changed against the previous analysis.
    async fn changes(&self) -> &[FieldChange] {
        &self.changes
    }
}

/// What made a requirement version.
#[derive(Enum, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RequirementVersionKind {
    /// The raw text was submitted.
    Submitted,
    /// The AI recorded an analysis.
    AiAnalysis,
    /// A person edited the analysis.
    ManualEdit,
}

/// One version of a requirement (seed 000 `version_history`).
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct RequirementVersion {
    pub(crate) version: i32,
    pub(crate) kind: RequirementVersionKind,
    pub(crate) timestamp: BsonDateTime,
    pub(crate) author_id: BsonUuid,
    pub(crate) confidence_score: Option<f64>,
    pub(crate) analysis: Option<Analysis>,
}

/// One version of a requirement.
#[Object]
impl RequirementVersion {
    /// 1 for the submission, one more per analysis or edit.
    async fn version(&self) -> i32 {
        self.version
    }

    /// What made this version.
    async fn kind(&self) -> RequirementVersionKind {
        self.kind
    }

    /// When.
    async fn timestamp(&self) -> DateTime<Utc> {
        self.timestamp.to_chrono()
    }

    /// Who.
    async fn author_id(&self) -> ID {
        UserId(self.author_id.into()).to_global()
    }

    /// The AI's confidence as of this version.
    async fn confidence_score(&self) -> Option<f64> {
        self.confidence_score
    }

    /// The analysis as of this version.
    async fn analysis(&self) -> Option<&Analysis> {
        self.analysis.as_ref()
    }
}

/// A requirement (MongoDB `requirements`). Visible to the project's owner and admins.
#[Object]
impl Requirement {
    /// The requirement's global ID.
    pub(crate) async fn id(&self) -> ID {
        self.requirement_id().to_global()
    }

    /// The project it belongs to.
    async fn project(&self, ctx: &Context<'_>) -> Result<Option<Project>, AppError> {
        loader::load_project(ctx, self.project_ref()).await
    }

    /// The requirement as the client wrote it.
    async fn raw_text(&self) -> &str {
        &self.raw_text
    }

    /// Where it is in the pipeline.
    async fn status(&self) -> RequirementStatus {
        self.status
    }

    /// Whether the analysis fell below the owner's confidence threshold and awaits review.
    async fn needs_review(&self) -> bool {
        self.status == RequirementStatus::NeedsReview
    }

    /// The current analysis; `null` until the AI records one.
    async fn analysis(&self) -> Option<&Analysis> {
        self.ai_analysis.as_ref()
    }

    /// The AI's confidence in its analysis, 0 to 1.
    async fn confidence_score(&self) -> Option<f64> {
        self.confidence_score
    }

    /// People's corrections of the analysis, oldest first.
    async fn manual_edits(&self) -> &[ManualEdit] {
        &self.manual_edits
    }

    /// The current version number.
    async fn version(&self) -> i32 {
        self.current_version
    }

    /// Every version, oldest first.
    async fn version_history(&self) -> &[RequirementVersion] {
        &self.version_history
    }

    /// The PRD generated from this requirement, if any (batched per level).
    async fn prd(&self, ctx: &Context<'_>) -> Result<Option<PrdDoc>, AppError> {
        loader::load_prd_of(ctx, self.requirement_id()).await
    }

    /// Analyses that could not be recorded (logged in PostgreSQL), newest first.
    async fn analysis_failures(&self, ctx: &Context<'_>) -> Result<Vec<AnalysisFailure>, AppError> {
        loader::load_failures_of(ctx, self.requirement_id()).await
    }

    /// When it was submitted.
    async fn created_at(&self) -> DateTime<Utc> {
        self.created_at.to_chrono()
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at.to_chrono()
    }
}
