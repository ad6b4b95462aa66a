//! `noteAdded`: new notes, delivered through Redis pub/sub so every braid instance sees
//! the notes created on any other.

use async_graphql::{Context, Subscription};
use futures::{Stream, StreamExt};
use uuid::Uuid;

use super::{
    db,
    model::{Note, NoteId},
    mutation::NOTE_ADDED_CHANNEL,
};
use crate::{error::AppError, graphql, state::AppState};

/// Note subscriptions.
#[derive(Default)]
pub struct NoteSubscription;

#[Subscription]
impl NoteSubscription {
    /// Every note created from now on, on any braid instance.
    async fn note_added(
        &self,
        ctx: &Context<'_>,
    ) -> Result<impl Stream<Item = Result<Note, AppError>> + use<>, AppError> {
        let state = graphql::data::<AppState>(ctx)?.clone();
        let mut pubsub = state.redis.pubsub().await?;
        pubsub
            .subscribe(state.redis.key(NOTE_ADDED_CHANNEL))
            .await?;
        Ok(pubsub.into_on_message().filter_map(move |message| {
            let state = state.clone();
            async move {
                let id = message
                    .get_payload::<String>()
                    .ok()
                    .and_then(|p| Uuid::parse_str(&p).ok())?;
                match db::find_many(&state.pg, &[id]).await {
                    Ok(notes) => notes.into_iter().find(|n| n.note_id == NoteId(id)).map(Ok),
                    Err(error) => Some(Err(AppError::from(error))),
                }
            }
        }))
    }
}
