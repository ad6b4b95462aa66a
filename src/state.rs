//! `AppState`: the configuration, the four store handles and the event hub, cheap to
//! clone.

use std::sync::Arc;

use qdrant_client::Qdrant;
use sqlx::PgPool;

use crate::{
    cache::HotCache,
    config::Config,
    events::Hub,
    ratelimit::RateLimiter,
    stores::{mongo, postgres, qdrant, redis::Redis},
    vectors::Embedder,
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
    /// Commands sent to MongoDB by this instance.
    pub mongo_commands: mongo::CommandCount,
    /// Qdrant client.
    pub qdrant: Arc<Qdrant>,
    /// Redis handle.
    pub redis: Redis,
    /// Rate limits shared through Redis.
    pub limiter: RateLimiter,
    /// Real-time events: local fan-out and Redis pub/sub across instances.
    pub events: Hub,
    /// Public rows most pages read (organizations, skills), kept in this process.
    pub hot: HotCache,
    /// Sentence embeddings (one model and compute thread per process).
    pub embedder: Embedder,
}

impl AppState {
    /// Creates every store handle; none of them needs its store to be up yet. When
    /// PostgreSQL or Redis is reached over TLS, one connection each checks that braid
    /// trusts its certificate: an untrusted one is an error.
    pub async fn connect(config: Config) -> anyhow::Result<Self> {
        let redis = Redis::connect(&config)?;
        let pg = postgres::connect(&config)?;
        let (pg_tls, redis_tls) = tokio::join!(
            postgres::verify_tls(&pg, config.store_timeout()),
            redis.verify_tls()
        );
        match (pg_tls, redis_tls) {
            (Err(pg), Err(redis)) => anyhow::bail!("{pg:#}; {redis:#}"),
            (Err(error), _) | (_, Err(error)) => return Err(error),
            _ => {}
        }
        let (mongo, mongo_commands) = mongo::connect(&config).await?;
        Ok(Self {
            pg,
            mongo,
            mongo_commands,
            qdrant: Arc::new(qdrant::connect(&config)?),
            limiter: RateLimiter::new(redis.clone()),
            events: Hub::start(redis.clone()),
            hot: HotCache::new(std::time::Duration::from_secs(config.hot_cache_secs)),
            embedder: Embedder::shared(&config.model_dir),
            redis,
            config: Arc::new(config),
        })
    }
}
