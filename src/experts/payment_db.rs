//! SQL for `payment_events`.

use rust_decimal::Decimal;
use sqlx::PgExecutor;
use uuid::Uuid;

use super::{model::BookingId, payment::PaymentSource};

/// A payment event to record.
pub(super) struct NewPaymentEvent<'a> {
    pub(super) provider_event_id: &'a str,
    pub(super) booking: BookingId,
    pub(super) amount: Decimal,
    pub(super) currency: &'a str,
    pub(super) source: &'a PaymentSource,
    pub(super) payload: &'a str,
}

/// Records a payment event; `false` when an event with this provider id is already
/// recorded (the unique constraint decides, so concurrent deliveries cannot both count).
#[tracing::instrument(skip_all)]
pub(super) async fn insert_event(
    db: impl PgExecutor<'_>,
    event: &NewPaymentEvent<'_>,
) -> sqlx::Result<bool> {
    let (source, recorded_by) = match event.source {
        PaymentSource::Webhook => ("webhook", None),
        PaymentSource::Admin(user) => ("admin", Some(user.0)),
        PaymentSource::Seed => ("seed", None),
    };
    let inserted = sqlx::query(
        "insert into payment_events (id, provider_event_id, booking_id, amount, currency, source, recorded_by, payload)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict on constraint payment_events_provider_event_id_key do nothing",
    )
    .bind(Uuid::now_v7())
    .bind(event.provider_event_id)
    .bind(event.booking.0)
    .bind(event.amount)
    .bind(event.currency)
    .bind(source)
    .bind(recorded_by)
    .bind(event.payload)
    .execute(db)
    .await?;
    Ok(inserted.rows_affected() == 1)
}
