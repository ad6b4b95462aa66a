//! `bookingUpdated`: the viewer's bookings made or changed, from any braid instance.

use async_graphql::{Context, ID, Subscription};
use futures::Stream;

use super::{loader, model::BookingId, service::ServiceBooking};
use crate::{
    error::AppError,
    events::{self, Topic},
    graphql::{self, node::NodeId, viewer::Viewer},
    state::AppState,
};

/// Expert subscriptions.
#[derive(Default)]
pub struct ExpertSubscription;

#[Subscription]
impl ExpertSubscription {
    /// Each booking made, paid, canceled or completed from now on in which the viewer
    /// is the client or the expert; only `bookingId` when given (NOT_FOUND unless the
    /// viewer takes part in it).
    async fn booking_updated<'ctx>(
        &self,
        ctx: &'ctx Context<'_>,
        #[graphql(desc = "Follow only this booking.")] booking_id: Option<ID>,
    ) -> Result<impl Stream<Item = Result<ServiceBooking, AppError>> + use<'ctx>, AppError> {
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?.user_id;
        let only = booking_id
            .as_ref()
            .map(BookingId::from_global)
            .transpose()?;
        if let Some(id) = only {
            match loader::load_booking(ctx, id).await? {
                Some(booking) if booking.client == viewer || booking.expert == viewer => {}
                _ => return Err(AppError::NotFound("bookingId: no such booking".to_owned())),
            }
        }
        let state = graphql::data::<AppState>(ctx)?;
        Ok(events::follow(
            &state.events,
            Topic::Bookings(viewer.0),
            move |delivery| async move {
                let id = BookingId(delivery.event.id);
                if only.is_some_and(|only| only != id) {
                    return Ok(None);
                }
                Ok(loader::load_booking(ctx, id)
                    .await?
                    .filter(|b| b.client == viewer || b.expert == viewer))
            },
        ))
    }
}
