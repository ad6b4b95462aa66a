//! The per-instance hub: local fan-out per topic (a tokio broadcast channel each),
//! refcounted Redis subscriptions on one connection, and the publisher queue.

use std::{
    collections::{HashMap, HashSet},
    sync::{
        Arc, Mutex, MutexGuard,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::Duration,
};

use futures::{Stream, StreamExt};
use serde::{Deserialize, Serialize};
use tokio::sync::{Notify, broadcast, mpsc};
use tokio_util::sync::{CancellationToken, DropGuard};
use uuid::Uuid;

use super::{Delivery, Event, Topic};
use crate::stores::redis::Redis;

/// Events a topic buffers for a subscriber that is behind; beyond it the subscriber
/// skips the oldest (logged).
const TOPIC_BUFFER: usize = 128;
/// Events waiting to be sent to Redis; beyond it new ones reach local subscribers only.
const PUBLISH_QUEUE: usize = 10_000;
/// Most PUBLISH commands sent in one pipeline.
const PUBLISH_BATCH: usize = 256;
/// Channels per SUBSCRIBE / UNSUBSCRIBE command.
const SUBSCRIBE_BATCH: usize = 500;
/// How often the pub/sub connection is pinged, so a dead one is noticed.
const PING_EVERY: Duration = Duration::from_secs(5);
/// Reconnection back-off bounds.
const BACK_OFF_MIN: Duration = Duration::from_millis(100);
const BACK_OFF_MAX: Duration = Duration::from_secs(5);

/// What goes over Redis: the event and the instance that published it.
#[derive(Serialize, Deserialize)]
struct Wire {
    origin: Uuid,
    #[serde(flatten)]
    event: Event,
}

struct TopicEntry {
    sender: broadcast::Sender<Arc<Delivery>>,
    subscribers: usize,
}

/// State shared by the hub, its subscriptions and its background tasks.
struct Shared {
    instance: Uuid,
    prefix: String,
    topics: Mutex<HashMap<Topic, TopicEntry>>,
    /// Set when the set of live topics changed; the Redis task then reconciles.
    dirty: AtomicBool,
    changed: Notify,
    subscribers: AtomicUsize,
    redis_topics: AtomicUsize,
    redis_connected: AtomicBool,
}

impl Shared {
    fn topics(&self) -> MutexGuard<'_, HashMap<Topic, TopicEntry>> {
        // A panic while holding the lock cannot leave the map inconsistent (every
        // critical section is a single insert, update or remove), so poison is ignored.
        self.topics.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn deliver(&self, topic: Topic, event: Event) {
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
        tokio::spawn(send_to_redis(
            redis.clone(),
            shared.instance,
            shared.prefix.clone(),
            queue,
        ));
        tokio::spawn(listen_to_redis(shared.clone(), redis, stop.clone()));
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
            _membership: Membership {
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
    _membership: Membership,
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
                        topic = ?self._membership.topic,
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

/// Sends published events to Redis in order, several per round trip when they queue up.
/// Ends when the hub is dropped.
async fn send_to_redis(
    redis: Redis,
    instance: Uuid,
    prefix: String,
    mut queue: mpsc::Receiver<(Topic, Event)>,
) {
    let mut batch = Vec::with_capacity(PUBLISH_BATCH);
    let mut failing = false;
    while queue.recv_many(&mut batch, PUBLISH_BATCH).await > 0 {
        let mut pipeline = redis::pipe();
        for (topic, event) in batch.drain(..) {
            let payload = serde_json::to_string(&Wire {
                origin: instance,
                event,
            })
            .unwrap_or_default();
            pipeline
                .cmd("PUBLISH")
                .arg(topic.channel(&prefix))
                .arg(payload)
                .ignore();
        }
        match redis.run_pipeline::<()>(&pipeline).await {
            Ok(()) => {
                if failing {
                    tracing::info!("publishing events to Redis again");
                }
                failing = false;
            }
            Err(error) => {
                if !failing {
                    tracing::warn!(%error, "Redis is unavailable: events reach this instance only until it is back");
                }
                failing = true;
            }
        }
    }
}

/// Keeps the one pub/sub connection: connects once a topic is live, subscribes the live
/// topics, delivers what other instances publish, and reconnects with back-off.
async fn listen_to_redis(shared: Arc<Shared>, redis: Redis, stop: CancellationToken) {
    let mut back_off = BACK_OFF_MIN;
    let mut announced_outage = false;
    loop {
        // Connect lazily: nothing to do until some topic has a subscriber.
        while shared.topics().is_empty() {
            tokio::select! {
                () = stop.cancelled() => return,
                () = shared.changed.notified() => {}
            }
        }
        let connected = tokio::time::timeout(redis.timeout(), redis.pubsub()).await;
        match connected {
            Ok(Ok(pubsub)) => {
                if announced_outage {
                    tracing::info!("Redis pub/sub connection restored");
                }
                back_off = BACK_OFF_MIN;
                let ended = session(&shared, &redis, pubsub, &stop).await;
                shared.redis_connected.store(false, Ordering::Relaxed);
                shared.redis_topics.store(0, Ordering::Relaxed);
                match ended {
                    Ended::Stopped => return,
                    Ended::Lost(reason) => {
                        tracing::warn!(%reason, "Redis pub/sub connection lost; reconnecting");
                        announced_outage = true;
                    }
                }
            }
            Ok(Err(error)) if !announced_outage => {
                tracing::warn!(%error, "cannot reach Redis for pub/sub; retrying");
                announced_outage = true;
            }
            Err(_) if !announced_outage => {
                tracing::warn!("Redis pub/sub connection timed out; retrying");
                announced_outage = true;
            }
            _ => {}
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(back_off) => {}
        }
        back_off = (back_off * 2).min(BACK_OFF_MAX);
    }
}

enum Ended {
    Stopped,
    Lost(String),
}

async fn session(
    shared: &Shared,
    redis: &Redis,
    pubsub: redis::aio::PubSub,
    stop: &CancellationToken,
) -> Ended {
    let (mut sink, mut stream) = pubsub.split();
    let mut subscribed: HashSet<Topic> = HashSet::new();
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    shared.redis_connected.store(true, Ordering::Relaxed);
    // Everything live must be subscribed on the new connection.
    shared.dirty.store(true, Ordering::Release);
    loop {
        if shared.dirty.swap(false, Ordering::AcqRel) {
            let wanted: HashSet<Topic> = shared.topics().keys().copied().collect();
            let add: Vec<String> = wanted
                .difference(&subscribed)
                .map(|t| t.channel(&shared.prefix))
                .collect();
            let remove: Vec<String> = subscribed
                .difference(&wanted)
                .map(|t| t.channel(&shared.prefix))
                .collect();
            for channels in add.chunks(SUBSCRIBE_BATCH) {
                let done = tokio::time::timeout(redis.timeout(), sink.subscribe(channels)).await;
                if !matches!(done, Ok(Ok(()))) {
                    return Ended::Lost("SUBSCRIBE failed".to_owned());
                }
            }
            for channels in remove.chunks(SUBSCRIBE_BATCH) {
                let done = tokio::time::timeout(redis.timeout(), sink.unsubscribe(channels)).await;
                if !matches!(done, Ok(Ok(()))) {
                    return Ended::Lost("UNSUBSCRIBE failed".to_owned());
                }
            }
            subscribed = wanted;
            shared
                .redis_topics
                .store(subscribed.len(), Ordering::Relaxed);
        }
        tokio::select! {
            () = stop.cancelled() => return Ended::Stopped,
            () = shared.changed.notified() => {}
            message = stream.next() => {
                let Some(message) = message else {
                    return Ended::Lost("the server closed the connection".to_owned());
                };
                receive(shared, &message);
            }
            _ = ping.tick() => {
                let pong = tokio::time::timeout(redis.timeout(), sink.ping::<redis::Value>()).await;
                if !matches!(pong, Ok(Ok(_))) {
                    return Ended::Lost("no answer to PING".to_owned());
                }
            }
        }
    }
}

/// Delivers an event another instance published; this instance's own echo is ignored
/// (it was delivered when published).
fn receive(shared: &Shared, message: &redis::Msg) {
    let Some(topic) = Topic::from_channel(&shared.prefix, message.get_channel_name()) else {
        return;
    };
    let Ok(wire) = serde_json::from_slice::<Wire>(message.get_payload_bytes()) else {
        tracing::warn!(
            channel = message.get_channel_name(),
            "ignoring a malformed event"
        );
        return;
    };
    if wire.origin != shared.instance {
        shared.deliver(topic, wire.event);
    }
}
