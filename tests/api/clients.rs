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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphql_ws_client() {
    let app = TestApp::new().await;
    let served = app.serve().await;
    let args = [served.ws_url(), served.url("/graphql")];
    let stdout = tokio::task::spawn_blocking(move || node("transport-ws.mjs", &args))
        .await
        .expect("joined");
    assert!(stdout.contains("4 scenarios passed"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriptions_transport_ws_client() {
    let app = TestApp::new().await;
    let served = app.serve().await;
    let args = [served.ws_url(), served.url("/graphql")];
    let stdout = tokio::task::spawn_blocking(move || node("legacy-ws.mjs", &args))
        .await
        .expect("joined");
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
