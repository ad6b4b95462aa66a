//! Relay global object identification: opaque global IDs and `node(id:)`.
//!
//! A global ID is `base64url("<Type>:<uuid>")`. Every store keys its rows and documents
//! by the bare UUID; only GraphQL sees the typed, opaque form.

use async_graphql::{Context, ID, Interface, Object};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use uuid::Uuid;

use crate::{
    delivery::{
        self, ApiSpec, ApiSpecId, DesignId, PrdDoc, PrdId, Project, ProjectId, Requirement,
        RequirementId, TechDesign,
    },
    error::AppError,
    experts::{
        self, ExpertProfile, ExpertService, KnowledgeBase, KnowledgeContent, ServiceBooking,
    },
    hiring::{self, Interview, Job, JobApplication, Organization},
    messaging::{self, Conversation, ConversationId},
    profiles::{self, Education, Experience, PortfolioProject},
    skills::{self, Skill, SkillId},
    twins::{self, DigitalTwin, TwinId},
    users::{self, User, UserId},
};

/// An ID newtype that has a GraphQL type name, so it converts to and from global IDs.
pub trait NodeId: Sized + Copy {
    /// The GraphQL object type the ID names.
    const TYPENAME: &'static str;
    /// Wraps a UUID.
    fn from_uuid(uuid: Uuid) -> Self;
    /// The bare UUID stored in the databases.
    fn uuid(self) -> Uuid;

    /// The opaque global ID clients see.
    fn to_global(self) -> ID {
        ID(URL_SAFE_NO_PAD.encode(format!("{}:{}", Self::TYPENAME, self.uuid())))
    }

    /// Parses a global ID that must name this type.
    fn from_global(id: &ID) -> Result<Self, AppError> {
        match decode(id) {
            Some((typename, uuid)) if typename == Self::TYPENAME => Ok(Self::from_uuid(uuid)),
            _ => Err(AppError::BadUserInput(format!(
                "{:?} is not a {} ID",
                id.as_str(),
                Self::TYPENAME
            ))),
        }
    }
}

/// Splits a global ID into its type name and UUID.
pub fn decode(id: &ID) -> Option<(String, Uuid)> {
    let bytes = URL_SAFE_NO_PAD.decode(id.as_str()).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (typename, uuid) = text.split_once(':')?;
    Some((typename.to_owned(), Uuid::parse_str(uuid).ok()?))
}

/// Declares a `Uuid` newtype that is a [`NodeId`] of the given GraphQL type.
#[macro_export]
macro_rules! node_id {
    ($(#[$meta:meta])* $name:ident => $typename:literal) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub(crate) uuid::Uuid);

        impl $crate::graphql::node::NodeId for $name {
            const TYPENAME: &'static str = $typename;
            fn from_uuid(uuid: uuid::Uuid) -> Self {
                Self(uuid)
            }
            fn uuid(self) -> uuid::Uuid {
                self.0
            }
        }
    };
}

/// An object with a global ID.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "The object's global ID."))]
pub enum Node {
    /// A person.
    User(User),
    /// A skill in the catalogue.
    Skill(Skill),
    /// A work experience.
    Experience(Experience),
    /// A portfolio project.
    PortfolioProject(PortfolioProject),
    /// An education.
    Education(Education),
    /// A digital twin.
    DigitalTwin(DigitalTwin),
    /// A conversation.
    Conversation(Conversation),
    /// An employer organization.
    Organization(Organization),
    /// A job.
    Job(Job),
    /// A job application.
    JobApplication(JobApplication),
    /// An interview.
    Interview(Interview),
    /// A delivery project.
    Project(Project),
    /// A requirement of a delivery project.
    Requirement(Requirement),
    /// A PRD.
    PrdDoc(PrdDoc),
    /// A tech design.
    TechDesign(TechDesign),
    /// An API spec.
    ApiSpec(ApiSpec),
    /// An expert's profile.
    ExpertProfile(ExpertProfile),
    /// An expert's knowledge base.
    KnowledgeBase(KnowledgeBase),
    /// A piece of knowledge in a knowledge base.
    KnowledgeContent(KnowledgeContent),
    /// A service an expert offers.
    ExpertService(ExpertService),
    /// A booking of an expert service.
    ServiceBooking(ServiceBooking),
}

/// `node(id:)`.
#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Fetches any object by its global ID; `null` when it does not exist or is not visible.
    #[graphql(cache_control(no_cache))]
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Node>, AppError> {
        let Some((typename, uuid)) = decode(&id) else {
            return Err(AppError::BadUserInput(format!(
                "{:?} is not a global ID",
                id.as_str()
            )));
        };
        load(ctx, &typename, uuid).await
    }
}

/// The object of this type and UUID, through its domain's DataLoader and with the same
/// visibility rules as `node(id:)`; `None` when it does not exist, the viewer may not see
/// it, or braid has no such type.
pub async fn load(ctx: &Context<'_>, typename: &str, uuid: Uuid) -> Result<Option<Node>, AppError> {
    Ok(match typename {
        UserId::TYPENAME => users::load_user(ctx, UserId(uuid)).await?.map(Node::User),
        SkillId::TYPENAME => skills::load_skill(ctx, SkillId(uuid))
            .await?
            .map(Node::Skill),
        TwinId::TYPENAME => twins::load_twin(ctx, TwinId(uuid))
            .await?
            .map(Node::DigitalTwin),
        ConversationId::TYPENAME => messaging::load_conversation(ctx, ConversationId(uuid))
            .await?
            .map(Node::Conversation),
        ProjectId::TYPENAME => delivery::load_project(ctx, ProjectId(uuid))
            .await?
            .map(Node::Project),
        RequirementId::TYPENAME => delivery::load_requirement(ctx, RequirementId(uuid))
            .await?
            .map(Node::Requirement),
        PrdId::TYPENAME => delivery::load_prd(ctx, PrdId(uuid))
            .await?
            .map(Node::PrdDoc),
        DesignId::TYPENAME => delivery::load_design(ctx, DesignId(uuid))
            .await?
            .map(Node::TechDesign),
        ApiSpecId::TYPENAME => delivery::load_spec(ctx, ApiSpecId(uuid))
            .await?
            .map(Node::ApiSpec),
        other if experts::NODE_TYPES.contains(&other) => {
            experts::load_node(ctx, other, uuid).await?
        }
        other => match profiles::load_node(ctx, other, uuid).await? {
            Some(node) => Some(node),
            None => hiring::load_node(ctx, other, uuid).await?,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_ids_round_trip_and_check_the_type() {
        let id = SkillId(Uuid::new_v4());
        let global = id.to_global();
        assert_eq!(SkillId::from_global(&global).ok(), Some(id));
        assert_eq!(decode(&global), Some(("Skill".to_owned(), id.0)));
        let other_type = ID(URL_SAFE_NO_PAD.encode(format!("User:{}", id.0)));
        assert!(SkillId::from_global(&other_type).is_err());
        assert!(SkillId::from_global(&ID("garbage".into())).is_err());
    }
}
