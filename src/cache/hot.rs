//! The hot entity cache: rows that nearly every page reads and that rarely change
//! (organizations, skills), kept in this process for a short time in front of their
//! DataLoaders. Measured on the job board (20 jobs with organizations and skills): four
//! statements per page without it, two with it (see the README).
//!
//! Entries are public rows only (the same for every viewer). A mutation on this instance
//! clears its entity type at once ([`super::bump`]); a generation seen in Redis that
//! differs from the last one seen clears it too (every response-cache lookup reads the
//! generations), and otherwise entries expire after `BRAID_HOT_CACHE_SECS`.

use std::{
    any::Any,
    collections::HashMap,
    future::Future,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use uuid::Uuid;

use crate::error::AppError;

/// Most entries kept; the cache empties itself when full rather than grow.
const CAPACITY: usize = 20_000;

type Entry = (Arc<dyn Any + Send + Sync>, Instant);

#[derive(Default)]
struct Entries {
    rows: HashMap<(&'static str, Uuid), Entry>,
    generations: HashMap<String, i64>,
}

/// An in-process cache of public rows by entity type and id; cheap to clone.
#[derive(Clone)]
pub struct HotCache {
    ttl: Duration,
    entries: Arc<Mutex<Entries>>,
}

impl HotCache {
    /// A cache whose entries live `ttl` (zero turns it off).
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Arc::default(),
        }
    }

    /// The rows of `ids`: cached ones from memory, the rest from `load` (which gets only
    /// the missing ids and returns `(id, row)` pairs), which are then kept.
    pub async fn load_through<V, F, Fut>(
        &self,
        entity: &'static str,
        ids: &[Uuid],
        load: F,
    ) -> Result<HashMap<Uuid, V>, AppError>
    where
        V: Clone + Send + Sync + 'static,
        F: FnOnce(Vec<Uuid>) -> Fut,
        Fut: Future<Output = Result<Vec<(Uuid, V)>, AppError>>,
    {
        if self.ttl.is_zero() {
            return Ok(load(ids.to_vec()).await?.into_iter().collect());
        }
        let mut found = HashMap::new();
        let mut missing = Vec::new();
        if let Ok(entries) = self.entries.lock() {
            for id in ids {
                match entries.rows.get(&(entity, *id)) {
                    Some((row, at)) if at.elapsed() < self.ttl => match row.downcast_ref::<V>() {
                        Some(row) => {
                            found.insert(*id, row.clone());
                        }
                        None => missing.push(*id),
                    },
                    _ => missing.push(*id),
                }
            }
        } else {
            missing = ids.to_vec();
        }
        metrics::counter!("braid_hot_cache_total", "entity" => entity, "result" => "hit")
            .increment(found.len() as u64);
        if missing.is_empty() {
            return Ok(found);
        }
        metrics::counter!("braid_hot_cache_total", "entity" => entity, "result" => "miss")
            .increment(missing.len() as u64);
        let loaded = load(missing).await?;
        if let Ok(mut entries) = self.entries.lock() {
            if entries.rows.len() + loaded.len() > CAPACITY {
                entries.rows.clear();
            }
            let now = Instant::now();
            for (id, row) in &loaded {
                entries
                    .rows
                    .insert((entity, *id), (Arc::new(row.clone()), now));
            }
        }
        found.extend(loaded);
        Ok(found)
    }

    /// Forgets every row of these entity types.
    pub fn invalidate(&self, entities: &[&str]) {
        if let Ok(mut entries) = self.entries.lock() {
            entries
                .rows
                .retain(|(entity, _), _| !entities.contains(entity));
        }
    }

    /// Records the generation of an entity type as read from Redis; a change since the
    /// last one seen (a mutation on another instance) forgets its rows.
    pub fn observe(&self, entity: &str, generation: i64) {
        let changed = match self.entries.lock() {
            Ok(mut entries) => match entries.generations.get_mut(entity) {
                Some(seen) if *seen == generation => false,
                Some(seen) => {
                    *seen = generation;
                    true
                }
                // The first generation seen says nothing about rows cached before it.
                None => {
                    entries.generations.insert(entity.to_owned(), generation);
                    true
                }
            },
            Err(_) => false,
        };
        if changed {
            self.invalidate(&[entity]);
        }
    }
}
