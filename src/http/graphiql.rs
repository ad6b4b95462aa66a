//! The GraphiQL playground, wired for subscriptions over `/graphql/ws`.
//!
//! The page is braid's own; every script and style sheet it loads is served by braid
//! under `/graphiql/assets/`, so the playground works without any CDN (offline, on a
//! closed network). The assets are the production UMD builds of pinned npm packages
//! (`web/graphiql/package.json` and its lockfile; `npm ci` verifies their checksums),
//! read from the directory `BRAID_GRAPHIQL_ASSETS` names: `scripts/run`, `scripts/test`
//! and the Dockerfile install them. braid starts without them; the page then says how to
//! install them.

use std::{collections::HashMap, io::Write, path::PathBuf, sync::Arc};

use axum::{
    body::Body,
    extract::{Path, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;

use super::HttpState;

/// The GraphQL-over-HTTP endpoint the playground sends queries and mutations to.
const ENDPOINT: &str = "/graphql";
/// The graphql-transport-ws endpoint; the page turns it into a `ws(s)://` URL of its host.
const SUBSCRIPTION_PATH: &str = "/graphql/ws";
/// The prefix of every asset URL: `/graphiql/assets/{version}/{name}`.
const ASSET_PREFIX: &str = "/graphiql/assets";

/// What `npm ci --prefix web/graphiql` installs: the served name, the path under the
/// assets directory, and the content type.
const VENDORED: [(&str, &str, &str); 4] = [
    (
        "react.production.min.js",
        "react/umd/react.production.min.js",
        JS,
    ),
    (
        "react-dom.production.min.js",
        "react-dom/umd/react-dom.production.min.js",
        JS,
    ),
    ("graphiql.min.css", "graphiql/graphiql.min.css", CSS),
    ("graphiql.min.js", "graphiql/graphiql.min.js", JS),
];
/// braid's own bootstrap script (no inline script, so the page's CSP forbids them).
const BOOTSTRAP: (&str, &str) = ("braid-graphiql.js", include_str!("graphiql.js"));
const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// The page's Content-Security-Policy: scripts, styles and connections from braid only
/// (`'self'` covers the same-host WebSocket); styles may be inline (GraphiQL's editors
/// set them), fonts and icons may be data URLs (GraphiQL's style sheet embeds its fonts).
const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     font-src 'self' data:; img-src 'self' data:; connect-src 'self'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

/// Served assets are immutable: their URL changes with their content.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The playground's assets: read from disk on first use and kept in memory.
pub(super) struct Assets {
    dir: PathBuf,
    loaded: OnceCell<Arc<Loaded>>,
}

/// The assets in memory, with the version (a content hash) that their URLs carry.
struct Loaded {
    version: String,
    files: HashMap<&'static str, File>,
}

struct File {
    content_type: &'static str,
    body: Bytes,
    gzip: OnceCell<Bytes>,
}

impl Assets {
    /// Assets to be read from `dir` (a `node_modules` directory) when first needed.
    pub(super) fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            loaded: OnceCell::new(),
        }
    }

    /// The assets, read once; a failure is not remembered, so installing them later
    /// needs no restart.
    async fn get(&self) -> Result<Arc<Loaded>, String> {
        self.loaded
            .get_or_try_init(|| {
                let dir = self.dir.clone();
                async move {
                    tokio::task::spawn_blocking(move || load(&dir).map(Arc::new))
                        .await
                        .map_err(|error| format!("reading the GraphiQL assets failed: {error}"))?
                }
            })
            .await
            .cloned()
    }
}

/// Reads every asset and hashes them all into the version their URLs carry.
fn load(dir: &std::path::Path) -> Result<Loaded, String> {
    let mut files = HashMap::new();
    let mut hash = Sha256::new();
    for (name, relative, content_type) in VENDORED {
        let path = dir.join(relative);
        let body = std::fs::read(&path).map_err(|error| {
            tracing::warn!(path = %path.display(), %error, "a GraphiQL asset is missing");
            format!("{relative} is missing")
        })?;
        hash.update(name.as_bytes());
        hash.update((body.len() as u64).to_be_bytes());
        hash.update(&body);
        files.insert(name, file(content_type, Bytes::from(body)));
    }
    let (name, body) = BOOTSTRAP;
    hash.update(name.as_bytes());
    hash.update(body.as_bytes());
    files.insert(name, file(JS, Bytes::from_static(body.as_bytes())));
    let digest = hash.finalize();
    let version = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    Ok(Loaded { version, files })
}

fn file(content_type: &'static str, body: Bytes) -> File {
    File {
        content_type,
        body,
        gzip: OnceCell::new(),
    }
}

/// The playground page, or (503) how to install its assets when they are missing.
pub(super) async fn page(app: &HttpState) -> Response {
    let loaded = match app.graphiql.get().await {
        Ok(loaded) => loaded,
        Err(problem) => return missing_page(&problem),
    };
    let asset = |name: &str| format!("{ASSET_PREFIX}/{}/{name}", loaded.version);
    let html = format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>braid GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{css}">
<style>html, body {{ height: 100%; margin: 0; }} #graphiql {{ height: 100vh; }}</style>
</head>
<body>
<div id="graphiql" data-endpoint="{ENDPOINT}" data-subscription-path="{SUBSCRIPTION_PATH}">Loading…</div>
<script src="{react}"></script>
<script src="{react_dom}"></script>
<script src="{graphiql}"></script>
<script src="{bootstrap}"></script>
</body>
</html>
"#,
        css = asset("graphiql.min.css"),
        react = asset("react.production.min.js"),
        react_dom = asset("react-dom.production.min.js"),
        graphiql = asset("graphiql.min.js"),
        bootstrap = asset(BOOTSTRAP.0),
    );
    let mut response = Html(html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_CSP),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

fn missing_page(problem: &str) -> Response {
    let html = format!(
        r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>braid GraphiQL</title></head>
<body>
<h1>braid GraphiQL: assets not installed</h1>
<p>braid serves GraphiQL's scripts itself (no CDN), from the npm packages pinned in
<code>web/graphiql/package-lock.json</code>, and they are not installed here ({problem}).</p>
<p>Install them from braid's source tree with <code>npm ci --prefix web/graphiql</code>
(<code>scripts/run</code> and <code>scripts/test</code> do this), or set
<code>BRAID_GRAPHIQL_ASSETS</code> to a <code>node_modules</code> directory holding those
packages, then reload this page.</p>
<p>The GraphQL endpoint works without them: <code>POST {ENDPOINT}</code>, subscriptions on
<code>{SUBSCRIPTION_PATH}</code>.</p>
</body>
</html>
"#,
        problem = escape(problem),
    );
    (StatusCode::SERVICE_UNAVAILABLE, Html(html)).into_response()
}

/// Minimal HTML escaping for text content.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `GET /graphiql/assets/{version}/{name}`: one asset, cacheable for a year (gzip when the
/// client accepts it). An old version, an unknown name, or GraphiQL turned off is a 404.
pub(super) async fn asset(
    State(app): State<HttpState>,
    Path((version, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if !app.state.config.graphiql {
        return StatusCode::NOT_FOUND.into_response();
    }
    let Ok(loaded) = app.graphiql.get().await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some(file) = loaded
        .files
        .get(name.as_str())
        .filter(|_| version == loaded.version)
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let gzip = if accepts_gzip(&headers) {
        let body = file.body.clone();
        file.gzip
            .get_or_try_init(|| async move {
                match tokio::task::spawn_blocking(move || gzip(&body)).await {
                    Ok(Ok(compressed)) => Ok(compressed),
                    _ => Err(()),
                }
            })
            .await
            .ok()
            .cloned()
    } else {
        None
    };
    let mut response = Response::new(Body::empty());
    let response_headers = response.headers_mut();
    response_headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(file.content_type),
    );
    response_headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
    response_headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response_headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    *response.body_mut() = match gzip {
        Some(compressed) => {
            response_headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            Body::from(compressed)
        }
        None => Body::from(file.body.clone()),
    };
    response
}

/// Whether `Accept-Encoding` lists gzip (or `*`) with a non-zero quality.
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut params = coding.split(';').map(str::trim);
            let name = params.next().unwrap_or_default();
            let zero = params.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !zero
        })
}

fn gzip(body: &[u8]) -> std::io::Result<Bytes> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(body)?;
    Ok(Bytes::from(encoder.finish()?))
}

/// `/`: the playground when enabled, otherwise a pointer to the endpoint.
pub(super) async fn root(State(app): State<HttpState>) -> Response {
    if app.state.config.graphiql {
        page(&app).await
    } else {
        Redirect::temporary(ENDPOINT).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_encoding(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).expect("a header value"),
        );
        headers
    }

    #[test]
    fn gzip_is_used_only_when_accepted() {
        assert!(accepts_gzip(&with_encoding("gzip, deflate, br, zstd")));
        assert!(accepts_gzip(&with_encoding("br;q=1.0, GZIP;q=0.5")));
        assert!(accepts_gzip(&with_encoding("*")));
        assert!(!accepts_gzip(&with_encoding("gzip;q=0")));
        assert!(!accepts_gzip(&with_encoding("br, identity")));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn the_docker_image_holds_every_asset() {
        let dockerfile =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Dockerfile"))
                .expect("the Dockerfile");
        for (_, relative, _) in VENDORED {
            assert!(
                dockerfile.contains(relative),
                "the Dockerfile copies {relative}"
            );
        }
        assert!(dockerfile.contains("BRAID_GRAPHIQL_ASSETS="));
    }

    #[test]
    fn missing_assets_are_reported_by_name() {
        let Err(problem) = load(std::path::Path::new("/nonexistent")) else {
            panic!("no assets there");
        };
        assert_eq!(problem, "react/umd/react.production.min.js is missing");
    }
}
