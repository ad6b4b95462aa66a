//! GraphiQL over plain HTTP: braid's own page and assets (caching, compression, content
//! types), and a braid without its assets.

use std::io::Read;

use reqwest::{Client, StatusCode, header};
use serde_json::{Value, json};

use crate::harness::{TestApp, repo_root};

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
