//! SQL for `notifications`.

use sqlx::PgExecutor;
use uuid::Uuid;

use super::model::{NewNotification, Notification};
use crate::events::{Event, EventKind, Pending, Topic};

/// Records notifications, one statement for all of them, in the caller's transaction.
/// Returns the `notificationAdded` events to publish once that transaction commits.
#[tracing::instrument(skip_all, fields(count = notifications.len()))]
pub async fn notify(
    db: impl PgExecutor<'_>,
    notifications: &[NewNotification<'_>],
) -> sqlx::Result<Pending> {
    let mut pending = Pending::new();
    if notifications.is_empty() {
        return Ok(pending);
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
    .bind(&ids)
    .bind(&recipients)
    .bind(kinds)
    .bind(titles)
    .bind(contents)
    .bind(urls)
    .execute(db)
    .await?;
    for (id, recipient) in ids.into_iter().zip(recipients) {
        pending.push(
            Topic::Notifications(recipient),
            Event::new(EventKind::Notification, id),
        );
    }
    Ok(pending)
}

/// One of `recipient`'s notifications; `None` when absent or someone else's.
pub(super) async fn find_for(
    db: impl PgExecutor<'_>,
    id: Uuid,
    recipient: Uuid,
) -> sqlx::Result<Option<Notification>> {
    sqlx::query_as(
        "select id, type, title, content, action_url, is_read, created_at from notifications
         where id = $1 and recipient_id = $2",
    )
    .bind(id)
    .bind(recipient)
    .fetch_optional(db)
    .await
}
