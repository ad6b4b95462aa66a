//! The `Notification` type.

use async_graphql::{ID, SimpleObject};
use chrono::{DateTime, Utc};
use sqlx::prelude::FromRow;
use uuid::Uuid;

use crate::{graphql::node::NodeId, users::UserId};

crate::node_id!(
    /// The id of a notification.
    NotificationId => "Notification"
);

/// Something that happened that the user should know about.
#[derive(SimpleObject, FromRow, Clone, Debug)]
#[graphql(complex)]
pub struct Notification {
    #[graphql(skip)]
    pub(super) id: Uuid,
    /// What kind of event, e.g. `message`.
    #[graphql(name = "type")]
    #[sqlx(rename = "type")]
    pub kind: String,
    /// One line for lists.
    pub title: String,
    /// The details.
    pub content: String,
    /// Where the SPA should take the user.
    pub action_url: Option<String>,
    /// Whether the user has read it.
    pub is_read: bool,
    /// When it happened.
    pub created_at: DateTime<Utc>,
}

#[async_graphql::ComplexObject]
impl Notification {
    /// The notification's global ID.
    async fn id(&self) -> ID {
        NotificationId(self.id).to_global()
    }
}

/// A notification to record, in the caller's transaction.
pub struct NewNotification<'a> {
    /// Who receives it.
    pub recipient: UserId,
    /// What kind of event.
    pub kind: &'a str,
    /// One line for lists.
    pub title: &'a str,
    /// The details.
    pub content: &'a str,
    /// Where the SPA should take the user.
    pub action_url: Option<&'a str>,
}
