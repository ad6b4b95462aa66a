//! Fixed-window rate limits kept in Redis, shared by every braid instance. When Redis
//! is unreachable each instance falls back to counting in its own memory (and logs it),
//! so limits neither fail open nor block everyone.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use crate::{error::AppError, stores::redis::Redis};

/// Counts hits per key in fixed windows.
#[derive(Clone)]
pub struct RateLimiter {
    redis: Redis,
    local: Arc<Mutex<HashMap<String, (u32, Instant)>>>,
}

/// What a check found.
enum Count {
    /// Hits so far in the window, and the time left in it.
    Window(u32, Duration),
}

impl RateLimiter {
    /// A limiter over this Redis handle.
    pub fn new(redis: Redis) -> Self {
        Self {
            redis,
            local: Arc::default(),
        }
    }

    /// Counts one hit on `key`; `RATE_LIMITED` once the window holds more than `limit`.
    pub async fn hit(&self, key: &str, limit: u32, window: Duration) -> Result<(), AppError> {
        let Count::Window(hits, left) = match self.redis_hit(key, window).await {
            Ok(count) => count,
            Err(error) => {
                tracing::warn!(%error, "rate limit: Redis unavailable, counting locally");
                self.local_hit(key, window, 1)
            }
        };
        check(hits, limit, left)
    }

    /// Fails with `RATE_LIMITED` when `key` already holds `limit` hits, without counting.
    pub async fn check(&self, key: &str, limit: u32, window: Duration) -> Result<(), AppError> {
        let Count::Window(hits, left) = match self.redis_peek(key).await {
            Ok(count) => count,
            Err(error) => {
                tracing::warn!(%error, "rate limit: Redis unavailable, counting locally");
                self.local_hit(key, window, 0)
            }
        };
        check(hits.saturating_add(1), limit, left)
    }

    /// Forgets the hits of `key` (e.g. after a successful sign-in).
    pub async fn reset(&self, key: &str) {
        let key_name = self.redis.key(&format!("ratelimit:{key}"));
        let _: Result<(), _> = self.redis.run(redis::cmd("DEL").arg(key_name)).await;
        if let Ok(mut local) = self.local.lock() {
            local.remove(key);
        }
    }

    async fn redis_hit(&self, key: &str, window: Duration) -> redis::RedisResult<Count> {
        let key = self.redis.key(&format!("ratelimit:{key}"));
        let (hits, ttl_ms): (u32, i64) = self
            .redis
            .run_pipeline(
                redis::pipe()
                    .atomic()
                    .cmd("SET")
                    .arg(&key)
                    .arg(0)
                    .arg("PX")
                    .arg(window.as_millis() as u64)
                    .arg("NX")
                    .ignore()
                    .cmd("INCR")
                    .arg(&key)
                    .cmd("PTTL")
                    .arg(&key),
            )
            .await?;
        Ok(Count::Window(
            hits,
            Duration::from_millis(ttl_ms.max(0) as u64),
        ))
    }

    async fn redis_peek(&self, key: &str) -> redis::RedisResult<Count> {
        let key = self.redis.key(&format!("ratelimit:{key}"));
        let (hits, ttl_ms): (Option<u32>, i64) = self
            .redis
            .run_pipeline(redis::pipe().cmd("GET").arg(&key).cmd("PTTL").arg(&key))
            .await?;
        Ok(Count::Window(
            hits.unwrap_or(0),
            Duration::from_millis(ttl_ms.max(0) as u64),
        ))
    }

    fn local_hit(&self, key: &str, window: Duration, add: u32) -> Count {
        let now = Instant::now();
        let Ok(mut local) = self.local.lock() else {
            return Count::Window(0, window);
        };
        local.retain(|_, (_, reset_at)| *reset_at > now);
        let entry = local.entry(key.to_owned()).or_insert((0, now + window));
        entry.0 = entry.0.saturating_add(add);
        Count::Window(entry.0, entry.1.saturating_duration_since(now))
    }
}

fn check(hits: u32, limit: u32, left: Duration) -> Result<(), AppError> {
    if hits > limit {
        Err(AppError::RateLimited {
            retry_after_secs: left.as_secs().max(1),
        })
    } else {
        Ok(())
    }
}
