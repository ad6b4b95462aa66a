//! Changes to the viewer's settings.

use async_graphql::{Context, Object};

use super::{
    db,
    settings::{UpdateSettingsInput, UserSettings},
};
use crate::{
    error::AppError,
    graphql::{self, viewer::Viewer},
    state::AppState,
};

/// User mutations.
#[derive(Default)]
pub struct UserMutation;

#[Object]
impl UserMutation {
    /// Changes the viewer's settings; only the fields given change.
    async fn update_settings(
        &self,
        ctx: &Context<'_>,
        input: UpdateSettingsInput,
    ) -> Result<UserSettings, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        let mut tx = state.pg.begin().await?;
        let current = db::settings_for_update(&mut tx, viewer.user_id)
            .await?
            .ok_or_else(|| AppError::NotFound("the account no longer exists".to_owned()))?;
        let updated = current.apply(input)?;
        db::save_settings(&mut tx, viewer.user_id, &updated).await?;
        tx.commit().await?;
        Ok(updated)
    }
}
