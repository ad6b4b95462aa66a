//! `/healthz` (the process is up) and `/readyz` (every store answers).

use axum::{Json, extract::State, response::IntoResponse};
use http::StatusCode;
use serde_json::{Map, json};

use super::HttpState;
use crate::stores;

/// Always 200 while the process serves requests.
pub(super) async fn healthz() -> &'static str {
    "ok"
}

/// Each store's status and latency; 503 when any of them is down.
pub(super) async fn readyz(State(app): State<HttpState>) -> impl IntoResponse {
    let checks = stores::check_all(&app.state).await;
    let ready = checks.iter().all(|c| c.up);
    let mut by_store = Map::new();
    for check in &checks {
        metrics::gauge!("braid_store_up", "store" => check.store.key()).set(if check.up {
            1.0
        } else {
            0.0
        });
        by_store.insert(
            check.store.key().to_owned(),
            json!({
                "status": if check.up { "up" } else { "down" },
                "latencyMs": (check.latency_ms * 100.0).round() / 100.0,
            }),
        );
    }
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(json!({ "status": if ready { "ready" } else { "unavailable" }, "stores": by_store })),
    )
}
