//! Service and booking mutations, and the booking rules they share with the seed.
//!
//! Services are changed by their expert or an admin. Bookings: a signed-in user books an
//! active service of an expert they may see (not their own), starting in the future and
//! within the service's availability; the exclusion constraint refuses overlaps, so of
//! two concurrent bookings of one slot exactly one wins, and bookings of one service
//! take turns on its row. Payments are reported by the payment provider or an admin
//! (`payment.rs`); the client (before the start) or the expert cancels a scheduled
//! booking, refunding it when paid; the expert completes it once started. Each change
//! records a notification for the other party in its transaction.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};

use super::{
    availability,
    booking_db::{self, NewBooking},
    booking_input::{self, BookServiceInput, ExpertServiceInput, UpdateExpertServiceInput},
    db,
    model::{BookingId, BookingStatus, ExpertVisibility, PaymentStatus, ServiceId, ServiceStatus},
    service::{ExpertService, ServiceBooking},
};
use crate::{
    error::AppError,
    events::{Event, EventKind, Pending, Topic},
    graphql::{
        self,
        node::NodeId,
        viewer::{SignedIn, Viewer},
    },
    notifications::{self, NewNotification},
    state::AppState,
    users::{Role, UserId},
};

/// Creates a service for `expert`, who must have an expert profile.
pub(crate) async fn create_service(
    db: impl PgExecutor<'_>,
    expert: UserId,
    input: ExpertServiceInput,
) -> Result<ExpertService, AppError> {
    let (fields, status) = input.parse()?;
    booking_db::insert_service(db, expert, &fields, status).await
}

/// Moves a service along `DRAFT -> ACTIVE <-> INACTIVE` (the trigger refuses the rest).
pub(crate) async fn set_service_status(
    db: impl PgExecutor<'_>,
    service: ServiceId,
    status: ServiceStatus,
) -> Result<ExpertService, AppError> {
    booking_db::set_service_status(db, service, status).await
}

/// Books `service` for `client`, starting in the future.
pub(crate) async fn book(
    state: &AppState,
    client: UserId,
    service: ServiceId,
    input: BookServiceInput,
) -> Result<ServiceBooking, AppError> {
    let fields = input.parse(Some(Utc::now()))?;
    record_booking(state, client, service, fields).await
}

/// Seed only: books `service` for `client` at any time, past included, so the demo data
/// has bookings that already took place. Every other rule of [`book`] applies.
pub(crate) async fn seed_booking(
    state: &AppState,
    client: UserId,
    service: ServiceId,
    input: BookServiceInput,
) -> Result<ServiceBooking, AppError> {
    let fields = input.parse(None)?;
    record_booking(state, client, service, fields).await
}

async fn record_booking(
    state: &AppState,
    client: UserId,
    service_id: ServiceId,
    fields: booking_input::BookingFields,
) -> Result<ServiceBooking, AppError> {
    let absent = || AppError::NotFound("no service has this id".to_owned());
    let mut tx = state.pg.begin().await?;
    // Bookings of one service take turns on its row (and it cannot be deactivated or
    // deleted meanwhile): a contested slot is then decided by the exclusion constraint
    // at once, instead of each insert waiting on the others' uncommitted rows while
    // holding a pooled connection. A turn that does not come within the store timeout
    // is a `CONFLICT` to retry, never a store outage.
    booking_db::limit_lock_wait(&mut tx, state.config.store_timeout()).await?;
    let service = booking_db::service_locked(&mut *tx, service_id)
        .await?
        .ok_or_else(absent)?;
    if service.expert == client {
        return Err(AppError::Forbidden(
            "experts cannot book their own services".to_owned(),
        ));
    }
    let expert = db::profiles_by_ids(&mut *tx, &[service.expert.0])
        .await?
        .pop()
        .ok_or_else(absent)?;
    // The client is signed in: public and limited experts are visible, private ones not.
    if !expert.user_active || expert.visibility == ExpertVisibility::Private {
        return Err(absent());
    }
    // Only active services are visible to clients: a draft or inactive one does not
    // exist for them.
    if service.status != ServiceStatus::Active {
        return Err(absent());
    }
    availability::check(&service.availability, fields.start_time, fields.end_time)?;
    let (amount, currency) = booking_input::payment(
        service.pricing_model,
        service.price,
        service.currency.as_deref(),
        fields.start_time,
        fields.end_time,
    );
    // Free bookings owe nothing: they are paid when made.
    let payment_status = if amount.is_zero() {
        PaymentStatus::Paid
    } else {
        PaymentStatus::Pending
    };
    let booking = booking_db::insert_booking(
        &mut *tx,
        &NewBooking {
            service: service.id,
            client,
            fields: &fields,
            amount,
            currency: currency.as_deref(),
            payment_status,
        },
    )
    .await?;
    let events = tell(
        &mut tx,
        &booking,
        service.expert,
        "booking_created",
        &format!("New booking: {}", booking.title),
        &format!(
            "{} booked for {} to {}.",
            service.title,
            booking.start_time.format("%Y-%m-%d %H:%M UTC"),
            booking.end_time.format("%Y-%m-%d %H:%M UTC")
        ),
    )
    .await?;
    tx.commit().await?;
    events.publish(&state.events);
    Ok(booking)
}

/// Records a notification about `booking` for `recipient`, in the caller's transaction;
/// the events to publish once it commits (the notification, and `bookingUpdated` for
/// both parties).
pub(super) async fn tell(
    tx: &mut PgConnection,
    booking: &ServiceBooking,
    recipient: UserId,
    kind: &str,
    title: &str,
    content: &str,
) -> Result<Pending, AppError> {
    let url = format!("/bookings/{}", booking.id.to_global().as_str());
    let title: String = title.chars().take(255).collect();
    let mut events = notifications::notify(
        &mut *tx,
        &[NewNotification {
            recipient,
            kind,
            title: &title,
            content,
            action_url: Some(&url),
        }],
    )
    .await?;
    let event = Event::new(EventKind::Booking, booking.id.0);
    events.push(Topic::Bookings(booking.client.0), event);
    events.push(Topic::Bookings(booking.expert.0), event);
    Ok(events)
}

/// Who changes a booking.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Actor {
    /// The user acting.
    pub(crate) user: UserId,
    /// Admins see every booking but act on none they are not a party to.
    pub(crate) is_admin: bool,
}

impl From<&SignedIn> for Actor {
    fn from(signed_in: &SignedIn) -> Self {
        Actor {
            user: signed_in.user_id,
            is_admin: signed_in.is_admin,
        }
    }
}

/// The booking, locked in a new transaction, if `actor` takes part in it: others get
/// NOT_FOUND (they cannot see it), admins FORBIDDEN.
async fn party_booking(
    state: &AppState,
    actor: Actor,
    id: BookingId,
) -> Result<(sqlx::Transaction<'static, sqlx::Postgres>, ServiceBooking), AppError> {
    let mut tx = state.pg.begin().await?;
    let booking = booking_db::booking_for_update(&mut *tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound("no booking has this id".to_owned()))?;
    if booking.client != actor.user && booking.expert != actor.user {
        return Err(if actor.is_admin {
            AppError::Forbidden("only the client or the expert changes a booking".to_owned())
        } else {
            AppError::NotFound("no booking has this id".to_owned())
        });
    }
    Ok((tx, booking))
}

/// The client (before the start) or the expert (any time) cancels a scheduled booking;
/// a paid booking is refunded. The other party is told.
pub(crate) async fn cancel(
    state: &AppState,
    actor: Actor,
    id: BookingId,
    now: DateTime<Utc>,
) -> Result<ServiceBooking, AppError> {
    let (mut tx, booking) = party_booking(state, actor, id).await?;
    if booking.status != BookingStatus::Scheduled {
        return Err(AppError::Conflict(format!(
            "the booking is {} and cannot be canceled",
            booking.status.as_str()
        )));
    }
    let by_client = booking.client == actor.user;
    if by_client && booking.start_time <= now {
        return Err(AppError::Conflict(
            "the booking has started: only the expert may cancel it now".to_owned(),
        ));
    }
    let payment = match booking.payment_status {
        PaymentStatus::Paid => PaymentStatus::Refunded,
        other => other,
    };
    let canceled =
        booking_db::set_booking_state(&mut *tx, booking.id, BookingStatus::Canceled, payment)
            .await?;
    let (recipient, who) = if by_client {
        (canceled.expert, "The client")
    } else {
        (canceled.client, "The expert")
    };
    let refund = if payment == PaymentStatus::Refunded {
        " The payment is refunded."
    } else {
        ""
    };
    let events = tell(
        &mut tx,
        &canceled,
        recipient,
        "booking_canceled",
        &format!("Booking canceled: {}", canceled.title),
        &format!("{who} canceled the booking.{refund}"),
    )
    .await?;
    tx.commit().await?;
    events.publish(&state.events);
    Ok(canceled)
}

/// The expert completes a scheduled booking once it has started; the client is told.
pub(crate) async fn complete(
    state: &AppState,
    actor: Actor,
    id: BookingId,
    now: DateTime<Utc>,
) -> Result<ServiceBooking, AppError> {
    let (mut tx, booking) = party_booking(state, actor, id).await?;
    if booking.expert != actor.user {
        return Err(AppError::Forbidden(
            "only the expert completes a booking".to_owned(),
        ));
    }
    if booking.status != BookingStatus::Scheduled {
        return Err(AppError::Conflict(format!(
            "the booking is {} and cannot be completed",
            booking.status.as_str()
        )));
    }
    if booking.start_time > now {
        return Err(AppError::Conflict(
            "the booking has not started yet".to_owned(),
        ));
    }
    let completed = booking_db::set_booking_state(
        &mut *tx,
        booking.id,
        BookingStatus::Completed,
        booking.payment_status,
    )
    .await?;
    let events = tell(
        &mut tx,
        &completed,
        completed.client,
        "booking_completed",
        &format!("Booking completed: {}", completed.title),
        "The expert marked the booking completed.",
    )
    .await?;
    tx.commit().await?;
    events.publish(&state.events);
    Ok(completed)
}

/// The service, locked in the caller's transaction, if the viewer may change it.
async fn owned_service(
    ctx: &Context<'_>,
    tx: &mut PgConnection,
    id: ServiceId,
) -> Result<ExpertService, AppError> {
    let viewer = graphql::data::<Viewer>(ctx)?;
    viewer.require_user()?;
    let service = booking_db::service_locked(&mut *tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound("no service has this id".to_owned()))?;
    viewer.require_owner_or_admin(service.expert)?;
    Ok(service)
}

/// Service and booking mutations.
#[derive(Default)]
pub(super) struct BookingMutation;

#[Object]
impl BookingMutation {
    /// Creates a service for the viewer, who needs an expert profile. The price must agree
    /// with the pricing model (BAD_USER_INPUT otherwise).
    async fn create_expert_service(
        &self,
        ctx: &Context<'_>,
        input: ExpertServiceInput,
    ) -> Result<ExpertService, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        if viewer.role != Role::Expert {
            return Err(AppError::Forbidden(
                "only experts offer services".to_owned(),
            ));
        }
        create_service(&state.pg, viewer.user_id, input).await
    }

    /// Changes a service; the price must still agree with the pricing model.
    async fn update_expert_service(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateExpertServiceInput,
    ) -> Result<ExpertService, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let mut tx = state.pg.begin().await?;
        let service = owned_service(ctx, &mut tx, ServiceId::from_global(&id)?).await?;
        let fields = input.apply(service.fields())?;
        let updated = booking_db::update_service(&mut *tx, service.id, &fields).await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Moves a service along DRAFT -> ACTIVE | INACTIVE, ACTIVE <-> INACTIVE; going back
    /// to DRAFT is CONFLICT. Existing bookings stand.
    async fn set_expert_service_status(
        &self,
        ctx: &Context<'_>,
        id: ID,
        status: ServiceStatus,
    ) -> Result<ExpertService, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let mut tx = state.pg.begin().await?;
        let service = owned_service(ctx, &mut tx, ServiceId::from_global(&id)?).await?;
        let updated = set_service_status(&mut *tx, service.id, status).await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Books an active service of another expert for the viewer. The payment amount is
    /// computed from the service (see `ServiceBooking.paymentAmount`); free bookings are
    /// paid at once. An overlap with a live booking of the service is CONFLICT.
    async fn book_service(
        &self,
        ctx: &Context<'_>,
        service_id: ID,
        input: BookServiceInput,
    ) -> Result<ServiceBooking, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        book(
            state,
            viewer.user_id,
            ServiceId::from_global(&service_id)?,
            input,
        )
        .await
    }

    /// The client (before it starts) or the expert cancels a scheduled booking; a paid
    /// booking is refunded (free bookings too: they were paid, with nothing, when made).
    async fn cancel_booking(&self, ctx: &Context<'_>, id: ID) -> Result<ServiceBooking, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        cancel(
            state,
            viewer.into(),
            BookingId::from_global(&id)?,
            Utc::now(),
        )
        .await
    }

    /// The expert marks a scheduled booking completed, once its start time has passed.
    async fn complete_booking(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<ServiceBooking, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        complete(
            state,
            viewer.into(),
            BookingId::from_global(&id)?,
            Utc::now(),
        )
        .await
    }
}
