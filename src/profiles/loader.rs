//! DataLoaders for profiles and history items, created per request: one statement per
//! batch of users.

use std::collections::HashMap;

use async_graphql::{
    Context, Request,
    dataloader::{DataLoader, Loader},
};
use sqlx::PgPool;
use uuid::Uuid;

use super::{
    db, history,
    model::{
        Education, EducationId, Experience, ExperienceId, IndividualProfile, PortfolioProject,
        PortfolioProjectId,
    },
};
use crate::{
    error::AppError,
    graphql::{
        self,
        node::{Node, NodeId},
    },
    state::AppState,
    users::{self, UserId},
};

/// Declares a loader from user ids to their rows, built from one `*_of` query.
macro_rules! per_user_loader {
    ($(#[$doc:meta])* $name:ident, $value:ty, $query:path) => {
        $(#[$doc])*
        pub(super) struct $name(PgPool);

        impl Loader<UserId> for $name {
            type Value = Vec<$value>;
            type Error = AppError;

            async fn load(&self, keys: &[UserId]) -> Result<HashMap<UserId, Vec<$value>>, AppError> {
                let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
                Ok(graphql::group_by($query(&self.0, &ids).await?, |row| row.user_id))
            }
        }
    };
}

per_user_loader!(
    /// Experiences by user.
    ExperiencesLoader, Experience, history::experiences_of
);
per_user_loader!(
    /// Portfolio projects by user.
    PortfolioProjectsLoader, PortfolioProject, history::portfolio_projects_of
);
per_user_loader!(
    /// Educations by user.
    EducationsLoader, Education, history::educations_of
);

/// Profiles by user.
pub(super) struct ProfileLoader(PgPool);

impl Loader<UserId> for ProfileLoader {
    type Value = IndividualProfile;
    type Error = AppError;

    async fn load(&self, keys: &[UserId]) -> Result<HashMap<UserId, IndividualProfile>, AppError> {
        let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
        Ok(db::profiles_of(&self.0, &ids)
            .await?
            .into_iter()
            .map(|p| (p.user_id, p))
            .collect())
    }
}

/// Adds this domain's loaders to a request.
pub fn attach_loaders(request: Request, state: &AppState) -> Request {
    let pg = || state.pg.clone();
    request
        .data(graphql::loader(state, ProfileLoader(pg())))
        .data(graphql::loader(state, ExperiencesLoader(pg())))
        .data(graphql::loader(state, PortfolioProjectsLoader(pg())))
        .data(graphql::loader(state, EducationsLoader(pg())))
}

/// A user's profile (callers apply privacy with `masked_for`).
pub async fn load_profile(
    ctx: &Context<'_>,
    user: UserId,
) -> Result<Option<IndividualProfile>, AppError> {
    graphql::data::<DataLoader<ProfileLoader>>(ctx)?
        .load_one(user)
        .await
}

/// A user's experiences, newest first.
pub async fn load_experiences(
    ctx: &Context<'_>,
    user: UserId,
) -> Result<Vec<Experience>, AppError> {
    Ok(graphql::data::<DataLoader<ExperiencesLoader>>(ctx)?
        .load_one(user)
        .await?
        .unwrap_or_default())
}

/// A user's portfolio projects, newest first.
pub async fn load_portfolio_projects(
    ctx: &Context<'_>,
    user: UserId,
) -> Result<Vec<PortfolioProject>, AppError> {
    Ok(graphql::data::<DataLoader<PortfolioProjectsLoader>>(ctx)?
        .load_one(user)
        .await?
        .unwrap_or_default())
}

/// A user's educations, newest first.
pub async fn load_educations(ctx: &Context<'_>, user: UserId) -> Result<Vec<Education>, AppError> {
    Ok(graphql::data::<DataLoader<EducationsLoader>>(ctx)?
        .load_one(user)
        .await?
        .unwrap_or_default())
}

/// `node(id:)` for this domain's types: the item, if its owner is visible to the viewer.
pub async fn load_node(
    ctx: &Context<'_>,
    typename: &str,
    id: Uuid,
) -> Result<Option<Node>, AppError> {
    let state = graphql::data::<AppState>(ctx)?;
    let found = match typename {
        ExperienceId::TYPENAME => history::experience_by_id(&state.pg, id)
            .await?
            .map(|e| (e.user_id, Node::Experience(e))),
        PortfolioProjectId::TYPENAME => history::portfolio_project_by_id(&state.pg, id)
            .await?
            .map(|p| (p.user_id, Node::PortfolioProject(p))),
        EducationId::TYPENAME => history::education_by_id(&state.pg, id)
            .await?
            .map(|e| (e.user_id, Node::Education(e))),
        _ => None,
    };
    let Some((owner, node)) = found else {
        return Ok(None);
    };
    Ok(users::load_user(ctx, owner).await?.map(|_| node))
}
