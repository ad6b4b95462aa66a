//! PostgreSQL: the pool and the embedded, reversible migrations.

use std::{path::PathBuf, str::FromStr, time::Duration};

use anyhow::{Context, bail};
use sqlx::{
    Connection, PgConnection, PgPool,
    migrate::Migrator,
    postgres::{PgConnectOptions, PgPoolOptions, PgSslMode},
};

use crate::{config::Config, stores::tls};

/// The migrations in `migrations/`, embedded in the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// A lazily connecting pool: braid starts even when PostgreSQL is down.
pub fn connect(config: &Config) -> anyhow::Result<PgPool> {
    Ok(PgPoolOptions::new()
        .max_connections(config.pg_max_connections)
        .acquire_timeout(config.store_timeout())
        .connect_lazy_with(connect_options(config)?))
}

/// The connection options of DATABASE_URL with the CA file of BRAID_PG_CA_FILE, checked:
/// a configured CA file must hold certificates, and only `sslmode=verify-ca` or
/// `verify-full` use it (sqlx's `require` would accept any certificate, even with a CA).
fn connect_options(config: &Config) -> anyhow::Result<PgConnectOptions> {
    let mut options = PgConnectOptions::from_str(&config.database_url)
        .context("DATABASE_URL is not a valid PostgreSQL URL")?
        .application_name("braid");
    let verifies = matches!(
        options.get_ssl_mode(),
        PgSslMode::VerifyCa | PgSslMode::VerifyFull
    );
    // The CA file braid names, if any; PGSSLROOTCERT (which sqlx reads itself) comes last.
    let configured = config
        .pg_ca_file
        .clone()
        .filter(|path| !path.as_os_str().is_empty())
        .map(|path| ("BRAID_PG_CA_FILE", path))
        .or_else(|| {
            url_root_cert(&config.database_url).map(|path| ("sslrootcert in DATABASE_URL", path))
        });
    if let Some((setting, path)) = configured {
        if !verifies {
            bail!(
                "{setting} names a CA file, but DATABASE_URL's sslmode is {}, which does not check PostgreSQL's certificate: use sslmode=verify-full (or verify-ca)",
                ssl_mode_name(options.get_ssl_mode())
            );
        }
        tls::read_ca_file(setting, &path)?;
        options = options.ssl_root_cert(path);
    } else if verifies && let Some(path) = std::env::var_os("PGSSLROOTCERT") {
        tls::read_ca_file("PGSSLROOTCERT", &PathBuf::from(path))?;
    }
    Ok(options)
}

/// The `sslrootcert` (or `ssl-root-cert`, `ssl-ca`) of a PostgreSQL URL, as sqlx reads it.
fn url_root_cert(url: &str) -> Option<PathBuf> {
    let query = url.split_once('?')?.1;
    let query = query.split_once('#').map_or(query, |(query, _)| query);
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).ok()?;
    pairs
        .into_iter()
        .rev()
        .find(|(key, _)| matches!(key.as_str(), "sslrootcert" | "ssl-root-cert" | "ssl-ca"))
        .map(|(_, value)| PathBuf::from(value))
}

fn ssl_mode_name(mode: PgSslMode) -> &'static str {
    match mode {
        PgSslMode::Disable => "disable",
        PgSslMode::Allow => "allow",
        PgSslMode::Prefer => "prefer",
        PgSslMode::Require => "require",
        PgSslMode::VerifyCa => "verify-ca",
        PgSslMode::VerifyFull => "verify-full",
    }
}

/// At startup, when DATABASE_URL asks for TLS (`sslmode=require` or stricter): one
/// connection, so that a certificate braid does not trust (or a server without TLS)
/// stops braid with an error that says so, instead of every query failing later.
/// An unreachable server is only logged: braid rides out a store that is down.
pub async fn verify_tls(pool: &PgPool, timeout: Duration) -> anyhow::Result<()> {
    let options = pool.connect_options();
    let mode = options.get_ssl_mode();
    if !matches!(
        mode,
        PgSslMode::Require | PgSslMode::VerifyCa | PgSslMode::VerifyFull
    ) {
        return Ok(());
    }
    let address = format!("{}:{}", options.get_host(), options.get_port());
    let hint = "braid trusts the public web roots and the CAs in BRAID_PG_CA_FILE (or sslrootcert in DATABASE_URL)";
    match tokio::time::timeout(timeout, PgConnection::connect_with(&options)).await {
        Ok(Ok(connection)) => {
            let _ = connection.close().await;
            tracing::info!(%address, sslmode = ssl_mode_name(mode), "PostgreSQL TLS verified");
            Ok(())
        }
        Ok(Err(error)) => {
            if let Some(message) = tls::explain("PostgreSQL", &address, &error, hint) {
                bail!(message);
            }
            if let sqlx::Error::Tls(reason) = &error {
                bail!("PostgreSQL at {address}: TLS failed ({reason}); {hint}");
            }
            tracing::warn!(%address, %error, "PostgreSQL is unreachable at startup; TLS not verified yet");
            Ok(())
        }
        Err(_) => {
            tracing::warn!(%address, "PostgreSQL did not answer at startup; TLS not verified yet");
            Ok(())
        }
    }
}

/// One round trip.
pub async fn ping(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::query("select 1").execute(pool).await.map(drop)
}

/// Applies every pending migration.
pub async fn migrate_up(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR
        .run(pool)
        .await
        .context("applying PostgreSQL migrations")
}

/// Reverts the newest `steps` applied migrations (each has a `.down.sql`).
pub async fn migrate_down(pool: &PgPool, steps: usize) -> anyhow::Result<Vec<i64>> {
    let applied: Vec<i64> =
        sqlx::query_scalar("select version from _sqlx_migrations where success order by version")
            .fetch_all(pool)
            .await
            .context("reading applied migrations")?;
    let keep = applied.len().saturating_sub(steps);
    let target = if keep == 0 { 0 } else { applied[keep - 1] };
    MIGRATOR
        .undo(pool, target)
        .await
        .context("reverting PostgreSQL migrations")?;
    Ok(applied[keep..].iter().rev().copied().collect())
}

/// `%text%` for `ilike`, with the user's own `%`, `_` and `\` taken literally.
pub fn contains_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Gives an enum stored as a text column its `as_str` and `parse`, from one list of
/// variant and value pairs (the column's check constraint lists the same values).
#[macro_export]
macro_rules! stored_as_text {
    ($name:ident { $($variant:ident => $value:literal),+ $(,)? }) => {
        impl $name {
            /// The value stored in the database.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $value,)+
                }
            }

            /// Parses a stored value.
            pub fn parse(value: &str) -> Option<Self> {
                match value {
                    $($value => Some($name::$variant),)+
                    _ => None,
                }
            }
        }
    };
}
