//! Booking payments. No money moves through braid: the payment provider reports a payment
//! through its signed webhook (`POST /webhooks/payments`, in `http::webhooks`), or an
//! admin records one received another way (`recordPayment`). Both go through
//! [`record_payment`], which marks the booking paid once per provider event: the amount
//! and currency must be what the booking owes, and the event's id is recorded in the same
//! transaction (a unique constraint), so a redelivered event changes nothing.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use rust_decimal::Decimal;

use super::{
    booking::tell,
    booking_db,
    model::{BookingId, BookingStatus, PaymentStatus},
    payment_db::{self, NewPaymentEvent},
    service::ServiceBooking,
};
use crate::{
    error::AppError,
    graphql::{self, money::Money, node::NodeId, viewer::Viewer},
    state::AppState,
    users::UserId,
};

/// Who reported a payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PaymentSource {
    /// The payment provider's signed webhook.
    Webhook,
    /// An admin, with `recordPayment`.
    Admin(UserId),
    /// The demo seed.
    Seed,
}

/// A payment reported for a booking, checked by [`Payment::new`].
#[derive(Clone, Debug)]
pub(crate) struct Payment {
    provider_event_id: String,
    booking: BookingId,
    amount: Decimal,
    currency: String,
    source: PaymentSource,
    payload: String,
}

impl Payment {
    /// A payment of `amount` (above 0, whole cents) in `currency` (ISO 4217, any case)
    /// for `booking`, reported by `source` as the provider's event `provider_event_id`
    /// (1 to 255 characters); `payload` is kept as received. BAD_USER_INPUT otherwise.
    pub(crate) fn new(
        provider_event_id: String,
        booking: BookingId,
        amount: Decimal,
        currency: &str,
        source: PaymentSource,
        payload: String,
    ) -> Result<Self, AppError> {
        let id_length = provider_event_id.chars().count();
        if id_length == 0 || id_length > 255 || provider_event_id.trim() != provider_event_id {
            return Err(AppError::BadUserInput(
                "the provider event id has 1 to 255 characters, without surrounding spaces"
                    .to_owned(),
            ));
        }
        let amount = amount.normalize();
        if amount <= Decimal::ZERO || amount.scale() > 2 {
            return Err(AppError::BadUserInput(
                "amount: above 0, in whole cents".to_owned(),
            ));
        }
        let currency = currency.trim().to_ascii_uppercase();
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(AppError::BadUserInput(
                "currency: an ISO 4217 code such as EUR".to_owned(),
            ));
        }
        Ok(Payment {
            provider_event_id,
            booking,
            amount,
            currency,
            source,
            payload,
        })
    }
}

/// What [`record_payment`] did.
#[derive(Debug)]
pub(crate) enum Recorded {
    /// The booking is now paid.
    Paid(ServiceBooking),
    /// The event was already recorded: nothing changed; the booking as it stands.
    Duplicate(ServiceBooking),
}

/// Marks the booking paid, once per provider event: NOT_FOUND for an unknown booking,
/// BAD_USER_INPUT unless the amount and currency are what the booking owes, CONFLICT for
/// a canceled booking or one no longer pending. The expert is told, and both parties get
/// `bookingUpdated`. An event id already recorded is a [`Recorded::Duplicate`], whatever
/// the booking's state now.
pub(crate) async fn record_payment(
    state: &AppState,
    payment: &Payment,
) -> Result<Recorded, AppError> {
    let mut tx = state.pg.begin().await?;
    let booking = booking_db::booking_for_update(&mut *tx, payment.booking)
        .await?
        .ok_or_else(|| AppError::NotFound("no booking has this id".to_owned()))?;
    let recorded = payment_db::insert_event(
        &mut *tx,
        &NewPaymentEvent {
            provider_event_id: &payment.provider_event_id,
            booking: booking.id,
            amount: payment.amount,
            currency: &payment.currency,
            source: &payment.source,
            payload: &payment.payload,
        },
    )
    .await?;
    if !recorded {
        return Ok(Recorded::Duplicate(booking));
    }
    // Leaving early rolls the event back with everything else.
    let owed = booking.payment_currency.as_deref().unwrap_or("(none)");
    if booking.payment_amount != payment.amount || owed != payment.currency {
        return Err(AppError::BadUserInput(format!(
            "amount: the booking owes {} {owed}, not {} {}",
            booking.payment_amount, payment.amount, payment.currency
        )));
    }
    if booking.status == BookingStatus::Canceled {
        return Err(AppError::Conflict(
            "the booking is canceled and cannot be paid".to_owned(),
        ));
    }
    if booking.payment_status != PaymentStatus::Pending {
        return Err(AppError::Conflict(format!(
            "the booking's payment is already {}",
            booking.payment_status.as_str()
        )));
    }
    let paid =
        booking_db::set_booking_state(&mut *tx, booking.id, booking.status, PaymentStatus::Paid)
            .await?;
    let events = tell(
        &mut tx,
        &paid,
        paid.expert,
        "booking_paid",
        &format!("Booking paid: {}", paid.title),
        &format!("{} {} received.", paid.payment_amount, payment.currency),
    )
    .await?;
    tx.commit().await?;
    events.publish(&state.events);
    Ok(Recorded::Paid(paid))
}

/// A payment received outside the payment provider's webhook, recorded by an admin.
#[derive(InputObject)]
pub(super) struct RecordPaymentInput {
    /// The booking paid.
    booking_id: ID,
    /// The amount received: exactly the booking's `paymentAmount`.
    amount: Money,
    /// Its ISO 4217 currency: the booking's `paymentCurrency`.
    currency: String,
    /// The payment provider's id of this payment, when it has one (1 to 255
    /// characters): recording it again changes nothing (`duplicate: true`), and a webhook
    /// event with this id is then a duplicate too. Omitted, braid makes up a new id.
    provider_event_id: Option<String>,
}

/// What `recordPayment` did.
#[derive(SimpleObject)]
pub(super) struct RecordPaymentPayload {
    /// The booking: paid, or as it stands when the payment was already recorded.
    booking: ServiceBooking,
    /// Whether this provider event id was already recorded, so nothing changed.
    duplicate: bool,
}

/// Payment mutations.
#[derive(Default)]
pub(super) struct PaymentMutation;

#[Object]
impl PaymentMutation {
    /// Admins only: records a payment received for a pending booking and marks it PAID,
    /// as the payment provider's webhook does. An amount or currency other than what the
    /// booking owes is BAD_USER_INPUT; a canceled or already paid booking is CONFLICT.
    async fn record_payment(
        &self,
        ctx: &Context<'_>,
        input: RecordPaymentInput,
    ) -> Result<RecordPaymentPayload, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let admin = graphql::data::<Viewer>(ctx)?.require_admin()?;
        let payload = serde_json::json!({
            "bookingId": input.booking_id.as_str(),
            "amount": input.amount.0.to_string(),
            "currency": input.currency,
            "providerEventId": input.provider_event_id,
        })
        .to_string();
        let payment = Payment::new(
            input
                .provider_event_id
                .unwrap_or_else(|| format!("manual_{}", uuid::Uuid::now_v7())),
            BookingId::from_global(&input.booking_id)?,
            input.amount.0,
            &input.currency,
            PaymentSource::Admin(admin.user_id),
            payload,
        )?;
        Ok(match record_payment(state, &payment).await? {
            Recorded::Paid(booking) => RecordPaymentPayload {
                booking,
                duplicate: false,
            },
            Recorded::Duplicate(booking) => RecordPaymentPayload {
                booking,
                duplicate: true,
            },
        })
    }
}
