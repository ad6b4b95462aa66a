//! The hub's link to Redis: the publisher (events out, in order, pipelined) and the one
//! pub/sub connection (live topics subscribed, other instances' events in), which
//! reconnects with back-off and subscribes every live topic again.

use std::{collections::HashSet, sync::Arc, sync::atomic::Ordering, time::Duration};

use futures::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::{Event, Topic, hub::Shared};
use crate::stores::redis::Redis;

/// Most PUBLISH commands sent in one pipeline.
const PUBLISH_BATCH: usize = 256;
/// Channels per SUBSCRIBE / UNSUBSCRIBE command.
const SUBSCRIBE_BATCH: usize = 500;
/// How often the pub/sub connection is pinged, so a dead one is noticed.
const PING_EVERY: Duration = Duration::from_secs(10);
/// How many store timeouts a PING may take before the connection counts as dead.
const PING_PATIENCE: u32 = 5;
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

/// Sends published events to Redis in order, several per round trip when they queue up.
/// Ends when the hub is dropped.
pub(super) async fn send(
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
pub(super) async fn listen(shared: Arc<Shared>, redis: Redis, stop: CancellationToken) {
    let mut back_off = BACK_OFF_MIN;
    let mut announced_outage = false;
    loop {
        // Connect lazily: nothing to do until some topic has a subscriber.
        while shared.is_idle() {
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
            let wanted = shared.live_topics();
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
                // Generous: a busy instance (thousands of deliveries queued) answers late,
                // and a needless reconnect would drop events.
                let patience = redis.timeout() * PING_PATIENCE;
                let pong = tokio::time::timeout(patience, sink.ping::<redis::Value>()).await;
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
