//! `conversations` and `conversation(id)`.

use async_graphql::{
    Context, ID, Object,
    connection::{Connection, Edge},
};

use super::{
    access, db,
    model::{Conversation, ConversationId},
};
use crate::{
    error::AppError,
    graphql::{
        self,
        node::NodeId,
        pagination::{self, KeysetCursor},
        viewer::Viewer,
    },
    state::AppState,
};

/// Messaging queries.
#[derive(Default)]
pub struct MessagingQuery;

#[Object]
impl MessagingQuery {
    /// The viewer's conversations, most recent activity first.
    #[graphql(
        complexity = "pagination::page_cost(first, child_complexity)",
        cache_control(no_cache)
    )]
    async fn conversations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many to return (0 to 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Return conversations after this cursor.")] after: Option<String>,
    ) -> Result<Connection<KeysetCursor, Conversation>, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        let limit = pagination::page_size(first)?;
        let after = pagination::after_cursor(after.as_deref())?;
        let mut page = db::page_for(&state.pg, viewer.user_id, after, limit + 1).await?;
        let has_next = page.len() as i64 > limit;
        page.truncate(limit as usize);
        let mut connection = Connection::new(after.is_some(), has_next);
        connection.edges.extend(page.into_iter().map(|c| {
            Edge::new(
                KeysetCursor {
                    at: c.activity_at(),
                    id: c.id.0,
                },
                c,
            )
        }));
        Ok(connection)
    }

    /// A conversation the viewer may read; `null` otherwise.
    #[graphql(cache_control(no_cache))]
    async fn conversation(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<Option<Conversation>, AppError> {
        access::readable(ctx, ConversationId::from_global(&id)?).await
    }
}
