//! DataLoaders for participants and unread counts, created per request.

use std::collections::HashMap;

use async_graphql::{
    Context, Request,
    dataloader::{DataLoader, Loader},
};
use sqlx::PgPool;
use uuid::Uuid;

use super::{
    db,
    model::{ConversationId, Participant},
};
use crate::{error::AppError, graphql, state::AppState, users::UserId};

/// Participants by conversation.
pub(super) struct ParticipantsLoader(PgPool);

impl Loader<ConversationId> for ParticipantsLoader {
    type Value = Vec<Participant>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[ConversationId],
    ) -> Result<HashMap<ConversationId, Vec<Participant>>, AppError> {
        let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
        Ok(graphql::group_by(
            db::participants_of(&self.0, &ids).await?,
            |p| p.conversation_id,
        ))
    }
}

/// Unread counts by (conversation, reader): one grouped query per reader per batch.
pub(super) struct UnreadCountLoader(PgPool);

impl Loader<(ConversationId, UserId)> for UnreadCountLoader {
    type Value = i64;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[(ConversationId, UserId)],
    ) -> Result<HashMap<(ConversationId, UserId), i64>, AppError> {
        let mut counts = HashMap::new();
        for (reader, conversations) in
            graphql::group_by(keys.iter().copied(), |(_, reader)| *reader)
        {
            let ids: Vec<Uuid> = conversations.iter().map(|(c, _)| c.0).collect();
            for (conversation, count) in db::unread_counts(&self.0, reader, &ids).await? {
                counts.insert((ConversationId(conversation), reader), count);
            }
        }
        Ok(counts)
    }
}

/// Adds this domain's loaders to a request.
pub fn attach_loaders(request: Request, state: &AppState) -> Request {
    request
        .data(graphql::loader(state, ParticipantsLoader(state.pg.clone())))
        .data(graphql::loader(state, UnreadCountLoader(state.pg.clone())))
}

pub(super) async fn load_participants(
    ctx: &Context<'_>,
    conversation: ConversationId,
) -> Result<Vec<Participant>, AppError> {
    Ok(graphql::data::<DataLoader<ParticipantsLoader>>(ctx)?
        .load_one(conversation)
        .await?
        .unwrap_or_default())
}

pub(super) async fn load_unread_count(
    ctx: &Context<'_>,
    conversation: ConversationId,
    reader: UserId,
) -> Result<i64, AppError> {
    Ok(graphql::data::<DataLoader<UnreadCountLoader>>(ctx)?
        .load_one((conversation, reader))
        .await?
        .unwrap_or(0))
}
