//! The `ExpertService` and `ServiceBooking` types.

use async_graphql::{Context, ID, Object, connection::Connection};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::graphql::money::Money;

use super::{
    availability::{Availability, ServiceAvailability},
    loader::{self, PageKey},
    model::{
        BookingId, BookingStatus, PaymentStatus, PricingModel, ServiceId, ServiceStatus,
        ServiceType,
    },
    profile::ExpertProfile,
    query::connection,
};
use crate::{
    error::AppError,
    graphql::{
        self,
        node::NodeId,
        pagination::{self, KeysetCursor},
        viewer::Viewer,
    },
    users::{self, User, UserId},
};

/// Money as it is stored: always two decimal places (`"25.00"`, `"0.00"`).
fn cents(mut amount: Decimal) -> Money {
    amount.rescale(2);
    Money(amount)
}

/// Something an expert offers for booking.
#[derive(Clone, Debug)]
pub struct ExpertService {
    pub(crate) id: ServiceId,
    pub(crate) expert: UserId,
    pub(crate) title: String,
    pub(crate) description: Option<String>,
    pub(crate) service_type: ServiceType,
    pub(crate) pricing_model: PricingModel,
    pub(crate) price: Option<Decimal>,
    pub(crate) currency: Option<String>,
    pub(crate) availability: Availability,
    pub(crate) status: ServiceStatus,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

/// Something an expert offers for booking. Others see active services of experts they
/// may see; the expert and admins see every status.
#[Object]
impl ExpertService {
    /// The service's global ID.
    pub(crate) async fn id(&self) -> ID {
        self.id.to_global()
    }

    /// The expert offering it (when visible to the viewer).
    async fn expert(&self, ctx: &Context<'_>) -> Result<Option<ExpertProfile>, AppError> {
        loader::load_expert(ctx, self.expert).await
    }

    /// Title (1 to 100 characters).
    async fn title(&self) -> &str {
        &self.title
    }

    /// What the client gets.
    async fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// What kind of service it is.
    async fn service_type(&self) -> ServiceType {
        self.service_type
    }

    /// How it is charged.
    async fn pricing_model(&self) -> PricingModel {
        self.pricing_model
    }

    /// The price with two decimals (per hour for hourly services); `null` for free services.
    async fn price(&self) -> Option<Money> {
        self.price.map(cents)
    }

    /// ISO 4217 currency code of the price; `null` for free services.
    async fn currency(&self) -> Option<&str> {
        self.currency.as_deref()
    }

    /// When the service may be booked: a booking must lie, on the clock of the service's
    /// time zone, within one window of the day it starts on (BAD_USER_INPUT otherwise).
    /// `null`: at any time.
    async fn availability(&self) -> Option<ServiceAvailability> {
        self.availability.view()
    }

    /// Whether it is offered.
    async fn status(&self) -> ServiceStatus {
        self.status
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }

    /// Its bookings, latest start first. The expert and admins only (`null` for others).
    #[graphql(
        complexity = "pagination::page_cost(first, child_complexity)",
        cache_control(private)
    )]
    async fn bookings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many to return (0 to 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Return bookings after this cursor.")] after: Option<String>,
    ) -> Result<Option<Connection<KeysetCursor, ServiceBooking>>, AppError> {
        let viewer = graphql::data::<Viewer>(ctx)?;
        if !viewer.is_self_or_admin(self.expert) {
            return Ok(None);
        }
        let limit = pagination::page_size(first)?;
        let after = pagination::after_cursor(after.as_deref())?;
        let rows =
            loader::load_booking_page(ctx, PageKey::new(self.id.0, after, limit, true)).await?;
        Ok(Some(connection(rows, limit, after.is_some(), |b| {
            KeysetCursor {
                at: b.start_time,
                id: b.id.0,
            }
        })))
    }
}

/// A client's booking of a service.
#[derive(Clone, Debug)]
pub struct ServiceBooking {
    pub(crate) id: BookingId,
    pub(crate) service_id: ServiceId,
    pub(crate) client: UserId,
    /// The expert offering the service.
    pub(crate) expert: UserId,
    pub(crate) title: String,
    pub(crate) description: Option<String>,
    pub(crate) start_time: DateTime<Utc>,
    pub(crate) end_time: DateTime<Utc>,
    pub(crate) status: BookingStatus,
    pub(crate) payment_status: PaymentStatus,
    pub(crate) payment_amount: Decimal,
    pub(crate) payment_currency: Option<String>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

impl ServiceBooking {
    /// Whether the viewer may see the booking: its client, its expert, admins.
    pub(crate) fn visible_to(&self, viewer: &Viewer) -> bool {
        viewer.is_admin()
            || viewer
                .user_id()
                .is_some_and(|me| me == self.client || me == self.expert)
    }
}

/// A client's booking of a service, seen by the client, the expert and admins.
#[Object]
impl ServiceBooking {
    /// The booking's global ID.
    pub(crate) async fn id(&self) -> ID {
        self.id.to_global()
    }

    /// The booked service (whatever its status now).
    async fn service(&self, ctx: &Context<'_>) -> Result<Option<ExpertService>, AppError> {
        loader::load_service_unchecked(ctx, self.service_id).await
    }

    /// Who booked it (shared with the expert by booking, whatever their profile visibility).
    async fn client(&self, ctx: &Context<'_>) -> Result<Option<User>, AppError> {
        users::load_user_shared(ctx, self.client).await
    }

    /// What the client wants (1 to 255 characters).
    async fn title(&self) -> &str {
        &self.title
    }

    /// Details for the expert.
    async fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// When it starts.
    async fn start_time(&self) -> DateTime<Utc> {
        self.start_time
    }

    /// When it ends (after the start).
    async fn end_time(&self) -> DateTime<Utc> {
        self.end_time
    }

    /// Where the booking is.
    async fn status(&self) -> BookingStatus {
        self.status
    }

    /// Where its payment is.
    async fn payment_status(&self) -> PaymentStatus {
        self.payment_status
    }

    /// What the client owes, with two decimals, computed from the service when booked: the price times the
    /// booked hours (rounded to cents) for hourly services, the price for per-question
    /// and subscription services, 0 for free ones.
    async fn payment_amount(&self) -> Money {
        cents(self.payment_amount)
    }

    /// Currency of the amount; `null` for free bookings.
    async fn payment_currency(&self) -> Option<&str> {
        self.payment_currency.as_deref()
    }

    /// When it was booked.
    async fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }
}
