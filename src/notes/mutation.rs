//! Note mutations. PostgreSQL owns the note; the MongoDB revision is written while the
//! PostgreSQL transaction is still open, so a failed revision write rolls the note back
//! and the two stores never disagree about an acknowledged write.

use async_graphql::{Context, ID, Object};

use super::{
    db, docs,
    model::{Note, NoteBody, NoteId},
};
use crate::{
    error::AppError,
    events::{Event, EventKind, Topic},
    graphql::{self, node::NodeId},
    state::AppState,
};

/// Note mutations.
#[derive(Default)]
pub struct NoteMutation;

#[Object]
impl NoteMutation {
    /// Creates a note with its first revision and announces it to `noteAdded` subscribers.
    async fn create_note(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The text, 1 to 10,000 characters after trimming.")] body: String,
    ) -> Result<Note, AppError> {
        create(graphql::data::<AppState>(ctx)?, &body).await
    }

    /// Replaces a note's body and records the new revision.
    async fn update_note(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The note's global ID.")] id: ID,
        #[graphql(desc = "The new text, 1 to 10,000 characters after trimming.")] body: String,
    ) -> Result<Note, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let id = NoteId::from_global(&id)?;
        let body = NoteBody::parse(&body)?;
        let mut tx = state.pg.begin().await?;
        let note = db::update_body(&mut *tx, id, &body)
            .await?
            .ok_or_else(|| AppError::NotFound("no note has this id".to_owned()))?;
        docs::append(&state.mongo, id, &body).await?;
        tx.commit().await?;
        Ok(note)
    }
}

/// Creates a note and its first revision, then announces it.
pub async fn create(state: &AppState, body: &str) -> Result<Note, AppError> {
    let body = NoteBody::parse(body)?;
    let id = NoteId(uuid::Uuid::now_v7());
    let mut tx = state.pg.begin().await?;
    let note = db::insert(&mut *tx, id, &body).await?;
    docs::append(&state.mongo, id, &body).await?;
    tx.commit().await?;
    state
        .events
        .publish(Topic::Notes, Event::new(EventKind::Note, id.0));
    Ok(note)
}
