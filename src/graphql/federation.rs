//! Apollo Federation v2: braid as a subgraph.
//!
//! The natural join points of the platform are entities keyed by their global `id`: a
//! gateway that holds a representation `{__typename: "User", id}` from another subgraph
//! asks braid's `_entities` for the rest. Every entity is loaded exactly as `node(id:)`
//! loads it, through the owning domain's DataLoader and with the viewer's visibility
//! rules, so a batch of representations costs a fixed number of store queries and an
//! entity the viewer may not see resolves to `null`.

use async_graphql::{Context, ID, Object};

use super::node::{self, Node};
use crate::{
    delivery::{Project, Requirement},
    error::AppError,
    experts::{ExpertProfile, ExpertService},
    hiring::{Job, Organization},
    skills::Skill,
    users::User,
};

/// The entity resolvers; they are not fields of `Query`, only `_entities` reaches them.
#[derive(Default)]
pub(super) struct FederationQuery;

/// Loads the entity of type `typename` named by a representation's global `id`.
async fn load_entity(ctx: &Context<'_>, id: &ID, typename: &str) -> Result<Option<Node>, AppError> {
    match node::decode(id) {
        Some((named, uuid)) if named == typename => node::load(ctx, typename, uuid).await,
        _ => Err(AppError::BadUserInput(format!(
            "representation id {:?} is not a {typename} ID",
            id.as_str()
        ))),
    }
}

/// One `#[graphql(entity)]` resolver per entity type, each keyed by `id`.
macro_rules! entity_resolvers {
    ($($resolver:ident => $entity:ident),* $(,)?) => {
        #[Object]
        impl FederationQuery {
            $(
                #[doc = concat!("Resolves a `", stringify!($entity), "` representation by its `id`.")]
                #[graphql(entity)]
                async fn $resolver(
                    &self,
                    ctx: &Context<'_>,
                    id: ID,
                ) -> Result<Option<$entity>, AppError> {
                    Ok(match load_entity(ctx, &id, stringify!($entity)).await? {
                        Some(Node::$entity(entity)) => Some(entity),
                        _ => None,
                    })
                }
            )*
        }
    };
}

entity_resolvers! {
    user_entity => User,
    organization_entity => Organization,
    job_entity => Job,
    skill_entity => Skill,
    expert_profile_entity => ExpertProfile,
    expert_service_entity => ExpertService,
    project_entity => Project,
    requirement_entity => Requirement,
}
