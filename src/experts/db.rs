//! SQL for `expert_profiles`, the page requests the loaders batch, and the mapping of
//! this domain's constraint violations.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, prelude::FromRow};
use uuid::Uuid;

use super::{input::ProfileFields, model::ExpertVisibility, profile::ExpertProfile};
use crate::{
    error::{AppError, violated_constraint},
    graphql::pagination::KeysetCursor,
    stores::postgres::contains_pattern,
    users::UserId,
};

/// Turns this domain's constraint violations into client errors; anything else stays a
/// store error.
pub(super) fn constraint_error(error: sqlx::Error) -> AppError {
    let message = error
        .as_database_error()
        .map(|e| e.message().to_owned())
        .unwrap_or_default();
    match violated_constraint(&error) {
        Some("service_bookings_no_overlap") => AppError::Conflict(
            "startTime: the service is already booked for part of this time".to_owned(),
        ),
        Some("service_bookings_time_order") => {
            AppError::BadUserInput("endTime: must be after startTime".to_owned())
        }
        Some("expert_services_price_matches_model") => AppError::BadUserInput(
            "price: a FREE service has no price and no currency; others have a price above 0 and a currency".to_owned(),
        ),
        Some("expert_knowledge_bases_expert_id_fkey" | "expert_services_expert_id_fkey") => {
            AppError::Conflict(
                "save your expert profile (saveExpertProfile) before adding to it".to_owned(),
            )
        }
        // enforce_transition names its violations `<table>_<column>_transition`; its
        // message says which change was refused and holds nothing private.
        Some(name) if name.ends_with("_transition") => AppError::Conflict(message),
        // An exclusion violation whose constraint name the server did not report is
        // still an overlap (the only exclusion constraint here).
        _ if error
            .as_database_error()
            .and_then(|e| e.code())
            .is_some_and(|code| code == "23P01") =>
        {
            AppError::Conflict(
                "startTime: the service is already booked for part of this time".to_owned(),
            )
        }
        _ => AppError::from(error),
    }
}

#[derive(FromRow)]
struct ProfileRow {
    user_id: Uuid,
    title: Option<String>,
    bio: Option<String>,
    expertise_summary: Option<String>,
    years_experience: Option<i32>,
    organization: Option<String>,
    position: Option<String>,
    education: Option<String>,
    certifications: Option<String>,
    website_url: Option<String>,
    visibility: String,
    user_active: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<ProfileRow> for ExpertProfile {
    fn from(r: ProfileRow) -> Self {
        ExpertProfile {
            user_id: UserId(r.user_id),
            title: r.title,
            bio: r.bio,
            expertise_summary: r.expertise_summary,
            years_experience: r.years_experience,
            organization: r.organization,
            position: r.position,
            education: r.education,
            certifications: r.certifications,
            website_url: r.website_url,
            visibility: ExpertVisibility::parse(&r.visibility).unwrap_or(ExpertVisibility::Private),
            user_active: r.user_active,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// Profile columns of `p` (expert_profiles) joined with `u` (users).
const PROFILE_COLUMNS: &str = "p.user_id, p.title, p.bio, p.expertise_summary, p.years_experience, p.organization, p.position, p.education, p.certifications, p.website_url, p.visibility, u.is_active as user_active, p.created_at, p.updated_at";

/// Creates or replaces `user`'s expert profile (a new one is public unless told).
#[tracing::instrument(skip_all)]
pub(super) async fn save_profile(
    db: impl PgExecutor<'_>,
    user: UserId,
    f: &ProfileFields,
) -> sqlx::Result<ExpertProfile> {
    sqlx::query_as::<_, ProfileRow>(&format!(
        "with p as (
            insert into expert_profiles (user_id, title, bio, expertise_summary, years_experience, organization, position, education, certifications, website_url, visibility)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, coalesce($11, 'public'))
            on conflict (user_id) do update set title = excluded.title, bio = excluded.bio,
                expertise_summary = excluded.expertise_summary, years_experience = excluded.years_experience,
                organization = excluded.organization, position = excluded.position, education = excluded.education,
                certifications = excluded.certifications, website_url = excluded.website_url,
                visibility = coalesce($11, expert_profiles.visibility)
            returning *)
         select {PROFILE_COLUMNS} from p join users u on u.id = p.user_id"
    ))
    .bind(user.0)
    .bind(&f.title)
    .bind(&f.bio)
    .bind(&f.expertise_summary)
    .bind(f.years_experience)
    .bind(&f.organization)
    .bind(&f.position)
    .bind(&f.education)
    .bind(&f.certifications)
    .bind(&f.website_url)
    .bind(f.visibility.map(ExpertVisibility::as_str))
    .fetch_one(db)
    .await
    .map(ExpertProfile::from)
}

#[tracing::instrument(skip_all, fields(count = ids.len()))]
pub(super) async fn profiles_by_ids(
    db: impl PgExecutor<'_>,
    ids: &[Uuid],
) -> sqlx::Result<Vec<ExpertProfile>> {
    sqlx::query_as::<_, ProfileRow>(&format!(
        "select {PROFILE_COLUMNS} from expert_profiles p join users u on u.id = p.user_id where p.user_id = any($1)"
    ))
    .bind(ids)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(ExpertProfile::from).collect())
}

/// Who is asking, as the listing queries filter by it.
#[derive(Clone, Copy, Debug)]
pub(super) struct Reader {
    pub(super) user: Option<Uuid>,
    pub(super) is_admin: bool,
}

/// The `experts` filter, checked.
#[derive(Default)]
pub(super) struct ExpertFilter {
    pub(super) search: Option<String>,
    pub(super) min_years: Option<i32>,
    pub(super) service_type: Option<&'static str>,
}

/// A page of the profiles `reader` may see, newest first.
#[tracing::instrument(skip_all)]
pub(super) async fn experts_page(
    db: impl PgExecutor<'_>,
    reader: Reader,
    filter: &ExpertFilter,
    after: Option<KeysetCursor>,
    limit: i64,
) -> sqlx::Result<Vec<ExpertProfile>> {
    sqlx::query_as::<_, ProfileRow>(&format!(
        "select {PROFILE_COLUMNS} from expert_profiles p join users u on u.id = p.user_id
         where (p.user_id = $1 or $2 or (u.is_active and (p.visibility = 'public' or (p.visibility = 'limited' and $1 is not null))))
           and ($3::text is null or p.title ilike $3 or p.bio ilike $3 or p.expertise_summary ilike $3)
           and ($4::int is null or p.years_experience >= $4)
           and ($5::text is null or exists (select 1 from expert_services s
                where s.expert_id = p.user_id and s.service_type = $5 and s.status = 'active'))
           and ($6::timestamptz is null or (p.created_at, p.user_id) < ($6, $7))
         order by p.created_at desc, p.user_id desc limit $8"
    ))
    .bind(reader.user)
    .bind(reader.is_admin)
    .bind(filter.search.as_deref().map(contains_pattern))
    .bind(filter.min_years)
    .bind(filter.service_type)
    .bind(after.map(|c| c.at))
    .bind(after.map(|c| c.id))
    .bind(limit)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(ExpertProfile::from).collect())
}

/// One page of one parent's children.
#[derive(Clone, Copy, Debug)]
pub(super) struct PageRequest {
    pub(super) parent: Uuid,
    pub(super) after: Option<(DateTime<Utc>, Uuid)>,
    /// Rows to fetch (one more than the page, to tell whether there is a next page).
    pub(super) limit: i64,
    /// Whether rows the public does not see are included.
    pub(super) every: bool,
}

/// Page requests as the parallel arrays `unnest` takes.
pub(super) struct PageArrays {
    pub(super) parents: Vec<Uuid>,
    pub(super) after_at: Vec<Option<DateTime<Utc>>>,
    pub(super) after_id: Vec<Option<Uuid>>,
    pub(super) limits: Vec<i64>,
    pub(super) every: Vec<bool>,
}

impl PageArrays {
    pub(super) fn of(pages: &[PageRequest]) -> Self {
        PageArrays {
            parents: pages.iter().map(|p| p.parent).collect(),
            after_at: pages.iter().map(|p| p.after.map(|a| a.0)).collect(),
            after_id: pages.iter().map(|p| p.after.map(|a| a.1)).collect(),
            limits: pages.iter().map(|p| p.limit).collect(),
            every: pages.iter().map(|p| p.every).collect(),
        }
    }
}
