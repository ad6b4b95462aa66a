//! The `Note` and `NoteRevision` GraphQL types.

use async_graphql::{ComplexObject, Context, ID, SimpleObject};
use chrono::{DateTime, Utc};

use crate::{error::AppError, graphql::node::NodeId};

crate::node_id!(
    /// The id of a note (a row of `notes`).
    NoteId => "Note"
);

/// A short text note. Its body is in PostgreSQL and every version of it in MongoDB.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(complex)]
pub struct Note {
    #[graphql(skip)]
    pub(crate) note_id: NoteId,
    /// The current text.
    pub body: String,
    /// When the note was created.
    pub created_at: DateTime<Utc>,
    /// When the note was last changed.
    pub updated_at: DateTime<Utc>,
}

#[ComplexObject]
impl Note {
    /// The note's global ID.
    pub(crate) async fn id(&self) -> ID {
        self.note_id.to_global()
    }

    /// Every version of the body, newest first, read from MongoDB through a DataLoader.
    /// `null` (with a `STORE_UNAVAILABLE` error) while MongoDB is down: the note itself
    /// still resolves.
    async fn revisions(&self, ctx: &Context<'_>) -> Result<Option<Vec<NoteRevision>>, AppError> {
        super::loader::revisions(ctx, self.note_id).await.map(Some)
    }
}

/// One version of a note's body.
#[derive(SimpleObject, Clone, Debug)]
pub struct NoteRevision {
    /// 1 for the first body, then one more per edit.
    pub version: i32,
    /// The body as of this version.
    pub body: String,
    /// When this version was written.
    pub created_at: DateTime<Utc>,
}

/// A note body that passed validation: trimmed, 1 to 10,000 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NoteBody(String);

impl NoteBody {
    /// Longest body, in characters.
    pub(crate) const MAX_CHARS: usize = 10_000;

    pub(crate) fn parse(raw: &str) -> Result<Self, AppError> {
        let body = raw.trim();
        if body.is_empty() {
            return Err(AppError::BadUserInput(
                "a note body must not be empty".to_owned(),
            ));
        }
        if body.chars().count() > Self::MAX_CHARS {
            return Err(AppError::BadUserInput(format!(
                "a note body is at most {} characters",
                Self::MAX_CHARS
            )));
        }
        Ok(Self(body.to_owned()))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}
