//! `AppState`: the configuration and the four store handles, cheap to clone.

use std::sync::Arc;

use qdrant_client::Qdrant;
use sqlx::PgPool;

use crate::{
    config::Config,
    ratelimit::RateLimiter,
    stores::{mongo, postgres, qdrant, redis::Redis},
};

/// Everything a request handler or a command needs.
#[derive(Clone)]
pub struct AppState {
    /// The configuration braid started with.
    pub config: Arc<Config>,
    /// PostgreSQL pool.
    pub pg: PgPool,
    /// MongoDB database.
    pub mongo: mongodb::Database,
    /// Qdrant client.
    pub qdrant: Arc<Qdrant>,
    /// Redis handle.
    pub redis: Redis,
    /// Rate limits shared through Redis.
    pub limiter: RateLimiter,
}

impl AppState {
    /// Creates every store handle; none of them needs its store to be up yet.
    pub async fn connect(config: Config) -> anyhow::Result<Self> {
        let redis = Redis::connect(&config)?;
        Ok(Self {
            pg: postgres::connect(&config)?,
            mongo: mongo::connect(&config).await?,
            qdrant: Arc::new(qdrant::connect(&config)?),
            limiter: RateLimiter::new(redis.clone()),
            redis,
            config: Arc::new(config),
        })
    }
}
