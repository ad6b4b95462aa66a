//! Qdrant access for the vector index: points of one collection (`chunks`), told apart
//! by a keyword-indexed `kind`, one point per chunk of an entity's text.
//!
//! Payload: `kind`, `entity_id`, `owner_id`, `org_id` (jobs), `parent_id` (knowledge
//! base of a content, twin of a source or passage), `visibility`, `chunk`, and for twin
//! passages `vector_set` (the model version's `model_path`) and `text`.

use std::collections::{HashMap, HashSet};

use qdrant_client::{
    Qdrant,
    qdrant::{
        Condition, CountPointsBuilder, DeletePointsBuilder, Filter, PointStruct,
        QueryPointsBuilder, ScrollPointsBuilder, UpsertPointsBuilder, Value, vector_output::Vector,
    },
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{
    config::Config,
    error::AppError,
    stores::qdrant::{COLLECTIONS, collection_name},
};

/// The collection every indexed chunk lives in.
pub fn collection(config: &Config) -> String {
    collection_name(config, &COLLECTIONS[0])
}

/// The stable id of chunk `chunk` of an entity: re-indexing overwrites, never duplicates.
pub fn point_id(kind: &str, entity: Uuid, chunk: usize) -> String {
    let digest = Sha256::digest(format!("{kind}:{entity}:{chunk}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// A point to write: its vector and payload.
pub struct NewPoint {
    /// Its id (see [`point_id`]).
    pub id: String,
    /// Unit-length embedding.
    pub vector: Vec<f32>,
    /// Payload fields.
    pub payload: HashMap<&'static str, Value>,
}

/// Writes points (waiting until they are searchable).
pub async fn upsert(
    qdrant: &Qdrant,
    config: &Config,
    points: Vec<NewPoint>,
) -> Result<(), AppError> {
    if points.is_empty() {
        return Ok(());
    }
    let points: Vec<PointStruct> = points
        .into_iter()
        .map(|p| PointStruct::new(p.id, p.vector, p.payload))
        .collect();
    qdrant
        .upsert_points(UpsertPointsBuilder::new(collection(config), points).wait(true))
        .await?;
    Ok(())
}

/// Deletes every point matching `filter`.
pub async fn delete(qdrant: &Qdrant, config: &Config, filter: Filter) -> Result<(), AppError> {
    qdrant
        .delete_points(
            DeletePointsBuilder::new(collection(config))
                .points(filter)
                .wait(true),
        )
        .await?;
    Ok(())
}

/// The filter selecting one entity's points.
pub fn entity_filter(kind: &str, entity: Uuid) -> Filter {
    Filter::must([
        Condition::matches("kind", kind.to_owned()),
        Condition::matches("entity_id", entity.to_string()),
    ])
}

/// Replaces one entity's points by `points` (which may be fewer chunks than before).
pub async fn replace_entity(
    qdrant: &Qdrant,
    config: &Config,
    kind: &str,
    entity: Uuid,
    points: Vec<NewPoint>,
) -> Result<(), AppError> {
    let keep: HashSet<String> = points.iter().map(|p| p.id.clone()).collect();
    upsert(qdrant, config, points).await?;
    // Chunks beyond the new text's last one.
    let mut stale = entity_filter(kind, entity);
    if !keep.is_empty() {
        stale.must_not = vec![Condition::has_id(keep)];
    }
    delete(qdrant, config, stale).await
}

/// One search hit: the point's payload fields braid reads, and its score.
#[derive(Clone, Debug)]
pub struct Hit {
    /// Cosine similarity.
    pub score: f32,
    /// Payload `kind`.
    pub kind: String,
    /// Payload `entity_id`.
    pub entity_id: Uuid,
    /// Payload `parent_id` (knowledge base, twin).
    pub parent_id: Option<Uuid>,
    /// Payload `chunk`.
    pub chunk: i64,
    /// Payload `text`, when stored (twin passages).
    pub text: Option<String>,
}

fn payload_str(payload: &HashMap<String, Value>, key: &str) -> Option<String> {
    payload
        .get(key)
        .and_then(|v| v.as_str())
        .map(ToString::to_string)
}

/// The `limit` nearest points to `vector` that match `filter`, best first.
pub async fn nearest(
    qdrant: &Qdrant,
    config: &Config,
    vector: Vec<f32>,
    filter: Filter,
    limit: u64,
) -> Result<Vec<Hit>, AppError> {
    let response = qdrant
        .query(
            QueryPointsBuilder::new(collection(config))
                .query(vector)
                .filter(filter)
                .limit(limit)
                .with_payload(true),
        )
        .await?;
    Ok(response
        .result
        .into_iter()
        .filter_map(|point| {
            let entity_id = payload_str(&point.payload, "entity_id")?.parse().ok()?;
            Some(Hit {
                score: point.score,
                kind: payload_str(&point.payload, "kind")?,
                entity_id,
                parent_id: payload_str(&point.payload, "parent_id").and_then(|s| s.parse().ok()),
                chunk: point
                    .payload
                    .get("chunk")
                    .and_then(|v| v.as_integer())
                    .unwrap_or_default(),
                text: payload_str(&point.payload, "text"),
            })
        })
        .collect())
}

/// Best hit per entity, in score order, at most `limit` of them.
pub fn best_per_entity(hits: Vec<Hit>, limit: usize) -> Vec<Hit> {
    let mut seen = HashSet::new();
    hits.into_iter()
        .filter(|hit| seen.insert((hit.kind.clone(), hit.entity_id)))
        .take(limit)
        .collect()
}

/// The `limit` best entities (best chunk each) matching `filter`: over-fetches chunks
/// until enough distinct entities are found or the matches run out.
pub async fn nearest_entities(
    qdrant: &Qdrant,
    config: &Config,
    vector: Vec<f32>,
    filter: Filter,
    limit: usize,
) -> Result<Vec<Hit>, AppError> {
    let mut fetch = (limit as u64).saturating_mul(3).max(10);
    loop {
        let hits = nearest(qdrant, config, vector.clone(), filter.clone(), fetch).await?;
        let exhausted = (hits.len() as u64) < fetch;
        let best = best_per_entity(hits, limit);
        if best.len() >= limit || exhausted || fetch >= 10_000 {
            return Ok(best);
        }
        fetch = fetch.saturating_mul(4);
    }
}

/// The mean of an entity's chunk vectors, normalised (`None` when it has no points).
pub async fn entity_vector(
    qdrant: &Qdrant,
    config: &Config,
    kind: &str,
    entity: Uuid,
) -> Result<Option<Vec<f32>>, AppError> {
    let response = qdrant
        .scroll(
            ScrollPointsBuilder::new(collection(config))
                .filter(entity_filter(kind, entity))
                .limit(64)
                .with_payload(false)
                .with_vectors(true),
        )
        .await?;
    let vectors: Vec<Vec<f32>> = response
        .result
        .into_iter()
        .filter_map(|p| match p.vectors?.get_vector()? {
            Vector::Dense(dense) => Some(dense.data),
            _ => None,
        })
        .collect();
    Ok(mean_unit(&vectors))
}

/// The normalised mean of unit vectors (`None` for none).
pub fn mean_unit(vectors: &[Vec<f32>]) -> Option<Vec<f32>> {
    let first = vectors.first()?;
    let mut sum = vec![0f32; first.len()];
    for vector in vectors {
        for (s, v) in sum.iter_mut().zip(vector) {
            *s += v;
        }
    }
    let norm = sum.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-12);
    Some(sum.into_iter().map(|v| v / norm).collect())
}

/// Every entity id that has points of `kind`.
pub async fn entity_ids(
    qdrant: &Qdrant,
    config: &Config,
    kind: &str,
) -> Result<HashSet<Uuid>, AppError> {
    let mut ids = HashSet::new();
    let mut offset = None;
    loop {
        let mut request = ScrollPointsBuilder::new(collection(config))
            .filter(Filter::must([Condition::matches("kind", kind.to_owned())]))
            .limit(1_000)
            .with_payload(true)
            .with_vectors(false);
        if let Some(offset) = offset.take() {
            request = request.offset(offset);
        }
        let response = qdrant.scroll(request).await?;
        for point in &response.result {
            if let Some(id) = payload_str(&point.payload, "entity_id").and_then(|s| s.parse().ok())
            {
                ids.insert(id);
            }
        }
        match response.next_page_offset {
            Some(next) if next.point_id_options.is_some() => offset = Some(next),
            _ => return Ok(ids),
        }
    }
}

/// How many points match `filter`.
pub async fn count(qdrant: &Qdrant, config: &Config, filter: Filter) -> Result<u64, AppError> {
    let response = qdrant
        .count(
            CountPointsBuilder::new(collection(config))
                .filter(filter)
                .exact(true),
        )
        .await?;
    Ok(response.result.map_or(0, |r| r.count))
}
