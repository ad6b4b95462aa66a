//! DataLoaders for the expert domain, created per request: one statement per batch
//! (`= any($1)`, or one `unnest ... lateral` statement for a batch of pages).

use std::collections::HashMap;

use async_graphql::{
    Context, Request,
    dataloader::{DataLoader, Loader},
};
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::{
    booking_db, db,
    db::PageRequest,
    knowledge::{KnowledgeBase, KnowledgeContent},
    knowledge_db,
    model::{BookingId, KnowledgeBaseId, KnowledgeContentId, KnowledgeContentStatus, ServiceId},
    profile::ExpertProfile,
    service::{ExpertService, ServiceBooking},
};
use crate::{
    error::AppError,
    graphql::{self, pagination::KeysetCursor, viewer::Viewer},
    state::AppState,
    users::UserId,
};

/// One page of a parent's children: the parent, the cursor, the page size and whether
/// rows hidden from the public are included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) struct PageKey {
    parent: Uuid,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
    every: bool,
}

impl PageKey {
    pub(super) fn new(parent: Uuid, after: Option<KeysetCursor>, limit: i64, every: bool) -> Self {
        PageKey {
            parent,
            after: after.map(|c| (c.at, c.id)),
            limit,
            every,
        }
    }

    fn request(self) -> PageRequest {
        PageRequest {
            parent: self.parent,
            after: self.after,
            // One more than the page tells whether there is a next page.
            limit: self.limit + 1,
            every: self.every,
        }
    }
}

/// Hands each page key the rows fetched for it.
fn pages_by_key<T>(keys: &[PageKey], rows: Vec<(usize, T)>) -> HashMap<PageKey, Vec<T>> {
    let mut pages: HashMap<PageKey, Vec<T>> = keys.iter().map(|k| (*k, Vec::new())).collect();
    for (index, row) in rows {
        if let Some(page) = keys.get(index).and_then(|key| pages.get_mut(key)) {
            page.push(row);
        }
    }
    pages
}

fn uuids<K: Copy>(keys: &[K], uuid: impl Fn(K) -> Uuid) -> Vec<Uuid> {
    keys.iter().map(|k| uuid(*k)).collect()
}

/// Expert profiles by user.
pub(super) struct ExpertLoader(PgPool);

impl Loader<UserId> for ExpertLoader {
    type Value = ExpertProfile;
    type Error = AppError;

    async fn load(&self, keys: &[UserId]) -> Result<HashMap<UserId, ExpertProfile>, AppError> {
        let rows = db::profiles_by_ids(&self.0, &uuids(keys, |k| k.0)).await?;
        Ok(rows.into_iter().map(|p| (p.user_id, p)).collect())
    }
}

/// Services by id.
pub(super) struct ServiceLoader(PgPool);

impl Loader<ServiceId> for ServiceLoader {
    type Value = ExpertService;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[ServiceId],
    ) -> Result<HashMap<ServiceId, ExpertService>, AppError> {
        let rows = booking_db::services_by_ids(&self.0, &uuids(keys, |k| k.0)).await?;
        Ok(rows.into_iter().map(|s| (s.id, s)).collect())
    }
}

/// Services by expert.
pub(super) struct ExpertServicesLoader(PgPool);

impl Loader<UserId> for ExpertServicesLoader {
    type Value = Vec<ExpertService>;
    type Error = AppError;

    async fn load(&self, keys: &[UserId]) -> Result<HashMap<UserId, Vec<ExpertService>>, AppError> {
        let rows = booking_db::services_of(&self.0, &uuids(keys, |k| k.0)).await?;
        Ok(graphql::group_by(rows, |s| s.expert))
    }
}

/// Knowledge bases by id.
pub(super) struct KnowledgeBaseLoader(PgPool);

impl Loader<KnowledgeBaseId> for KnowledgeBaseLoader {
    type Value = KnowledgeBase;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[KnowledgeBaseId],
    ) -> Result<HashMap<KnowledgeBaseId, KnowledgeBase>, AppError> {
        let rows = knowledge_db::knowledge_bases_by_ids(&self.0, &uuids(keys, |k| k.0)).await?;
        Ok(rows.into_iter().map(|kb| (kb.id, kb)).collect())
    }
}

/// Knowledge bases by expert.
pub(super) struct ExpertKnowledgeBasesLoader(PgPool);

impl Loader<UserId> for ExpertKnowledgeBasesLoader {
    type Value = Vec<KnowledgeBase>;
    type Error = AppError;

    async fn load(&self, keys: &[UserId]) -> Result<HashMap<UserId, Vec<KnowledgeBase>>, AppError> {
        let rows = knowledge_db::knowledge_bases_of(&self.0, &uuids(keys, |k| k.0)).await?;
        Ok(graphql::group_by(rows, |kb| kb.expert))
    }
}

/// Knowledge contents by id.
pub(super) struct ContentLoader(PgPool);

impl Loader<KnowledgeContentId> for ContentLoader {
    type Value = KnowledgeContent;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[KnowledgeContentId],
    ) -> Result<HashMap<KnowledgeContentId, KnowledgeContent>, AppError> {
        let rows = knowledge_db::contents_by_ids(&self.0, &uuids(keys, |k| k.0)).await?;
        Ok(rows.into_iter().map(|c| (c.id, c)).collect())
    }
}

/// Pages of knowledge contents by knowledge base.
pub(super) struct ContentPageLoader(PgPool);

impl Loader<PageKey> for ContentPageLoader {
    type Value = Vec<KnowledgeContent>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[PageKey],
    ) -> Result<HashMap<PageKey, Vec<KnowledgeContent>>, AppError> {
        let requests: Vec<PageRequest> = keys.iter().map(|k| k.request()).collect();
        Ok(pages_by_key(
            keys,
            knowledge_db::content_pages(&self.0, &requests).await?,
        ))
    }
}

/// Tags by knowledge content.
pub(super) struct TagsLoader(PgPool);

impl Loader<KnowledgeContentId> for TagsLoader {
    type Value = Vec<String>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[KnowledgeContentId],
    ) -> Result<HashMap<KnowledgeContentId, Vec<String>>, AppError> {
        let rows = knowledge_db::tags_of(&self.0, &uuids(keys, |k| k.0)).await?;
        let mut tags: HashMap<KnowledgeContentId, Vec<String>> = HashMap::new();
        for (content, tag) in rows {
            tags.entry(KnowledgeContentId(content))
                .or_default()
                .push(tag);
        }
        Ok(tags)
    }
}

/// Bookings by id.
pub(super) struct BookingLoader(PgPool);

impl Loader<BookingId> for BookingLoader {
    type Value = ServiceBooking;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[BookingId],
    ) -> Result<HashMap<BookingId, ServiceBooking>, AppError> {
        let rows = booking_db::bookings_by_ids(&self.0, &uuids(keys, |k| k.0)).await?;
        Ok(rows.into_iter().map(|b| (b.id, b)).collect())
    }
}

/// Pages of bookings by service.
pub(super) struct BookingPageLoader(PgPool);

impl Loader<PageKey> for BookingPageLoader {
    type Value = Vec<ServiceBooking>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[PageKey],
    ) -> Result<HashMap<PageKey, Vec<ServiceBooking>>, AppError> {
        let requests: Vec<PageRequest> = keys.iter().map(|k| k.request()).collect();
        Ok(pages_by_key(
            keys,
            booking_db::booking_pages(&self.0, &requests).await?,
        ))
    }
}

/// Adds this domain's loaders to a request.
pub fn attach_loaders(request: Request, state: &AppState) -> Request {
    let pg = || state.pg.clone();
    request
        .data(graphql::loader(state, ExpertLoader(pg())))
        .data(graphql::loader(state, ServiceLoader(pg())))
        .data(graphql::loader(state, ExpertServicesLoader(pg())))
        .data(graphql::loader(state, KnowledgeBaseLoader(pg())))
        .data(graphql::loader(state, ExpertKnowledgeBasesLoader(pg())))
        .data(graphql::loader(state, ContentLoader(pg())))
        .data(graphql::loader(state, ContentPageLoader(pg())))
        .data(graphql::loader(state, TagsLoader(pg())))
        .data(graphql::loader(state, BookingLoader(pg())))
        .data(graphql::loader(state, BookingPageLoader(pg())))
}

async fn one<K, L>(ctx: &Context<'_>, key: K) -> Result<Option<L::Value>, AppError>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    L: Loader<K, Error = AppError>,
{
    graphql::data::<DataLoader<L>>(ctx)?.load_one(key).await
}

/// A user's expert profile, if the viewer may see it.
pub async fn load_expert(
    ctx: &Context<'_>,
    user: UserId,
) -> Result<Option<ExpertProfile>, AppError> {
    let viewer = graphql::data::<Viewer>(ctx)?;
    Ok(one::<_, ExpertLoader>(ctx, user)
        .await?
        .filter(|p| p.visible_to(viewer)))
}

/// A service, if the viewer may see it: the expert and admins always, others when it is
/// active and its expert is visible to them.
pub async fn load_service(
    ctx: &Context<'_>,
    id: ServiceId,
) -> Result<Option<ExpertService>, AppError> {
    let viewer = graphql::data::<Viewer>(ctx)?;
    let Some(service) = one::<_, ServiceLoader>(ctx, id).await? else {
        return Ok(None);
    };
    if viewer.is_self_or_admin(service.expert) {
        return Ok(Some(service));
    }
    if service.status != super::model::ServiceStatus::Active {
        return Ok(None);
    }
    Ok(load_expert(ctx, service.expert).await?.map(|_| service))
}

/// A service whatever the viewer: for the parties of a booking, who see what they booked.
pub(super) async fn load_service_unchecked(
    ctx: &Context<'_>,
    id: ServiceId,
) -> Result<Option<ExpertService>, AppError> {
    one::<_, ServiceLoader>(ctx, id).await
}

/// An expert's services, newest first (callers filter by viewer).
pub(super) async fn load_services_of(
    ctx: &Context<'_>,
    expert: UserId,
) -> Result<Vec<ExpertService>, AppError> {
    Ok(one::<_, ExpertServicesLoader>(ctx, expert)
        .await?
        .unwrap_or_default())
}

/// An expert's knowledge bases, newest first (callers filter by viewer).
pub(super) async fn load_knowledge_bases_of(
    ctx: &Context<'_>,
    expert: UserId,
) -> Result<Vec<KnowledgeBase>, AppError> {
    Ok(one::<_, ExpertKnowledgeBasesLoader>(ctx, expert)
        .await?
        .unwrap_or_default())
}

/// A knowledge base, if the viewer may see it: its expert must be visible, and a private
/// one is for the expert and admins only.
pub async fn load_knowledge_base(
    ctx: &Context<'_>,
    id: KnowledgeBaseId,
) -> Result<Option<KnowledgeBase>, AppError> {
    let viewer = graphql::data::<Viewer>(ctx)?;
    let Some(kb) = one::<_, KnowledgeBaseLoader>(ctx, id).await? else {
        return Ok(None);
    };
    if viewer.is_self_or_admin(kb.expert) {
        return Ok(Some(kb));
    }
    if !kb.is_public {
        return Ok(None);
    }
    Ok(load_expert(ctx, kb.expert).await?.map(|_| kb))
}

/// A knowledge content, if the viewer may see its knowledge base and, unless the viewer
/// is the expert or an admin, it is active.
pub async fn load_content(
    ctx: &Context<'_>,
    id: KnowledgeContentId,
) -> Result<Option<KnowledgeContent>, AppError> {
    let viewer = graphql::data::<Viewer>(ctx)?;
    let Some(content) = one::<_, ContentLoader>(ctx, id).await? else {
        return Ok(None);
    };
    let Some(kb) = load_knowledge_base(ctx, content.knowledge_base_id).await? else {
        return Ok(None);
    };
    let shown =
        viewer.is_self_or_admin(kb.expert) || content.status == KnowledgeContentStatus::Active;
    Ok(shown.then_some(content))
}

pub(super) async fn load_content_page(
    ctx: &Context<'_>,
    key: PageKey,
) -> Result<Vec<KnowledgeContent>, AppError> {
    Ok(one::<_, ContentPageLoader>(ctx, key)
        .await?
        .unwrap_or_default())
}

pub(super) async fn load_tags(
    ctx: &Context<'_>,
    content: KnowledgeContentId,
) -> Result<Vec<String>, AppError> {
    Ok(one::<_, TagsLoader>(ctx, content)
        .await?
        .unwrap_or_default())
}

/// A booking, if the viewer is its client, its expert or an admin.
pub async fn load_booking(
    ctx: &Context<'_>,
    id: BookingId,
) -> Result<Option<ServiceBooking>, AppError> {
    let viewer = graphql::data::<Viewer>(ctx)?;
    Ok(one::<_, BookingLoader>(ctx, id)
        .await?
        .filter(|b| b.visible_to(viewer)))
}

pub(super) async fn load_booking_page(
    ctx: &Context<'_>,
    key: PageKey,
) -> Result<Vec<ServiceBooking>, AppError> {
    Ok(one::<_, BookingPageLoader>(ctx, key)
        .await?
        .unwrap_or_default())
}
