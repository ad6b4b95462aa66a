//! Note queries.

use async_graphql::{
    Context, ID, Object,
    connection::{Connection, Edge},
};

use super::{
    db, loader,
    model::{Note, NoteId},
};
use crate::{
    error::AppError,
    graphql::{
        self,
        node::NodeId,
        pagination::{self, KeysetCursor},
    },
    state::AppState,
};

/// Note queries.
#[derive(Default)]
pub struct NoteQuery;

#[Object]
impl NoteQuery {
    /// A note by its global ID; `null` when there is none.
    #[graphql(cache_control(no_cache))]
    async fn note(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Note>, AppError> {
        loader::load(ctx, NoteId::from_global(&id)?).await
    }

    /// Notes, newest first.
    #[graphql(
        complexity = "pagination::page_cost(first, child_complexity)",
        cache_control(no_cache)
    )]
    async fn notes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many notes to return (0 to 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Return notes after this cursor (an `endCursor`).")] after: Option<String>,
    ) -> Result<Connection<KeysetCursor, Note>, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let limit = pagination::page_size(first)?;
        let after = pagination::after_cursor(after.as_deref())?;
        let mut notes = db::page(&state.pg, after, limit + 1).await?;
        let has_next = notes.len() as i64 > limit;
        notes.truncate(limit as usize);
        let mut connection = Connection::new(after.is_some(), has_next);
        connection.edges.extend(notes.into_iter().map(|note| {
            Edge::new(
                KeysetCursor {
                    at: note.created_at,
                    id: note.note_id.0,
                },
                note,
            )
        }));
        Ok(connection)
    }
}
