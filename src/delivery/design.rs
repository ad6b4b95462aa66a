//! `TechDesign`: the architecture made from a PRD, its PlantUML, decision log and risk
//! assessment (MongoDB `tech_designs`), with links to its API specs in PostgreSQL.

use async_graphql::{Context, ID, Object, SimpleObject};
use bson::{DateTime as BsonDateTime, Uuid as BsonUuid};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    loader,
    model::{ArchitectureType, DesignId, PrdId, ProjectId},
    prd::PrdDoc,
    spec::ApiSpec,
};
use crate::{error::AppError, graphql::node::NodeId, users::UserId};

/// A tech design.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct TechDesign {
    #[serde(rename = "_id")]
    pub(crate) id: BsonUuid,
    pub(crate) prd_id: BsonUuid,
    pub(crate) requirement_id: BsonUuid,
    pub(crate) project_id: BsonUuid,
    pub(crate) owner_id: BsonUuid,
    pub(crate) title: String,
    pub(crate) architecture: Architecture,
    pub(crate) plantuml_code: String,
    pub(crate) decision_log: Vec<Decision>,
    pub(crate) risk_assessment: RiskAssessment,
    pub(crate) api_spec_ids: Vec<BsonUuid>,
    pub(crate) created_at: BsonDateTime,
    pub(crate) updated_at: BsonDateTime,
}

impl TechDesign {
    pub(crate) fn design_id(&self) -> DesignId {
        DesignId(self.id.into())
    }

    pub(crate) fn prd_ref(&self) -> PrdId {
        PrdId(self.prd_id.into())
    }

    pub(crate) fn project_ref(&self) -> ProjectId {
        ProjectId(self.project_id.into())
    }

    pub(crate) fn owned_by(&self) -> UserId {
        UserId(self.owner_id.into())
    }
}

/// The architecture (seed 000 `architecture`).
#[derive(Serialize, Deserialize, Clone, Debug)]
pub(crate) struct Architecture {
    #[serde(rename = "type")]
    pub(crate) kind: ArchitectureType,
    pub(crate) components: Vec<Component>,
}

/// A building block of the architecture.
#[derive(SimpleObject, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[graphql(name = "DesignComponent")]
pub struct Component {
    /// Name, e.g. "order service".
    pub name: String,
    /// What it is built with.
    pub technology: String,
    /// What it is responsible for.
    pub responsibility: Option<String>,
}

/// Risk scores, each 0 (none) to 10 (severe).
#[derive(SimpleObject, Serialize, Deserialize, Clone, Copy, Debug, PartialEq)]
pub struct RiskAssessment {
    /// Performance risk.
    pub performance: f64,
    /// Security risk.
    pub security: f64,
    /// Maintainability risk.
    pub maintainability: f64,
}

/// One entry of the decision log.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Decision {
    #[serde(rename = "_id")]
    pub(crate) id: BsonUuid,
    pub(crate) timestamp: BsonDateTime,
    pub(crate) option: String,
    pub(crate) alternatives: Vec<String>,
    pub(crate) rationale: String,
    pub(crate) author_id: BsonUuid,
}

/// A technical decision: the option chosen, the alternatives and why.
#[Object(name = "DesignDecision")]
impl Decision {
    /// When it was decided.
    async fn timestamp(&self) -> DateTime<Utc> {
        self.timestamp.to_chrono()
    }

    /// The option chosen.
    async fn option(&self) -> &str {
        &self.option
    }

    /// The options not chosen.
    async fn alternatives(&self) -> &[String] {
        &self.alternatives
    }

    /// Why.
    async fn rationale(&self) -> &str {
        &self.rationale
    }

    /// Who decided.
    async fn author_id(&self) -> ID {
        UserId(self.author_id.into()).to_global()
    }
}

/// A tech design (MongoDB `tech_designs`). Visible to the project's owner and admins.
#[Object]
impl TechDesign {
    /// The design's global ID.
    pub(crate) async fn id(&self) -> ID {
        self.design_id().to_global()
    }

    /// The PRD it was made from.
    async fn prd(&self, ctx: &Context<'_>) -> Result<Option<PrdDoc>, AppError> {
        loader::load_prd(ctx, self.prd_ref()).await
    }

    /// Title.
    async fn title(&self) -> &str {
        &self.title
    }

    /// How the system is split up.
    async fn architecture_type(&self) -> ArchitectureType {
        self.architecture.kind
    }

    /// The building blocks.
    async fn components(&self) -> &[Component] {
        &self.architecture.components
    }

    /// PlantUML source of the architecture diagram.
    async fn plantuml_code(&self) -> &str {
        &self.plantuml_code
    }

    /// Technical decisions, oldest first.
    async fn decision_log(&self) -> &[Decision] {
        &self.decision_log
    }

    /// Risk scores.
    async fn risk_assessment(&self) -> RiskAssessment {
        self.risk_assessment
    }

    /// API specs attached to this design (PostgreSQL, batched per level), oldest first.
    async fn api_specs(&self, ctx: &Context<'_>) -> Result<Vec<ApiSpec>, AppError> {
        loader::load_specs_of(ctx, self.design_id()).await
    }

    /// When the design was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.created_at.to_chrono()
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at.to_chrono()
    }
}
