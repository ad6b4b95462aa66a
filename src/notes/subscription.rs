//! `noteAdded`: new notes, from any braid instance (through the event hub).

use async_graphql::{Context, Subscription};
use futures::Stream;

use super::{loader, model::Note, model::NoteId};
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
        Ok(events::follow(&state.events, Topic::Notes, move |event| {
            loader::load(ctx, NoteId(event.id))
        }))
    }
}
