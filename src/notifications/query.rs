//! The viewer's notifications.

use async_graphql::{
    Context, Object,
    connection::{Connection, Edge},
};

use super::model::Notification;
use crate::{
    error::AppError,
    graphql::{
        self,
        pagination::{self, KeysetCursor},
        viewer::Viewer,
    },
    state::AppState,
};

/// The viewer's notifications.
#[derive(Default)]
pub struct NotificationQuery;

#[Object]
impl NotificationQuery {
    /// The viewer's notifications, newest first.
    #[graphql(
        complexity = "pagination::page_cost(first, child_complexity)",
        cache_control(no_cache)
    )]
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only unread ones.", default)] unread_only: bool,
        #[graphql(desc = "How many to return (0 to 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Return notifications after this cursor.")] after: Option<String>,
    ) -> Result<Connection<KeysetCursor, Notification>, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        let limit = pagination::page_size(first)?;
        let after = pagination::after_cursor(after.as_deref())?;
        let mut rows: Vec<Notification> = sqlx::query_as(
            "select id, type, title, content, action_url, is_read, created_at from notifications
             where recipient_id = $1 and (not $2 or not is_read)
               and ($3::timestamptz is null or (created_at, id) < ($3, $4))
             order by created_at desc, id desc limit $5",
        )
        .bind(viewer.user_id.0)
        .bind(unread_only)
        .bind(after.map(|c| c.at))
        .bind(after.map(|c| c.id))
        .bind(limit + 1)
        .fetch_all(&state.pg)
        .await?;
        let has_next = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let mut connection = Connection::new(after.is_some(), has_next);
        connection.edges.extend(rows.into_iter().map(|n| {
            Edge::new(
                KeysetCursor {
                    at: n.created_at,
                    id: n.id,
                },
                n,
            )
        }));
        Ok(connection)
    }

    /// How many of the viewer's notifications are unread.
    #[graphql(cache_control(no_cache))]
    async fn unread_notification_count(&self, ctx: &Context<'_>) -> Result<i64, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        Ok(sqlx::query_scalar(
            "select count(*) from notifications where recipient_id = $1 and not is_read",
        )
        .bind(viewer.user_id.0)
        .fetch_one(&state.pg)
        .await?)
    }
}
