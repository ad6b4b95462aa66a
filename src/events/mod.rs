//! Real-time events: what mutations announce after they commit, and how every braid
//! instance hears of them.
//!
//! One [`Hub`] per instance (in `AppState`) holds ONE Redis pub/sub connection. A topic
//! is subscribed on Redis when its first local subscriber arrives and unsubscribed when
//! the last one leaves. [`Hub::publish`] delivers to this instance's subscribers first
//! and then sends the event to Redis tagged with the instance's id; the other instances
//! deliver it to theirs and this one ignores its own echo, so local delivery works while
//! Redis is down. A background task reconnects with back-off and subscribes every live
//! topic again.
//!
//! Events carry ids only: subscribers load the entity again and check, on every event,
//! that their viewer may still see it.

mod hub;
mod redis_link;
mod topic;

use std::{any::Any, sync::Arc};

use serde::{Deserialize, Serialize};
use tokio::sync::OnceCell;
use uuid::Uuid;

use crate::error::AppError;

pub use hub::{Hub, HubStats, Subscription};
pub use topic::Topic;

/// What changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A job was published.
    Job,
    /// A message was sent.
    Message,
    /// A notification was recorded.
    Notification,
    /// A job application was made or changed state.
    Application,
    /// A booking was made or changed.
    Booking,
    /// A twin training job was queued or made progress.
    TrainingJob,
    /// A delivery project changed.
    Project,
    /// A requirement was submitted or changed.
    Requirement,
    /// A PRD was generated or changed.
    Prd,
    /// A tech design was created or changed.
    TechDesign,
    /// An API spec was attached.
    ApiSpec,
}

/// One announcement: the kind of change and the id of the thing that changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// What changed.
    pub kind: EventKind,
    /// The id of what changed.
    pub id: Uuid,
}

impl Event {
    /// An event about `id`.
    pub fn new(kind: EventKind, id: Uuid) -> Self {
        Event { kind, id }
    }
}

/// An event as this instance delivers it: one value shared by every local subscriber of
/// the topic, so what they all need about the event is loaded once ([`Delivery::shared`]).
pub struct Delivery {
    /// The event.
    pub event: Event,
    loaded: OnceCell<Result<Arc<dyn Any + Send + Sync>, AppError>>,
}

impl Delivery {
    fn new(event: Event) -> Self {
        Delivery {
            event,
            loaded: OnceCell::new(),
        }
    }

    /// What `load` returns for this event: the first subscriber to ask loads it, the
    /// others share the result. Only for what does not depend on the viewer (each
    /// subscriber still checks its own access).
    pub async fn shared<S, F, Fut>(&self, load: F) -> Result<Arc<S>, AppError>
    where
        S: Any + Send + Sync,
        F: FnOnce(Event) -> Fut,
        Fut: Future<Output = Result<S, AppError>>,
    {
        let loaded = self
            .loaded
            .get_or_init(|| async {
                load(self.event)
                    .await
                    .map(|value| Arc::new(value) as Arc<dyn Any + Send + Sync>)
            })
            .await;
        match loaded {
            Ok(value) => value.clone().downcast::<S>().map_err(|_| {
                AppError::internal(anyhow::anyhow!(
                    "two subscriptions share a topic with different loaders"
                ))
            }),
            Err(error) => Err(error.clone()),
        }
    }
}

/// Events a mutation collected while its transaction was open, published once it has
/// committed (nobody hears of a change that did not happen).
#[derive(Debug, Default)]
#[must_use = "publish the events after the transaction commits"]
pub struct Pending(Vec<(Topic, Event)>);

impl Pending {
    /// Nothing to announce.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an announcement.
    pub fn push(&mut self, topic: Topic, event: Event) {
        self.0.push((topic, event));
    }

    /// Adds everything `other` holds.
    pub fn extend(&mut self, other: Pending) {
        self.0.extend(other.0);
    }

    /// Announces everything on `hub`.
    pub fn publish(self, hub: &Hub) {
        for (topic, event) in self.0 {
            hub.publish(topic, event);
        }
    }
}

/// The stream behind a subscription field: for every event on `topic`, `load` reads the
/// entity again and checks that the viewer may still see it (`Ok(None)` skips the
/// event). The topic is left when the stream is dropped.
///
/// `load` may borrow the subscription's GraphQL context, so the same access rules and
/// per-request DataLoaders as queries decide (the loaders cache nothing between events).
pub fn follow<'a, T, F, Fut>(
    hub: &Hub,
    topic: Topic,
    load: F,
) -> impl futures::Stream<Item = Result<T, AppError>> + Send + use<'a, T, F, Fut>
where
    T: Send + 'a,
    F: FnMut(Arc<Delivery>) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Option<T>, AppError>> + Send + 'a,
{
    use futures::StreamExt;
    hub.subscribe(topic)
        .into_stream()
        .then(load)
        .filter_map(|loaded| async move { loaded.transpose() })
}
