//! `noteAdded`: new notes, from any braid instance (through the event hub).

use async_graphql::{Context, Subscription};
use futures::Stream;

use super::{
    db as notes_db,
    model::{Note, NoteId},
};
use crate::{
    error::AppError,
    events::{self, Topic},
    graphql,
    state::AppState,
};

/// Note subscriptions.
#[derive(Default)]
pub struct NoteSubscription;

#[Subscription]
impl NoteSubscription {
    /// Every note created from now on, on any braid instance.
    async fn note_added<'ctx>(
        &self,
        ctx: &'ctx Context<'_>,
    ) -> Result<impl Stream<Item = Result<Note, AppError>> + use<'ctx>, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let pg = &state.pg;
        Ok(events::follow(
            &state.events,
            Topic::Notes,
            move |delivery| async move {
                // Notes are public: one load per event serves every subscriber.
                let note = delivery
                    .shared(
                        |event| async move { Ok(notes_db::find_one(pg, NoteId(event.id)).await?) },
                    )
                    .await?;
                Ok(note.as_ref().clone())
            },
        ))
    }
}
