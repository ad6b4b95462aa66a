//! Redis: a lazily (re)connecting connection manager, pub/sub connections, and the one
//! place where keys and channels get their prefix. Redis is never the source of truth.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use redis::{Client, FromRedisValue, RedisError, RedisResult, aio::ConnectionManager};
use tokio::sync::OnceCell;

use crate::config::Config;

/// braid's Redis handle: cheap to clone.
#[derive(Clone)]
pub struct Redis {
    client: Client,
    manager: Arc<OnceCell<ConnectionManager>>,
    prefix: String,
    timeout: Duration,
    /// Unix milliseconds until which Redis counts as down after a connection failure.
    down_until_ms: Arc<AtomicU64>,
}

/// How long Redis counts as down after a connection failure: calls fail at once meanwhile
/// (callers fall back) instead of each waiting out the store timeout.
const BACK_OFF: Duration = Duration::from_secs(1);

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

impl Redis {
    /// Creates the handle without connecting.
    pub fn connect(config: &Config) -> anyhow::Result<Self> {
        let client = Client::open(config.redis_url.as_str())
            .map_err(|_| anyhow::anyhow!("REDIS_URL is not a valid Redis URL"))?;
        Ok(Self {
            client,
            manager: Default::default(),
            prefix: config.redis_prefix.clone(),
            timeout: config.store_timeout(),
            down_until_ms: Arc::default(),
        })
    }

    /// Runs one command.
    pub async fn run<T: FromRedisValue>(&self, command: &redis::Cmd) -> RedisResult<T> {
        let mut conn = self.conn().await?;
        self.observe(command.query_async(&mut conn).await)
    }

    /// Runs a pipeline (atomic when built with `.atomic()`).
    pub async fn run_pipeline<T: FromRedisValue>(
        &self,
        pipeline: &redis::Pipeline,
    ) -> RedisResult<T> {
        let mut conn = self.conn().await?;
        self.observe(pipeline.query_async(&mut conn).await)
    }

    fn observe<T>(&self, result: RedisResult<T>) -> RedisResult<T> {
        if let Err(error) = &result
            && (error.is_io_error()
                || error.is_timeout()
                || error.is_connection_dropped()
                || error.is_connection_refusal())
        {
            self.down_until_ms
                .store(now_ms() + BACK_OFF.as_millis() as u64, Ordering::Relaxed);
        }
        result
    }

    /// A multiplexed connection that reconnects by itself after the first success.
    /// While backing off it fails at once, and that refusal does not extend the back-off
    /// (otherwise steady traffic would keep Redis "down" forever).
    async fn conn(&self) -> RedisResult<ConnectionManager> {
        if now_ms() < self.down_until_ms.load(Ordering::Relaxed) {
            return Err(RedisError::from((
                redis::ErrorKind::IoError,
                "Redis is down (backing off after a failure)",
            )));
        }
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(self.timeout)
            .set_response_timeout(self.timeout)
            .set_number_of_retries(1);
        let manager = self
            .manager
            .get_or_try_init(|| ConnectionManager::new_with_config(self.client.clone(), config))
            .await
            .cloned();
        self.observe(manager)
    }

    /// A dedicated pub/sub connection.
    pub async fn pubsub(&self) -> redis::RedisResult<redis::aio::PubSub> {
        self.client.get_async_pubsub().await
    }

    /// One round trip.
    pub async fn ping(&self) -> RedisResult<()> {
        self.run::<String>(&redis::cmd("PING")).await.map(drop)
    }

    /// The prefix of every key and channel (`BRAID_REDIS_PREFIX`).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// How long a connection attempt or a command may take.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The prefixed name of a key or channel: every key braid uses is built here.
    pub fn key(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    /// Publishes a message on a (prefixed) channel.
    pub async fn publish(&self, channel: &str, message: &str) -> RedisResult<()> {
        self.run(redis::cmd("PUBLISH").arg(self.key(channel)).arg(message))
            .await
    }
}
