//! The `User` type: public fields, private fields (the user and admins only), and the
//! profile, skill, history and session fields other domains resolve through loaders.

use async_graphql::{Context, Enum, ID, Object};
use chrono::{DateTime, Utc};

use super::settings::{PrivacySettings, UserSettings};
use crate::{
    auth::{self, OAuthAccount, Session},
    error::AppError,
    graphql::{self, node::NodeId, viewer::Viewer},
    profiles::{self, Education, Experience, IndividualProfile, PortfolioProject},
    skills::{self, UserSkill},
    twins::{self, DigitalTwin},
};

crate::node_id!(
    /// The id of a user (a row of `users`).
    UserId => "User"
);

/// What a user mainly does on the platform.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// A person with a profile and a digital twin, looking for work.
    Individual,
    /// Someone hiring for an organization.
    Employer,
    /// Someone offering knowledge and paid services.
    Expert,
}

crate::stored_as_text!(Role {
    Individual => "individual",
    Employer => "employer",
    Expert => "expert",
});

/// Who may see a user at all.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ProfileVisibility {
    /// Everyone, signed in or not.
    #[default]
    Public,
    /// Signed-in users only.
    Members,
    /// The user and admins only.
    Private,
}

crate::stored_as_text!(ProfileVisibility {
    Public => "public",
    Members => "members",
    Private => "private",
});

/// A person on the platform.
#[derive(Clone, Debug)]
pub struct User {
    pub(crate) id: UserId,
    pub(crate) username: String,
    pub(crate) email: String,
    pub(crate) phone_number: Option<String>,
    pub(crate) role: Role,
    pub(crate) is_admin: bool,
    pub(crate) avatar_url: Option<String>,
    pub(crate) is_verified: bool,
    pub(crate) is_active: bool,
    pub(crate) last_login_at: Option<DateTime<Utc>>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) visibility: ProfileVisibility,
    pub(crate) privacy: PrivacySettings,
}

impl User {
    /// Whether this viewer may see the user at all (profile visibility, deactivation).
    pub fn visible_to(&self, viewer: &Viewer) -> bool {
        if viewer.is_self_or_admin(self.id) {
            return true;
        }
        self.is_active
            && match self.visibility {
                ProfileVisibility::Public => true,
                ProfileVisibility::Members => viewer.user_id().is_some(),
                ProfileVisibility::Private => false,
            }
    }

    fn private<T>(
        &self,
        ctx: &Context<'_>,
        value: impl FnOnce() -> T,
    ) -> Result<Option<T>, AppError> {
        let viewer = graphql::data::<Viewer>(ctx)?;
        Ok(viewer.is_self_or_admin(self.id).then(value))
    }
}

/// A person on the platform: public fields for everyone who may see them, private
/// fields for the user and admins only.
#[Object]
impl User {
    /// The user's global ID.
    pub(crate) async fn id(&self) -> ID {
        self.id.to_global()
    }

    /// Unique handle, 3 to 50 of `A-Z a-z 0-9 _ . -` (case-insensitively unique).
    async fn username(&self) -> &str {
        &self.username
    }

    /// What the user mainly does on the platform.
    async fn role(&self) -> Role {
        self.role
    }

    /// Picture URL, if set.
    async fn avatar_url(&self) -> Option<&str> {
        self.avatar_url.as_deref()
    }

    /// Whether the email address was verified.
    async fn is_verified(&self) -> bool {
        self.is_verified
    }

    /// When the account was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }

    /// Email address. Private: `null` unless the viewer is this user or an admin.
    #[graphql(cache_control(private))]
    async fn email(&self, ctx: &Context<'_>) -> Result<Option<String>, AppError> {
        self.private(ctx, || self.email.clone())
    }

    /// Phone number. Private: `null` unless the viewer is this user or an admin.
    #[graphql(cache_control(private))]
    async fn phone_number(&self, ctx: &Context<'_>) -> Result<Option<String>, AppError> {
        Ok(self.private(ctx, || self.phone_number.clone())?.flatten())
    }

    /// When the user last signed in. Private: the user and admins only.
    #[graphql(cache_control(private))]
    async fn last_login_at(&self, ctx: &Context<'_>) -> Result<Option<DateTime<Utc>>, AppError> {
        Ok(self.private(ctx, || self.last_login_at)?.flatten())
    }

    /// Whether the user is an operator with the admin capability. Private.
    #[graphql(cache_control(private))]
    async fn is_admin(&self, ctx: &Context<'_>) -> Result<Option<bool>, AppError> {
        self.private(ctx, || self.is_admin)
    }

    /// The individual profile; location and birth date follow the user's privacy settings.
    async fn profile(&self, ctx: &Context<'_>) -> Result<Option<IndividualProfile>, AppError> {
        let viewer = graphql::data::<Viewer>(ctx)?;
        let profile = profiles::load_profile(ctx, self.id).await?;
        Ok(profile.map(|p| p.masked_for(viewer, self.id, &self.privacy)))
    }

    /// Skills with proficiency, highlighted first.
    async fn skills(&self, ctx: &Context<'_>) -> Result<Vec<UserSkill>, AppError> {
        skills::load_user_skills(ctx, self.id).await
    }

    /// Work history, newest first.
    async fn experiences(&self, ctx: &Context<'_>) -> Result<Vec<Experience>, AppError> {
        profiles::load_experiences(ctx, self.id).await
    }

    /// Portfolio projects, newest first.
    async fn portfolio_projects(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<PortfolioProject>, AppError> {
        profiles::load_portfolio_projects(ctx, self.id).await
    }

    /// Education history, newest first.
    async fn educations(&self, ctx: &Context<'_>) -> Result<Vec<Education>, AppError> {
        profiles::load_educations(ctx, self.id).await
    }

    /// The user's digital twins, newest first.
    #[graphql(cache_control(private))]
    async fn twins(&self, ctx: &Context<'_>) -> Result<Vec<DigitalTwin>, AppError> {
        twins::load_twins_of(ctx, self.id).await
    }

    /// Published jobs closest in meaning to this user's profile, best first. Private:
    /// `null` unless the viewer is this user or an admin (and, with `STORE_UNAVAILABLE`,
    /// while the vector store is down).
    async fn recommended_jobs(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10, desc = "How many jobs (1 to 50).")] first: i32,
    ) -> Result<Option<Vec<crate::vectors::JobMatch>>, AppError> {
        let viewer = graphql::data::<Viewer>(ctx)?;
        if !viewer.is_self_or_admin(self.id) {
            return Ok(None);
        }
        crate::vectors::recommended_jobs(ctx, self.id.0, first)
            .await
            .map(Some)
    }

    /// Preferences. Private: `null` unless the viewer is this user or an admin.
    #[graphql(cache_control(private))]
    async fn settings(&self, ctx: &Context<'_>) -> Result<Option<UserSettings>, AppError> {
        let viewer = graphql::data::<Viewer>(ctx)?;
        if !viewer.is_self_or_admin(self.id) {
            return Ok(None);
        }
        super::loader::load_settings(ctx, self.id).await
    }

    /// Signed-in sessions, newest first. Private: the user and admins only.
    #[graphql(cache_control(private))]
    async fn sessions(&self, ctx: &Context<'_>) -> Result<Option<Vec<Session>>, AppError> {
        let viewer = graphql::data::<Viewer>(ctx)?;
        if !viewer.is_self_or_admin(self.id) {
            return Ok(None);
        }
        auth::load_sessions(ctx, self.id).await.map(Some)
    }

    /// Linked OAuth accounts (tokens are never returned). Private: the user and admins only.
    #[graphql(cache_control(private))]
    async fn oauth_accounts(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<Vec<OAuthAccount>>, AppError> {
        let viewer = graphql::data::<Viewer>(ctx)?;
        if !viewer.is_self_or_admin(self.id) {
            return Ok(None);
        }
        auth::load_oauth_accounts(ctx, self.id).await.map(Some)
    }
}
