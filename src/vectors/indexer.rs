//! The index worker: drains the outbox (PostgreSQL rows, pending MongoDB documents) into
//! Qdrant. It runs inside `braid serve`; tests and commands call [`drain_all`].

use std::{collections::BTreeMap, time::Duration};

use qdrant_client::qdrant::Value;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::{
    embedder::chunk,
    kind::SearchKind,
    outbox, points,
    points::NewPoint,
    sources::{self, IndexDocument},
};
use crate::{error::AppError, state::AppState};

/// Rows claimed per round.
const BATCH: i64 = 64;

/// The PostgreSQL channel the outbox triggers notify.
pub const CHANNEL: &str = "braid_vector_outbox";

/// What one drain did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DrainReport {
    /// Entities whose points were written.
    pub indexed: usize,
    /// Entities whose points were removed (deleted, or nothing left to index).
    pub removed: usize,
    /// Outbox rows that failed and wait for a retry.
    pub failed: usize,
}

impl DrainReport {
    fn add(&mut self, other: DrainReport) {
        self.indexed += other.indexed;
        self.removed += other.removed;
        self.failed += other.failed;
    }
}

/// The payload of chunk `index` of a document.
fn payload(doc: &IndexDocument, index: usize) -> std::collections::HashMap<&'static str, Value> {
    let mut payload = std::collections::HashMap::from([
        ("kind", Value::from(doc.kind.as_str().to_owned())),
        ("entity_id", Value::from(doc.entity_id.to_string())),
        ("owner_id", Value::from(doc.owner_id.to_string())),
        (
            "visibility",
            Value::from(doc.visibility.as_str().to_owned()),
        ),
        ("chunk", Value::from(index as i64)),
    ]);
    if let Some(org) = doc.org_id {
        payload.insert("org_id", Value::from(org.to_string()));
    }
    if let Some(status) = &doc.status {
        payload.insert("status", Value::from(status.clone()));
    }
    if let Some(parent) = doc.parent_id {
        payload.insert("parent_id", Value::from(parent.to_string()));
    }
    payload
}

/// Brings the points of these entities in line with their documents: entities with text
/// get one point per chunk, the others (deleted, or empty) lose theirs.
pub(super) async fn index_entities(
    state: &AppState,
    kind: SearchKind,
    ids: &[Uuid],
    docs: Vec<IndexDocument>,
) -> Result<DrainReport, AppError> {
    let mut chunks: Vec<(usize, usize, String)> = Vec::new();
    let docs: Vec<IndexDocument> = docs
        .into_iter()
        .filter(|d| !d.text.trim().is_empty())
        .collect();
    for (d, doc) in docs.iter().enumerate() {
        chunks.extend(
            chunk(&doc.text)
                .into_iter()
                .enumerate()
                .map(|(c, text)| (d, c, text)),
        );
    }
    let vectors = state
        .embedder
        .embed(chunks.iter().map(|(_, _, t)| t.clone()).collect())
        .await
        .map_err(AppError::internal)?;
    let mut per_doc: BTreeMap<usize, Vec<NewPoint>> = BTreeMap::new();
    for ((d, c, _), vector) in chunks.into_iter().zip(vectors) {
        let doc = &docs[d];
        per_doc.entry(d).or_default().push(NewPoint {
            id: points::point_id(kind.as_str(), doc.entity_id, c),
            vector,
            payload: payload(doc, c),
        });
    }
    let mut report = DrainReport::default();
    let mut written = std::collections::HashSet::new();
    for (d, new_points) in per_doc {
        let entity = docs[d].entity_id;
        points::replace_entity(
            &state.qdrant,
            &state.config,
            kind.as_str(),
            entity,
            new_points,
        )
        .await?;
        written.insert(entity);
        report.indexed += 1;
    }
    for id in ids.iter().filter(|id| !written.contains(id)) {
        points::delete(
            &state.qdrant,
            &state.config,
            points::entity_filter(kind.as_str(), *id),
        )
        .await?;
        report.removed += 1;
    }
    Ok(report)
}

/// Loads the current documents of these entities (PostgreSQL or MongoDB).
pub(super) async fn documents(
    state: &AppState,
    kind: SearchKind,
    ids: Option<&[Uuid]>,
) -> Result<Vec<IndexDocument>, AppError> {
    if kind.in_mongo() {
        super::mongo_docs::documents(state, kind, ids).await
    } else {
        Ok(sources::postgres_documents(&state.pg, kind, ids).await?)
    }
}

/// Claims one batch of due PostgreSQL outbox rows and indexes their entities.
async fn drain_postgres_once(state: &AppState) -> Result<(DrainReport, usize), AppError> {
    let mut tx = state.pg.begin().await?;
    let rows = outbox::claim(&mut tx, BATCH).await?;
    let claimed = rows.len();
    let mut by_kind: BTreeMap<SearchKind, (Vec<i64>, Vec<Uuid>)> = BTreeMap::new();
    let mut unknown = Vec::new();
    for row in rows {
        match SearchKind::parse(&row.kind) {
            Some(kind) => {
                let entry = by_kind.entry(kind).or_default();
                entry.0.push(row.id);
                if !entry.1.contains(&row.entity_id) {
                    entry.1.push(row.entity_id);
                }
            }
            None => unknown.push(row.id),
        }
    }
    let mut report = DrainReport::default();
    outbox::complete(&mut *tx, &unknown).await?;
    for (kind, (row_ids, entity_ids)) in by_kind {
        let outcome = match documents(state, kind, Some(&entity_ids)).await {
            Ok(docs) => index_entities(state, kind, &entity_ids, docs).await,
            Err(error) => Err(error),
        };
        match outcome {
            Ok(done) => {
                outbox::complete(&mut *tx, &row_ids).await?;
                report.add(done);
                metrics::counter!("braid_vector_index_entities_total")
                    .increment(done.indexed as u64);
            }
            Err(error) => {
                tracing::warn!(kind = kind.as_str(), rows = row_ids.len(), %error, "vector indexing failed; will retry");
                outbox::retry_later(&mut *tx, &row_ids, &error.to_string()).await?;
                report.failed += row_ids.len();
                metrics::counter!("braid_vector_index_failures_total")
                    .increment(row_ids.len() as u64);
            }
        }
    }
    tx.commit().await?;
    Ok((report, claimed))
}

/// Drains everything that is due now: PostgreSQL rows and pending MongoDB documents.
/// Rows that fail wait for their retry time and are not retried within this call.
pub async fn drain_all(state: &AppState) -> Result<DrainReport, AppError> {
    let mut report = DrainReport::default();
    loop {
        let (done, claimed) = drain_postgres_once(state).await?;
        report.add(done);
        if (claimed as i64) < BATCH || done.failed > 0 {
            break;
        }
    }
    report.add(super::mongo_docs::drain(state).await?);
    if let Ok(depth) = outbox::depth(&state.pg).await {
        metrics::gauge!("braid_vector_outbox_depth").set(depth as f64);
    }
    Ok(report)
}

/// Runs the worker until `shutdown`: drains, then sleeps `BRAID_INDEX_IDLE_MS` or until
/// a write notifies the outbox channel.
pub fn spawn(state: AppState, shutdown: CancellationToken) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let idle = Duration::from_millis(state.config.index_idle_ms.max(10));
        let mut listener = None;
        loop {
            if listener.is_none() {
                listener = listen(&state).await;
            }
            if let Err(error) = crate::twins::run_queued_training(&state).await {
                tracing::warn!(%error, "twin training could not run");
            }
            match drain_all(&state).await {
                Ok(report) if report != DrainReport::default() => {
                    tracing::info!(
                        indexed = report.indexed,
                        removed = report.removed,
                        failed = report.failed,
                        "vector index drained"
                    );
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "vector index worker could not drain"),
            }
            let wake = async {
                match listener.as_mut() {
                    Some(l) => {
                        if l.recv().await.is_err() {
                            listener = None;
                        }
                    }
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(idle) => {}
                () = wake => {}
            }
        }
    })
}

async fn listen(state: &AppState) -> Option<sqlx::postgres::PgListener> {
    let mut listener = sqlx::postgres::PgListener::connect_with(&state.pg)
        .await
        .ok()?;
    listener.listen(CHANNEL).await.ok()?;
    Some(listener)
}
