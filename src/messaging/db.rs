//! SQL for `conversations`, `conversation_participants` and `messages`.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor, prelude::FromRow, types::Json};
use uuid::Uuid;

use super::model::{
    Conversation, ConversationId, ConversationKind, Message, MessageId, MessageKind, Participant,
};
use crate::{
    error::{AppError, violated_constraint},
    graphql::pagination::KeysetCursor,
    twins::TwinId,
    users::UserId,
};

#[derive(FromRow)]
struct ConversationRow {
    id: Uuid,
    kind: String,
    title: Option<String>,
    owner_id: Option<Uuid>,
    last_message_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl From<ConversationRow> for Conversation {
    fn from(r: ConversationRow) -> Self {
        Conversation {
            id: ConversationId(r.id),
            kind: ConversationKind::parse(&r.kind).unwrap_or(ConversationKind::Group),
            title: r.title,
            owner: r.owner_id.map(UserId),
            last_message_at: r.last_message_at,
            created_at: r.created_at,
        }
    }
}

const CONVERSATION_COLUMNS: &str =
    "c.id, c.kind, c.title, c.owner_id, c.last_message_at, c.created_at";

pub(super) async fn conversation(
    db: impl PgExecutor<'_>,
    id: ConversationId,
) -> sqlx::Result<Option<Conversation>> {
    sqlx::query_as::<_, ConversationRow>(&format!(
        "select {CONVERSATION_COLUMNS} from conversations c where c.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(db)
    .await
    .map(|row| row.map(Conversation::from))
}

/// The viewer's conversations (as a participant, or as the owner of a twin in one), most
/// recent activity first.
#[tracing::instrument(skip_all)]
pub(super) async fn page_for(
    db: impl PgExecutor<'_>,
    viewer: UserId,
    after: Option<KeysetCursor>,
    limit: i64,
) -> sqlx::Result<Vec<Conversation>> {
    sqlx::query_as::<_, ConversationRow>(&format!(
        "select {CONVERSATION_COLUMNS} from conversations c
         where (exists (select 1 from conversation_participants p where p.conversation_id = c.id and p.user_id = $1)
             or exists (select 1 from conversation_participants p join digital_twins t on t.id = p.twin_id
                        where p.conversation_id = c.id and t.user_id = $1))
           and ($2::timestamptz is null or (coalesce(c.last_message_at, c.created_at), c.id) < ($2, $3))
         order by coalesce(c.last_message_at, c.created_at) desc, c.id desc
         limit $4"
    ))
    .bind(viewer.0)
    .bind(after.map(|c| c.at))
    .bind(after.map(|c| c.id))
    .bind(limit)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(Conversation::from).collect())
}

/// The direct or twin conversation of a pair, created on first request (the unique
/// `pair_key` makes concurrent requests agree on one).
#[tracing::instrument(skip_all)]
pub(super) async fn pair_conversation(
    tx: &mut PgConnection,
    kind: ConversationKind,
    pair_key: &str,
    users: &[UserId],
    twin: Option<TwinId>,
) -> Result<Conversation, AppError> {
    let created = sqlx::query_as::<_, ConversationRow>(
        "insert into conversations as c (id, kind, pair_key) values ($1, $2, $3)
         on conflict (pair_key) do nothing
         returning c.id, c.kind, c.title, c.owner_id, c.last_message_at, c.created_at",
    )
    .bind(Uuid::now_v7())
    .bind(kind.as_str())
    .bind(pair_key)
    .fetch_optional(&mut *tx)
    .await?;
    match created {
        Some(row) => {
            let conversation = Conversation::from(row);
            for user in users {
                add_participant(&mut *tx, conversation.id, Some(*user), None, "member").await?;
            }
            if let Some(twin) = twin {
                add_participant(&mut *tx, conversation.id, None, Some(twin), "member").await?;
            }
            Ok(conversation)
        }
        None => Ok(sqlx::query_as::<_, ConversationRow>(&format!(
            "select {CONVERSATION_COLUMNS} from conversations c where c.pair_key = $1"
        ))
        .bind(pair_key)
        .fetch_one(&mut *tx)
        .await
        .map(Conversation::from)?),
    }
}

pub(super) async fn create_group(
    tx: &mut PgConnection,
    owner: UserId,
    title: &str,
) -> sqlx::Result<Conversation> {
    sqlx::query_as::<_, ConversationRow>(
        "insert into conversations as c (id, kind, title, owner_id) values ($1, 'group', $2, $3)
         returning c.id, c.kind, c.title, c.owner_id, c.last_message_at, c.created_at",
    )
    .bind(Uuid::now_v7())
    .bind(title)
    .bind(owner.0)
    .fetch_one(tx)
    .await
    .map(Conversation::from)
}

/// Adds a participant; one already there is `CONFLICT`.
pub(super) async fn add_participant(
    db: impl PgExecutor<'_>,
    conversation: ConversationId,
    user: Option<UserId>,
    twin: Option<TwinId>,
    role: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "insert into conversation_participants (id, conversation_id, user_id, twin_id, role) values ($1, $2, $3, $4, $5)",
    )
    .bind(Uuid::now_v7())
    .bind(conversation.0)
    .bind(user.map(|u| u.0))
    .bind(twin.map(|t| t.0))
    .bind(role)
    .execute(db)
    .await
    .map(drop)
    .map_err(|error| match violated_constraint(&error) {
        Some("conversation_participants_user_key" | "conversation_participants_twin_key") => {
            AppError::Conflict("userId: already a member of this conversation".to_owned())
        }
        Some("conversation_participants_user_id_fkey") => AppError::NotFound("userId: no such user".to_owned()),
        _ => AppError::from(error),
    })
}

pub(super) async fn remove_participant(
    db: impl PgExecutor<'_>,
    conversation: ConversationId,
    user: UserId,
) -> sqlx::Result<bool> {
    sqlx::query("delete from conversation_participants where conversation_id = $1 and user_id = $2")
        .bind(conversation.0)
        .bind(user.0)
        .execute(db)
        .await
        .map(|done| done.rows_affected() > 0)
}

#[derive(FromRow)]
struct ParticipantRow {
    conversation_id: Uuid,
    user_id: Option<Uuid>,
    twin_id: Option<Uuid>,
    role: String,
    joined_at: DateTime<Utc>,
    last_read_at: Option<DateTime<Utc>>,
}

#[tracing::instrument(skip_all, fields(count = conversations.len()))]
pub(super) async fn participants_of(
    db: impl PgExecutor<'_>,
    conversations: &[Uuid],
) -> sqlx::Result<Vec<Participant>> {
    let rows = sqlx::query_as::<_, ParticipantRow>(
        "select conversation_id, user_id, twin_id, role, joined_at, last_read_at
         from conversation_participants where conversation_id = any($1) order by joined_at, id",
    )
    .bind(conversations)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Participant {
            conversation_id: ConversationId(r.conversation_id),
            user_id: r.user_id.map(UserId),
            twin_id: r.twin_id.map(TwinId),
            role: r.role,
            joined_at: r.joined_at,
            last_read_at: r.last_read_at,
        })
        .collect())
}

/// Unread messages per conversation for one reader, in one grouped query.
#[tracing::instrument(skip_all, fields(count = conversations.len()))]
pub(super) async fn unread_counts(
    db: impl PgExecutor<'_>,
    reader: UserId,
    conversations: &[Uuid],
) -> sqlx::Result<Vec<(Uuid, i64)>> {
    sqlx::query_as(
        "select m.conversation_id, count(*)
         from messages m
         join conversation_participants p on p.conversation_id = m.conversation_id and p.user_id = $1
         where m.conversation_id = any($2)
           and (p.last_read_at is null or m.created_at > p.last_read_at)
           and m.sender_user_id is distinct from $1
         group by m.conversation_id",
    )
    .bind(reader.0)
    .bind(conversations)
    .fetch_all(db)
    .await
}

#[derive(FromRow)]
struct MessageRow {
    id: Uuid,
    conversation_id: Uuid,
    sender_user_id: Option<Uuid>,
    sender_twin_id: Option<Uuid>,
    message_type: String,
    content: String,
    metadata: Json<serde_json::Value>,
    created_at: DateTime<Utc>,
}

impl From<MessageRow> for Message {
    fn from(r: MessageRow) -> Self {
        Message {
            id: MessageId(r.id),
            conversation_id: ConversationId(r.conversation_id),
            sender_user: r.sender_user_id.map(UserId),
            sender_twin: r.sender_twin_id.map(TwinId),
            kind: MessageKind::parse(&r.message_type).unwrap_or_default(),
            content: r.content,
            metadata: async_graphql::Json(r.metadata.0),
            created_at: r.created_at,
        }
    }
}

const MESSAGE_COLUMNS: &str = "id, conversation_id, sender_user_id, sender_twin_id, message_type, content, metadata, created_at";

/// Stores a message and moves the conversation's activity time, in the caller's
/// transaction.
#[tracing::instrument(skip_all)]
pub(super) async fn insert_message(
    tx: &mut PgConnection,
    conversation: ConversationId,
    sender: UserId,
    kind: MessageKind,
    content: &str,
    metadata: &serde_json::Value,
) -> sqlx::Result<Message> {
    let message = sqlx::query_as::<_, MessageRow>(&format!(
        "insert into messages (id, conversation_id, sender_user_id, message_type, content, metadata)
         values ($1, $2, $3, $4, $5, $6) returning {MESSAGE_COLUMNS}"
    ))
    .bind(Uuid::now_v7())
    .bind(conversation.0)
    .bind(sender.0)
    .bind(kind.as_str())
    .bind(content)
    .bind(Json(metadata))
    .fetch_one(&mut *tx)
    .await
    .map(Message::from)?;
    sqlx::query("update conversations set last_message_at = $2 where id = $1")
        .bind(conversation.0)
        .bind(message.created_at)
        .execute(&mut *tx)
        .await?;
    Ok(message)
}

/// One message of a conversation; `None` when there is none.
pub(super) async fn message(
    db: impl PgExecutor<'_>,
    conversation: ConversationId,
    id: MessageId,
) -> sqlx::Result<Option<Message>> {
    sqlx::query_as::<_, MessageRow>(&format!(
        "select {MESSAGE_COLUMNS} from messages where id = $1 and conversation_id = $2"
    ))
    .bind(id.0)
    .bind(conversation.0)
    .fetch_optional(db)
    .await
    .map(|row| row.map(Message::from))
}

/// A conversation's messages, newest first, strictly older than `after`.
#[tracing::instrument(skip_all)]
pub(super) async fn messages(
    db: impl PgExecutor<'_>,
    conversation: ConversationId,
    after: Option<KeysetCursor>,
    limit: i64,
) -> sqlx::Result<Vec<Message>> {
    sqlx::query_as::<_, MessageRow>(&format!(
        "select {MESSAGE_COLUMNS} from messages
         where conversation_id = $1 and ($2::timestamptz is null or (created_at, id) < ($2, $3))
         order by created_at desc, id desc limit $4"
    ))
    .bind(conversation.0)
    .bind(after.map(|c| c.at))
    .bind(after.map(|c| c.id))
    .bind(limit)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(Message::from).collect())
}

/// Sets a participant's read marker to now; `false` when they are not a participant.
pub(super) async fn mark_read(
    db: impl PgExecutor<'_>,
    conversation: ConversationId,
    user: UserId,
) -> sqlx::Result<bool> {
    sqlx::query("update conversation_participants set last_read_at = now() where conversation_id = $1 and user_id = $2")
        .bind(conversation.0)
        .bind(user.0)
        .execute(db)
        .await
        .map(|done| done.rows_affected() > 0)
}

/// Who should hear about a new message: the other user participants and the owners of
/// twin participants.
pub(super) async fn recipients(
    db: impl PgExecutor<'_>,
    conversation: ConversationId,
    sender: UserId,
) -> sqlx::Result<Vec<UserId>> {
    sqlx::query_scalar::<_, Uuid>(
        "select distinct coalesce(p.user_id, t.user_id)
         from conversation_participants p left join digital_twins t on t.id = p.twin_id
         where p.conversation_id = $1 and coalesce(p.user_id, t.user_id) <> $2",
    )
    .bind(conversation.0)
    .bind(sender.0)
    .fetch_all(db)
    .await
    .map(|ids| ids.into_iter().map(UserId).collect())
}
