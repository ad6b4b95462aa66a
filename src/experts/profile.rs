//! The `ExpertProfile` type.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};

use super::{
    knowledge::KnowledgeBase,
    loader,
    model::{ExpertProfileId, ExpertVisibility, ServiceStatus},
    service::ExpertService,
};
use crate::{
    error::AppError,
    graphql::{self, node::NodeId, viewer::Viewer},
    users::{self, User, UserId},
};

/// An expert's public face: who they are and what they know.
#[derive(Clone, Debug)]
pub struct ExpertProfile {
    pub(crate) user_id: UserId,
    pub(crate) title: Option<String>,
    pub(crate) bio: Option<String>,
    pub(crate) expertise_summary: Option<String>,
    pub(crate) years_experience: Option<i32>,
    pub(crate) organization: Option<String>,
    pub(crate) position: Option<String>,
    pub(crate) education: Option<String>,
    pub(crate) certifications: Option<String>,
    pub(crate) website_url: Option<String>,
    pub(crate) visibility: ExpertVisibility,
    /// Whether the expert's account is active (deactivated experts are hidden from others).
    pub(crate) user_active: bool,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

impl ExpertProfile {
    /// Whether this viewer may see the profile: the expert and admins always; others
    /// when the account is active and the visibility allows (limited: signed-in users).
    pub fn visible_to(&self, viewer: &Viewer) -> bool {
        if viewer.is_self_or_admin(self.user_id) {
            return true;
        }
        self.user_active
            && match self.visibility {
                ExpertVisibility::Public => true,
                ExpertVisibility::Limited => viewer.user_id().is_some(),
                ExpertVisibility::Private => false,
            }
    }
}

/// An expert's profile. Private profiles are seen by the expert and admins only, limited
/// ones by signed-in users, public ones by everyone.
#[Object]
impl ExpertProfile {
    /// The profile's global ID.
    pub(crate) async fn id(&self) -> ID {
        ExpertProfileId(self.user_id.0).to_global()
    }

    /// The expert's account (when the viewer may see it).
    async fn user(&self, ctx: &Context<'_>) -> Result<Option<User>, AppError> {
        users::load_user(ctx, self.user_id).await
    }

    /// Professional title, e.g. "Distributed systems consultant".
    async fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    /// Longer introduction.
    async fn bio(&self) -> Option<&str> {
        self.bio.as_deref()
    }

    /// What the expert knows, in a few sentences.
    async fn expertise_summary(&self) -> Option<&str> {
        self.expertise_summary.as_deref()
    }

    /// Years of professional experience (0 to 80).
    async fn years_experience(&self) -> Option<i32> {
        self.years_experience
    }

    /// Where the expert works.
    async fn organization(&self) -> Option<&str> {
        self.organization.as_deref()
    }

    /// The expert's position there.
    async fn position(&self) -> Option<&str> {
        self.position.as_deref()
    }

    /// Education, free text.
    async fn education(&self) -> Option<&str> {
        self.education.as_deref()
    }

    /// Certifications, free text.
    async fn certifications(&self) -> Option<&str> {
        self.certifications.as_deref()
    }

    /// The expert's website (http or https).
    async fn website_url(&self) -> Option<&str> {
        self.website_url.as_deref()
    }

    /// Who may see the profile.
    async fn visibility(&self) -> ExpertVisibility {
        self.visibility
    }

    /// When the profile was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }

    /// When the profile last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }

    /// Knowledge bases, newest first: public ones, and private ones for the expert and
    /// admins.
    async fn knowledge_bases(&self, ctx: &Context<'_>) -> Result<Vec<KnowledgeBase>, AppError> {
        let viewer = graphql::data::<Viewer>(ctx)?;
        let owner = viewer.is_self_or_admin(self.user_id);
        Ok(loader::load_knowledge_bases_of(ctx, self.user_id)
            .await?
            .into_iter()
            .filter(|kb| owner || kb.is_public)
            .collect())
    }

    /// Services, newest first: active ones, and all of them for the expert and admins.
    async fn services(&self, ctx: &Context<'_>) -> Result<Vec<ExpertService>, AppError> {
        let viewer = graphql::data::<Viewer>(ctx)?;
        let owner = viewer.is_self_or_admin(self.user_id);
        Ok(loader::load_services_of(ctx, self.user_id)
            .await?
            .into_iter()
            .filter(|s| owner || s.status == ServiceStatus::Active)
            .collect())
    }
}
