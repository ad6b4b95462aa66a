//! Prometheus metrics: the process-wide recorder, `/metrics`, and per-request counters.
//!
//! - `braid_http_requests_total{route,method,status}` and
//!   `braid_http_request_duration_seconds{route,method}`
//! - `braid_graphql_operations_total{viewer,partner,type,operation}` (`operation`: see
//!   [`operation_label`]) and `braid_graphql_errors_total{code}`
//! - `braid_response_cache_total{result}` (hit, miss, bypass) and
//!   `braid_hot_cache_total{entity,result}`
//! - `braid_store_up{store}` (set by `/readyz`)
//! - `braid_events_topics`, `braid_events_subscribers`, `braid_events_redis_topics`,
//!   `braid_events_redis_connected`: the event hub (set when `/metrics` is read)
//! - `braid_tokio_alive_tasks`: tasks alive in the runtime (leaks show up here)

use std::{sync::OnceLock, time::Instant};

use axum::{
    extract::{MatchedPath, Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::header;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use super::HttpState;

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process-wide recorder once; later calls reuse it.
pub fn install() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets(&[
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ])
            .map(PrometheusBuilder::build_recorder)
            .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder());
        let handle = recorder.handle();
        // Another recorder may already be installed (e.g. by an embedding program);
        // braid then still renders its own handle.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// `GET /metrics` in the Prometheus text format.
pub(super) async fn render(State(app): State<HttpState>) -> impl IntoResponse {
    let hub = app.state.events.stats();
    metrics::gauge!("braid_events_topics").set(hub.topics as f64);
    metrics::gauge!("braid_events_subscribers").set(hub.subscribers as f64);
    metrics::gauge!("braid_events_redis_topics").set(hub.redis_topics as f64);
    metrics::gauge!("braid_events_redis_connected").set(f64::from(u8::from(hub.redis_connected)));
    metrics::gauge!("braid_tokio_alive_tasks").set(
        tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks() as f64,
    );
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        install().render(),
    )
}

/// Counts and times every request by matched route (never by raw path, which would let
/// clients create unbounded label values).
pub(super) async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("braid_http_requests_total", "route" => route.clone(), "method" => method.clone(), "status" => status).increment(1);
    metrics::histogram!("braid_http_request_duration_seconds", "route" => route, "method" => method)
        .record(started.elapsed().as_secs_f64());
    response
}

/// The `operation` label of a GraphQL operation: client-chosen names are unbounded, so
/// partner documents keep their (published) names, and first-party operations keep
/// theirs only until `cap` distinct names are known; later ones count as `other`.
pub(super) fn operation_label(name: Option<&str>, partner: bool, cap: usize) -> String {
    static KNOWN: OnceLock<std::sync::Mutex<std::collections::HashSet<String>>> = OnceLock::new();
    let Some(name) = name else {
        return "-".to_owned();
    };
    if partner {
        return name.to_owned();
    }
    let Ok(mut known) = KNOWN.get_or_init(Default::default).lock() else {
        return "other".to_owned();
    };
    if known.contains(name) || (known.len() < cap && known.insert(name.to_owned())) {
        name.to_owned()
    } else {
        "other".to_owned()
    }
}
