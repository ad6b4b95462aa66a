//! SQL for `notifications`.

use sqlx::PgExecutor;
use uuid::Uuid;

use super::model::NewNotification;

/// Records notifications, one statement for all of them.
#[tracing::instrument(skip_all, fields(count = notifications.len()))]
pub async fn notify(
    db: impl PgExecutor<'_>,
    notifications: &[NewNotification<'_>],
) -> sqlx::Result<()> {
    if notifications.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = notifications.iter().map(|_| Uuid::now_v7()).collect();
    let recipients: Vec<Uuid> = notifications.iter().map(|n| n.recipient.0).collect();
    let kinds: Vec<&str> = notifications.iter().map(|n| n.kind).collect();
    let titles: Vec<&str> = notifications.iter().map(|n| n.title).collect();
    let contents: Vec<&str> = notifications.iter().map(|n| n.content).collect();
    let urls: Vec<Option<&str>> = notifications.iter().map(|n| n.action_url).collect();
    sqlx::query(
        "insert into notifications (id, recipient_id, type, title, content, action_url)
         select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[])",
    )
    .bind(ids)
    .bind(recipients)
    .bind(kinds)
    .bind(titles)
    .bind(contents)
    .bind(urls)
    .execute(db)
    .await
    .map(drop)
}
