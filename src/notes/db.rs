//! SQL for `notes`.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, prelude::FromRow};
use uuid::Uuid;

use super::model::{Note, NoteBody, NoteId};
use crate::graphql::pagination::KeysetCursor;

#[derive(FromRow)]
struct NoteRow {
    id: Uuid,
    body: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<NoteRow> for Note {
    fn from(row: NoteRow) -> Self {
        Note {
            note_id: NoteId(row.id),
            body: row.body,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

#[tracing::instrument(skip_all)]
pub(super) async fn insert(
    db: impl PgExecutor<'_>,
    id: NoteId,
    body: &NoteBody,
) -> sqlx::Result<Note> {
    sqlx::query_as::<_, NoteRow>(
        "insert into notes (id, body) values ($1, $2)
         returning id, body, created_at, updated_at",
    )
    .bind(id.0)
    .bind(body.as_str())
    .fetch_one(db)
    .await
    .map(Note::from)
}

/// Sets a new body; `None` when the note does not exist. Locks the row until the
/// transaction ends, so concurrent edits get consecutive revision numbers.
#[tracing::instrument(skip_all)]
pub(super) async fn update_body(
    db: impl PgExecutor<'_>,
    id: NoteId,
    body: &NoteBody,
) -> sqlx::Result<Option<Note>> {
    sqlx::query_as::<_, NoteRow>(
        "update notes set body = $2 where id = $1
         returning id, body, created_at, updated_at",
    )
    .bind(id.0)
    .bind(body.as_str())
    .fetch_optional(db)
    .await
    .map(|row| row.map(Note::from))
}

/// One note; `None` when there is none.
pub(super) async fn find_one(db: impl PgExecutor<'_>, id: NoteId) -> sqlx::Result<Option<Note>> {
    Ok(find_many(db, &[id.0]).await?.pop())
}

#[tracing::instrument(skip_all, fields(count = ids.len()))]
pub(super) async fn find_many(db: impl PgExecutor<'_>, ids: &[Uuid]) -> sqlx::Result<Vec<Note>> {
    sqlx::query_as::<_, NoteRow>(
        "select id, body, created_at, updated_at from notes where id = any($1)",
    )
    .bind(ids)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(Note::from).collect())
}

/// Newest first, strictly after `after`; fetches `limit` rows.
#[tracing::instrument(skip_all)]
pub(super) async fn page(
    db: impl PgExecutor<'_>,
    after: Option<KeysetCursor>,
    limit: i64,
) -> sqlx::Result<Vec<Note>> {
    sqlx::query_as::<_, NoteRow>(
        "select id, body, created_at, updated_at from notes
         where $1::timestamptz is null or (created_at, id) < ($1, $2)
         order by created_at desc, id desc
         limit $3",
    )
    .bind(after.map(|c| c.at))
    .bind(after.map(|c| c.id))
    .bind(limit)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(Note::from).collect())
}

pub(super) async fn count(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("select count(*) from notes")
        .fetch_one(db)
        .await
}
