//! The HTTP surface: GraphQL over HTTP, WebSocket and SSE, GraphiQL, health and metrics,
//! and the payment provider's webhook.

mod files;
mod graphiql;
mod graphql;
mod health;
pub mod metrics;
mod multipart;
mod negotiate;
mod sse;
mod webhooks;
mod ws;

use std::{net::SocketAddr, sync::Arc};

use anyhow::Context;
use axum::{
    Router,
    routing::{get, post},
};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::{
    catch_panic::CatchPanicLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::{DefaultOnResponse, TraceLayer},
};
use tracing::Level;

use crate::{
    graphql::{BraidSchema, build_schema},
    state::AppState,
};

/// What every handler gets: the stores, the schema, and the shutdown signal.
#[derive(Clone)]
pub struct HttpState {
    /// Store handles and configuration.
    pub state: AppState,
    /// The executable schema.
    pub schema: BraidSchema,
    /// Cancelled when the server shuts down; long-lived connections close on it.
    pub shutdown: CancellationToken,
    /// GraphiQL's browser assets, read on first use.
    graphiql: Arc<graphiql::Assets>,
}

/// The router with every route braid serves.
pub fn router(state: AppState, shutdown: CancellationToken) -> Router {
    metrics::install();
    let schema = build_schema(&state);
    let graphiql = Arc::new(graphiql::Assets::new(state.config.graphiql_assets.clone()));
    let app = HttpState {
        state,
        schema,
        shutdown,
        graphiql,
    };
    Router::new()
        .route("/graphql", get(graphql::get).post(graphql::post))
        .route("/graphql/ws", get(ws::upgrade))
        .route("/graphql/stream", get(sse::get).post(sse::post))
        .route("/files/{id}", get(files::download))
        .route("/webhooks/payments", post(webhooks::payments))
        .route("/", get(graphiql::root))
        .route("/graphiql/assets/{version}/{name}", get(graphiql::asset))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::render))
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(CatchPanicLayer::new())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(app)
}

/// The span of one request: its id, method and path. Never the query string or headers,
/// which can carry variables, tokens and keys.
fn request_span(request: &http::Request<axum::body::Body>) -> tracing::Span {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!("request", id = %request_id, method = %request.method(), path = %request.uri().path())
}

/// A bound server, before it starts accepting.
pub struct Server {
    listener: TcpListener,
    router: Router,
    shutdown: CancellationToken,
}

impl Server {
    /// Binds the configured (or given) address.
    pub async fn bind(state: AppState, addr: SocketAddr) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("binding {addr}"))?;
        let shutdown = CancellationToken::new();
        Ok(Self {
            router: router(state, shutdown.clone()),
            listener,
            shutdown,
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> anyhow::Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    /// A token that stops the server when cancelled.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    /// Serves until the shutdown token is cancelled, then drains connections.
    pub async fn run(self) -> anyhow::Result<()> {
        let shutdown = self.shutdown.clone();
        let service = self
            .router
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        axum::serve(self.listener, service)
            .with_graceful_shutdown(async move { shutdown.cancelled().await })
            .await
            .context("serving HTTP")
    }
}
