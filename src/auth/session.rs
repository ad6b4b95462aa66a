//! Sessions: opaque bearer tokens, stored only as SHA-256 hashes, looked up through a
//! short-lived Redis cache that logout clears. PostgreSQL stays the source of truth.

use std::collections::HashMap;

use async_graphql::{
    Context, ID, Object,
    dataloader::{DataLoader, Loader},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgExecutor, PgPool, prelude::FromRow};
use uuid::Uuid;

use crate::{
    error::AppError,
    graphql::{
        self, ClientInfo,
        node::NodeId,
        viewer::{SignedIn, Viewer},
    },
    state::AppState,
    users::{Role, UserId},
};

crate::node_id!(
    /// The id of a session (a row of `sessions`).
    SessionId => "Session"
);

/// Every token starts with this, so secret scanners can recognise leaked ones.
const TOKEN_PREFIX: &str = "bst_";

/// A new session token: shown to the client once, stored only as its hash.
pub(crate) struct SessionToken(String);

impl SessionToken {
    fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes)))
    }

    pub(crate) fn into_string(self) -> String {
        self.0
    }
}

fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

fn cache_key(state: &AppState, hash: &[u8]) -> String {
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    state.redis.key(&format!("session:{hex}"))
}

/// Starts a session for `user` in the caller's transaction.
pub(crate) async fn start(
    tx: &mut PgConnection,
    state: &AppState,
    user: UserId,
    client: &ClientInfo,
) -> Result<(SessionToken, DateTime<Utc>), AppError> {
    let token = SessionToken::generate();
    let expires_at = Utc::now() + state.config.session_ttl();
    sqlx::query(
        "insert into sessions (id, user_id, token_hash, ip_address, user_agent, expires_at)
         values ($1, $2, $3, $4::inet, $5, $6)",
    )
    .bind(Uuid::now_v7())
    .bind(user.0)
    .bind(token_hash(&token.0).as_slice())
    .bind(client.ip.map(|ip| ip.to_string()))
    .bind(
        client
            .user_agent
            .as_deref()
            .map(|ua| ua.chars().take(512).collect::<String>()),
    )
    .bind(expires_at)
    .execute(tx)
    .await?;
    Ok((token, expires_at))
}

#[derive(Serialize, Deserialize)]
struct CachedSession {
    session_id: Uuid,
    user_id: Uuid,
    role: String,
    is_admin: bool,
    expires_at: DateTime<Utc>,
}

impl CachedSession {
    fn signed_in(&self) -> Option<SignedIn> {
        (self.expires_at > Utc::now()).then(|| SignedIn {
            user_id: UserId(self.user_id),
            session_id: SessionId(self.session_id),
            role: Role::parse(&self.role).unwrap_or(Role::Individual),
            is_admin: self.is_admin,
        })
    }
}

/// The signed-in user a bearer token belongs to; `None` for unknown, expired or revoked
/// tokens and deactivated users.
pub async fn resolve_session(state: &AppState, token: &str) -> Result<Option<SignedIn>, AppError> {
    if !token.starts_with(TOKEN_PREFIX) || token.len() > 100 {
        return Ok(None);
    }
    let hash = token_hash(token);
    let key = cache_key(state, &hash);
    match state
        .redis
        .run::<Option<String>>(redis::cmd("GET").arg(&key))
        .await
    {
        Ok(Some(json)) => {
            if let Some(signed_in) = serde_json::from_str::<CachedSession>(&json)
                .ok()
                .and_then(|c| c.signed_in())
            {
                return Ok(Some(signed_in));
            }
        }
        Ok(None) => {}
        Err(error) => tracing::warn!(%error, "session cache unavailable; reading PostgreSQL"),
    }

    let row: Option<(Uuid, Uuid, DateTime<Utc>, String, bool)> = sqlx::query_as(
        "update sessions s set last_activity_at = now()
         from users u
         where s.token_hash = $1 and s.expires_at > now() and u.id = s.user_id and u.is_active
         returning s.id, s.user_id, s.expires_at, u.role, u.is_admin",
    )
    .bind(hash.as_slice())
    .fetch_optional(&state.pg)
    .await?;
    let Some((session_id, user_id, expires_at, role, is_admin)) = row else {
        return Ok(None);
    };
    let cached = CachedSession {
        session_id,
        user_id,
        role,
        is_admin,
        expires_at,
    };
    let ttl = (expires_at - Utc::now())
        .num_seconds()
        .clamp(1, state.config.session_cache_secs as i64);
    if let Ok(json) = serde_json::to_string(&cached) {
        let stored = state
            .redis
            .run::<()>(redis::cmd("SET").arg(&key).arg(json).arg("EX").arg(ttl))
            .await;
        if let Err(error) = stored {
            tracing::warn!(%error, "could not cache a session");
        }
    }
    Ok(cached.signed_in())
}

/// Ends sessions: deletes the rows, then their cache entries. Returns how many ended.
async fn revoke(state: &AppState, rows: Vec<Vec<u8>>) -> u64 {
    for hash in &rows {
        let removed = state
            .redis
            .run::<()>(redis::cmd("DEL").arg(cache_key(state, hash)))
            .await;
        if let Err(error) = removed {
            tracing::warn!(%error, "could not clear a cached session; it expires within the cache TTL");
        }
    }
    rows.len() as u64
}

/// Sessions deleted per statement by [`purge_expired`]: short transactions, so a purge
/// never holds many row locks at once.
const PURGE_BATCH: i64 = 5_000;

/// Deletes every expired session, in batches; how many. Safe on several instances at
/// once (each batch skips rows another purge holds).
pub async fn purge_expired(pg: &PgPool) -> Result<u64, AppError> {
    let mut purged = 0;
    loop {
        let deleted = sqlx::query(
            "delete from sessions where id in (
                 select id from sessions where expires_at <= now()
                 limit $1 for update skip locked)",
        )
        .bind(PURGE_BATCH)
        .execute(pg)
        .await?
        .rows_affected();
        purged += deleted;
        metrics::counter!("braid_sessions_purged_total").increment(deleted);
        if deleted < PURGE_BATCH as u64 {
            return Ok(purged);
        }
    }
}

/// Purges expired sessions every `BRAID_SESSION_PURGE_SECS` until `shutdown`.
pub fn spawn_purge(
    state: AppState,
    shutdown: tokio_util::sync::CancellationToken,
) -> Option<tokio::task::JoinHandle<()>> {
    let every = std::time::Duration::from_secs(state.config.session_purge_secs);
    if every.is_zero() {
        return None;
    }
    Some(tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                _ = ticks.tick() => {}
            }
            match purge_expired(&state.pg).await {
                Ok(0) => {}
                Ok(purged) => tracing::info!(purged, "expired sessions purged"),
                Err(error) => tracing::warn!(%error, "expired sessions could not be purged"),
            }
        }
    }))
}

/// Ends one session.
pub(crate) async fn end(state: &AppState, session: SessionId) -> Result<u64, AppError> {
    let hashes: Vec<Vec<u8>> =
        sqlx::query_scalar("delete from sessions where id = $1 returning token_hash")
            .bind(session.0)
            .fetch_all(&state.pg)
            .await?;
    Ok(revoke(state, hashes).await)
}

/// Ends every session of a user except `keep`.
pub(crate) async fn end_all(
    state: &AppState,
    user: UserId,
    keep: Option<SessionId>,
) -> Result<u64, AppError> {
    let hashes: Vec<Vec<u8>> = sqlx::query_scalar(
        "delete from sessions where user_id = $1 and id is distinct from $2 returning token_hash",
    )
    .bind(user.0)
    .bind(keep.map(|s| s.0))
    .fetch_all(&state.pg)
    .await?;
    Ok(revoke(state, hashes).await)
}

/// A signed-in session, as its owner sees it.
#[derive(Clone, Debug, FromRow)]
pub struct Session {
    id: Uuid,
    user_id: Uuid,
    ip_address: Option<String>,
    user_agent: Option<String>,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    last_activity_at: DateTime<Utc>,
}

/// A signed-in session, as its owner sees it.
#[Object]
impl Session {
    /// The session's global ID.
    async fn id(&self) -> ID {
        SessionId(self.id).to_global()
    }

    /// The address the session signed in from.
    async fn ip_address(&self) -> Option<&str> {
        self.ip_address.as_deref()
    }

    /// The client's user agent when it signed in.
    async fn user_agent(&self) -> Option<&str> {
        self.user_agent.as_deref()
    }

    /// When the session started.
    async fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }

    /// When the token stops working.
    async fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }

    /// Last time the token was used (to within the session cache time).
    async fn last_activity_at(&self) -> DateTime<Utc> {
        self.last_activity_at
    }

    /// Whether this is the session of the current request.
    async fn current(&self, ctx: &Context<'_>) -> Result<bool, AppError> {
        Ok(matches!(graphql::data::<Viewer>(ctx)?, Viewer::User(s) if s.session_id.0 == self.id))
    }
}

async fn sessions_of(db: impl PgExecutor<'_>, users: &[Uuid]) -> sqlx::Result<Vec<Session>> {
    sqlx::query_as(
        "select id, user_id, host(ip_address) as ip_address, user_agent, created_at, expires_at, last_activity_at
         from sessions where user_id = any($1) and expires_at > now()
         order by created_at desc",
    )
    .bind(users)
    .fetch_all(db)
    .await
}

/// Live sessions by user: one statement per batch.
pub(crate) struct SessionLoader(pub(crate) PgPool);

impl Loader<UserId> for SessionLoader {
    type Value = Vec<Session>;
    type Error = AppError;

    async fn load(&self, keys: &[UserId]) -> Result<HashMap<UserId, Vec<Session>>, AppError> {
        let ids: Vec<_> = keys.iter().map(|k| k.0).collect();
        Ok(graphql::group_by(sessions_of(&self.0, &ids).await?, |s| {
            UserId(s.user_id)
        }))
    }
}

/// A user's live sessions through the request's loader (callers check access).
pub async fn load_sessions(ctx: &Context<'_>, user: UserId) -> Result<Vec<Session>, AppError> {
    Ok(graphql::data::<DataLoader<SessionLoader>>(ctx)?
        .load_one(user)
        .await?
        .unwrap_or_default())
}
