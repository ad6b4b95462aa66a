//! `braid reindex` and the vector checks of `braid reconcile`: the stores' entities
//! against the index's points, kind by kind.

use std::collections::HashSet;

use uuid::Uuid;

use super::{indexer, kind::SearchKind, mongo_docs, points};
use crate::{error::AppError, state::AppState};

/// Entities indexed per batch.
const BATCH: usize = 64;

/// The entities of a kind that should have points (they exist and have text).
async fn indexable_ids(state: &AppState, kind: SearchKind) -> Result<HashSet<Uuid>, AppError> {
    Ok(indexer::documents(state, kind, None)
        .await?
        .into_iter()
        .filter(|doc| !doc.text.trim().is_empty())
        .map(|doc| doc.entity_id)
        .collect())
}

/// Rebuilds one kind's points from its store: every entity re-embedded, points of
/// entities that are gone removed. MongoDB documents are marked pending and drained the
/// way the worker does it, so each records the version it was indexed at. Returns
/// (indexed, removed).
pub async fn reindex(state: &AppState, kind: SearchKind) -> Result<(usize, usize), AppError> {
    let mut indexed = 0;
    let mut removed = 0;
    if kind.in_mongo() {
        mongo_docs::mark_all_pending(state, kind).await?;
        let report = mongo_docs::drain_kind(state, kind).await?;
        if report.failed > 0 {
            return Err(AppError::internal(anyhow::anyhow!(
                "{} {} documents could not be indexed",
                report.failed,
                kind.as_str()
            )));
        }
        indexed += report.indexed;
        removed += report.removed;
    } else {
        let docs = indexer::documents(state, kind, None).await?;
        for batch in docs.chunks(BATCH) {
            let ids: Vec<Uuid> = batch.iter().map(|d| d.entity_id).collect();
            let report = indexer::index_entities(state, kind, &ids, batch.to_vec()).await?;
            indexed += report.indexed;
            removed += report.removed;
        }
    }
    let present = indexable_ids(state, kind).await?;
    let gone: Vec<Uuid> = points::entity_ids(&state.qdrant, &state.config, kind.as_str())
        .await?
        .into_iter()
        .filter(|id| !present.contains(id))
        .collect();
    removed += remove(state, kind, &gone).await?;
    Ok((indexed, removed))
}

async fn remove(state: &AppState, kind: SearchKind, ids: &[Uuid]) -> Result<usize, AppError> {
    for id in ids {
        points::delete(
            &state.qdrant,
            &state.config,
            points::entity_filter(kind.as_str(), *id),
        )
        .await?;
    }
    Ok(ids.len())
}

/// How one kind's points differ from its entities.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Drift {
    /// Entities with text but no points.
    pub missing: Vec<Uuid>,
    /// Points whose entity is gone (or has no text any more).
    pub orphaned: Vec<Uuid>,
}

/// Compares one kind's entities with its points; with `repair`, indexes the missing and
/// removes the orphaned. Returns the drift found (before repair).
pub async fn drift(state: &AppState, kind: SearchKind, repair: bool) -> Result<Drift, AppError> {
    let expected = indexable_ids(state, kind).await?;
    let actual = points::entity_ids(&state.qdrant, &state.config, kind.as_str()).await?;
    let mut found = Drift {
        missing: expected.difference(&actual).copied().collect(),
        orphaned: actual.difference(&expected).copied().collect(),
    };
    found.missing.sort();
    found.orphaned.sort();
    if repair {
        for batch in found.missing.chunks(BATCH) {
            let docs = indexer::documents(state, kind, Some(batch)).await?;
            indexer::index_entities(state, kind, batch, docs).await?;
        }
        remove(state, kind, &found.orphaned).await?;
    }
    Ok(found)
}
