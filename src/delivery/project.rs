//! `Project`: a delivery project, one document of MongoDB `projects`.

use async_graphql::{Context, ID, Json, Object, SimpleObject};
use bson::{DateTime as BsonDateTime, Uuid as BsonUuid};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    loader,
    model::{AttachmentId, ProjectId, ProjectStatus},
    requirement::Requirement,
};
use crate::{
    error::AppError,
    graphql::node::NodeId,
    users::{self, User, UserId},
};

/// A delivery project: the root of requirement -> PRD -> tech design -> API spec.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Project {
    #[serde(rename = "_id")]
    pub(crate) id: BsonUuid,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) owner_id: BsonUuid,
    pub(crate) status: ProjectStatus,
    pub(crate) tech_stack: TechStack,
    pub(crate) timeline: Timeline,
    pub(crate) metadata: ProjectMetadata,
    pub(crate) status_history: Vec<StatusChange>,
    pub(crate) created_at: BsonDateTime,
    pub(crate) updated_at: BsonDateTime,
}

impl Project {
    pub(crate) fn project_id(&self) -> ProjectId {
        ProjectId(self.id.into())
    }

    pub(crate) fn owned_by(&self) -> UserId {
        UserId(self.owner_id.into())
    }
}

/// The technologies a project is built with (seed 000 `tech_stack`).
#[derive(SimpleObject, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct TechStack {
    /// Backend language or framework.
    pub backend: Option<String>,
    /// Primary database.
    pub database: Option<String>,
    /// Where it runs.
    pub infrastructure: Option<String>,
}

/// The project's schedule (seed 000 `timeline`).
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub(crate) struct Timeline {
    pub(crate) milestones: Vec<Milestone>,
}

/// A dated goal on the project's timeline.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Milestone {
    pub(crate) name: String,
    pub(crate) date: BsonDateTime,
    pub(crate) completed: bool,
}

/// A dated goal on the project's timeline.
#[Object]
impl Milestone {
    /// What is to be reached.
    async fn name(&self) -> &str {
        &self.name
    }

    /// When it is due.
    async fn date(&self) -> DateTime<Utc> {
        self.date.to_chrono()
    }

    /// Whether it has been reached.
    async fn completed(&self) -> bool {
        self.completed
    }
}

/// Free-form extensions (seed 000 `metadata`).
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub(crate) struct ProjectMetadata {
    pub(crate) custom_fields: bson::Document,
    pub(crate) attachments: Vec<Attachment>,
}

/// A file attached to a project; its bytes are in GridFS under the same id.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Attachment {
    #[serde(rename = "_id")]
    pub(crate) id: BsonUuid,
    pub(crate) filename: String,
    pub(crate) content_type: String,
    pub(crate) size: i64,
    pub(crate) sha256: String,
    pub(crate) uploaded_at: BsonDateTime,
    pub(crate) uploaded_by: BsonUuid,
}

/// A file attached to a project, stored in GridFS.
#[Object(name = "ProjectAttachment")]
impl Attachment {
    /// The attachment's global ID.
    async fn id(&self) -> ID {
        AttachmentId(self.id.into()).to_global()
    }

    /// The file name given at upload.
    async fn filename(&self) -> &str {
        &self.filename
    }

    /// The media type given at upload (`application/octet-stream` when none was).
    async fn content_type(&self) -> &str {
        &self.content_type
    }

    /// Size in bytes.
    async fn size(&self) -> i64 {
        self.size
    }

    /// SHA-256 of the content, lower-case hex.
    async fn sha256(&self) -> &str {
        &self.sha256
    }

    /// When it was uploaded.
    async fn uploaded_at(&self) -> DateTime<Utc> {
        self.uploaded_at.to_chrono()
    }

    /// Where the owner (or an admin) downloads it, with `Authorization: Bearer <token>`.
    async fn download_url(&self) -> String {
        format!("/files/{}", uuid::Uuid::from(self.id))
    }
}

/// One status transition.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct StatusChange {
    pub(crate) from: ProjectStatus,
    pub(crate) to: ProjectStatus,
    pub(crate) at: BsonDateTime,
    pub(crate) by: BsonUuid,
}

/// One status transition of a project.
#[Object(name = "ProjectStatusChange")]
impl StatusChange {
    /// The status before.
    async fn from(&self) -> ProjectStatus {
        self.from
    }

    /// The status after.
    async fn to(&self) -> ProjectStatus {
        self.to
    }

    /// When it changed.
    async fn at(&self) -> DateTime<Utc> {
        self.at.to_chrono()
    }

    /// Who changed it.
    async fn by_id(&self) -> ID {
        UserId(self.by.into()).to_global()
    }
}

/// A delivery project (MongoDB `projects`). Visible to its owner and admins only.
#[Object]
impl Project {
    /// The project's global ID.
    pub(crate) async fn id(&self) -> ID {
        self.project_id().to_global()
    }

    /// Project name.
    async fn name(&self) -> &str {
        &self.name
    }

    /// What the project is about.
    async fn description(&self) -> &str {
        &self.description
    }

    /// Where the project is: draft -> active -> completed -> archived.
    async fn status(&self) -> ProjectStatus {
        self.status
    }

    /// The PostgreSQL user who owns the project.
    async fn owner(&self, ctx: &Context<'_>) -> Result<Option<User>, AppError> {
        users::load_user(ctx, self.owned_by()).await
    }

    /// The technologies it is built with.
    async fn tech_stack(&self) -> &TechStack {
        &self.tech_stack
    }

    /// Timeline milestones, in date order.
    async fn milestones(&self) -> &[Milestone] {
        &self.timeline.milestones
    }

    /// Free-form fields (a JSON object), set and unset one key at a time.
    async fn custom_fields(&self) -> Json<serde_json::Value> {
        Json(bson::Bson::Document(self.metadata.custom_fields.clone()).into_relaxed_extjson())
    }

    /// Files attached to the project, oldest first.
    async fn attachments(&self) -> &[Attachment] {
        &self.metadata.attachments
    }

    /// Every status transition, oldest first.
    async fn status_history(&self) -> &[StatusChange] {
        &self.status_history
    }

    /// The project's requirements, oldest first (one MongoDB query per level, batched).
    async fn requirements(&self, ctx: &Context<'_>) -> Result<Vec<Requirement>, AppError> {
        loader::load_requirements_of(ctx, self.project_id()).await
    }

    /// When the project was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.created_at.to_chrono()
    }

    /// When the project document last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at.to_chrono()
    }
}
