//! SQL for `expert_services` and `service_bookings`.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sqlx::{PgExecutor, prelude::FromRow, types::Json};
use uuid::Uuid;

use super::{
    availability::Availability,
    booking_input::{BookingFields, ServiceFields},
    db::{PageArrays, PageRequest, Reader, constraint_error},
    model::{
        BookingId, BookingStatus, PaymentStatus, PricingModel, ServiceId, ServiceStatus,
        ServiceType,
    },
    service::{ExpertService, ServiceBooking},
};
use crate::{
    error::AppError, graphql::pagination::KeysetCursor, stores::postgres::contains_pattern,
    users::UserId,
};

#[derive(FromRow)]
struct ServiceRow {
    id: Uuid,
    expert_id: Uuid,
    title: String,
    description: Option<String>,
    service_type: String,
    pricing_model: String,
    price: Option<Decimal>,
    currency: Option<String>,
    availability: Json<Availability>,
    status: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<ServiceRow> for ExpertService {
    fn from(r: ServiceRow) -> Self {
        ExpertService {
            id: ServiceId(r.id),
            expert: UserId(r.expert_id),
            title: r.title,
            description: r.description,
            service_type: ServiceType::parse(&r.service_type).unwrap_or(ServiceType::Qa),
            pricing_model: PricingModel::parse(&r.pricing_model).unwrap_or(PricingModel::Free),
            price: r.price,
            currency: r.currency,
            availability: r.availability.0,
            status: ServiceStatus::parse(&r.status).unwrap_or(ServiceStatus::Inactive),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

impl ExpertService {
    /// The fields an update starts from.
    pub(super) fn fields(&self) -> ServiceFields {
        ServiceFields {
            title: self.title.clone(),
            description: self.description.clone(),
            service_type: self.service_type,
            pricing_model: self.pricing_model,
            price: self.price,
            currency: self.currency.clone(),
            availability: self.availability.clone(),
        }
    }
}

const SERVICE_COLUMNS: &str = "s.id, s.expert_id, s.title, s.description, s.service_type, s.pricing_model, s.price, s.currency, s.availability, s.status, s.created_at, s.updated_at";

#[tracing::instrument(skip_all)]
pub(super) async fn insert_service(
    db: impl PgExecutor<'_>,
    expert: UserId,
    f: &ServiceFields,
    status: ServiceStatus,
) -> Result<ExpertService, AppError> {
    sqlx::query_as::<_, ServiceRow>(&format!(
        "insert into expert_services as s (id, expert_id, title, description, service_type, pricing_model, price, currency, availability, status)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning {SERVICE_COLUMNS}"
    ))
    .bind(Uuid::now_v7())
    .bind(expert.0)
    .bind(&f.title)
    .bind(&f.description)
    .bind(f.service_type.as_str())
    .bind(f.pricing_model.as_str())
    .bind(f.price)
    .bind(&f.currency)
    .bind(Json(&f.availability))
    .bind(status.as_str())
    .fetch_one(db)
    .await
    .map(ExpertService::from)
    .map_err(constraint_error)
}

#[tracing::instrument(skip_all)]
pub(super) async fn update_service(
    db: impl PgExecutor<'_>,
    id: ServiceId,
    f: &ServiceFields,
) -> Result<ExpertService, AppError> {
    sqlx::query_as::<_, ServiceRow>(&format!(
        "update expert_services s set title = $2, description = $3, service_type = $4, pricing_model = $5,
             price = $6, currency = $7, availability = $8
         where id = $1 returning {SERVICE_COLUMNS}"
    ))
    .bind(id.0)
    .bind(&f.title)
    .bind(&f.description)
    .bind(f.service_type.as_str())
    .bind(f.pricing_model.as_str())
    .bind(f.price)
    .bind(&f.currency)
    .bind(Json(&f.availability))
    .fetch_one(db)
    .await
    .map(ExpertService::from)
    .map_err(constraint_error)
}

/// Changes a service's status; the transition trigger refuses changes off the machine.
#[tracing::instrument(skip_all)]
pub(super) async fn set_service_status(
    db: impl PgExecutor<'_>,
    id: ServiceId,
    status: ServiceStatus,
) -> Result<ExpertService, AppError> {
    sqlx::query_as::<_, ServiceRow>(&format!(
        "update expert_services s set status = $2 where id = $1 returning {SERVICE_COLUMNS}"
    ))
    .bind(id.0)
    .bind(status.as_str())
    .fetch_one(db)
    .await
    .map(ExpertService::from)
    .map_err(constraint_error)
}

/// Bounds how long the transaction waits for a row lock (`set local`: until it ends).
pub(super) async fn limit_lock_wait(
    tx: &mut sqlx::PgConnection,
    limit: std::time::Duration,
) -> sqlx::Result<()> {
    sqlx::query("select set_config('lock_timeout', $1, true)")
        .bind(format!("{}ms", limit.as_millis()))
        .execute(tx)
        .await
        .map(drop)
}

/// A service, locked against changes and other bookings until the transaction ends.
#[tracing::instrument(skip_all)]
pub(super) async fn service_locked(
    db: impl PgExecutor<'_>,
    id: ServiceId,
) -> sqlx::Result<Option<ExpertService>> {
    sqlx::query_as::<_, ServiceRow>(&format!(
        "select {SERVICE_COLUMNS} from expert_services s where id = $1 for update"
    ))
    .bind(id.0)
    .fetch_optional(db)
    .await
    .map(|row| row.map(ExpertService::from))
}

#[tracing::instrument(skip_all, fields(count = ids.len()))]
pub(super) async fn services_by_ids(
    db: impl PgExecutor<'_>,
    ids: &[Uuid],
) -> sqlx::Result<Vec<ExpertService>> {
    sqlx::query_as::<_, ServiceRow>(&format!(
        "select {SERVICE_COLUMNS} from expert_services s where id = any($1)"
    ))
    .bind(ids)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(ExpertService::from).collect())
}

#[tracing::instrument(skip_all, fields(count = experts.len()))]
pub(super) async fn services_of(
    db: impl PgExecutor<'_>,
    experts: &[Uuid],
) -> sqlx::Result<Vec<ExpertService>> {
    sqlx::query_as::<_, ServiceRow>(&format!(
        "select {SERVICE_COLUMNS} from expert_services s where expert_id = any($1)
         order by created_at desc, id desc"
    ))
    .bind(experts)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(ExpertService::from).collect())
}

/// The `expertServices` filter, checked.
#[derive(Default)]
pub(super) struct ServiceFilter {
    pub(super) service_type: Option<&'static str>,
    pub(super) pricing_model: Option<&'static str>,
    pub(super) max_price: Option<Decimal>,
    pub(super) expert: Option<Uuid>,
    pub(super) search: Option<String>,
}

/// A page of the services `reader` may see, newest first: active services of experts
/// the reader may see, every service of the reader's own, everything for admins.
#[tracing::instrument(skip_all)]
pub(super) async fn services_page(
    db: impl PgExecutor<'_>,
    reader: Reader,
    filter: &ServiceFilter,
    after: Option<KeysetCursor>,
    limit: i64,
) -> sqlx::Result<Vec<ExpertService>> {
    sqlx::query_as::<_, ServiceRow>(&format!(
        "select {SERVICE_COLUMNS} from expert_services s
         join expert_profiles p on p.user_id = s.expert_id join users u on u.id = s.expert_id
         where (s.expert_id = $1 or $2 or (s.status = 'active' and u.is_active
                and (p.visibility = 'public' or (p.visibility = 'limited' and $1 is not null))))
           and ($3::text is null or s.service_type = $3)
           and ($4::text is null or s.pricing_model = $4)
           and ($5::numeric is null or coalesce(s.price, 0) <= $5)
           and ($6::uuid is null or s.expert_id = $6)
           and ($7::text is null or s.title ilike $7 or s.description ilike $7)
           and ($8::timestamptz is null or (s.created_at, s.id) < ($8, $9))
         order by s.created_at desc, s.id desc limit $10"
    ))
    .bind(reader.user)
    .bind(reader.is_admin)
    .bind(filter.service_type)
    .bind(filter.pricing_model)
    .bind(filter.max_price)
    .bind(filter.expert)
    .bind(filter.search.as_deref().map(contains_pattern))
    .bind(after.map(|c| c.at))
    .bind(after.map(|c| c.id))
    .bind(limit)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(ExpertService::from).collect())
}

#[derive(FromRow)]
struct BookingRow {
    id: Uuid,
    service_id: Uuid,
    client_id: Uuid,
    expert_id: Uuid,
    title: String,
    description: Option<String>,
    start_time: DateTime<Utc>,
    end_time: DateTime<Utc>,
    status: String,
    payment_status: String,
    payment_amount: Decimal,
    payment_currency: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<BookingRow> for ServiceBooking {
    fn from(r: BookingRow) -> Self {
        ServiceBooking {
            id: BookingId(r.id),
            service_id: ServiceId(r.service_id),
            client: UserId(r.client_id),
            expert: UserId(r.expert_id),
            title: r.title,
            description: r.description,
            start_time: r.start_time,
            end_time: r.end_time,
            status: BookingStatus::parse(&r.status).unwrap_or(BookingStatus::Canceled),
            payment_status: PaymentStatus::parse(&r.payment_status)
                .unwrap_or(PaymentStatus::Pending),
            payment_amount: r.payment_amount,
            payment_currency: r.payment_currency,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// Booking columns of `b` (service_bookings) with the expert from `s` (expert_services).
const BOOKING_COLUMNS: &str = "b.id, b.service_id, b.client_id, s.expert_id, b.title, b.description, b.start_time, b.end_time, b.status, b.payment_status, b.payment_amount, b.payment_currency, b.created_at, b.updated_at";

/// A booking to record, its payment already computed.
pub(super) struct NewBooking<'a> {
    pub(super) service: ServiceId,
    pub(super) client: UserId,
    pub(super) fields: &'a BookingFields,
    pub(super) amount: Decimal,
    pub(super) currency: Option<&'a str>,
    pub(super) payment_status: PaymentStatus,
}

/// Records a booking; an overlap with a live booking of the service is `CONFLICT` (the
/// exclusion constraint decides, so concurrent bookings of one slot cannot both win).
#[tracing::instrument(skip_all)]
pub(super) async fn insert_booking(
    db: impl PgExecutor<'_>,
    new: &NewBooking<'_>,
) -> Result<ServiceBooking, AppError> {
    sqlx::query_as::<_, BookingRow>(&format!(
        "with b as (
            insert into service_bookings (id, service_id, client_id, title, description, start_time, end_time,
                payment_status, payment_amount, payment_currency)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning *)
         select {BOOKING_COLUMNS} from b join expert_services s on s.id = b.service_id"
    ))
    .bind(Uuid::now_v7())
    .bind(new.service.0)
    .bind(new.client.0)
    .bind(&new.fields.title)
    .bind(&new.fields.description)
    .bind(new.fields.start_time)
    .bind(new.fields.end_time)
    .bind(new.payment_status.as_str())
    .bind(new.amount)
    .bind(new.currency)
    .fetch_one(db)
    .await
    .map(ServiceBooking::from)
    .map_err(constraint_error)
}

/// A booking, locked until the transaction ends.
pub(super) async fn booking_for_update(
    db: impl PgExecutor<'_>,
    id: BookingId,
) -> sqlx::Result<Option<ServiceBooking>> {
    sqlx::query_as::<_, BookingRow>(&format!(
        "select {BOOKING_COLUMNS} from service_bookings b join expert_services s on s.id = b.service_id
         where b.id = $1 for update of b"
    ))
    .bind(id.0)
    .fetch_optional(db)
    .await
    .map(|row| row.map(ServiceBooking::from))
}

/// Moves a booking's status and payment; the transition triggers and the checks refuse
/// changes off their machines.
#[tracing::instrument(skip_all)]
pub(super) async fn set_booking_state(
    db: impl PgExecutor<'_>,
    id: BookingId,
    status: BookingStatus,
    payment: PaymentStatus,
) -> Result<ServiceBooking, AppError> {
    sqlx::query_as::<_, BookingRow>(&format!(
        "with b as (update service_bookings set status = $2, payment_status = $3 where id = $1 returning *)
         select {BOOKING_COLUMNS} from b join expert_services s on s.id = b.service_id"
    ))
    .bind(id.0)
    .bind(status.as_str())
    .bind(payment.as_str())
    .fetch_one(db)
    .await
    .map(ServiceBooking::from)
    .map_err(constraint_error)
}

#[tracing::instrument(skip_all, fields(count = ids.len()))]
pub(super) async fn bookings_by_ids(
    db: impl PgExecutor<'_>,
    ids: &[Uuid],
) -> sqlx::Result<Vec<ServiceBooking>> {
    sqlx::query_as::<_, BookingRow>(&format!(
        "select {BOOKING_COLUMNS} from service_bookings b join expert_services s on s.id = b.service_id
         where b.id = any($1)"
    ))
    .bind(ids)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(ServiceBooking::from).collect())
}

/// One page of bookings per service, latest start first, all in one statement; the rows
/// come back with the index of their request.
#[tracing::instrument(skip_all, fields(count = pages.len()))]
pub(super) async fn booking_pages(
    db: impl PgExecutor<'_>,
    pages: &[PageRequest],
) -> sqlx::Result<Vec<(usize, ServiceBooking)>> {
    #[derive(FromRow)]
    struct Paged {
        #[sqlx(flatten)]
        booking: BookingRow,
        ord: i64,
    }
    let arrays = PageArrays::of(pages);
    sqlx::query_as::<_, Paged>(&format!(
        "select {BOOKING_COLUMNS}, k.ord
         from unnest($1::uuid[], $2::timestamptz[], $3::uuid[], $4::bigint[]) with ordinality
              as k(parent, after_at, after_id, lim, ord)
         join expert_services s on s.id = k.parent
         cross join lateral (
             select * from service_bookings b
             where b.service_id = k.parent
               and (k.after_at is null or (b.start_time, b.id) < (k.after_at, k.after_id))
             order by b.start_time desc, b.id desc limit k.lim) b
         order by k.ord, b.start_time desc, b.id desc"
    ))
    .bind(&arrays.parents)
    .bind(&arrays.after_at)
    .bind(&arrays.after_id)
    .bind(&arrays.limits)
    .fetch_all(db)
    .await
    .map(|rows| {
        rows.into_iter()
            .map(|r| ((r.ord - 1) as usize, ServiceBooking::from(r.booking)))
            .collect()
    })
}

/// A page of a user's bookings as client or as expert, latest start first.
#[tracing::instrument(skip_all)]
pub(super) async fn bookings_of(
    db: impl PgExecutor<'_>,
    user: UserId,
    as_expert: bool,
    status: Option<BookingStatus>,
    after: Option<KeysetCursor>,
    limit: i64,
) -> sqlx::Result<Vec<ServiceBooking>> {
    let side = if as_expert {
        "s.expert_id"
    } else {
        "b.client_id"
    };
    sqlx::query_as::<_, BookingRow>(&format!(
        "select {BOOKING_COLUMNS} from service_bookings b join expert_services s on s.id = b.service_id
         where {side} = $1 and ($2::text is null or b.status = $2)
           and ($3::timestamptz is null or (b.start_time, b.id) < ($3, $4))
         order by b.start_time desc, b.id desc limit $5"
    ))
    .bind(user.0)
    .bind(status.map(BookingStatus::as_str))
    .bind(after.map(|c| c.at))
    .bind(after.map(|c| c.id))
    .bind(limit)
    .fetch_all(db)
    .await
    .map(|rows| rows.into_iter().map(ServiceBooking::from).collect())
}
