//! `messageAdded`: new messages of one conversation, from any braid instance.

use async_graphql::{Context, ID, Subscription};
use futures::Stream;

use super::{
    access, db,
    model::{ConversationId, Message, MessageId},
};
use crate::{
    error::AppError,
    events::{self, Topic},
    graphql::{self, node::NodeId, viewer::Viewer},
    state::AppState,
};

/// Messaging subscriptions.
#[derive(Default)]
pub struct MessagingSubscription;

#[Subscription]
impl MessagingSubscription {
    /// Each message sent to a conversation from now on. Only those who may read the
    /// conversation subscribe (others get NOT_FOUND), and every message is checked
    /// again: a participant who leaves or is removed stops receiving.
    async fn message_added<'ctx>(
        &self,
        ctx: &'ctx Context<'_>,
        #[graphql(desc = "The conversation's global ID.")] conversation_id: ID,
    ) -> Result<impl Stream<Item = Result<Message, AppError>> + use<'ctx>, AppError> {
        graphql::data::<Viewer>(ctx)?.require_user()?;
        let id = ConversationId::from_global(&conversation_id)?;
        access::readable(ctx, id)
            .await?
            .ok_or_else(|| AppError::NotFound("conversationId: no such conversation".to_owned()))?;
        let state = graphql::data::<AppState>(ctx)?;
        Ok(events::follow(
            &state.events,
            Topic::Conversation(id.0),
            move |delivery| async move {
                if access::readable(ctx, id).await?.is_none() {
                    return Ok(None);
                }
                // The message is the same for every reader: loaded once per event.
                let pg = &graphql::data::<AppState>(ctx)?.pg;
                let message = delivery
                    .shared(
                        |event| async move { Ok(db::message(pg, id, MessageId(event.id)).await?) },
                    )
                    .await?;
                Ok(message.as_ref().clone())
            },
        ))
    }
}
