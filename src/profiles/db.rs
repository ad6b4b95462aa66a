//! SQL for `individual_profiles`.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgExecutor, prelude::FromRow};
use uuid::Uuid;

use super::model::{EducationLevel, IndividualProfile};
use crate::users::UserId;

/// The editable fields of a profile.
#[derive(Default, Clone)]
pub(crate) struct ProfileFields {
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) headline: Option<String>,
    pub(crate) summary: Option<String>,
    pub(crate) location: Option<String>,
    pub(crate) birth_date: Option<NaiveDate>,
    pub(crate) education_level: Option<EducationLevel>,
    pub(crate) years_experience: Option<i32>,
    pub(crate) current_position: Option<String>,
    pub(crate) current_company: Option<String>,
}

#[derive(FromRow)]
struct ProfileRow {
    user_id: Uuid,
    first_name: Option<String>,
    last_name: Option<String>,
    headline: Option<String>,
    summary: Option<String>,
    location: Option<String>,
    birth_date: Option<NaiveDate>,
    education_level: Option<String>,
    years_experience: Option<i32>,
    current_position: Option<String>,
    current_company: Option<String>,
    updated_at: DateTime<Utc>,
}

impl From<ProfileRow> for IndividualProfile {
    fn from(row: ProfileRow) -> Self {
        IndividualProfile {
            user_id: UserId(row.user_id),
            first_name: row.first_name,
            last_name: row.last_name,
            headline: row.headline,
            summary: row.summary,
            location: row.location,
            birth_date: row.birth_date,
            education_level: row
                .education_level
                .as_deref()
                .and_then(EducationLevel::parse),
            years_experience: row.years_experience,
            current_position: row.current_position,
            current_company: row.current_company,
            updated_at: row.updated_at,
        }
    }
}

impl From<&IndividualProfile> for ProfileFields {
    fn from(p: &IndividualProfile) -> Self {
        ProfileFields {
            first_name: p.first_name.clone(),
            last_name: p.last_name.clone(),
            headline: p.headline.clone(),
            summary: p.summary.clone(),
            location: p.location.clone(),
            birth_date: p.birth_date,
            education_level: p.education_level,
            years_experience: p.years_experience,
            current_position: p.current_position.clone(),
            current_company: p.current_company.clone(),
        }
    }
}

const PROFILE_COLUMNS: &str =
    "user_id, first_name, last_name, headline, summary, location, birth_date,
    education_level, years_experience, current_position, current_company, updated_at";

#[tracing::instrument(skip_all, fields(count = users.len()))]
pub(super) async fn profiles_of(
    db: impl PgExecutor<'_>,
    users: &[Uuid],
) -> sqlx::Result<Vec<IndividualProfile>> {
    sqlx::query_as::<_, ProfileRow>(&format!(
        "select {PROFILE_COLUMNS} from individual_profiles where user_id = any($1)"
    ))
    .bind(users)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(IndividualProfile::from).collect())
}

/// Locks and reads a profile for a read-modify-write.
pub(super) async fn profile_for_update(
    db: impl PgExecutor<'_>,
    user: UserId,
) -> sqlx::Result<Option<IndividualProfile>> {
    sqlx::query_as::<_, ProfileRow>(&format!(
        "select {PROFILE_COLUMNS} from individual_profiles where user_id = $1 for update"
    ))
    .bind(user.0)
    .fetch_optional(db)
    .await
    .map(|row| row.map(IndividualProfile::from))
}

/// Writes every profile field (creating the row if missing).
#[tracing::instrument(skip_all)]
pub(crate) async fn save_profile(
    db: impl PgExecutor<'_>,
    user: UserId,
    fields: &ProfileFields,
) -> sqlx::Result<IndividualProfile> {
    sqlx::query_as::<_, ProfileRow>(&format!(
        "insert into individual_profiles as p (user_id, first_name, last_name, headline, summary, location,
             birth_date, education_level, years_experience, current_position, current_company)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         on conflict (user_id) do update set first_name = excluded.first_name, last_name = excluded.last_name,
             headline = excluded.headline, summary = excluded.summary, location = excluded.location,
             birth_date = excluded.birth_date, education_level = excluded.education_level,
             years_experience = excluded.years_experience, current_position = excluded.current_position,
             current_company = excluded.current_company
         returning {PROFILE_COLUMNS}"
    ))
    .bind(user.0)
    .bind(&fields.first_name)
    .bind(&fields.last_name)
    .bind(&fields.headline)
    .bind(&fields.summary)
    .bind(&fields.location)
    .bind(fields.birth_date)
    .bind(fields.education_level.map(EducationLevel::as_str))
    .bind(fields.years_experience)
    .bind(&fields.current_position)
    .bind(&fields.current_company)
    .fetch_one(db)
    .await
    .map(IndividualProfile::from)
}
