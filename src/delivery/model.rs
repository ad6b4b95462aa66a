//! Ids, enums and the acting user shared by the delivery types.

use async_graphql::Enum;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{graphql::viewer::SignedIn, users::UserId};

crate::node_id!(
    /// The id of a delivery project (a `projects` document).
    ProjectId => "Project"
);
crate::node_id!(
    /// The id of a requirement (a `requirements` document).
    RequirementId => "Requirement"
);
crate::node_id!(
    /// The id of a PRD (a `prd_docs` document).
    PrdId => "PrdDoc"
);
crate::node_id!(
    /// The id of a tech design (a `tech_designs` document).
    DesignId => "TechDesign"
);
crate::node_id!(
    /// The id of an API spec (a row of `api_specs`).
    ApiSpecId => "ApiSpec"
);
crate::node_id!(
    /// The id of a project attachment (a GridFS file).
    AttachmentId => "ProjectAttachment"
);
crate::node_id!(
    /// The id of a logged analysis failure (a row of `ai_analysis_failures`).
    AnalysisFailureId => "AnalysisFailure"
);

/// The BSON form of an id (binData subtype 4).
pub(crate) fn bson_id(id: Uuid) -> bson::Uuid {
    bson::Uuid::from(id)
}

/// Who performs a change: the signed-in user, or (for `braid seed`) the owner directly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Actor {
    /// The user acting.
    pub user: UserId,
    /// Admins act on every project.
    pub is_admin: bool,
}

impl Actor {
    /// A user acting on their own behalf.
    pub fn user(user: UserId) -> Self {
        Self {
            user,
            is_admin: false,
        }
    }

    /// Whether this actor may read and change what `owner` owns.
    pub(crate) fn may_access(self, owner: UserId) -> bool {
        self.is_admin || self.user == owner
    }
}

impl From<&SignedIn> for Actor {
    fn from(signed_in: &SignedIn) -> Self {
        Self {
            user: signed_in.user_id,
            is_admin: signed_in.is_admin,
        }
    }
}

/// Where a project is in its life: draft -> active -> completed -> archived.
#[derive(Enum, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    /// Being shaped; not started.
    Draft,
    /// Under way.
    Active,
    /// Delivered.
    Completed,
    /// Closed and read-only.
    Archived,
}

impl ProjectStatus {
    /// The one status a project may move to next, if any.
    pub(crate) fn next(self) -> Option<Self> {
        match self {
            Self::Draft => Some(Self::Active),
            Self::Active => Some(Self::Completed),
            Self::Completed => Some(Self::Archived),
            Self::Archived => None,
        }
    }

    /// The stored (and error-message) name.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Active => "active",
            Self::Completed => "completed",
            Self::Archived => "archived",
        }
    }
}

/// Where a requirement is in the pipeline.
#[derive(Enum, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RequirementStatus {
    /// Submitted; waiting for the AI analysis.
    Submitted,
    /// Analysed with a confidence at or above the owner's threshold.
    Analyzed,
    /// Analysed below the owner's confidence threshold: a person should review it.
    NeedsReview,
    /// A person edited (and so reviewed) the analysis.
    Reviewed,
}

/// How a system is split up.
#[derive(Enum, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ArchitectureType {
    /// Independently deployed services.
    Microservices,
    /// One deployable application.
    Monolith,
    /// Managed functions and services.
    Serverless,
}
