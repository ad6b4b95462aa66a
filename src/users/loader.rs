//! DataLoaders for users and their settings, created per request.

use std::collections::HashMap;

use async_graphql::{
    Context, Request,
    dataloader::{DataLoader, Loader},
};
use sqlx::PgPool;

use super::{
    db,
    model::{User, UserId},
    settings::UserSettings,
};
use crate::{
    error::AppError,
    graphql::{self, viewer::Viewer},
    state::AppState,
};

/// Users by id: one statement per batch.
pub(super) struct UserLoader(PgPool);

impl Loader<UserId> for UserLoader {
    type Value = User;
    type Error = AppError;

    async fn load(&self, keys: &[UserId]) -> Result<HashMap<UserId, User>, AppError> {
        let ids: Vec<_> = keys.iter().map(|k| k.0).collect();
        Ok(db::find_many(&self.0, &ids)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect())
    }
}

/// Settings by user: one statement per batch.
pub(super) struct SettingsLoader(PgPool);

impl Loader<UserId> for SettingsLoader {
    type Value = UserSettings;
    type Error = AppError;

    async fn load(&self, keys: &[UserId]) -> Result<HashMap<UserId, UserSettings>, AppError> {
        let ids: Vec<_> = keys.iter().map(|k| k.0).collect();
        Ok(db::settings_of(&self.0, &ids).await?.into_iter().collect())
    }
}

/// Adds this domain's loaders to a request.
pub fn attach_loaders(request: Request, state: &AppState) -> Request {
    request
        .data(graphql::loader(state, UserLoader(state.pg.clone())))
        .data(graphql::loader(state, SettingsLoader(state.pg.clone())))
}

/// A user by id, if the viewer may see them: the one way other domains reach users.
pub async fn load_user(ctx: &Context<'_>, id: UserId) -> Result<Option<User>, AppError> {
    let viewer = graphql::data::<Viewer>(ctx)?;
    let user = graphql::data::<DataLoader<UserLoader>>(ctx)?
        .load_one(id)
        .await?;
    Ok(user.filter(|user| user.visible_to(viewer)))
}

/// A user who has shared themself with the viewer by acting towards them (applying to
/// a job of the viewer's organization, booking the viewer's service, joining the
/// viewer's organization): visible whatever their profile visibility while their
/// account is active. Their private fields stay masked as usual.
pub async fn load_user_shared(ctx: &Context<'_>, id: UserId) -> Result<Option<User>, AppError> {
    let viewer = graphql::data::<Viewer>(ctx)?;
    let user = graphql::data::<DataLoader<UserLoader>>(ctx)?
        .load_one(id)
        .await?;
    Ok(user.filter(|user| user.is_active || viewer.is_self_or_admin(user.id)))
}

pub(super) async fn load_settings(
    ctx: &Context<'_>,
    id: UserId,
) -> Result<Option<UserSettings>, AppError> {
    graphql::data::<DataLoader<SettingsLoader>>(ctx)?
        .load_one(id)
        .await
}

/// A user by id straight from PostgreSQL, whatever their visibility: for code acting for
/// the user themself (sign-in, password change). `NOT_FOUND` when absent.
pub async fn find_user(state: &AppState, id: UserId) -> Result<User, AppError> {
    db::find_many(&state.pg, &[id.0])
        .await?
        .pop()
        .ok_or_else(|| AppError::NotFound("the account no longer exists".to_owned()))
}
