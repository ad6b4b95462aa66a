//! SQL for `users` and `user_settings`.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor, prelude::FromRow, types::Json};
use uuid::Uuid;

use super::{
    model::{ProfileVisibility, Role, User, UserId},
    settings::{AiSettings, NotificationPreferences, PrivacySettings, UiPreferences, UserSettings},
};
use crate::{
    error::{AppError, violated_constraint},
    graphql::{pagination::KeysetCursor, viewer::Viewer},
    stores::postgres,
};

#[derive(FromRow)]
struct UserRow {
    id: Uuid,
    username: String,
    email: String,
    phone_number: Option<String>,
    role: String,
    is_admin: bool,
    avatar_url: Option<String>,
    is_verified: bool,
    is_active: bool,
    last_login_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    profile_visibility: String,
    privacy_settings: Json<PrivacySettings>,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        User {
            id: UserId(row.id),
            username: row.username,
            email: row.email,
            phone_number: row.phone_number,
            // The check constraint admits only known roles.
            role: Role::parse(&row.role).unwrap_or(Role::Individual),
            is_admin: row.is_admin,
            avatar_url: row.avatar_url,
            is_verified: row.is_verified,
            is_active: row.is_active,
            last_login_at: row.last_login_at,
            created_at: row.created_at,
            visibility: ProfileVisibility::parse(&row.profile_visibility)
                .unwrap_or(ProfileVisibility::Private),
            privacy: row.privacy_settings.0,
        }
    }
}

const USER_COLUMNS: &str =
    "u.id, u.username::text as username, u.email::text as email, u.phone_number, u.role,
    u.is_admin, u.avatar_url, u.is_verified, u.is_active, u.last_login_at, u.created_at,
    s.profile_visibility, s.privacy_settings";

/// What registration stores; every field already validated.
pub(crate) struct NewAccount<'a> {
    pub(crate) username: &'a str,
    pub(crate) email: &'a str,
    pub(crate) phone_number: Option<&'a str>,
    pub(crate) password_hash: Option<&'a str>,
    pub(crate) role: Role,
    pub(crate) is_admin: bool,
    pub(crate) registration_source: &'a str,
    pub(crate) first_name: Option<&'a str>,
    pub(crate) last_name: Option<&'a str>,
}

/// Creates a user with default settings and an empty profile, in the caller's
/// transaction. Duplicate usernames or emails are `CONFLICT`, named by constraint.
#[tracing::instrument(skip_all)]
pub(crate) async fn create_account(
    tx: &mut PgConnection,
    account: NewAccount<'_>,
) -> Result<UserId, AppError> {
    let id = UserId(Uuid::now_v7());
    sqlx::query(
        "insert into users (id, username, email, phone_number, password_hash, role, is_admin, registration_source)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id.0)
    .bind(account.username)
    .bind(account.email)
    .bind(account.phone_number)
    .bind(account.password_hash)
    .bind(account.role.as_str())
    .bind(account.is_admin)
    .bind(account.registration_source)
    .execute(&mut *tx)
    .await
    .map_err(|error| match violated_constraint(&error) {
        Some("users_username_key") => AppError::Conflict("username: this username is taken".to_owned()),
        Some("users_email_key") => AppError::Conflict("email: an account with this email exists".to_owned()),
        Some("users_phone_format") => AppError::BadUserInput("phoneNumber: digits, spaces, ( ) - and an optional leading +".to_owned()),
        _ => AppError::from(error),
    })?;
    sqlx::query("insert into user_settings (user_id) values ($1)")
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "insert into individual_profiles (user_id, first_name, last_name) values ($1, $2, $3)",
    )
    .bind(id.0)
    .bind(account.first_name)
    .bind(account.last_name)
    .execute(&mut *tx)
    .await?;
    Ok(id)
}

/// The stored credentials of the account an email or username names.
pub(crate) struct LoginCandidate {
    pub(crate) id: UserId,
    pub(crate) password_hash: Option<String>,
    pub(crate) is_active: bool,
}

#[tracing::instrument(skip_all)]
pub(crate) async fn find_login_candidate(
    db: impl PgExecutor<'_>,
    identifier: &str,
) -> sqlx::Result<Option<LoginCandidate>> {
    let row: Option<(Uuid, Option<String>, bool)> = sqlx::query_as(
        "select id, password_hash, is_active from users where email = $1::citext or username = $1::citext",
    )
    .bind(identifier)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(id, password_hash, is_active)| LoginCandidate {
        id: UserId(id),
        password_hash,
        is_active,
    }))
}

#[tracing::instrument(skip_all)]
pub(crate) async fn record_login(db: impl PgExecutor<'_>, id: UserId) -> sqlx::Result<()> {
    sqlx::query("update users set last_login_at = now() where id = $1")
        .bind(id.0)
        .execute(db)
        .await
        .map(drop)
}

#[tracing::instrument(skip_all)]
pub(crate) async fn set_password_hash(
    db: impl PgExecutor<'_>,
    id: UserId,
    hash: &str,
) -> sqlx::Result<()> {
    sqlx::query("update users set password_hash = $2 where id = $1")
        .bind(id.0)
        .bind(hash)
        .execute(db)
        .await
        .map(drop)
}

#[tracing::instrument(skip_all, fields(count = ids.len()))]
pub(super) async fn find_many(db: impl PgExecutor<'_>, ids: &[Uuid]) -> sqlx::Result<Vec<User>> {
    sqlx::query_as::<_, UserRow>(&format!(
        "select {USER_COLUMNS} from users u join user_settings s on s.user_id = u.id where u.id = any($1)"
    ))
    .bind(ids)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(User::from).collect())
}

/// Filters of the `users` listing, already validated.
#[derive(Default)]
pub(super) struct UserFilter {
    pub(super) role: Option<Role>,
    pub(super) skill: Option<String>,
    pub(super) location: Option<String>,
    pub(super) search: Option<String>,
}

/// Users the viewer may see, newest first, in one statement. A hidden location is
/// neither shown nor matched by the location filter.
#[tracing::instrument(skip_all)]
pub(super) async fn page(
    db: impl PgExecutor<'_>,
    viewer: &Viewer,
    filter: &UserFilter,
    after: Option<KeysetCursor>,
    limit: i64,
) -> sqlx::Result<Vec<User>> {
    sqlx::query_as::<_, UserRow>(&format!(
        "select {USER_COLUMNS}
         from users u
         join user_settings s on s.user_id = u.id
         left join individual_profiles p on p.user_id = u.id
         where (u.id = $1 or $2 or (u.is_active and (s.profile_visibility = 'public'
                or (s.profile_visibility = 'members' and $1 is not null))))
           and ($3::text is null or u.role = $3)
           and ($4::text is null or exists (
                select 1 from user_skills us join skills k on k.id = us.skill_id
                where us.user_id = u.id and k.name = $4::citext))
           and ($5::text is null or (p.location ilike $5
                and (coalesce((s.privacy_settings ->> 'show_location')::boolean, true) or u.id = $1 or $2)))
           and ($6::text is null or u.username ilike $6 or p.first_name ilike $6
                or p.last_name ilike $6 or p.headline ilike $6)
           and ($7::timestamptz is null or (u.created_at, u.id) < ($7, $8))
         order by u.created_at desc, u.id desc
         limit $9"
    ))
    .bind(viewer.user_id().map(|id| id.0))
    .bind(viewer.is_admin())
    .bind(filter.role.map(Role::as_str))
    .bind(filter.skill.as_deref())
    .bind(filter.location.as_deref().map(postgres::contains_pattern))
    .bind(filter.search.as_deref().map(postgres::contains_pattern))
    .bind(after.map(|c| c.at))
    .bind(after.map(|c| c.id))
    .bind(limit)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(User::from).collect())
}

#[derive(FromRow)]
struct SettingsRow {
    user_id: Uuid,
    profile_visibility: String,
    notification_preferences: Json<NotificationPreferences>,
    privacy_settings: Json<PrivacySettings>,
    ui_preferences: Json<UiPreferences>,
    ai_settings: Json<AiSettings>,
}

impl From<SettingsRow> for UserSettings {
    fn from(row: SettingsRow) -> Self {
        UserSettings {
            profile_visibility: ProfileVisibility::parse(&row.profile_visibility)
                .unwrap_or(ProfileVisibility::Private),
            notifications: row.notification_preferences.0,
            privacy: row.privacy_settings.0,
            ui: row.ui_preferences.0,
            ai: row.ai_settings.0,
        }
    }
}

#[tracing::instrument(skip_all, fields(count = ids.len()))]
pub(super) async fn settings_of(
    db: impl PgExecutor<'_>,
    ids: &[Uuid],
) -> sqlx::Result<Vec<(UserId, UserSettings)>> {
    sqlx::query_as::<_, SettingsRow>(
        "select user_id, profile_visibility, notification_preferences, privacy_settings, ui_preferences, ai_settings
         from user_settings where user_id = any($1)",
    )
    .bind(ids)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(|row| (UserId(row.user_id), UserSettings::from(row))).collect())
}

/// Reads a user's settings and locks the row until the transaction ends.
pub(super) async fn settings_for_update(
    tx: &mut PgConnection,
    id: UserId,
) -> sqlx::Result<Option<UserSettings>> {
    sqlx::query_as::<_, SettingsRow>(
        "select user_id, profile_visibility, notification_preferences, privacy_settings, ui_preferences, ai_settings
         from user_settings where user_id = $1 for update",
    )
    .bind(id.0)
    .fetch_optional(tx)
    .await
    .map(|row| row.map(UserSettings::from))
}

pub(super) async fn save_settings(
    tx: &mut PgConnection,
    id: UserId,
    settings: &UserSettings,
) -> sqlx::Result<()> {
    sqlx::query(
        "update user_settings set profile_visibility = $2, notification_preferences = $3,
             privacy_settings = $4, ui_preferences = $5, ai_settings = $6
         where user_id = $1",
    )
    .bind(id.0)
    .bind(settings.profile_visibility.as_str())
    .bind(Json(&settings.notifications))
    .bind(Json(&settings.privacy))
    .bind(Json(&settings.ui))
    .bind(Json(&settings.ai))
    .execute(tx)
    .await
    .map(drop)
}

/// Sets a user's privacy settings (used by `braid seed`; users change theirs through
/// `updateSettings`).
pub(crate) async fn set_privacy(
    db: impl PgExecutor<'_>,
    id: UserId,
    privacy: &PrivacySettings,
) -> sqlx::Result<()> {
    sqlx::query("update user_settings set privacy_settings = $2 where user_id = $1")
        .bind(id.0)
        .bind(Json(privacy))
        .execute(db)
        .await
        .map(drop)
}

pub(crate) async fn count(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("select count(*) from users")
        .fetch_one(db)
        .await
}

/// A user's AI confidence threshold (`ai_settings.confidence_threshold`, default 0.7):
/// AI output below it is flagged for review.
pub(crate) async fn ai_confidence_threshold(
    db: impl PgExecutor<'_>,
    user: UserId,
) -> sqlx::Result<f64> {
    Ok(settings_of(db, &[user.0]).await?.pop().map_or_else(
        || AiSettings::default().confidence_threshold,
        |(_, s)| s.ai.confidence_threshold,
    ))
}
