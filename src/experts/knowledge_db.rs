//! SQL for `expert_knowledge_bases`, `knowledge_contents` and `content_tags`.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor, prelude::FromRow};
use uuid::Uuid;

use super::{
    db::{PageArrays, PageRequest, constraint_error},
    input::{ContentFields, KnowledgeBaseFields},
    knowledge::{KnowledgeBase, KnowledgeContent},
    model::{KnowledgeBaseId, KnowledgeContentId, KnowledgeContentStatus, KnowledgeContentType},
};
use crate::{error::AppError, users::UserId};

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
