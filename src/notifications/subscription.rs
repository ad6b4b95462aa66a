//! `notificationAdded`: the viewer's new notifications, from any braid instance.

use async_graphql::{Context, Subscription};
use futures::Stream;

use super::{db, model::Notification};
use crate::{
    error::AppError,
    events::{self, Topic},
    graphql::{self, viewer::Viewer},
    state::AppState,
};

/// Notification subscriptions.
#[derive(Default)]
pub struct NotificationSubscription;

#[Subscription]
impl NotificationSubscription {
    /// Each notification recorded for the viewer from now on. Signed-in viewers only.
    async fn notification_added(
        &self,
        ctx: &Context<'_>,
    ) -> Result<impl Stream<Item = Result<Notification, AppError>> + use<>, AppError> {
        let state = graphql::data::<AppState>(ctx)?.clone();
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?.user_id;
        let topic = Topic::Notifications(viewer.0);
        let hub = state.events.clone();
        Ok(events::follow(&hub, topic, move |delivery| {
            let pg = state.pg.clone();
            async move { Ok(db::find_for(&pg, delivery.event.id, viewer.0).await?) }
        }))
    }
}
