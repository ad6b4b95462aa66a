//! Notifications (seed 003 `notifications`): what other domains tell a user, and the
//! viewer's queries and mutations to read them.

mod db;
mod model;
mod mutation;
mod query;
mod subscription;

pub use db::notify;
pub use model::{NewNotification, Notification, NotificationId};
pub use mutation::NotificationMutation;
pub use query::NotificationQuery;
pub use subscription::NotificationSubscription;
