//! SQL for `expert_profiles`, `expert_knowledge_bases`, `knowledge_contents` and
//! `content_tags`, and the mapping of this domain's constraint violations.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor, prelude::FromRow};
use uuid::Uuid;

use super::{
    input::{ContentFields, KnowledgeBaseFields, ProfileFields},
    knowledge::{KnowledgeBase, KnowledgeContent},
    model::{
        ExpertVisibility, KnowledgeBaseId, KnowledgeContentId, KnowledgeContentStatus,
        KnowledgeContentType,
    },
    profile::ExpertProfile,
};
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
        Some(name)
            if error
                .as_database_error()
                .is_some_and(|e| e.is_check_violation()) =>
        {
            AppError::BadUserInput(format!("the value breaks the rule {name}"))
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

#[derive(FromRow)]
struct KnowledgeBaseRow {
    id: Uuid,
    expert_id: Uuid,
    name: String,
    description: Option<String>,
    is_public: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<KnowledgeBaseRow> for KnowledgeBase {
    fn from(r: KnowledgeBaseRow) -> Self {
        KnowledgeBase {
            id: KnowledgeBaseId(r.id),
            expert: UserId(r.expert_id),
            name: r.name,
            description: r.description,
            is_public: r.is_public,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

const KB_COLUMNS: &str = "id, expert_id, name, description, is_public, created_at, updated_at";

#[tracing::instrument(skip_all)]
pub(super) async fn insert_knowledge_base(
    db: impl PgExecutor<'_>,
    expert: UserId,
    f: &KnowledgeBaseFields,
) -> Result<KnowledgeBase, AppError> {
    sqlx::query_as::<_, KnowledgeBaseRow>(&format!(
        "insert into expert_knowledge_bases (id, expert_id, name, description, is_public)
         values ($1, $2, $3, $4, $5) returning {KB_COLUMNS}"
    ))
    .bind(Uuid::now_v7())
    .bind(expert.0)
    .bind(&f.name)
    .bind(&f.description)
    .bind(f.is_public)
    .fetch_one(db)
    .await
    .map(KnowledgeBase::from)
    .map_err(constraint_error)
}

#[tracing::instrument(skip_all)]
pub(super) async fn update_knowledge_base(
    db: impl PgExecutor<'_>,
    id: KnowledgeBaseId,
    f: &KnowledgeBaseFields,
) -> Result<KnowledgeBase, AppError> {
    sqlx::query_as::<_, KnowledgeBaseRow>(&format!(
        "update expert_knowledge_bases set name = $2, description = $3, is_public = $4
         where id = $1 returning {KB_COLUMNS}"
    ))
    .bind(id.0)
    .bind(&f.name)
    .bind(&f.description)
    .bind(f.is_public)
    .fetch_one(db)
    .await
    .map(KnowledgeBase::from)
    .map_err(constraint_error)
}

/// A knowledge base, locked until the transaction ends.
pub(super) async fn knowledge_base_for_update(
    db: impl PgExecutor<'_>,
    id: KnowledgeBaseId,
) -> sqlx::Result<Option<KnowledgeBase>> {
    sqlx::query_as::<_, KnowledgeBaseRow>(&format!(
        "select {KB_COLUMNS} from expert_knowledge_bases where id = $1 for update"
    ))
    .bind(id.0)
    .fetch_optional(db)
    .await
    .map(|row| row.map(KnowledgeBase::from))
}

pub(super) async fn delete_knowledge_base(
    db: impl PgExecutor<'_>,
    id: KnowledgeBaseId,
) -> sqlx::Result<bool> {
    sqlx::query("delete from expert_knowledge_bases where id = $1")
        .bind(id.0)
        .execute(db)
        .await
        .map(|done| done.rows_affected() > 0)
}

#[tracing::instrument(skip_all, fields(count = ids.len()))]
pub(super) async fn knowledge_bases_by_ids(
    db: impl PgExecutor<'_>,
    ids: &[Uuid],
) -> sqlx::Result<Vec<KnowledgeBase>> {
    sqlx::query_as::<_, KnowledgeBaseRow>(&format!(
        "select {KB_COLUMNS} from expert_knowledge_bases where id = any($1)"
    ))
    .bind(ids)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(KnowledgeBase::from).collect())
}

#[tracing::instrument(skip_all, fields(count = experts.len()))]
pub(super) async fn knowledge_bases_of(
    db: impl PgExecutor<'_>,
    experts: &[Uuid],
) -> sqlx::Result<Vec<KnowledgeBase>> {
    sqlx::query_as::<_, KnowledgeBaseRow>(&format!(
        "select {KB_COLUMNS} from expert_knowledge_bases where expert_id = any($1)
         order by created_at desc, id desc"
    ))
    .bind(experts)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(KnowledgeBase::from).collect())
}

#[derive(FromRow)]
struct ContentRow {
    id: Uuid,
    knowledge_base_id: Uuid,
    title: String,
    content_type: String,
    content: Option<String>,
    file_url: Option<String>,
    description: Option<String>,
    status: String,
    is_featured: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<ContentRow> for KnowledgeContent {
    fn from(r: ContentRow) -> Self {
        KnowledgeContent {
            id: KnowledgeContentId(r.id),
            knowledge_base_id: KnowledgeBaseId(r.knowledge_base_id),
            title: r.title,
            content_type: KnowledgeContentType::parse(&r.content_type)
                .unwrap_or(KnowledgeContentType::Document),
            content: r.content,
            file_url: r.file_url,
            description: r.description,
            status: KnowledgeContentStatus::parse(&r.status)
                .unwrap_or(KnowledgeContentStatus::Failed),
            is_featured: r.is_featured,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

impl KnowledgeContent {
    /// The fields an update starts from.
    pub(super) fn fields(&self) -> ContentFields {
        ContentFields {
            title: self.title.clone(),
            content_type: self.content_type,
            content: self.content.clone(),
            file_url: self.file_url.clone(),
            description: self.description.clone(),
            is_featured: self.is_featured,
        }
    }
}

const CONTENT_COLUMNS: &str = "c.id, c.knowledge_base_id, c.title, c.content_type, c.content, c.file_url, c.description, c.status, c.is_featured, c.created_at, c.updated_at";

/// Adds a content (created active: see `KnowledgeContentStatus`) with its tags.
#[tracing::instrument(skip_all)]
pub(super) async fn insert_content(
    tx: &mut PgConnection,
    kb: KnowledgeBaseId,
    f: &ContentFields,
    tags: &[String],
) -> Result<KnowledgeContent, AppError> {
    let content = sqlx::query_as::<_, ContentRow>(&format!(
        "insert into knowledge_contents as c (id, knowledge_base_id, title, content_type, content, file_url, description, status, is_featured)
         values ($1, $2, $3, $4, $5, $6, $7, 'active', $8) returning {CONTENT_COLUMNS}"
    ))
    .bind(Uuid::now_v7())
    .bind(kb.0)
    .bind(&f.title)
    .bind(f.content_type.as_str())
    .bind(&f.content)
    .bind(&f.file_url)
    .bind(&f.description)
    .bind(f.is_featured)
    .fetch_one(&mut *tx)
    .await
    .map(KnowledgeContent::from)
    .map_err(constraint_error)?;
    replace_tags(tx, content.id, tags).await?;
    Ok(content)
}

#[tracing::instrument(skip_all)]
pub(super) async fn update_content(
    db: impl PgExecutor<'_>,
    id: KnowledgeContentId,
    f: &ContentFields,
) -> Result<KnowledgeContent, AppError> {
    sqlx::query_as::<_, ContentRow>(&format!(
        "update knowledge_contents c set title = $2, content_type = $3, content = $4, file_url = $5,
             description = $6, is_featured = $7
         where id = $1 returning {CONTENT_COLUMNS}"
    ))
    .bind(id.0)
    .bind(&f.title)
    .bind(f.content_type.as_str())
    .bind(&f.content)
    .bind(&f.file_url)
    .bind(&f.description)
    .bind(f.is_featured)
    .fetch_one(db)
    .await
    .map(KnowledgeContent::from)
    .map_err(constraint_error)
}

/// Changes a content's status; the transition trigger refuses changes off the machine.
#[tracing::instrument(skip_all)]
pub(super) async fn set_content_status(
    db: impl PgExecutor<'_>,
    id: KnowledgeContentId,
    status: KnowledgeContentStatus,
) -> Result<KnowledgeContent, AppError> {
    sqlx::query_as::<_, ContentRow>(&format!(
        "update knowledge_contents c set status = $2 where id = $1 returning {CONTENT_COLUMNS}"
    ))
    .bind(id.0)
    .bind(status.as_str())
    .fetch_one(db)
    .await
    .map(KnowledgeContent::from)
    .map_err(constraint_error)
}

/// Replaces a content's tags.
pub(super) async fn replace_tags(
    tx: &mut PgConnection,
    content: KnowledgeContentId,
    tags: &[String],
) -> sqlx::Result<()> {
    sqlx::query("delete from content_tags where content_id = $1")
        .bind(content.0)
        .execute(&mut *tx)
        .await?;
    if !tags.is_empty() {
        sqlx::query("insert into content_tags (content_id, tag) select $1, unnest($2::text[])")
            .bind(content.0)
            .bind(tags)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// A content and the expert owning it, locked until the transaction ends.
pub(super) async fn content_for_update(
    db: impl PgExecutor<'_>,
    id: KnowledgeContentId,
) -> sqlx::Result<Option<(KnowledgeContent, UserId)>> {
    #[derive(FromRow)]
    struct Owned {
        #[sqlx(flatten)]
        content: ContentRow,
        expert_id: Uuid,
    }
    sqlx::query_as::<_, Owned>(&format!(
        "select {CONTENT_COLUMNS}, kb.expert_id from knowledge_contents c
         join expert_knowledge_bases kb on kb.id = c.knowledge_base_id
         where c.id = $1 for update of c"
    ))
    .bind(id.0)
    .fetch_optional(db)
    .await
    .map(|row| row.map(|r| (KnowledgeContent::from(r.content), UserId(r.expert_id))))
}

pub(super) async fn delete_content(
    db: impl PgExecutor<'_>,
    id: KnowledgeContentId,
) -> sqlx::Result<bool> {
    sqlx::query("delete from knowledge_contents where id = $1")
        .bind(id.0)
        .execute(db)
        .await
        .map(|done| done.rows_affected() > 0)
}

#[tracing::instrument(skip_all, fields(count = ids.len()))]
pub(super) async fn contents_by_ids(
    db: impl PgExecutor<'_>,
    ids: &[Uuid],
) -> sqlx::Result<Vec<KnowledgeContent>> {
    sqlx::query_as::<_, ContentRow>(&format!(
        "select {CONTENT_COLUMNS} from knowledge_contents c where c.id = any($1)"
    ))
    .bind(ids)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(KnowledgeContent::from).collect())
}

/// One page per request, all in one statement: `(knowledge base, after, limit, every
/// status)` for each; the rows come back with the index of their request.
#[tracing::instrument(skip_all, fields(count = pages.len()))]
pub(super) async fn content_pages(
    db: impl PgExecutor<'_>,
    pages: &[PageRequest],
) -> sqlx::Result<Vec<(usize, KnowledgeContent)>> {
    #[derive(FromRow)]
    struct Paged {
        #[sqlx(flatten)]
        content: ContentRow,
        ord: i64,
    }
    let arrays = PageArrays::of(pages);
    sqlx::query_as::<_, Paged>(&format!(
        "select {CONTENT_COLUMNS}, k.ord
         from unnest($1::uuid[], $2::timestamptz[], $3::uuid[], $4::bigint[], $5::bool[]) with ordinality
              as k(parent, after_at, after_id, lim, every_status, ord)
         cross join lateral (
             select * from knowledge_contents c
             where c.knowledge_base_id = k.parent and (k.every_status or c.status = 'active')
               and (k.after_at is null or (c.created_at, c.id) < (k.after_at, k.after_id))
             order by c.created_at desc, c.id desc limit k.lim) c
         order by k.ord, c.created_at desc, c.id desc"
    ))
    .bind(&arrays.parents)
    .bind(&arrays.after_at)
    .bind(&arrays.after_id)
    .bind(&arrays.limits)
    .bind(&arrays.every)
    .fetch_all(db)
    .await
    .map(|rows| {
        rows.into_iter()
            .map(|r| ((r.ord - 1) as usize, KnowledgeContent::from(r.content)))
            .collect()
    })
}

#[tracing::instrument(skip_all, fields(count = contents.len()))]
pub(super) async fn tags_of(
    db: impl PgExecutor<'_>,
    contents: &[Uuid],
) -> sqlx::Result<Vec<(Uuid, String)>> {
    sqlx::query_as(
        "select content_id, tag from content_tags where content_id = any($1) order by tag",
    )
    .bind(contents)
    .fetch_all(db)
    .await
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
