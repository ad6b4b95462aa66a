//! Real clients from npm against a served braid: the graphql-http spec audit, the
//! graphql-ws client and the legacy subscriptions-transport-ws client.
//! `scripts/test` installs them (`npm ci` in `tests/js`).

use crate::harness::{TestApp, run_node};

fn node(script: &str, args: &[String]) -> String {
    run_node("tests/js", script, args)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphql_http_audit_passes_every_must_and_should() {
    let app = TestApp::new().await;
    let served = app.serve().await;
    let url = served.url("/graphql");
    let stdout = tokio::task::spawn_blocking(move || node("audit.mjs", &[url]))
        .await
        .expect("joined");
    // Shown with --nocapture, and in the failure message above otherwise.
    println!("{stdout}");
    assert!(stdout.contains("AUDIT "), "{stdout}");
}

/// Runs a WebSocket client script against a served app: it subscribes to `jobPosted`
/// and publishes draft jobs (as their employer) until it hears one.
async fn websocket_client(script: &'static str) -> String {
    let app = TestApp::new().await;
    let served = app.serve().await;
    let (employer, drafts) = crate::hiring::draft_jobs(&app, 30).await;
    let args = [
        served.ws_url(),
        served.url("/graphql"),
        employer,
        drafts.join(","),
    ];
    tokio::task::spawn_blocking(move || node(script, &args))
        .await
        .expect("joined")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphql_ws_client() {
    let stdout = websocket_client("transport-ws.mjs").await;
    assert!(stdout.contains("4 scenarios passed"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriptions_transport_ws_client() {
    let stdout = websocket_client("legacy-ws.mjs").await;
    assert!(stdout.contains("3 scenarios passed"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apollo_client_persisted_queries_link() {
    let app = TestApp::new().await;
    let served = app.serve().await;
    let url = served.url("/graphql");
    let stdout = tokio::task::spawn_blocking(move || node("apq.mjs", &[url]))
        .await
        .expect("joined");
    assert!(stdout.contains("miss then register then hit"), "{stdout}");
}
