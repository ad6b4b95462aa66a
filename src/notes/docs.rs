//! MongoDB access for `note_revisions` (validator and indexes in
//! `mongo-indexes/note_revisions.json`).

use std::collections::HashMap;

use bson::{Uuid as BsonUuid, doc};
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use mongodb::{Collection, Database};
use serde::{Deserialize, Serialize};

use super::model::{NoteBody, NoteId, NoteRevision};

const COLLECTION: &str = "note_revisions";

/// One stored version of a note body.
#[derive(Debug, Serialize, Deserialize)]
struct RevisionDoc {
    #[serde(rename = "_id")]
    id: BsonUuid,
    note_id: BsonUuid,
    version: i32,
    body: String,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    created_at: DateTime<Utc>,
}

fn collection(db: &Database) -> Collection<RevisionDoc> {
    db.collection(COLLECTION)
}

/// Appends the next version of a note's body. The unique (note_id, version) index
/// refuses a duplicate version if two writers race.
#[tracing::instrument(skip_all)]
pub(super) async fn append(
    db: &Database,
    note: NoteId,
    body: &NoteBody,
) -> mongodb::error::Result<NoteRevision> {
    let latest = collection(db)
        .find_one(doc! { "note_id": BsonUuid::from(note.0) })
        .sort(doc! { "version": -1 })
        .await?;
    let revision = RevisionDoc {
        id: BsonUuid::from(uuid::Uuid::now_v7()),
        note_id: BsonUuid::from(note.0),
        version: latest.map_or(1, |doc| doc.version + 1),
        body: body.as_str().to_owned(),
        created_at: Utc::now(),
    };
    collection(db).insert_one(&revision).await?;
    Ok(NoteRevision::from(revision))
}

/// Every revision of each note, newest first, in one query.
#[tracing::instrument(skip_all, fields(count = notes.len()))]
pub(super) async fn revisions_of(
    db: &Database,
    notes: &[NoteId],
) -> mongodb::error::Result<HashMap<NoteId, Vec<NoteRevision>>> {
    let ids: Vec<BsonUuid> = notes.iter().map(|n| BsonUuid::from(n.0)).collect();
    let mut cursor = collection(db)
        .find(doc! { "note_id": { "$in": ids } })
        .sort(doc! { "note_id": 1, "version": -1 })
        .await?;
    let mut by_note: HashMap<NoteId, Vec<NoteRevision>> = HashMap::new();
    while let Some(doc) = cursor.try_next().await? {
        by_note
            .entry(NoteId(doc.note_id.into()))
            .or_default()
            .push(NoteRevision::from(doc));
    }
    Ok(by_note)
}

impl From<RevisionDoc> for NoteRevision {
    fn from(doc: RevisionDoc) -> Self {
        NoteRevision {
            version: doc.version,
            body: doc.body,
            created_at: doc.created_at,
        }
    }
}
