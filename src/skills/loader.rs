//! The per-request loader of users' skills.

use std::collections::HashMap;

use async_graphql::{
    Context, Request,
    dataloader::{DataLoader, Loader},
};
use sqlx::PgPool;

use super::{
    db,
    model::{Skill, SkillId, UserSkill},
};
use crate::{cache::HotCache, error::AppError, graphql, state::AppState, users::UserId};

/// Skills by user: one statement per batch.
pub(super) struct UserSkillsLoader(PgPool);

impl Loader<UserId> for UserSkillsLoader {
    type Value = Vec<UserSkill>;
    type Error = AppError;

    async fn load(&self, keys: &[UserId]) -> Result<HashMap<UserId, Vec<UserSkill>>, AppError> {
        let ids: Vec<_> = keys.iter().map(|k| k.0).collect();
        Ok(graphql::group_by(
            db::user_skills_of(&self.0, &ids).await?,
            |s| s.user_id,
        ))
    }
}

/// Catalogue entries by id, through the hot cache: one statement per batch for the
/// entries not cached.
pub(super) struct SkillLoader(PgPool, HotCache);

impl Loader<SkillId> for SkillLoader {
    type Value = Skill;
    type Error = AppError;

    async fn load(&self, keys: &[SkillId]) -> Result<HashMap<SkillId, Skill>, AppError> {
        let ids: Vec<_> = keys.iter().map(|k| k.0).collect();
        let rows = self
            .1
            .load_through("Skill", &ids, |missing| async move {
                let rows = db::by_ids(&self.0, &missing).await?;
                Ok(rows.into_iter().map(|s| (s.id.0, s)).collect())
            })
            .await?;
        Ok(rows.into_values().map(|s| (s.id, s)).collect())
    }
}

/// Adds this domain's loaders to a request.
pub fn attach_loaders(request: Request, state: &AppState) -> Request {
    request
        .data(graphql::loader(state, UserSkillsLoader(state.pg.clone())))
        .data(graphql::loader(
            state,
            SkillLoader(state.pg.clone(), state.hot.clone()),
        ))
}

/// A skill by id (the catalogue is public), batched with the request's other lookups.
pub async fn load_skill(ctx: &Context<'_>, id: SkillId) -> Result<Option<Skill>, AppError> {
    graphql::data::<DataLoader<SkillLoader>>(ctx)?
        .load_one(id)
        .await
}

/// A user's skills, highlighted and strongest first.
pub async fn load_user_skills(ctx: &Context<'_>, user: UserId) -> Result<Vec<UserSkill>, AppError> {
    Ok(graphql::data::<DataLoader<UserSkillsLoader>>(ctx)?
        .load_one(user)
        .await?
        .unwrap_or_default())
}
