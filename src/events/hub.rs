//! The per-instance hub: local fan-out per topic (a tokio broadcast channel each) and
//! refcounted topics; `redis_link` carries them to and from Redis.

use std::{
    collections::{HashMap, HashSet},
    sync::{
        Arc, Mutex, MutexGuard,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
};

use futures::Stream;
use tokio::sync::{Notify, broadcast, mpsc};
use tokio_util::sync::{CancellationToken, DropGuard};
use uuid::Uuid;

use super::{Delivery, Event, Topic, redis_link};
use crate::stores::redis::Redis;

/// Events a topic buffers for a subscriber that is behind; beyond it the subscriber
/// skips the oldest (logged).
const TOPIC_BUFFER: usize = 128;
/// Events waiting to be sent to Redis; beyond it new ones reach local subscribers only.
const PUBLISH_QUEUE: usize = 10_000;

struct TopicEntry {
    sender: broadcast::Sender<Arc<Delivery>>,
    subscribers: usize,
}

/// State shared by the hub, its subscriptions and its background tasks.
pub(super) struct Shared {
    pub(super) instance: Uuid,
    pub(super) prefix: String,
    topics: Mutex<HashMap<Topic, TopicEntry>>,
    /// Set when the set of live topics changed; the Redis task then reconciles.
    pub(super) dirty: AtomicBool,
    pub(super) changed: Notify,
    pub(super) subscribers: AtomicUsize,
    pub(super) redis_topics: AtomicUsize,
    pub(super) redis_connected: AtomicBool,
}

impl Shared {
    /// The topics with local subscribers now.
    pub(super) fn live_topics(&self) -> HashSet<Topic> {
        self.topics().keys().copied().collect()
    }

    /// Whether no topic has a local subscriber.
    pub(super) fn is_idle(&self) -> bool {
        self.topics().is_empty()
    }

    fn topics(&self) -> MutexGuard<'_, HashMap<Topic, TopicEntry>> {
        // A panic while holding the lock cannot leave the map inconsistent (every
        // critical section is a single insert, update or remove), so poison is ignored.
        self.topics.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn deliver(&self, topic: Topic, event: Event) {
        if let Some(entry) = self.topics().get(&topic) {
            // An error only means every receiver is gone already.
            let _ = entry.sender.send(Arc::new(Delivery::new(event)));
        }
    }

    fn mark_changed(&self) {
        self.dirty.store(true, Ordering::Release);
        self.changed.notify_one();
    }

    fn leave(&self, topic: Topic) {
        let mut topics = self.topics();
        let last = match topics.get_mut(&topic) {
            Some(entry) => {
                entry.subscribers -= 1;
                entry.subscribers == 0
            }
            None => false,
        };
        if last {
            topics.remove(&topic);
        }
        drop(topics);
        self.subscribers.fetch_sub(1, Ordering::Relaxed);
        if last {
            self.mark_changed();
        }
    }
}

/// Counters of a hub, for `/metrics` and tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HubStats {
    /// Topics with at least one local subscriber.
    pub topics: usize,
    /// Local subscriptions.
    pub subscribers: usize,
    /// Channels subscribed on Redis.
    pub redis_topics: usize,
    /// Whether the pub/sub connection is up.
    pub redis_connected: bool,
}

/// One instance's event hub; cheap to clone.
#[derive(Clone)]
pub struct Hub(Arc<Inner>);

struct Inner {
    shared: Arc<Shared>,
    outbox: mpsc::Sender<(Topic, Event)>,
    /// Stops the Redis task when the last handle to the hub goes.
    _stop: DropGuard,
}

impl Hub {
    /// A hub over `redis`; spawns its background tasks on the current runtime. It
    /// connects to Redis once the first topic has a subscriber.
    pub fn start(redis: Redis) -> Hub {
        let shared = Arc::new(Shared {
            instance: Uuid::new_v4(),
            prefix: redis.prefix().to_owned(),
            topics: Mutex::default(),
            dirty: AtomicBool::new(false),
            changed: Notify::new(),
            subscribers: AtomicUsize::new(0),
            redis_topics: AtomicUsize::new(0),
            redis_connected: AtomicBool::new(false),
        });
        let stop = CancellationToken::new();
        let (outbox, queue) = mpsc::channel(PUBLISH_QUEUE);
        tokio::spawn(redis_link::send(
            redis.clone(),
            shared.instance,
            shared.prefix.clone(),
            queue,
        ));
        tokio::spawn(redis_link::listen(shared.clone(), redis, stop.clone()));
        Hub(Arc::new(Inner {
            shared,
            outbox,
            _stop: stop.drop_guard(),
        }))
    }

    /// This instance's id, which tags the events it publishes.
    pub fn instance(&self) -> Uuid {
        self.0.shared.instance
    }

    /// Announces `event` on `topic`: to this instance's subscribers at once, then to
    /// the other instances through Redis (in order, without waiting for it).
    pub fn publish(&self, topic: Topic, event: Event) {
        self.0.shared.deliver(topic, event);
        if let Err(error) = self.0.outbox.try_send((topic, event)) {
            tracing::warn!(%error, "the Redis publish queue is full: an event reaches this instance only");
        }
    }

    /// Subscribes to `topic`: the events published from now on, on any instance.
    pub fn subscribe(&self, topic: Topic) -> Subscription {
        let shared = &self.0.shared;
        let mut topics = shared.topics();
        let mut first = false;
        let entry = topics.entry(topic).or_insert_with(|| {
            first = true;
            TopicEntry {
                sender: broadcast::channel(TOPIC_BUFFER).0,
                subscribers: 0,
            }
        });
        entry.subscribers += 1;
        let receiver = entry.sender.subscribe();
        drop(topics);
        shared.subscribers.fetch_add(1, Ordering::Relaxed);
        if first {
            shared.mark_changed();
        }
        Subscription {
            receiver,
            membership: Membership {
                shared: shared.clone(),
                topic,
            },
        }
    }

    /// The hub's counters.
    pub fn stats(&self) -> HubStats {
        let shared = &self.0.shared;
        HubStats {
            topics: shared.topics().len(),
            subscribers: shared.subscribers.load(Ordering::Relaxed),
            redis_topics: shared.redis_topics.load(Ordering::Relaxed),
            redis_connected: shared.redis_connected.load(Ordering::Relaxed),
        }
    }
}

/// Leaves the topic when dropped (the last subscriber unsubscribes it on Redis).
struct Membership {
    shared: Arc<Shared>,
    topic: Topic,
}

impl Drop for Membership {
    fn drop(&mut self) {
        self.shared.leave(self.topic);
    }
}

/// A live subscription to one topic; dropping it (or its stream) leaves the topic.
pub struct Subscription {
    receiver: broadcast::Receiver<Arc<Delivery>>,
    membership: Membership,
}

impl Subscription {
    /// The next event; `None` once the hub is gone.
    pub async fn next(&mut self) -> Option<Arc<Delivery>> {
        loop {
            match self.receiver.recv().await {
                Ok(event) => return Some(event),
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::warn!(
                        missed,
                        topic = ?self.membership.topic,
                        "a subscriber fell behind and skipped events"
                    );
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }

    /// The events as a stream, which owns the subscription.
    pub fn into_stream(self) -> impl Stream<Item = Arc<Delivery>> + Send + 'static {
        futures::stream::unfold(self, |mut subscription| async move {
            let event = subscription.next().await?;
            Some((event, subscription))
        })
    }
}
