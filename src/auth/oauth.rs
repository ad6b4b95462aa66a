//! Linked OAuth accounts. The SPA completes the provider's OAuth dance and hands braid
//! the result; braid stores the tokens encrypted and never returns them.

use std::collections::HashMap;

use async_graphql::{
    Context, InputObject, Object, SimpleObject,
    dataloader::{DataLoader, Loader},
};
use chrono::{DateTime, Utc};
use sqlx::{PgPool, prelude::FromRow};
use uuid::Uuid;

use super::crypto;
use crate::{
    error::{AppError, violated_constraint},
    graphql::{self, viewer::Viewer},
    state::AppState,
    users::UserId,
};

/// A provider account linked to a user. Tokens are stored encrypted and never exposed.
#[derive(SimpleObject, FromRow, Clone, Debug)]
pub struct OAuthAccount {
    #[graphql(skip)]
    user_id: Uuid,
    /// Provider name, e.g. `github`.
    pub provider: String,
    /// The user's id at the provider.
    pub provider_user_id: String,
    /// When the access token expires, if the provider said.
    pub expires_at: Option<DateTime<Utc>>,
    /// When the account was linked.
    pub created_at: DateTime<Utc>,
}

/// The result of an OAuth sign-in the SPA completed.
#[derive(InputObject)]
pub(super) struct LinkOAuthAccountInput {
    /// Provider name: 2 to 30 of `a-z 0-9 _ -`, e.g. `github`.
    pub provider: String,
    /// The user's id at the provider.
    pub provider_user_id: String,
    /// The provider's access token (stored encrypted).
    pub access_token: String,
    /// The provider's refresh token, if any (stored encrypted).
    pub refresh_token: Option<String>,
    /// When the access token expires.
    pub expires_at: Option<DateTime<Utc>>,
}

fn check_provider(provider: &str) -> Result<(), AppError> {
    let valid = (2..=30).contains(&provider.len())
        && provider
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if valid {
        Ok(())
    } else {
        Err(AppError::BadUserInput(
            "provider: 2 to 30 of a-z, 0-9, _ and -".to_owned(),
        ))
    }
}

/// OAuth mutations.
#[derive(Default)]
pub struct OAuthMutation;

#[Object]
impl OAuthMutation {
    /// Links a provider account to the viewer (or refreshes its tokens when already linked).
    #[graphql(name = "linkOAuthAccount")]
    async fn link_oauth_account(
        &self,
        ctx: &Context<'_>,
        input: LinkOAuthAccountInput,
    ) -> Result<OAuthAccount, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        check_provider(&input.provider)?;
        let provider_user_id = input.provider_user_id.trim();
        if provider_user_id.is_empty() || provider_user_id.chars().count() > 255 {
            return Err(AppError::BadUserInput(
                "providerUserId: 1 to 255 characters".to_owned(),
            ));
        }
        if input.access_token.is_empty() || input.access_token.len() > 8192 {
            return Err(AppError::BadUserInput(
                "accessToken: 1 to 8192 bytes".to_owned(),
            ));
        }
        let key = &state.config.encryption_key;
        let access = crypto::encrypt(key, &input.access_token)?;
        let refresh = input
            .refresh_token
            .as_deref()
            .map(|t| crypto::encrypt(key, t))
            .transpose()?;
        sqlx::query_as::<_, OAuthAccount>(
            "insert into oauth_accounts (id, user_id, provider, provider_user_id,
                 access_token_encrypted, refresh_token_encrypted, expires_at)
             values ($1, $2, $3, $4, $5, $6, $7)
             on conflict on constraint oauth_accounts_user_provider_key do update
                 set provider_user_id = excluded.provider_user_id,
                     access_token_encrypted = excluded.access_token_encrypted,
                     refresh_token_encrypted = excluded.refresh_token_encrypted,
                     expires_at = excluded.expires_at
             returning user_id, provider, provider_user_id, expires_at, created_at",
        )
        .bind(Uuid::now_v7())
        .bind(viewer.user_id.0)
        .bind(&input.provider)
        .bind(provider_user_id)
        .bind(access)
        .bind(refresh)
        .bind(input.expires_at)
        .fetch_one(&state.pg)
        .await
        .map_err(|error| match violated_constraint(&error) {
            Some("oauth_accounts_provider_account_key") => AppError::Conflict(
                "providerUserId: this provider account is linked to another user".to_owned(),
            ),
            _ => AppError::from(error),
        })
    }

    /// Unlinks the viewer's account at a provider; `false` when none was linked.
    #[graphql(name = "unlinkOAuthAccount")]
    async fn unlink_oauth_account(
        &self,
        ctx: &Context<'_>,
        provider: String,
    ) -> Result<bool, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        check_provider(&provider)?;
        let removed =
            sqlx::query("delete from oauth_accounts where user_id = $1 and provider = $2")
                .bind(viewer.user_id.0)
                .bind(&provider)
                .execute(&state.pg)
                .await?;
        Ok(removed.rows_affected() > 0)
    }
}

/// Linked accounts by user: one statement per batch.
pub(crate) struct OAuthAccountLoader(pub(crate) PgPool);

impl Loader<UserId> for OAuthAccountLoader {
    type Value = Vec<OAuthAccount>;
    type Error = AppError;

    async fn load(&self, keys: &[UserId]) -> Result<HashMap<UserId, Vec<OAuthAccount>>, AppError> {
        let ids: Vec<_> = keys.iter().map(|k| k.0).collect();
        let accounts: Vec<OAuthAccount> = sqlx::query_as(
            "select user_id, provider, provider_user_id, expires_at, created_at
             from oauth_accounts where user_id = any($1) order by provider",
        )
        .bind(&ids)
        .fetch_all(&self.0)
        .await?;
        Ok(graphql::group_by(accounts, |a| UserId(a.user_id)))
    }
}

/// A user's linked accounts through the request's loader (callers check access).
pub async fn load_oauth_accounts(
    ctx: &Context<'_>,
    user: UserId,
) -> Result<Vec<OAuthAccount>, AppError> {
    Ok(graphql::data::<DataLoader<OAuthAccountLoader>>(ctx)?
        .load_one(user)
        .await?
        .unwrap_or_default())
}
