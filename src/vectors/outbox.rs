//! SQL of the `vector_outbox` table (the triggers of migration 10 fill it).

use sqlx::{PgExecutor, Postgres, Transaction};
use uuid::Uuid;

/// A claimed outbox row.
#[derive(sqlx::FromRow, Debug)]
pub(super) struct OutboxRow {
    pub(super) id: i64,
    pub(super) kind: String,
    pub(super) entity_id: Uuid,
}

/// Claims up to `limit` due rows for this transaction (others skip them).
pub(super) async fn claim(
    tx: &mut Transaction<'_, Postgres>,
    limit: i64,
) -> sqlx::Result<Vec<OutboxRow>> {
    sqlx::query_as(
        "select id, kind, entity_id from vector_outbox where next_attempt_at <= now()
         order by id limit $1 for update skip locked",
    )
    .bind(limit)
    .fetch_all(&mut **tx)
    .await
}

/// Removes rows whose entities are indexed.
pub(super) async fn complete(db: impl PgExecutor<'_>, ids: &[i64]) -> sqlx::Result<()> {
    sqlx::query("delete from vector_outbox where id = any($1)")
        .bind(ids)
        .execute(db)
        .await
        .map(drop)
}

/// Records a failed attempt: the next one waits 2^attempts seconds, at most 5 minutes.
pub(super) async fn retry_later(
    db: impl PgExecutor<'_>,
    ids: &[i64],
    error: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "update vector_outbox set attempts = attempts + 1, last_error = $2,
             next_attempt_at = now() + make_interval(secs => least(300, power(2, attempts)))
         where id = any($1)",
    )
    .bind(ids)
    .bind(error)
    .execute(db)
    .await
    .map(drop)
}

/// Rows waiting, due or not.
pub async fn depth(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("select count(*) from vector_outbox")
        .fetch_one(db)
        .await
}

/// Queues entities of a kind for (re-)indexing.
pub async fn enqueue(db: impl PgExecutor<'_>, kind: &str, ids: &[Uuid]) -> sqlx::Result<()> {
    sqlx::query(
        "insert into vector_outbox (kind, entity_id, op) select $1, id, 'upsert' from unnest($2::uuid[]) as id",
    )
    .bind(kind)
    .bind(ids)
    .execute(db)
    .await
    .map(drop)
}

/// Makes every waiting row due now (after an outage, to skip the backoff).
pub async fn retry_now(db: impl PgExecutor<'_>) -> sqlx::Result<u64> {
    sqlx::query("update vector_outbox set next_attempt_at = now() where next_attempt_at > now()")
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}
