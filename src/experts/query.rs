//! `experts`, `expertProfile`, `knowledgeBase`, `expertServices`, `expertService`,
//! `myBookings` and `booking`.

use crate::graphql::money::Money;
use async_graphql::{
    Context, ID, InputObject, Object,
    connection::{Connection, Edge},
};

use super::{
    booking_db::{self, ServiceFilter},
    db::{self, ExpertFilter, Reader},
    knowledge::KnowledgeBase,
    loader,
    model::{
        BookingId, BookingSide, BookingStatus, ExpertProfileId, KnowledgeBaseId, PricingModel,
        ServiceId, ServiceType,
    },
    profile::ExpertProfile,
    service::{ExpertService, ServiceBooking},
};
use crate::{
    error::AppError,
    graphql::{
        self,
        node::{self, NodeId},
        pagination::{self, KeysetCursor},
        viewer::Viewer,
    },
    state::AppState,
    users::UserId,
};

/// A connection from `limit + 1` fetched rows: the extra row only says there is more.
pub(super) fn connection<T: async_graphql::OutputType>(
    mut rows: Vec<T>,
    limit: i64,
    has_previous: bool,
    cursor: impl Fn(&T) -> KeysetCursor,
) -> Connection<KeysetCursor, T> {
    let has_next = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let mut connection = Connection::new(has_previous, has_next);
    connection
        .edges
        .extend(rows.into_iter().map(|row| Edge::new(cursor(&row), row)));
    connection
}

fn reader(viewer: &Viewer) -> Reader {
    Reader {
        user: viewer.user_id().map(|u| u.0),
        is_admin: viewer.is_admin(),
    }
}

/// Which experts to list.
#[derive(InputObject, Default)]
pub(super) struct ExpertFilterInput {
    /// Words in the title, bio or expertise summary (case-insensitive, 1 to 100 characters).
    pub search: Option<String>,
    /// At least this many years of experience.
    pub min_years_experience: Option<i32>,
    /// Experts with an active service of this type.
    pub service_type: Option<ServiceType>,
}

/// Which services to list.
#[derive(InputObject, Default)]
pub(super) struct ExpertServiceFilterInput {
    /// Only this kind of service.
    pub service_type: Option<ServiceType>,
    /// Only this pricing model.
    pub pricing_model: Option<PricingModel>,
    /// At most this price, in the service's own currency (free services cost 0).
    pub max_price: Option<Money>,
    /// Only this expert's services (an `ExpertProfile` or `User` ID).
    pub expert_id: Option<ID>,
    /// Words in the title or description (case-insensitive, 1 to 100 characters).
    pub search: Option<String>,
}

fn search(raw: Option<String>) -> Result<Option<String>, AppError> {
    match raw.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()) {
        Some(s) if s.chars().count() > 100 => Err(AppError::BadUserInput(
            "search: at most 100 characters".to_owned(),
        )),
        other => Ok(other),
    }
}

/// The user an `ExpertProfile` or `User` global ID names.
fn expert_user(id: &ID) -> Result<UserId, AppError> {
    match node::decode(id) {
        Some((typename, uuid))
            if typename == ExpertProfileId::TYPENAME || typename == UserId::TYPENAME =>
        {
            Ok(UserId(uuid))
        }
        _ => Err(AppError::BadUserInput(format!(
            "{:?} is not an ExpertProfile or User ID",
            id.as_str()
        ))),
    }
}

/// Expert queries.
#[derive(Default)]
pub struct ExpertQuery;

#[Object]
impl ExpertQuery {
    /// Expert profiles the viewer may see, newest first.
    #[graphql(
        complexity = "pagination::page_cost(first, child_complexity)",
        cache_control(max_age = 60)
    )]
    async fn experts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which experts to list.")] filter: Option<ExpertFilterInput>,
        #[graphql(desc = "How many to return (0 to 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Return experts after this cursor.")] after: Option<String>,
    ) -> Result<Connection<KeysetCursor, ExpertProfile>, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?;
        let limit = pagination::page_size(first)?;
        let after = pagination::after_cursor(after.as_deref())?;
        let filter = filter.unwrap_or_default();
        let filter = ExpertFilter {
            search: search(filter.search)?,
            min_years: filter.min_years_experience,
            service_type: filter.service_type.map(ServiceType::as_str),
        };
        let rows = db::experts_page(&state.pg, reader(viewer), &filter, after, limit + 1).await?;
        Ok(connection(rows, limit, after.is_some(), |p| KeysetCursor {
            at: p.created_at,
            id: p.user_id.0,
        }))
    }

    /// A user's expert profile (by `User` or `ExpertProfile` ID); `null` when there is
    /// none or the viewer may not see it.
    #[graphql(cache_control(max_age = 60))]
    async fn expert_profile(
        &self,
        ctx: &Context<'_>,
        user_id: ID,
    ) -> Result<Option<ExpertProfile>, AppError> {
        loader::load_expert(ctx, expert_user(&user_id)?).await
    }

    /// A knowledge base by global ID; `null` when there is none or it is not visible.
    #[graphql(cache_control(max_age = 60))]
    async fn knowledge_base(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<Option<KnowledgeBase>, AppError> {
        loader::load_knowledge_base(ctx, KnowledgeBaseId::from_global(&id)?).await
    }

    /// Services the viewer may see, newest first: active services of visible experts,
    /// plus every service of the viewer's own (admins see all).
    #[graphql(
        complexity = "pagination::page_cost(first, child_complexity)",
        cache_control(max_age = 60)
    )]
    async fn expert_services(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which services to list.")] filter: Option<ExpertServiceFilterInput>,
        #[graphql(desc = "How many to return (0 to 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Return services after this cursor.")] after: Option<String>,
    ) -> Result<Connection<KeysetCursor, ExpertService>, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?;
        let limit = pagination::page_size(first)?;
        let after = pagination::after_cursor(after.as_deref())?;
        let filter = filter.unwrap_or_default();
        let filter = ServiceFilter {
            service_type: filter.service_type.map(ServiceType::as_str),
            pricing_model: filter.pricing_model.map(PricingModel::as_str),
            max_price: filter.max_price.map(|m| m.0),
            expert: filter
                .expert_id
                .as_ref()
                .map(expert_user)
                .transpose()?
                .map(|u| u.0),
            search: search(filter.search)?,
        };
        let rows =
            booking_db::services_page(&state.pg, reader(viewer), &filter, after, limit + 1).await?;
        Ok(connection(rows, limit, after.is_some(), |s| KeysetCursor {
            at: s.created_at,
            id: s.id.0,
        }))
    }

    /// A service by global ID; `null` when there is none or it is not visible.
    #[graphql(cache_control(max_age = 60))]
    async fn expert_service(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<Option<ExpertService>, AppError> {
        loader::load_service(ctx, ServiceId::from_global(&id)?).await
    }

    /// The viewer's bookings as client (made by the viewer) or as expert (of the viewer's
    /// services), latest start first.
    #[graphql(
        complexity = "pagination::page_cost(first, child_complexity)",
        cache_control(no_cache)
    )]
    async fn my_bookings(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "as", desc = "Which side of the bookings the viewer is on.")]
        side: BookingSide,
        #[graphql(desc = "Only bookings in this status.")] status: Option<BookingStatus>,
        #[graphql(desc = "How many to return (0 to 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Return bookings after this cursor.")] after: Option<String>,
    ) -> Result<Connection<KeysetCursor, ServiceBooking>, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        let limit = pagination::page_size(first)?;
        let after = pagination::after_cursor(after.as_deref())?;
        let rows = booking_db::bookings_of(
            &state.pg,
            viewer.user_id,
            side == BookingSide::Expert,
            status,
            after,
            limit + 1,
        )
        .await?;
        Ok(connection(rows, limit, after.is_some(), |b| KeysetCursor {
            at: b.start_time,
            id: b.id.0,
        }))
    }

    /// A booking by global ID, for its client, its expert and admins; `null` otherwise.
    #[graphql(cache_control(no_cache))]
    async fn booking(&self, ctx: &Context<'_>, id: ID) -> Result<Option<ServiceBooking>, AppError> {
        loader::load_booking(ctx, BookingId::from_global(&id)?).await
    }
}
