//! Connections to the four stores and their health checks.
//!
//! Every handle is created lazily: braid starts even when a store is down, reports it in
//! `/readyz`, fails only the fields that need it, and reconnects by itself. The one
//! connection made at startup: when PostgreSQL or Redis is configured for TLS, braid
//! checks once that it trusts the server's certificate (see `tls`).

pub mod mongo;
pub mod postgres;
pub mod qdrant;
pub mod redis;
mod tls;

use std::{fmt, time::Instant};

use futures::future::join_all;

use crate::state::AppState;

/// One of the stores braid is braided from.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Store {
    /// PostgreSQL: relational entities, transactions, the outbox.
    Postgres,
    /// MongoDB: flexible, versioned documents.
    Mongo,
    /// Qdrant: vectors for semantic search.
    Qdrant,
    /// Redis: cache, rate limits, persisted queries, pub/sub.
    Redis,
}

impl Store {
    /// Every store, in a fixed order.
    pub const ALL: [Store; 4] = [Store::Postgres, Store::Mongo, Store::Qdrant, Store::Redis];

    /// Lower-case name used in `/readyz`, metrics and logs.
    pub fn key(self) -> &'static str {
        match self {
            Store::Postgres => "postgres",
            Store::Mongo => "mongodb",
            Store::Qdrant => "qdrant",
            Store::Redis => "redis",
        }
    }
}

impl fmt::Display for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Store::Postgres => "PostgreSQL",
            Store::Mongo => "MongoDB",
            Store::Qdrant => "Qdrant",
            Store::Redis => "Redis",
        })
    }
}

/// The outcome of one health check.
#[derive(Clone, Debug)]
pub struct StoreHealth {
    /// Which store was checked.
    pub store: Store,
    /// Whether it answered in time.
    pub up: bool,
    /// How long the check took, in milliseconds.
    pub latency_ms: f64,
}

/// Pings one store, bounded by the configured store timeout.
pub async fn check(state: &AppState, store: Store) -> StoreHealth {
    let started = Instant::now();
    let ping = async {
        match store {
            Store::Postgres => postgres::ping(&state.pg).await.is_ok(),
            Store::Mongo => mongo::ping(&state.mongo).await.is_ok(),
            Store::Qdrant => state.qdrant.health_check().await.is_ok(),
            Store::Redis => state.redis.ping().await.is_ok(),
        }
    };
    let up = tokio::time::timeout(state.config.store_timeout(), ping)
        .await
        .unwrap_or(false);
    StoreHealth {
        store,
        up,
        latency_ms: started.elapsed().as_secs_f64() * 1000.0,
    }
}

/// Pings every store concurrently.
pub async fn check_all(state: &AppState) -> Vec<StoreHealth> {
    join_all(Store::ALL.map(|store| check(state, store))).await
}
