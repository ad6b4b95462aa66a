//! GraphQL types of messaging.

use async_graphql::{
    ComplexObject, Context, Enum, ID, Json, Object, SimpleObject, connection::Connection,
};
use chrono::{DateTime, Utc};

use super::{access, db, loader};
use crate::{
    error::AppError,
    graphql::{
        self,
        node::NodeId,
        pagination::{self, KeysetCursor},
        viewer::Viewer,
    },
    state::AppState,
    twins::{self, DigitalTwin, TwinId},
    users::{self, User, UserId},
};

crate::node_id!(
    /// The id of a conversation.
    ConversationId => "Conversation"
);
crate::node_id!(
    /// The id of a message.
    MessageId => "Message"
);

/// Who a conversation is between.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConversationKind {
    /// Exactly two users; one conversation per pair.
    Direct,
    /// A user and a digital twin; the twin's owner can read it.
    Twin,
    /// Users invited by the group's owner.
    Group,
}

crate::stored_as_text!(ConversationKind {
    Direct => "direct",
    Twin => "twin",
    Group => "group",
});

/// What a message holds.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum MessageKind {
    /// Plain text.
    #[default]
    Text,
    /// An image (content is its URL or reference).
    Image,
    /// A file (content is its URL or reference).
    File,
    /// Written by braid itself.
    System,
}

crate::stored_as_text!(MessageKind {
    Text => "text",
    Image => "image",
    File => "file",
    System => "system",
});

/// A conversation the viewer takes part in (or, for twin conversations, owns the twin of).
#[derive(Clone, Debug)]
pub struct Conversation {
    pub(crate) id: ConversationId,
    pub(crate) kind: ConversationKind,
    pub(crate) title: Option<String>,
    pub(crate) owner: Option<UserId>,
    pub(crate) last_message_at: Option<DateTime<Utc>>,
    pub(crate) created_at: DateTime<Utc>,
}

impl Conversation {
    /// Where the conversation sorts in the viewer's list: its latest activity.
    pub(crate) fn activity_at(&self) -> DateTime<Utc> {
        self.last_message_at.unwrap_or(self.created_at)
    }
}

/// A conversation between users, or a user and a twin.
#[Object]
impl Conversation {
    /// The conversation's global ID.
    pub(crate) async fn id(&self) -> ID {
        self.id.to_global()
    }

    /// Who it is between.
    async fn kind(&self) -> ConversationKind {
        self.kind
    }

    /// The group's title (groups only).
    async fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    /// The group's owner, who manages its members (groups only).
    async fn owner(&self, ctx: &Context<'_>) -> Result<Option<User>, AppError> {
        match self.owner {
            Some(owner) => users::load_user(ctx, owner).await,
            None => Ok(None),
        }
    }

    /// When the latest message was sent.
    async fn last_message_at(&self) -> Option<DateTime<Utc>> {
        self.last_message_at
    }

    /// When the conversation started.
    async fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }

    /// The users and twins in it.
    async fn participants(&self, ctx: &Context<'_>) -> Result<Vec<Participant>, AppError> {
        loader::load_participants(ctx, self.id).await
    }

    /// Messages the viewer has not read (not counting their own), in one grouped query
    /// for a whole page of conversations.
    async fn unread_count(&self, ctx: &Context<'_>) -> Result<i64, AppError> {
        let Some(viewer) = graphql::data::<Viewer>(ctx)?.user_id() else {
            return Ok(0);
        };
        loader::load_unread_count(ctx, self.id, viewer).await
    }

    /// Messages, newest first.
    #[graphql(complexity = "pagination::page_cost(first, child_complexity)")]
    async fn messages(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many to return (0 to 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Return messages older than this cursor.")] after: Option<String>,
    ) -> Result<Connection<KeysetCursor, Message>, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let limit = pagination::page_size(first)?;
        let after = pagination::after_cursor(after.as_deref())?;
        let mut page = db::messages(&state.pg, self.id, after, limit + 1).await?;
        let has_next = page.len() as i64 > limit;
        page.truncate(limit as usize);
        let mut connection = Connection::new(after.is_some(), has_next);
        connection.edges.extend(page.into_iter().map(|m| {
            async_graphql::connection::Edge::new(
                KeysetCursor {
                    at: m.created_at,
                    id: m.id.0,
                },
                m,
            )
        }));
        Ok(connection)
    }

    /// Whether the viewer may post here (participants only; a twin's owner reads only).
    async fn can_post(&self, ctx: &Context<'_>) -> Result<bool, AppError> {
        Ok(access::role_of(ctx, self).await? == access::Access::Participant)
    }
}

/// A user or a twin in a conversation.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(complex)]
pub struct Participant {
    #[graphql(skip)]
    pub(crate) conversation_id: ConversationId,
    #[graphql(skip)]
    pub(crate) user_id: Option<UserId>,
    #[graphql(skip)]
    pub(crate) twin_id: Option<TwinId>,
    /// `owner` of a group, otherwise `member`.
    pub role: String,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
    /// Up to when they have read.
    pub last_read_at: Option<DateTime<Utc>>,
}

#[ComplexObject]
impl Participant {
    /// The user, for user participants (when visible to the viewer).
    async fn user(&self, ctx: &Context<'_>) -> Result<Option<User>, AppError> {
        match self.user_id {
            Some(user) => users::load_user(ctx, user).await,
            None => Ok(None),
        }
    }

    /// The twin, for twin participants.
    async fn twin(&self, ctx: &Context<'_>) -> Result<Option<DigitalTwin>, AppError> {
        match self.twin_id {
            Some(twin) => twins::load_twin(ctx, twin).await,
            None => Ok(None),
        }
    }
}

/// A message in a conversation.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(complex)]
pub struct Message {
    #[graphql(skip)]
    pub(crate) id: MessageId,
    #[graphql(skip)]
    pub(crate) conversation_id: ConversationId,
    #[graphql(skip)]
    pub(crate) sender_user: Option<UserId>,
    #[graphql(skip)]
    pub(crate) sender_twin: Option<TwinId>,
    /// What it holds.
    pub kind: MessageKind,
    /// The text, or a reference for images and files.
    pub content: String,
    /// Extra facts (e.g. an image's size).
    pub metadata: Json<serde_json::Value>,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
}

#[ComplexObject]
impl Message {
    /// The message's global ID.
    async fn id(&self) -> ID {
        self.id.to_global()
    }

    /// The conversation's global ID.
    async fn conversation_id(&self) -> ID {
        self.conversation_id.to_global()
    }

    /// The user who sent it (none for system messages and twin answers).
    async fn sender(&self, ctx: &Context<'_>) -> Result<Option<User>, AppError> {
        match self.sender_user {
            Some(user) => users::load_user(ctx, user).await,
            None => Ok(None),
        }
    }

    /// The twin that answered, for twin answers.
    async fn sender_twin(&self, ctx: &Context<'_>) -> Result<Option<DigitalTwin>, AppError> {
        match self.sender_twin {
            Some(twin) => twins::load_twin(ctx, twin).await,
            None => Ok(None),
        }
    }
}
