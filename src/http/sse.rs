//! GraphQL over Server-Sent Events at `/graphql/stream`: the graphql-sse protocol's
//! "distinct connections" mode. Each request (`POST` with a JSON body, or `GET` with
//! the parameters in the query string) is one operation on its own
//! `text/event-stream` response: an `event: next` per result, then `event: complete`.
//! The viewer comes from the same `Authorization` header (or partner `X-Api-Key`) as
//! `POST /graphql`. Requests that cannot run get a 4xx JSON response; GraphQL errors
//! before execution (validation, persisted documents) arrive as a `next` event with
//! `errors`, as graphql-sse's own server does.

use std::{convert::Infallible, time::Duration};

use async_graphql::{Response as GraphqlResponse, ServerError, parser::types::OperationType};
use axum::{
    body::Body,
    extract::{Request, State},
    response::{IntoResponse, Response},
};
use futures::{Stream, StreamExt, stream::BoxStream};
use http::{HeaderValue, Method, StatusCode, header};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::{
    HttpState,
    graphql::{self as over_http, Refusal},
};
use crate::{
    error::{ErrorCode, request_error},
    graphql::{self, ClientInfo},
};

/// `POST /graphql/stream`: the operation in an `application/json` body.
pub(super) async fn post(State(app): State<HttpState>, request: Request) -> Response {
    let client = over_http::client_info(&request);
    let (parts, body) = request.into_parts();
    let essence = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence != "application/json" {
        return over_http::error_response(
            &parts.headers,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            request_error(ErrorCode::BadRequest, "the body must be `application/json`"),
        );
    }
    match over_http::json_params(&app, &parts.headers, body).await {
        Ok(params) => stream(app, Method::POST, &parts.headers, params, client).await,
        Err(response) => response,
    }
}

/// `GET /graphql/stream?query=...`: the operation in the query string (no mutations).
pub(super) async fn get(State(app): State<HttpState>, request: Request) -> Response {
    let client = over_http::client_info(&request);
    let headers = request.headers().clone();
    match over_http::query_params(request.uri().query().unwrap_or_default()) {
        Ok(params) => stream(app, Method::GET, &headers, params, client).await,
        Err(message) => over_http::bad_request(&headers, message),
    }
}

async fn stream(
    app: HttpState,
    method: Method,
    headers: &http::HeaderMap,
    params: serde_json::Map<String, serde_json::Value>,
    client: ClientInfo,
) -> Response {
    let (viewer, mut request) = match over_http::admit(&app, headers, params, &client).await {
        Ok(admitted) => admitted,
        Err(Refusal::Http(response)) => return response,
        Err(Refusal::Errors(errors)) => return errors_only(errors),
    };
    let operation = match graphql::check_document(&mut request, &app.state.config) {
        Ok(operation) => operation,
        Err(error) => return errors_only(vec![error]),
    };
    if method == Method::GET && operation == Some(OperationType::Mutation) {
        let mut response = over_http::error_response(
            headers,
            StatusCode::METHOD_NOT_ALLOWED,
            request_error(ErrorCode::BadRequest, "mutations must be sent with POST"),
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    over_http::count_operation(&app, &viewer, operation, &mut request);
    let request = graphql::prepare(request, &app.state, viewer, client);
    let results: BoxStream<'static, GraphqlResponse> =
        if operation == Some(OperationType::Subscription) {
            app.schema.execute_stream(request).boxed()
        } else {
            let (schema, state) = (app.schema.clone(), app.state.clone());
            futures::stream::once(async move { graphql::execute(&schema, &state, request).await })
                .boxed()
        };
    let keepalive = Duration::from_millis(app.state.config.ws_keepalive_ms);
    event_stream(events(results, keepalive, app.shutdown.clone()))
}

/// A stream answering with GraphQL errors only: one `next`, then `complete`.
fn errors_only(errors: Vec<ServerError>) -> Response {
    let result = json!({ "errors": errors });
    let messages = [next(&result.to_string()), COMPLETE.to_owned()];
    event_stream(futures::stream::iter(messages))
}

const COMPLETE: &str = "event: complete\ndata:\n\n";

fn next(data: &str) -> String {
    format!("event: next\ndata: {data}\n\n")
}

/// The protocol messages of `results`: a `next` per result, comments as keep-alives
/// while idle, and `complete` at the end (or when the server shuts down). Dropping the
/// stream (the client went away) drops the operation with it.
fn events(
    results: BoxStream<'static, GraphqlResponse>,
    keepalive: Duration,
    shutdown: CancellationToken,
) -> impl Stream<Item = String> + Send + 'static {
    struct Running {
        results: BoxStream<'static, GraphqlResponse>,
        keepalive: tokio::time::Interval,
        shutdown: CancellationToken,
        done: bool,
    }
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + keepalive, keepalive);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let running = Running {
        results,
        keepalive: ticks,
        shutdown,
        done: false,
    };
    futures::stream::unfold(running, |mut running| async move {
        if running.done {
            return None;
        }
        let message = tokio::select! {
            result = running.results.next() => match result {
                Some(result) => next(&serde_json::to_string(&result).unwrap_or_default()),
                None => {
                    running.done = true;
                    COMPLETE.to_owned()
                }
            },
            _ = running.keepalive.tick() => ":\n\n".to_owned(),
            () = running.shutdown.cancelled() => {
                running.done = true;
                COMPLETE.to_owned()
            }
        };
        Some((message, running))
    })
}

fn event_stream(messages: impl Stream<Item = String> + Send + 'static) -> Response {
    let body = Body::from_stream(messages.map(Ok::<_, Infallible>));
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // Proxies such as nginx must not buffer the stream.
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}
