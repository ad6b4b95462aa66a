//! Registration, sign-in and sign-out.

use std::time::Duration;

use async_graphql::{Context, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::{
    password::{self, NewPassword},
    session,
};
use crate::{
    error::AppError,
    graphql::{self, ClientInfo, viewer::Viewer},
    state::AppState,
    users::{self, NewAccount, Role, User},
};

/// Window of the sign-in attempt limits.
const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);

/// A new account.
#[derive(InputObject)]
pub(super) struct RegisterInput {
    /// Email address (case-insensitively unique).
    pub email: String,
    /// Handle: 3 to 50 of `A-Z a-z 0-9 _ . -` (case-insensitively unique).
    pub username: String,
    /// 10 to 128 characters, not a common password, not containing the username or email.
    pub password: String,
    /// What the user mainly does on the platform.
    pub role: Role,
    /// First name for the profile.
    pub first_name: Option<String>,
    /// Last name for the profile.
    pub last_name: Option<String>,
}

/// A session just started: the token is shown this once.
#[derive(SimpleObject)]
pub(super) struct AuthPayload {
    /// Send as `Authorization: Bearer <token>` (or in the WebSocket `connection_init` payload).
    pub token: String,
    /// When the token stops working.
    pub expires_at: DateTime<Utc>,
    /// The signed-in user.
    pub user: User,
}

pub(crate) fn parse_email(raw: &str) -> Result<String, AppError> {
    let email = raw.trim();
    let invalid = || AppError::BadUserInput("email: not a valid email address".to_owned());
    let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
    let valid = email.len() <= 254
        && (1..=64).contains(&local.len())
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && !domain.contains('@');
    if valid {
        Ok(email.to_owned())
    } else {
        Err(invalid())
    }
}

pub(crate) fn parse_username(raw: &str) -> Result<String, AppError> {
    let username = raw.trim();
    let valid = (3..=50).contains(&username.len())
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if valid {
        Ok(username.to_owned())
    } else {
        Err(AppError::BadUserInput(
            "username: 3 to 50 of A-Z, a-z, 0-9, _, . and -".to_owned(),
        ))
    }
}

fn parse_name(field: &str, raw: Option<String>) -> Result<Option<String>, AppError> {
    match raw.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) {
        Some(name) if name.chars().count() > 50 => Err(AppError::BadUserInput(format!(
            "{field}: at most 50 characters"
        ))),
        other => Ok(other),
    }
}

/// Rate-limit keys never contain the identifier itself.
fn account_key(identifier: &str) -> String {
    let digest = Sha256::digest(identifier.trim().to_lowercase().as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("login:account:{hex}")
}

async fn signed_in_payload(
    ctx: &Context<'_>,
    token: session::SessionToken,
    expires_at: DateTime<Utc>,
    user: users::UserId,
) -> Result<AuthPayload, AppError> {
    let state = graphql::data::<AppState>(ctx)?;
    // Read from the database directly: the request's viewer is still anonymous.
    let user = users::find_user(state, user).await?;
    Ok(AuthPayload {
        token: token.into_string(),
        expires_at,
        user,
    })
}

/// Account and session mutations.
#[derive(Default)]
pub struct AuthMutation;

#[Object]
impl AuthMutation {
    /// Creates an account and signs it in.
    async fn register(
        &self,
        ctx: &Context<'_>,
        input: RegisterInput,
    ) -> Result<AuthPayload, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let client = graphql::data::<ClientInfo>(ctx)?;
        let email = parse_email(&input.email)?;
        let username = parse_username(&input.username)?;
        let first_name = parse_name("firstName", input.first_name)?;
        let last_name = parse_name("lastName", input.last_name)?;
        let new_password = NewPassword::parse("password", &input.password, &username, &email)?;
        let hash = password::hash(&new_password).await?;
        let mut tx = state.pg.begin().await?;
        let user = users::create_account(
            &mut tx,
            NewAccount {
                username: &username,
                email: &email,
                phone_number: None,
                password_hash: Some(&hash),
                role: input.role,
                is_admin: false,
                registration_source: "direct",
                first_name: first_name.as_deref(),
                last_name: last_name.as_deref(),
            },
        )
        .await?;
        let (token, expires_at) = session::start(&mut tx, state, user, client).await?;
        tx.commit().await?;
        signed_in_payload(ctx, token, expires_at, user).await
    }

    /// Signs in with an email or username and a password. Wrong credentials, unknown
    /// accounts and deactivated accounts all get the same answer.
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Email address or username.")] identifier: String,
        password: String,
    ) -> Result<AuthPayload, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let client = graphql::data::<ClientInfo>(ctx)?;
        let config = &state.config;
        if identifier.len() > 254 || password.chars().count() > password::MAX_CHARS {
            return Err(AppError::Unauthenticated("invalid credentials".to_owned()));
        }
        if let Some(ip) = client.ip {
            state
                .limiter
                .hit(
                    &format!("login:ip:{ip}"),
                    config.login_attempts_per_ip,
                    LOGIN_WINDOW,
                )
                .await?;
        }
        let account = account_key(&identifier);
        state
            .limiter
            .check(&account, config.login_attempts_per_account, LOGIN_WINDOW)
            .await?;

        let candidate = users::find_login_candidate(&state.pg, identifier.trim()).await?;
        let stored = candidate
            .as_ref()
            .filter(|c| c.is_active)
            .and_then(|c| c.password_hash.clone());
        let matches = password::verify(password, stored).await?;
        let Some(candidate) = candidate.filter(|_| matches) else {
            state
                .limiter
                .hit(&account, config.login_attempts_per_account, LOGIN_WINDOW)
                .await?;
            return Err(AppError::Unauthenticated("invalid credentials".to_owned()));
        };
        state.limiter.reset(&account).await;
        let mut tx = state.pg.begin().await?;
        users::record_login(&mut *tx, candidate.id).await?;
        let (token, expires_at) = session::start(&mut tx, state, candidate.id, client).await?;
        tx.commit().await?;
        signed_in_payload(ctx, token, expires_at, candidate.id).await
    }

    /// Ends the current session; its token stops working at once.
    async fn logout(&self, ctx: &Context<'_>) -> Result<bool, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        Ok(session::end(state, viewer.session_id).await? > 0)
    }

    /// Ends every session of the viewer, this one included; returns how many ended.
    async fn logout_everywhere(&self, ctx: &Context<'_>) -> Result<u64, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        session::end_all(state, viewer.user_id, None).await
    }

    /// Changes the viewer's password and ends their other sessions.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        current_password: String,
        new_password: String,
    ) -> Result<bool, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        let user = users::find_user(state, viewer.user_id).await?;
        let new_password =
            NewPassword::parse("newPassword", &new_password, &user.username, &user.email)?;
        let account = account_key(&user.username);
        let config = &state.config;
        state
            .limiter
            .check(&account, config.login_attempts_per_account, LOGIN_WINDOW)
            .await?;
        let stored = users::find_login_candidate(&state.pg, &user.username)
            .await?
            .and_then(|c| c.password_hash);
        if !password::verify(current_password, stored).await? {
            state
                .limiter
                .hit(&account, config.login_attempts_per_account, LOGIN_WINDOW)
                .await?;
            return Err(AppError::BadUserInput(
                "currentPassword: does not match".to_owned(),
            ));
        }
        let hash = password::hash(&new_password).await?;
        users::set_password_hash(&state.pg, viewer.user_id, &hash).await?;
        session::end_all(state, viewer.user_id, Some(viewer.session_id)).await?;
        Ok(true)
    }
}
