//! PostgreSQL: the pool and the embedded, reversible migrations.

use std::str::FromStr;

use anyhow::Context;
use sqlx::{
    PgPool,
    migrate::Migrator,
    postgres::{PgConnectOptions, PgPoolOptions},
};

use crate::config::Config;

/// The migrations in `migrations/`, embedded in the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// A lazily connecting pool: braid starts even when PostgreSQL is down.
pub fn connect(config: &Config) -> anyhow::Result<PgPool> {
    let options = PgConnectOptions::from_str(&config.database_url)
        .context("DATABASE_URL is not a valid PostgreSQL URL")?
        .application_name("braid");
    Ok(PgPoolOptions::new()
        .max_connections(config.pg_max_connections)
        .acquire_timeout(config.store_timeout())
        .connect_lazy_with(options))
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
