//! Redis: a lazily (re)connecting connection manager, pub/sub connections, and the one
//! place where keys and channels get their prefix. Redis is never the source of truth.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use anyhow::bail;
use redis::{
    Client, ConnectionAddr, FromRedisValue, RedisError, RedisResult, TlsCertificates,
    aio::ConnectionManager,
};
use tokio::sync::OnceCell;

use crate::{config::Config, stores::tls};

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

/// The one place a Redis client is built (commands and pub/sub share it): REDIS_URL, over
/// TLS for `rediss://`, trusting BRAID_REDIS_CA_FILE's CAs when it is set.
fn client(config: &Config) -> anyhow::Result<Client> {
    // Redis errors may quote the URL (and its password): never pass them on.
    let invalid = |_| anyhow::anyhow!("REDIS_URL is not a valid Redis URL");
    let ca_file = config
        .redis_ca_file
        .as_deref()
        .filter(|path| !path.as_os_str().is_empty());
    let client = match ca_file {
        None => Client::open(config.redis_url.as_str()).map_err(invalid)?,
        Some(path) => {
            let root_cert = tls::read_ca_file("BRAID_REDIS_CA_FILE", path)?;
            let plain = Client::open(config.redis_url.as_str()).map_err(invalid)?;
            if !matches!(
                plain.get_connection_info().addr,
                ConnectionAddr::TcpTls { .. }
            ) {
                bail!("BRAID_REDIS_CA_FILE is set, but REDIS_URL is not a rediss:// (TLS) URL");
            }
            let certificates = TlsCertificates {
                client_tls: None,
                root_cert: Some(root_cert),
            };
            Client::build_with_tls(config.redis_url.as_str(), certificates).map_err(invalid)?
        }
    };
    if let ConnectionAddr::TcpTls { insecure, .. } = client.get_connection_info().addr {
        if insecure {
            bail!(
                "REDIS_URL ends in #insecure, which would skip the certificate check: braid always checks it (set BRAID_REDIS_CA_FILE for a private CA)"
            );
        }
        tls::install_crypto_provider();
    }
    Ok(client)
}

impl Redis {
    /// Creates the handle without connecting.
    pub fn connect(config: &Config) -> anyhow::Result<Self> {
        Ok(Self {
            client: client(config)?,
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

    /// At startup, when REDIS_URL is `rediss://`: one connection and a PING, so that a
    /// certificate braid does not trust stops braid with an error that says so. An
    /// unreachable server is only logged: braid rides out a store that is down.
    pub async fn verify_tls(&self) -> anyhow::Result<()> {
        let addr = &self.client.get_connection_info().addr;
        if !matches!(addr, ConnectionAddr::TcpTls { .. }) {
            return Ok(());
        }
        let address = addr.to_string();
        let config = redis::AsyncConnectionConfig::new()
            .set_connection_timeout(self.timeout)
            .set_response_timeout(self.timeout);
        let ping = async {
            let mut connection = self
                .client
                .get_multiplexed_async_connection_with_config(&config)
                .await?;
            redis::cmd("PING")
                .query_async::<String>(&mut connection)
                .await
        };
        match ping.await {
            Ok(_) => {
                tracing::info!(%address, "Redis TLS verified");
                Ok(())
            }
            Err(error) => {
                let hint = "braid trusts the CAs in BRAID_REDIS_CA_FILE (without it, the public web roots)";
                if let Some(message) = tls::explain("Redis", &address, &error, hint) {
                    bail!(message);
                }
                tracing::warn!(%address, %error, "Redis is unreachable at startup; TLS not verified yet");
                Ok(())
            }
        }
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
