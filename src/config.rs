//! braid's configuration: one typed struct read from environment variables (and `.env`).
//!
//! Every field's doc comment is its help text (`braid --help`) and is mirrored in
//! `.env.example`. Secrets (URLs with passwords, API keys) are never printed: `Config`
//! has no `Debug`, and [`Config::redacted_summary`] hides credentials.

use std::{net::SocketAddr, time::Duration};

/// Everything braid reads from its environment.
#[derive(clap::Args, Clone)]
pub struct Config {
    /// PostgreSQL connection URL. For TLS add `sslmode=verify-full` (checks the
    /// certificate and the host name) and, for a private CA, `sslrootcert=FILE`.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: String,

    /// PEM file of the certificate authorities PostgreSQL's certificate is checked
    /// against, besides the public web roots; the same as `sslrootcert` in DATABASE_URL,
    /// which it overrides. Needs `sslmode=verify-full` (or `verify-ca`).
    #[arg(long, env = "BRAID_PG_CA_FILE")]
    pub pg_ca_file: Option<std::path::PathBuf>,

    /// Largest number of pooled PostgreSQL connections.
    #[arg(long, env = "BRAID_PG_MAX_CONNECTIONS", default_value_t = 10)]
    pub pg_max_connections: u32,

    /// MongoDB connection URL (a replica set or a direct connection).
    #[arg(long, env = "MONGODB_URL")]
    pub mongodb_url: String,

    /// MongoDB database that holds braid's collections.
    #[arg(long, env = "BRAID_MONGODB_DATABASE", default_value = "braid")]
    pub mongodb_database: String,

    /// Qdrant gRPC URL, e.g. http://127.0.0.1:6334.
    #[arg(long, env = "QDRANT_URL")]
    pub qdrant_url: String,

    /// Qdrant API key, when the server requires one.
    #[arg(long, env = "QDRANT_API_KEY")]
    pub qdrant_api_key: Option<String>,

    /// Prefix of every Qdrant collection braid creates (lets deployments and tests share a server).
    #[arg(long, env = "BRAID_QDRANT_PREFIX", default_value = "braid_")]
    pub qdrant_prefix: String,

    /// Directory of the all-MiniLM-L6-v2 embedding model (config.json, tokenizer.json,
    /// model.safetensors); `scripts/stack up` fetches it.
    #[arg(
        long,
        env = "BRAID_MODEL_DIR",
        default_value = "models/all-minilm-l6-v2"
    )]
    pub model_dir: std::path::PathBuf,

    /// How long the vector-index worker sleeps when its outbox is empty, in milliseconds
    /// (a NOTIFY from a write wakes it sooner).
    #[arg(long, env = "BRAID_INDEX_IDLE_MS", default_value_t = 1_000)]
    pub index_idle_ms: u64,

    /// Redis connection URL; `rediss://` connects over TLS (the certificate and the host
    /// name are always checked).
    #[arg(long, env = "REDIS_URL")]
    pub redis_url: String,

    /// PEM file of the certificate authorities Redis's certificate is checked against,
    /// instead of the public web roots. Needs a `rediss://` REDIS_URL.
    #[arg(long, env = "BRAID_REDIS_CA_FILE")]
    pub redis_ca_file: Option<std::path::PathBuf>,

    /// Prefix of every Redis key and pub/sub channel braid uses.
    #[arg(long, env = "BRAID_REDIS_PREFIX", default_value = "braid:")]
    pub redis_prefix: String,

    /// Address `braid serve` listens on.
    #[arg(long, env = "BRAID_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// How long a store may take to connect or answer a health check, in milliseconds.
    #[arg(long, env = "BRAID_STORE_TIMEOUT_MS", default_value_t = 2_000)]
    pub store_timeout_ms: u64,

    /// Longest time one GraphQL request may run, in milliseconds.
    #[arg(long, env = "BRAID_REQUEST_TIMEOUT_MS", default_value_t = 30_000)]
    pub request_timeout_ms: u64,

    /// Largest accepted HTTP request body, in bytes.
    #[arg(long, env = "BRAID_BODY_LIMIT_BYTES", default_value_t = 1_048_576)]
    pub body_limit_bytes: usize,

    /// Largest file one upload may carry (project attachments), in bytes; a larger file is
    /// refused with 413 before anything is stored.
    #[arg(long, env = "BRAID_MAX_UPLOAD_BYTES", default_value_t = 10_485_760)]
    pub max_upload_bytes: usize,

    /// Deepest selection set a query may have.
    #[arg(long, env = "BRAID_MAX_DEPTH", default_value_t = 15)]
    pub max_depth: usize,

    /// Highest complexity a query may have.
    #[arg(long, env = "BRAID_MAX_COMPLEXITY", default_value_t = 5_000)]
    pub max_complexity: usize,

    /// How long a DataLoader waits to gather keys into one batch, in milliseconds. Sibling
    /// fields that start within this window share one query per store.
    #[arg(long, env = "BRAID_DATALOADER_DELAY_MS", default_value_t = 1)]
    pub dataloader_delay_ms: u64,

    /// Most aliases one operation may use (fragments counted each time they are spread).
    #[arg(long, env = "BRAID_MAX_ALIASES", default_value_t = 30)]
    pub max_aliases: usize,

    /// Most root fields one operation may select.
    #[arg(long, env = "BRAID_MAX_ROOT_FIELDS", default_value_t = 20)]
    pub max_root_fields: usize,

    /// Longest GraphQL document accepted, in bytes; a longer one is refused before it is
    /// parsed.
    #[arg(long, env = "BRAID_MAX_DOCUMENT_BYTES", default_value_t = 65_536)]
    pub max_document_bytes: usize,

    /// Most fragments one document may define.
    #[arg(long, env = "BRAID_MAX_FRAGMENTS", default_value_t = 100)]
    pub max_fragments: usize,

    /// Most fields one operation may select, counted with every fragment spread expanded
    /// (a fragment spread twice counts twice); checked before the document is expanded.
    #[arg(long, env = "BRAID_MAX_FIELDS", default_value_t = 1_000)]
    pub max_fields: usize,

    /// Most directives on one field.
    #[arg(long, env = "BRAID_MAX_DIRECTIVES", default_value_t = 10)]
    pub max_directives: usize,

    /// Most operations in one batched request (a JSON array body); a larger batch is
    /// refused whole with 400.
    #[arg(long, env = "BRAID_MAX_BATCH", default_value_t = 10)]
    pub max_batch: usize,

    /// Requests per minute per partner (all of its keys together).
    #[arg(
        long,
        env = "BRAID_PARTNER_RATE_LIMIT_PER_MINUTE",
        default_value_t = 600
    )]
    pub partner_rate_limit_per_minute: u32,

    /// Whether anonymous and partner persisted queries are answered from the Redis
    /// response cache (when their fields are all cacheable).
    #[arg(long, env = "BRAID_RESPONSE_CACHE", default_value_t = true, action = clap::ArgAction::Set)]
    pub response_cache: bool,

    /// Lifetime of the in-process cache of organizations and skills, in seconds (0 turns
    /// it off). Mutations on this instance clear it at once; others within this time.
    #[arg(long, env = "BRAID_HOT_CACHE_SECS", default_value_t = 30)]
    pub hot_cache_secs: u64,

    /// Most distinct first-party operation names `/metrics` labels; later names count as
    /// `other` (partner documents are always labelled with their manifest name).
    #[arg(long, env = "BRAID_METRICS_OPERATION_NAMES", default_value_t = 100)]
    pub metrics_operation_names: usize,

    /// How long a WebSocket client may take to send `connection_init`, in milliseconds.
    #[arg(long, env = "BRAID_WS_INIT_TIMEOUT_MS", default_value_t = 10_000)]
    pub ws_init_timeout_ms: u64,

    /// Interval of server keep-alive messages on WebSockets, in milliseconds.
    #[arg(long, env = "BRAID_WS_KEEPALIVE_MS", default_value_t = 12_000)]
    pub ws_keepalive_ms: u64,

    /// Serve the GraphiQL playground on GET /graphql (for browsers) and /.
    #[arg(long, env = "BRAID_GRAPHIQL", default_value_t = true, action = clap::ArgAction::Set)]
    pub graphiql: bool,

    /// Directory GraphiQL's browser assets are served from: a node_modules with the npm
    /// packages pinned in web/graphiql (`npm ci --prefix web/graphiql` installs them; no
    /// CDN is used). Without them braid still serves GraphQL, and the playground page
    /// says how to install them.
    #[arg(
        long,
        env = "BRAID_GRAPHIQL_ASSETS",
        default_value = "web/graphiql/node_modules"
    )]
    pub graphiql_assets: std::path::PathBuf,

    /// Key for data encrypted at rest (OAuth tokens): 32 random bytes, base64. Keep it
    /// secret and stable; `head -c32 /dev/urandom | base64` makes one.
    #[arg(long, env = "BRAID_ENCRYPTION_KEY", value_parser = parse_encryption_key, hide_env_values = true)]
    pub encryption_key: EncryptionKey,

    /// How long a session token stays valid, in hours.
    #[arg(long, env = "BRAID_SESSION_TTL_HOURS", default_value_t = 720)]
    pub session_ttl_hours: u32,

    /// How often `braid serve` deletes expired sessions, in seconds (0: never; `braid
    /// purge-sessions` does it once).
    #[arg(long, env = "BRAID_SESSION_PURGE_SECS", default_value_t = 3_600)]
    pub session_purge_secs: u64,

    /// How long a session lookup is cached in Redis, in seconds (logout clears it at once).
    #[arg(long, env = "BRAID_SESSION_CACHE_SECS", default_value_t = 60)]
    pub session_cache_secs: u64,

    /// GraphQL requests a signed-in user may make per minute (all instances together).
    #[arg(long, env = "BRAID_RATE_LIMIT_PER_MINUTE", default_value_t = 600)]
    pub rate_limit_per_minute: u32,

    /// GraphQL requests per minute from one IP address without credentials.
    #[arg(
        long,
        env = "BRAID_ANONYMOUS_RATE_LIMIT_PER_MINUTE",
        default_value_t = 120
    )]
    pub anonymous_rate_limit_per_minute: u32,

    /// Failed sign-ins allowed per account in a 15-minute window.
    #[arg(long, env = "BRAID_LOGIN_ATTEMPTS_PER_ACCOUNT", default_value_t = 10)]
    pub login_attempts_per_account: u32,

    /// Sign-in attempts allowed per client IP in a 15-minute window.
    #[arg(long, env = "BRAID_LOGIN_ATTEMPTS_PER_IP", default_value_t = 50)]
    pub login_attempts_per_ip: u32,

    /// Shared secret of the payment provider's webhook: `POST /webhooks/payments` accepts
    /// only deliveries whose `Braid-Signature` is an HMAC-SHA256 made with it. Unset, the
    /// endpoint answers 503 and payments are recorded only by admins.
    #[arg(long, env = "BRAID_PAYMENT_WEBHOOK_SECRET", hide_env_values = true)]
    pub payment_webhook_secret: Option<String>,

    /// How far the timestamp a payment webhook delivery signs may be from the server's
    /// clock, in seconds; a delivery outside this window (a replay) gets 401.
    #[arg(
        long,
        env = "BRAID_PAYMENT_WEBHOOK_TOLERANCE_SECS",
        default_value_t = 300
    )]
    pub payment_webhook_tolerance_secs: u64,

    /// Log format: `text` for people, `json` for log pipelines.
    #[arg(long, env = "BRAID_LOG_FORMAT", default_value = "text")]
    pub log_format: LogFormat,
}

/// A 256-bit key; its bytes never appear in logs or `Debug` output.
#[derive(Clone)]
pub struct EncryptionKey(pub [u8; 32]);

impl std::fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EncryptionKey(***)")
    }
}

fn parse_encryption_key(value: &str) -> Result<EncryptionKey, String> {
    use base64::{Engine, engine::general_purpose::STANDARD};
    let bytes = STANDARD
        .decode(value.trim())
        .map_err(|_| "BRAID_ENCRYPTION_KEY must be base64".to_owned())?;
    let key: [u8; 32] = bytes
        .try_into()
        .map_err(|_| "BRAID_ENCRYPTION_KEY must decode to exactly 32 bytes".to_owned())?;
    Ok(EncryptionKey(key))
}

/// How log lines are written.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

impl Config {
    /// Store connect and health-check timeout.
    pub fn store_timeout(&self) -> Duration {
        Duration::from_millis(self.store_timeout_ms)
    }

    /// Lifetime of a new session.
    pub fn session_ttl(&self) -> chrono::Duration {
        chrono::Duration::hours(i64::from(self.session_ttl_hours))
    }

    /// GraphQL execution timeout.
    pub fn request_timeout(&self) -> Duration {
        Duration::from_millis(self.request_timeout_ms)
    }

    /// Store locations with credentials removed, safe to log.
    pub fn redacted_summary(&self) -> String {
        format!(
            "postgres={} mongodb={} qdrant={} redis={}",
            redact_url(&self.database_url),
            redact_url(&self.mongodb_url),
            redact_url(&self.qdrant_url),
            redact_url(&self.redis_url),
        )
    }
}

/// Replaces the user-info part of a URL (`user:password@`) with `***@`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "***".to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn redacts_credentials_only() {
        assert_eq!(
            redact_url("postgres://u:secret@db:5432/braid"),
            "postgres://***@db:5432/braid"
        );
        assert_eq!(
            redact_url("redis://127.0.0.1:6379"),
            "redis://127.0.0.1:6379"
        );
        assert_eq!(redact_url("not a url"), "***");
    }
}
