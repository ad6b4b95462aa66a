//! Marking notifications read.

use async_graphql::{Context, ID, Object};

use super::model::NotificationId;
use crate::{
    error::AppError,
    graphql::{self, node::NodeId, viewer::Viewer},
    state::AppState,
};

/// Marking notifications read.
#[derive(Default)]
pub struct NotificationMutation;

#[Object]
impl NotificationMutation {
    /// Marks the viewer's notifications read (all of them when `ids` is omitted); returns
    /// how many changed. Ids of other users' notifications are ignored.
    async fn mark_notifications_read(
        &self,
        ctx: &Context<'_>,
        ids: Option<Vec<ID>>,
    ) -> Result<u64, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        let ids = ids
            .map(|ids| {
                if ids.len() > 500 {
                    return Err(AppError::BadUserInput("ids: at most 500".to_owned()));
                }
                ids.iter()
                    .map(|id| NotificationId::from_global(id).map(|n| n.0))
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;
        let done = sqlx::query(
            "update notifications set is_read = true
             where recipient_id = $1 and not is_read and ($2::uuid[] is null or id = any($2))",
        )
        .bind(viewer.user_id.0)
        .bind(ids)
        .execute(&state.pg)
        .await?;
        Ok(done.rows_affected())
    }
}
