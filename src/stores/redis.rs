//! Redis: a lazily (re)connecting connection manager, pub/sub connections, and the one
//! place where keys and channels get their prefix. Redis is never the source of truth.

use redis::{AsyncCommands, Client, aio::ConnectionManager};
use tokio::sync::OnceCell;

use crate::config::Config;

/// braid's Redis handle: cheap to clone.
#[derive(Clone)]
pub struct Redis {
    client: Client,
    manager: std::sync::Arc<OnceCell<ConnectionManager>>,
    prefix: String,
    timeout: std::time::Duration,
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
        })
    }

    /// A multiplexed connection that reconnects by itself after the first success.
    pub async fn conn(&self) -> redis::RedisResult<ConnectionManager> {
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(self.timeout)
            .set_response_timeout(self.timeout)
            .set_number_of_retries(1);
        self.manager
            .get_or_try_init(|| ConnectionManager::new_with_config(self.client.clone(), config))
            .await
            .cloned()
    }

    /// A dedicated pub/sub connection.
    pub async fn pubsub(&self) -> redis::RedisResult<redis::aio::PubSub> {
        self.client.get_async_pubsub().await
    }

    /// One round trip.
    pub async fn ping(&self) -> redis::RedisResult<()> {
        let mut conn = self.conn().await?;
        let _: String = redis::cmd("PING").query_async(&mut conn).await?;
        Ok(())
    }

    /// The prefixed name of a key or channel: every key braid uses is built here.
    pub fn key(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    /// Publishes a message on a (prefixed) channel.
    pub async fn publish(&self, channel: &str, message: &str) -> redis::RedisResult<()> {
        let mut conn = self.conn().await?;
        conn.publish::<_, _, ()>(self.key(channel), message).await
    }
}
