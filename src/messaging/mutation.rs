//! Starting conversations, managing group members, sending and reading messages.

use async_graphql::{Context, ID, Json, Object};

use super::{
    access, db,
    model::{Conversation, ConversationId, ConversationKind, Message, MessageKind},
};
use crate::{
    error::AppError,
    events::{Event, EventKind, Topic},
    graphql::{self, node::NodeId, viewer::Viewer},
    notifications::{self, NewNotification},
    state::AppState,
    twins::{self, TwinId},
    users::{self, UserId},
};

fn group_title(raw: &str) -> Result<String, AppError> {
    let title = raw.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(AppError::BadUserInput(
            "title: 1 to 200 characters".to_owned(),
        ));
    }
    Ok(title.to_owned())
}

/// A user the viewer can see, or `NOT_FOUND` naming `field`.
async fn visible_user(ctx: &Context<'_>, field: &str, id: &ID) -> Result<UserId, AppError> {
    let id = UserId::from_global(id)?;
    users::load_user(ctx, id)
        .await?
        .map(|u| u.id)
        .ok_or_else(|| AppError::NotFound(format!("{field}: no such user")))
}

/// Stores a message from `sender` and notifies the other participants, in one
/// transaction; once it commits, `messageAdded` and `notificationAdded` subscribers hear
/// of it. Used by `sendMessage` and by the demo data.
pub(crate) async fn send(
    state: &AppState,
    conversation: ConversationId,
    sender: UserId,
    kind: MessageKind,
    content: &str,
    metadata: &serde_json::Value,
) -> Result<Message, AppError> {
    let mut tx = state.pg.begin().await?;
    let message =
        db::insert_message(&mut tx, conversation, sender, kind, content, metadata).await?;
    let recipients = db::recipients(&mut *tx, conversation, sender).await?;
    let preview: String = content.chars().take(140).collect();
    let url = format!("/conversations/{}", conversation.to_global().as_str());
    let notices: Vec<NewNotification<'_>> = recipients
        .into_iter()
        .map(|recipient| NewNotification {
            recipient,
            kind: "message",
            title: "New message",
            content: &preview,
            action_url: Some(&url),
        })
        .collect();
    let mut events = notifications::notify(&mut *tx, &notices).await?;
    tx.commit().await?;
    events.push(
        Topic::Conversation(conversation.0),
        Event::new(EventKind::Message, message.id.0),
    );
    events.publish(&state.events);
    Ok(message)
}

/// The direct conversation of two users, started if needed.
pub(crate) async fn direct_between(
    state: &AppState,
    a: UserId,
    b: UserId,
) -> Result<Conversation, AppError> {
    let (low, high) = if a.0 < b.0 { (a, b) } else { (b, a) };
    let mut tx = state.pg.begin().await?;
    let pair_key = format!("{}:{}", low.0, high.0);
    let conversation = db::pair_conversation(
        &mut tx,
        ConversationKind::Direct,
        &pair_key,
        &[low, high],
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(conversation)
}

/// A user's conversation with a twin, started if needed.
pub(crate) async fn with_twin(
    state: &AppState,
    user: UserId,
    twin: TwinId,
) -> Result<Conversation, AppError> {
    let mut tx = state.pg.begin().await?;
    let pair_key = format!("{}:{}", twin.0, user.0);
    let conversation = db::pair_conversation(
        &mut tx,
        ConversationKind::Twin,
        &pair_key,
        &[user],
        Some(twin),
    )
    .await?;
    tx.commit().await?;
    Ok(conversation)
}

/// A new group owned by `owner` with `members` (owner excluded, duplicates ignored).
pub(crate) async fn create_group(
    state: &AppState,
    owner: UserId,
    title: &str,
    members: &[UserId],
) -> Result<Conversation, AppError> {
    let mut tx = state.pg.begin().await?;
    let group = db::create_group(&mut tx, owner, title).await?;
    db::add_participant(&mut *tx, group.id, Some(owner), None, "owner").await?;
    let mut added = vec![owner];
    for member in members {
        if !added.contains(member) {
            db::add_participant(&mut *tx, group.id, Some(*member), None, "member").await?;
            added.push(*member);
        }
    }
    tx.commit().await?;
    Ok(group)
}

/// Messaging mutations.
#[derive(Default)]
pub struct MessagingMutation;

#[Object]
impl MessagingMutation {
    /// The direct conversation between the viewer and another user, started if needed
    /// (asking again returns the same conversation).
    async fn start_direct_conversation(
        &self,
        ctx: &Context<'_>,
        user_id: ID,
    ) -> Result<Conversation, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        let other = visible_user(ctx, "userId", &user_id).await?;
        if other == viewer.user_id {
            return Err(AppError::BadUserInput(
                "userId: a direct conversation needs another user".to_owned(),
            ));
        }
        direct_between(state, viewer.user_id, other).await
    }

    /// The viewer's conversation with a digital twin, started if needed.
    async fn start_twin_conversation(
        &self,
        ctx: &Context<'_>,
        twin_id: ID,
    ) -> Result<Conversation, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        let twin = twins::load_twin(ctx, TwinId::from_global(&twin_id)?)
            .await?
            .ok_or_else(|| AppError::NotFound("twinId: no such twin".to_owned()))?;
        with_twin(state, viewer.user_id, twin.id).await
    }

    /// A new group owned by the viewer, with the given members.
    async fn create_group_conversation(
        &self,
        ctx: &Context<'_>,
        title: String,
        member_ids: Vec<ID>,
    ) -> Result<Conversation, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        let title = group_title(&title)?;
        if member_ids.len() > 200 {
            return Err(AppError::BadUserInput("memberIds: at most 200".to_owned()));
        }
        let mut members = Vec::new();
        for id in &member_ids {
            members.push(visible_user(ctx, "memberIds", id).await?);
        }
        create_group(state, viewer.user_id, &title, &members).await
    }

    /// Adds a user to a group. The group's owner only.
    async fn add_conversation_member(
        &self,
        ctx: &Context<'_>,
        conversation_id: ID,
        user_id: ID,
    ) -> Result<Conversation, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        let group = access::postable(ctx, ConversationId::from_global(&conversation_id)?).await?;
        if group.kind != ConversationKind::Group || group.owner != Some(viewer.user_id) {
            return Err(AppError::Forbidden(
                "only a group's owner manages its members".to_owned(),
            ));
        }
        let member = visible_user(ctx, "userId", &user_id).await?;
        db::add_participant(&state.pg, group.id, Some(member), None, "member").await?;
        Ok(group)
    }

    /// Removes a user from a group: the owner removes anyone else; members remove
    /// themselves (leave). The owner cannot leave their own group.
    async fn remove_conversation_member(
        &self,
        ctx: &Context<'_>,
        conversation_id: ID,
        user_id: ID,
    ) -> Result<bool, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        let group = access::postable(ctx, ConversationId::from_global(&conversation_id)?).await?;
        let member = UserId::from_global(&user_id)?;
        let is_owner = group.owner == Some(viewer.user_id);
        if group.kind != ConversationKind::Group || !(is_owner || member == viewer.user_id) {
            return Err(AppError::Forbidden(
                "only a group's owner removes others; members may leave".to_owned(),
            ));
        }
        if group.owner == Some(member) {
            return Err(AppError::Conflict(
                "userId: the owner cannot leave their own group".to_owned(),
            ));
        }
        Ok(db::remove_participant(&state.pg, group.id, member).await?)
    }

    /// Sends a message to a conversation the viewer takes part in, and notifies the
    /// other participants.
    async fn send_message(
        &self,
        ctx: &Context<'_>,
        conversation_id: ID,
        #[graphql(desc = "1 to 10,000 characters.")] content: String,
        #[graphql(desc = "Text unless given; `SYSTEM` is reserved for braid.", default)]
        kind: MessageKind,
        #[graphql(desc = "Extra facts, a JSON object of at most 4 KiB.")] metadata: Option<
            Json<serde_json::Value>,
        >,
    ) -> Result<Message, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        if content.trim().is_empty() || content.chars().count() > 10_000 {
            return Err(AppError::BadUserInput(
                "content: 1 to 10,000 characters".to_owned(),
            ));
        }
        if kind == MessageKind::System {
            return Err(AppError::BadUserInput(
                "kind: SYSTEM messages come from braid only".to_owned(),
            ));
        }
        let metadata = match metadata {
            Some(Json(value)) if value.is_object() && value.to_string().len() <= 4096 => value,
            Some(_) => {
                return Err(AppError::BadUserInput(
                    "metadata: a JSON object of at most 4 KiB".to_owned(),
                ));
            }
            None => serde_json::json!({}),
        };
        let conversation =
            access::postable(ctx, ConversationId::from_global(&conversation_id)?).await?;
        send(
            state,
            conversation.id,
            viewer.user_id,
            kind,
            &content,
            &metadata,
        )
        .await
    }

    /// Marks a conversation read up to now for the viewer.
    async fn mark_conversation_read(
        &self,
        ctx: &Context<'_>,
        conversation_id: ID,
    ) -> Result<bool, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        let conversation =
            access::postable(ctx, ConversationId::from_global(&conversation_id)?).await?;
        Ok(db::mark_read(&state.pg, conversation.id, viewer.user_id).await?)
    }
}
