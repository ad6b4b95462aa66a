//! Authentication: passwords, sessions and their tokens, sign-in limits, and linked
//! OAuth accounts.

pub mod crypto;
mod mutation;
mod oauth;
mod password;
mod session;

use async_graphql::Request;

pub use mutation::AuthMutation;
pub use oauth::{OAuthAccount, OAuthMutation, load_oauth_accounts};
pub use session::{Session, SessionId, load_sessions, purge_expired, resolve_session, spawn_purge};

use crate::{error::AppError, graphql, state::AppState};

/// The argon2id hash of a password that meets the policy (for accounts made outside
/// `register`, such as the demo data).
pub async fn hash_new_password(password: &str) -> Result<String, AppError> {
    password::hash(&password::NewPassword::parse("password", password, "", "")?).await
}

/// Adds this domain's loaders to a request.
pub fn attach_loaders(request: Request, state: &AppState) -> Request {
    request
        .data(graphql::loader(
            state,
            session::SessionLoader(state.pg.clone()),
        ))
        .data(graphql::loader(
            state,
            oauth::OAuthAccountLoader(state.pg.clone()),
        ))
}
