//! GraphiQL in a real browser (Debian's chromium through puppeteer-core, tests/js/graphiql.mjs):
//! the page renders from braid's own assets with no request beyond loopback, a typed query
//! returns data, the header editor's Authorization reaches braid over HTTP and WebSocket,
//! and a typed subscription shows an event this test causes over HTTP. Also over plain
//! HTTP: the assets' caching, compression and content types, and a braid without them.

use std::{
    io::Read,
    time::{Duration, Instant},
};

use reqwest::{Client, StatusCode, header};
use serde_json::{Value, json};

use crate::harness::{TestApp, repo_root, run_node};

#[tokio::test]
async fn graphiql_runs_queries_and_subscriptions_in_a_browser() {
    let started = Instant::now();
    let chromium = std::env::var("BRAID_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        std::path::Path::new(&chromium).exists(),
        "{chromium} is missing: `scripts/stack up` installs Debian's chromium"
    );
    let app = TestApp::new().await;
    let (alice, _) = app.register("gq_alice", "INDIVIDUAL").await;
    let (bob, bob_id) = app.register("gq_bob", "INDIVIDUAL").await;
    let direct = app
        .graphql_as(
            &alice,
            "mutation($u: ID!) { startDirectConversation(userId: $u) { id } }",
            json!({ "u": bob_id }),
        )
        .await;
    let direct = direct["data"]["startDirectConversation"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("a conversation: {direct}"))
        .to_owned();
    let served = app.serve().await;

    let screenshots = repo_root().join(".data/artifacts");
    let args = vec![
        served.url(""),
        bob.clone(),
        "gq_bob".to_owned(),
        screenshots.display().to_string(),
    ];
    let before = app.state.events.stats().subscribers;
    let browser = tokio::task::spawn_blocking(move || run_node("tests/js", "graphiql.mjs", &args));

    // Once the browser's subscription is registered, Alice messages Bob over HTTP: Bob
    // gets a notification, which his GraphiQL tab shows.
    let deadline = Instant::now() + Duration::from_secs(120);
    while app.state.events.stats().subscribers <= before {
        if browser.is_finished() {
            let output = finish(browser).await;
            panic!("the browser finished before subscribing: {output}");
        }
        assert!(Instant::now() < deadline, "the browser never subscribed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let sent: Value = Client::new()
        .post(served.url("/graphql"))
        .bearer_auth(&alice)
        .json(&json!({
            "query": "mutation($c: ID!, $t: String!) { sendMessage(conversationId: $c, content: $t) { id } }",
            "variables": { "c": direct, "t": "hello from the test" },
        }))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert!(sent["data"]["sendMessage"]["id"].is_string(), "{sent}");

    let output = finish(browser).await;
    let seen: Value = serde_json::from_str(output.lines().last().unwrap_or_default())
        .unwrap_or_else(|_| panic!("a JSON summary: {output}"));
    assert_eq!(seen["title"], "braid GraphiQL");
    assert_eq!(
        seen["anonymous"],
        json!({ "data": { "__typename": "Query", "me": null } })
    );
    assert_eq!(
        seen["signedIn"],
        json!({ "data": { "__typename": "Query", "me": { "username": "gq_bob" } } })
    );
    assert_eq!(
        seen["event"],
        json!({ "data": { "notificationAdded": { "type": "message", "title": "New message", "isRead": false } } })
    );
    let ws = format!("ws://{}/graphql/ws", served.addr);
    assert!(
        seen["sockets"]
            .as_array()
            .is_some_and(|s| s.contains(&json!(ws))),
        "the subscription went over {ws}: {seen}"
    );
    println!(
        "graphiql: {} requests, all to loopback; screenshots: {}; {:.1} s",
        seen["requests"],
        seen["screenshots"],
        started.elapsed().as_secs_f64()
    );
}

/// The script's output; its failure (with its output) fails the test as it was.
async fn finish(browser: tokio::task::JoinHandle<String>) -> String {
    match browser.await {
        Ok(output) => output,
        Err(error) => std::panic::resume_unwind(error.into_panic()),
    }
}

/// The attribute values `src="..."` and `href="..."` of a page.
fn asset_urls(html: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        for piece in html.split(attribute).skip(1) {
            urls.push(piece.split('"').next().unwrap_or_default().to_owned());
        }
    }
    urls
}

async fn get_html(url: &str) -> reqwest::Response {
    Client::new()
        .get(url)
        .header(header::ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
        .send()
        .await
        .expect("sent")
}

fn header_of(response: &reqwest::Response, name: header::HeaderName) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn graphiql_assets_are_braids_own_pinned_files_cached_for_good() {
    let app = TestApp::new().await;
    let served = app.serve().await;
    let page = get_html(&served.url("/graphql")).await;
    assert_eq!(page.status(), StatusCode::OK);
    let csp = header_of(&page, header::CONTENT_SECURITY_POLICY);
    assert!(
        csp.contains("script-src 'self';") && csp.contains("connect-src 'self';"),
        "{csp}"
    );
    let html = page.text().await.expect("text");
    assert!(html.contains("<title>braid GraphiQL</title>"), "{html}");
    assert!(!html.contains("://"), "no absolute URL, so no CDN: {html}");
    let urls = asset_urls(&html);
    let urls: Vec<String> = urls.into_iter().filter(|url| url != "data:,").collect();
    let names: Vec<&str> = urls
        .iter()
        .map(|url| url.rsplit('/').next().unwrap_or_default())
        .collect();
    assert_eq!(
        names,
        [
            "react.production.min.js",
            "react-dom.production.min.js",
            "graphiql.min.js",
            "braid-graphiql.js",
            "graphiql.min.css",
        ]
    );
    let client = Client::new();
    for url in &urls {
        assert!(url.starts_with("/graphiql/assets/"), "{url}");
        let plain = client.get(served.url(url)).send().await.expect("sent");
        assert_eq!(plain.status(), StatusCode::OK, "{url}");
        let expected_type = if url.ends_with(".css") {
            "text/css; charset=utf-8"
        } else {
            "text/javascript; charset=utf-8"
        };
        assert_eq!(header_of(&plain, header::CONTENT_TYPE), expected_type);
        assert_eq!(
            header_of(&plain, header::CACHE_CONTROL),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(header_of(&plain, header::X_CONTENT_TYPE_OPTIONS), "nosniff");
        assert_eq!(header_of(&plain, header::CONTENT_ENCODING), "");
        let plain = plain.bytes().await.expect("body");

        let compressed = client
            .get(served.url(url))
            .header(header::ACCEPT_ENCODING, "gzip, br")
            .send()
            .await
            .expect("sent");
        assert_eq!(header_of(&compressed, header::CONTENT_ENCODING), "gzip");
        let compressed = compressed.bytes().await.expect("body");
        assert!(compressed.len() < plain.len(), "{url}");
        let mut unpacked = Vec::new();
        flate2::read::GzDecoder::new(&compressed[..])
            .read_to_end(&mut unpacked)
            .expect("gzip");
        assert!(unpacked == plain, "{url}: gzip holds the same bytes");
    }
    // The served files are the npm packages' own (web/graphiql/package-lock.json pins them).
    let react = client
        .get(served.url(&urls[0]))
        .send()
        .await
        .expect("sent")
        .bytes()
        .await
        .expect("body");
    let installed = std::fs::read(
        repo_root().join("web/graphiql/node_modules/react/umd/react.production.min.js"),
    )
    .expect("web/graphiql is installed (scripts/test runs npm ci there)");
    assert!(react == installed, "react is served as npm installed it");

    // A URL of other contents (an old version), or of no asset, is not found.
    let (prefix, _) = urls[0].rsplit_once('/').unwrap_or_default();
    for url in [
        "/graphiql/assets/0000000000000000/react.production.min.js".to_owned(),
        format!("{prefix}/react.development.js"),
        format!("{prefix}/..%2Fpackage.json"),
    ] {
        let response = client.get(served.url(&url)).send().await.expect("sent");
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{url}");
    }

    // With GraphiQL off, neither the page nor its assets are served.
    let off = app.reconfigured(|config| config.graphiql = false).await;
    let off = off.serve().await;
    let response = client.get(off.url(&urls[0])).send().await.expect("sent");
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let page = get_html(&off.url("/graphql")).await;
    assert_ne!(
        header_of(&page, header::CONTENT_TYPE),
        "text/html; charset=utf-8"
    );
}

#[tokio::test]
async fn graphiql_without_its_assets_says_how_to_install_them() {
    let app = TestApp::with_config(|config| {
        config.graphiql_assets = repo_root().join("web/graphiql/no-such-node_modules");
    })
    .await;
    let served = app.serve().await;
    for path in ["/graphql", "/"] {
        let page = get_html(&served.url(path)).await;
        assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE, "{path}");
        let html = page.text().await.expect("text");
        assert!(
            html.contains("npm ci --prefix web/graphiql")
                && html.contains("BRAID_GRAPHIQL_ASSETS")
                && html.contains("react/umd/react.production.min.js is missing"),
            "{html}"
        );
        assert!(
            !html.contains("no-such-node_modules"),
            "no server path is shown: {html}"
        );
    }
    let query: Value = Client::new()
        .post(served.url("/graphql"))
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(query, json!({ "data": { "__typename": "Query" } }));
}
