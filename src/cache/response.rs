//! The response cache: whole responses of anonymous and partner persisted queries in
//! Redis, keyed by the document, the canonical variables and the viewer class. An entry
//! records the generation of every entity type it read; a lookup reads the entry and
//! the current generations in one `MGET` and serves the entry only when they all match.
//! Redis failures bypass the cache, never fail the request.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::{Arc, Mutex},
    time::{SystemTime, UNIX_EPOCH},
};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::entities::{self, generation_key};
use crate::state::AppState;

/// The entity types a response read, collected while it executes (see
/// [`super::CacheExtension`]).
#[derive(Clone, Default)]
pub struct ReadTypes(Arc<Mutex<BTreeSet<String>>>);

impl ReadTypes {
    pub(super) fn note(&self, type_name: &str) {
        let entity = entities::entity_of(type_name);
        if let Ok(mut read) = self.0.lock()
            && !read.contains(entity)
        {
            read.insert(entity.to_owned());
        }
    }

    fn entities(&self) -> BTreeSet<String> {
        self.0.lock().map(|read| read.clone()).unwrap_or_default()
    }
}

/// A lookup that missed: what storing its response needs.
pub struct Miss {
    key: String,
    /// The generations of [`entities::tracked`] before execution, in that order.
    generations: Vec<i64>,
    /// Collects the types the execution reads.
    pub read: ReadTypes,
}

/// What the cache had for a request.
pub enum Lookup {
    /// A fresh entry: the response body and its remaining max-age in seconds.
    Hit {
        /// The serialized response.
        body: Vec<u8>,
        /// Seconds it stays fresh.
        max_age: u64,
    },
    /// No fresh entry: execute, then [`store`].
    Miss(Miss),
    /// Redis is unavailable: execute without the cache.
    Bypass,
}

#[derive(Serialize, Deserialize)]
struct Header {
    stored_at: u64,
    max_age: u64,
    deps: BTreeMap<String, i64>,
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// JSON with object keys sorted at every level, so equal variables give equal keys.
fn canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                canonical(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The cache key of a document run with these variables by this viewer class.
fn entry_key(
    state: &AppState,
    class: &str,
    query: &str,
    operation: Option<&str>,
    variables: &Value,
) -> String {
    let mut text = String::new();
    canonical(variables, &mut text);
    let mut hasher = Sha256::new();
    for part in [class, query, operation.unwrap_or_default(), &text] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    let digest: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    state.redis.key(&format!("response:{digest}"))
}

/// Looks a request up: one round trip for the entry and every tracked generation.
pub async fn lookup(
    state: &AppState,
    class: &str,
    query: &str,
    operation: Option<&str>,
    variables: &Value,
) -> Lookup {
    let key = entry_key(state, class, query, operation, variables);
    let tracked = entities::tracked();
    let mut command = redis::cmd("MGET");
    command.arg(&key);
    for entity in tracked {
        command.arg(generation_key(state, entity));
    }
    let values: Vec<Option<Vec<u8>>> = match state.redis.run(&command).await {
        Ok(values) => values,
        Err(error) => {
            tracing::warn!(%error, "response cache: Redis unavailable, bypassing it");
            metrics::counter!("braid_response_cache_total", "result" => "bypass").increment(1);
            return Lookup::Bypass;
        }
    };
    let mut values = values.into_iter();
    let entry = values.next().flatten();
    let generations: Vec<i64> = values
        .map(|v| {
            v.and_then(|v| String::from_utf8(v).ok()?.parse().ok())
                .unwrap_or(0)
        })
        .collect();
    for (entity, generation) in tracked.iter().zip(&generations) {
        state.hot.observe(entity, *generation);
    }
    if let Some(hit) = entry.and_then(|entry| fresh(&entry, tracked, &generations)) {
        metrics::counter!("braid_response_cache_total", "result" => "hit").increment(1);
        return hit;
    }
    metrics::counter!("braid_response_cache_total", "result" => "miss").increment(1);
    Lookup::Miss(Miss {
        key,
        generations,
        read: ReadTypes::default(),
    })
}

/// The entry as a hit, when every generation it recorded is still current.
fn fresh(entry: &[u8], tracked: &[&str], generations: &[i64]) -> Option<Lookup> {
    let split = entry.iter().position(|b| *b == b'\n')?;
    let header: Header = serde_json::from_slice(&entry[..split]).ok()?;
    let current = |entity: &str| {
        tracked
            .iter()
            .position(|t| *t == entity)
            .map_or(0, |i| generations[i])
    };
    if header.deps.iter().any(|(entity, g)| current(entity) != *g) {
        return None;
    }
    let age = now_secs().saturating_sub(header.stored_at);
    let max_age = header.max_age.checked_sub(age).filter(|left| *left > 0)?;
    Some(Lookup::Hit {
        body: entry[split + 1..].to_vec(),
        max_age,
    })
}

/// Stores a response that missed, with the generations read before it executed (so a
/// mutation that ran meanwhile makes it stale at once).
pub async fn store(state: &AppState, miss: Miss, max_age: u64, body: &[u8]) {
    let tracked = entities::tracked();
    let deps = miss
        .read
        .entities()
        .into_iter()
        .filter_map(|entity| {
            let i = tracked.iter().position(|t| *t == entity)?;
            Some((entity, miss.generations[i]))
        })
        .collect();
    let header = Header {
        stored_at: now_secs(),
        max_age,
        deps,
    };
    let Ok(mut entry) = serde_json::to_vec(&header) else {
        return;
    };
    entry.push(b'\n');
    entry.extend_from_slice(body);
    let stored = state
        .redis
        .run::<()>(
            redis::cmd("SET")
                .arg(&miss.key)
                .arg(entry)
                .arg("EX")
                .arg(max_age),
        )
        .await;
    if let Err(error) = stored {
        tracing::warn!(%error, "response cache: could not store an entry");
    }
}
