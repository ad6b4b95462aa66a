//! Requirements and PRDs (MongoDB documents) in the vector index.
//!
//! Their pending state is the document itself: a document whose `indexed_version` is not
//! its `current_version` waits for the worker (every delivery write moves
//! `current_version` on, so no write path can forget it). The worker records the version
//! it indexed only if the document is still at that version, so a change made while it
//! worked stays pending.

use bson::{Bson, Document, doc};
use futures::TryStreamExt;
use mongodb::Database;
use uuid::Uuid;

use super::{
    indexer::{DrainReport, index_entities},
    kind::{SearchKind, Visibility},
    sources::IndexDocument,
};
use crate::{delivery, error::AppError, state::AppState};

/// Documents indexed per round.
const BATCH: i64 = 64;

fn collection_of(kind: SearchKind) -> &'static str {
    match kind {
        SearchKind::Prd => delivery::PRD_DOCS,
        _ => delivery::REQUIREMENTS,
    }
}

fn uuid_field(document: &Document, key: &str) -> Option<Uuid> {
    match document.get(key)? {
        Bson::Binary(binary) => Uuid::from_slice(&binary.bytes).ok(),
        _ => None,
    }
}

/// The text a document contributes: a requirement's words and analysis, a PRD's title
/// and current content.
fn text_of(kind: SearchKind, document: &Document) -> String {
    let mut parts: Vec<String> = Vec::new();
    if kind == SearchKind::Prd {
        parts.extend(document.get_str("title").ok().map(str::to_owned));
        if let Ok(current) = document.get_document("current") {
            parts.extend(current.get_str("content").ok().map(str::to_owned));
        }
    } else {
        parts.extend(document.get_str("raw_text").ok().map(str::to_owned));
        if let Ok(stories) = document
            .get_document("ai_analysis")
            .and_then(|analysis| analysis.get_array("user_stories"))
        {
            parts.extend(stories.iter().filter_map(|s| s.as_str().map(str::to_owned)));
        }
    }
    parts.join("\n")
}

fn to_index_document(kind: SearchKind, document: &Document) -> Option<IndexDocument> {
    Some(IndexDocument {
        kind,
        entity_id: uuid_field(document, "_id")?,
        text: text_of(kind, document),
        owner_id: uuid_field(document, "owner_id")?,
        org_id: None,
        parent_id: uuid_field(document, "project_id"),
        visibility: Visibility::Private,
        status: None,
    })
}

fn id_filter(ids: Option<&[Uuid]>) -> Document {
    match ids {
        Some(ids) => {
            let ids: Vec<Bson> = ids
                .iter()
                .map(|id| {
                    Bson::Binary(bson::Binary::from_uuid(bson::Uuid::from_bytes(
                        *id.as_bytes(),
                    )))
                })
                .collect();
            doc! { "_id": { "$in": ids } }
        }
        None => doc! {},
    }
}

async fn find(
    db: &Database,
    kind: SearchKind,
    filter: Document,
    limit: Option<i64>,
) -> Result<Vec<Document>, AppError> {
    let collection = db.collection::<Document>(collection_of(kind));
    let mut find = collection.find(filter);
    if let Some(limit) = limit {
        find = find.limit(limit);
    }
    Ok(find.await?.try_collect().await?)
}

/// The current documents of MongoDB kinds (`None`: all of them).
pub(super) async fn documents(
    state: &AppState,
    kind: SearchKind,
    ids: Option<&[Uuid]>,
) -> Result<Vec<IndexDocument>, AppError> {
    Ok(find(&state.mongo, kind, id_filter(ids), None)
        .await?
        .iter()
        .filter_map(|d| to_index_document(kind, d))
        .collect())
}

/// Indexes MongoDB documents whose current version is not indexed yet.
pub(super) async fn drain(state: &AppState) -> Result<DrainReport, AppError> {
    let mut report = drain_kind(state, SearchKind::Requirement).await?;
    let prds = drain_kind(state, SearchKind::Prd).await?;
    report.indexed += prds.indexed;
    report.removed += prds.removed;
    report.failed += prds.failed;
    Ok(report)
}

/// Indexes the pending documents of one MongoDB kind.
pub(super) async fn drain_kind(
    state: &AppState,
    kind: SearchKind,
) -> Result<DrainReport, AppError> {
    let mut report = DrainReport::default();
    loop {
        let (done, found, marked) = drain_batch(state, kind).await?;
        report.indexed += done.indexed;
        report.removed += done.removed;
        report.failed += done.failed;
        // Stop when the batch was the last, failed, or changed nothing (no loop over
        // documents that cannot be marked).
        if found < BATCH as usize || done.failed > 0 || marked == 0 {
            return Ok(report);
        }
    }
}

/// Marks every document of a MongoDB kind pending, for a rebuild through [`drain_kind`].
pub(super) async fn mark_all_pending(state: &AppState, kind: SearchKind) -> Result<(), AppError> {
    state
        .mongo
        .collection::<Document>(collection_of(kind))
        .update_many(doc! {}, doc! { "$unset": { "indexed_version": "" } })
        .await?;
    Ok(())
}

/// One batch of pending documents: (report, documents found, documents marked indexed).
async fn drain_batch(
    state: &AppState,
    kind: SearchKind,
) -> Result<(DrainReport, usize, u64), AppError> {
    let pending = doc! { "$expr": { "$ne": ["$indexed_version", "$current_version"] } };
    let found = find(&state.mongo, kind, pending, Some(BATCH)).await?;
    if found.is_empty() {
        return Ok((DrainReport::default(), 0, 0));
    }
    let docs: Vec<IndexDocument> = found
        .iter()
        .filter_map(|d| to_index_document(kind, d))
        .collect();
    let ids: Vec<Uuid> = docs.iter().map(|d| d.entity_id).collect();
    let report = match index_entities(state, kind, &ids, docs).await {
        Ok(done) => done,
        Err(error) => {
            tracing::warn!(kind = kind.as_str(), %error, "vector indexing failed; will retry");
            let failed = DrainReport {
                failed: found.len(),
                ..DrainReport::default()
            };
            return Ok((failed, found.len(), 0));
        }
    };
    let collection = state.mongo.collection::<Document>(collection_of(kind));
    let mut marked = 0;
    for document in &found {
        let (Some(id), Some(version)) = (document.get("_id"), document.get("current_version"))
        else {
            continue;
        };
        marked += collection
            .update_one(
                doc! { "_id": id.clone(), "current_version": version.clone() },
                doc! { "$set": { "indexed_version": version.clone() } },
            )
            .await?
            .modified_count;
    }
    Ok((report, found.len(), marked))
}
