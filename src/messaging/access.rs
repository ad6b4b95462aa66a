//! Who may read and post in a conversation: participants read and post; the owner of a
//! twin in a twin conversation reads; nobody else sees it exists.

use async_graphql::Context;

use super::{
    db, loader,
    model::{Conversation, ConversationId},
};
use crate::{
    error::AppError,
    graphql::{self, viewer::Viewer},
    state::AppState,
    twins,
};

/// The viewer's standing in a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Access {
    /// A user participant: reads and posts.
    Participant,
    /// Owns a twin in the conversation: reads.
    TwinOwner,
    /// Neither.
    Outsider,
}

pub(super) async fn role_of(
    ctx: &Context<'_>,
    conversation: &Conversation,
) -> Result<Access, AppError> {
    let Some(viewer) = graphql::data::<Viewer>(ctx)?.user_id() else {
        return Ok(Access::Outsider);
    };
    let participants = loader::load_participants(ctx, conversation.id).await?;
    if participants.iter().any(|p| p.user_id == Some(viewer)) {
        return Ok(Access::Participant);
    }
    for twin in participants.iter().filter_map(|p| p.twin_id) {
        if twins::load_twin(ctx, twin)
            .await?
            .is_some_and(|t| t.owner == viewer)
        {
            return Ok(Access::TwinOwner);
        }
    }
    Ok(Access::Outsider)
}

/// A conversation the viewer may read; `None` when it does not exist or they may not.
pub(crate) async fn readable(
    ctx: &Context<'_>,
    id: ConversationId,
) -> Result<Option<Conversation>, AppError> {
    let state = graphql::data::<AppState>(ctx)?;
    let Some(conversation) = db::conversation(&state.pg, id).await? else {
        return Ok(None);
    };
    Ok((role_of(ctx, &conversation).await? != Access::Outsider).then_some(conversation))
}

/// A conversation the viewer may post in: `UNAUTHENTICATED` for anonymous viewers,
/// `NOT_FOUND` for conversations they cannot see, `FORBIDDEN` for a twin owner.
pub(super) async fn postable(
    ctx: &Context<'_>,
    id: ConversationId,
) -> Result<Conversation, AppError> {
    graphql::data::<Viewer>(ctx)?.require_user()?;
    let conversation = readable(ctx, id)
        .await?
        .ok_or_else(|| AppError::NotFound("conversationId: no such conversation".to_owned()))?;
    match role_of(ctx, &conversation).await? {
        Access::Participant => Ok(conversation),
        _ => Err(AppError::Forbidden(
            "only participants post in a conversation".to_owned(),
        )),
    }
}
