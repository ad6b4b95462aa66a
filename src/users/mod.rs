//! Users: accounts (`users`), their settings (`user_settings`), and the `User` type that
//! the profile, skill and session domains hang their fields on.

mod db;
mod loader;
mod model;
mod mutation;
mod query;
mod settings;

pub(crate) use db::{
    NewAccount, ai_confidence_threshold, create_account, find_login_candidate, record_login,
    set_password_hash, set_privacy,
};
pub use loader::{attach_loaders, find_user, load_user, load_user_shared};
pub use model::{ProfileVisibility, Role, User, UserId};
pub use mutation::UserMutation;
pub use query::UserQuery;
pub use settings::PrivacySettings;

/// How many accounts exist; `braid seed` loads demo data only into an empty database.
pub async fn count_users(pg: &sqlx::PgPool) -> sqlx::Result<i64> {
    db::count(pg).await
}
