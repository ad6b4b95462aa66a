//! GraphQL over HTTP (the GraphQL-over-HTTP spec): `GET` and `POST /graphql`, media-type
//! negotiation, and status codes that tell request errors (4xx) from GraphQL results.
//!
//! async-graphql's own axum integration answers 200 to everything; this layer parses the
//! request itself, so a malformed request never reaches execution.

use std::net::SocketAddr;

use async_graphql::{ServerError, parser::types::OperationType};
use axum::{
    body::Body,
    extract::{ConnectInfo, Request, State},
    response::{IntoResponse, Response},
};
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use serde_json::{Map, Value, json};

use super::{
    HttpState, graphiql, multipart,
    negotiate::{self, MediaType},
};
use crate::{
    error::{AppError, ErrorCode, request_error},
    graphql::{
        self, ClientInfo,
        viewer::{self, Viewer},
    },
    partners, persisted,
};

/// `GET /graphql`: GraphiQL for browsers, otherwise a query from the URL parameters.
pub(super) async fn get(State(app): State<HttpState>, request: Request) -> Response {
    let client = client_info(&request);
    let headers = request.headers().clone();
    let query = request.uri().query().unwrap_or_default();
    let params = match query_params(query) {
        Ok(params) => params,
        Err(message) => return bad_request(&headers, message),
    };
    if app.state.config.graphiql && negotiate::wants_html(&headers) && !params.contains_key("query")
    {
        return graphiql::page();
    }
    run(app, Method::GET, &headers, params, client, Vec::new()).await
}

/// The GraphQL parameters of a GET request's query string (`variables` and
/// `extensions` are JSON).
pub(super) fn query_params(query: &str) -> Result<Map<String, Value>, String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query)
        .map_err(|_| "the query string is not valid URL encoding".to_owned())?;
    let mut params = Map::new();
    for (key, value) in pairs {
        let value = match key.as_str() {
            "variables" | "extensions" if !value.is_empty() => {
                serde_json::from_str(&value).map_err(|_| format!("`{key}` is not valid JSON"))?
            }
            _ => Value::String(value),
        };
        params.insert(key, value);
    }
    Ok(params)
}

/// `POST /graphql` with an `application/json` body, or a GraphQL multipart request
/// (`multipart/form-data`, file uploads) that carries a CSRF-preventing header.
pub(super) async fn post(State(app): State<HttpState>, request: Request) -> Response {
    let client = client_info(&request);
    let (parts, body) = request.into_parts();
    let headers = parts.headers;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    if essence.eq_ignore_ascii_case("multipart/form-data") {
        if !multipart::has_preflight_header(&headers) {
            return bad_request(
                &headers,
                "multipart requests need a non-empty `Apollo-Require-Preflight` or `X-Braid-CSRF` header (CSRF protection)",
            );
        }
        let config = &app.state.config;
        let parsed = multipart::parse(
            content_type,
            body,
            config.max_upload_bytes,
            config.body_limit_bytes,
        )
        .await;
        return match parsed {
            Ok(parsed) => {
                run(
                    app,
                    Method::POST,
                    &headers,
                    parsed.params,
                    client,
                    parsed.uploads,
                )
                .await
            }
            Err(multipart::Refused::BadRequest(message)) => bad_request(&headers, message),
            Err(multipart::Refused::TooLarge(message)) => error_response(
                &headers,
                StatusCode::PAYLOAD_TOO_LARGE,
                request_error(ErrorCode::BadRequest, message),
            ),
        };
    }
    if !essence.eq_ignore_ascii_case("application/json") {
        return error_response(
            &headers,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            request_error(
                ErrorCode::BadRequest,
                "POST bodies must be `application/json` (or `multipart/form-data` for uploads)",
            ),
        );
    }
    match json_params(&app, &headers, body).await {
        Ok(params) => run(app, Method::POST, &headers, params, client, Vec::new()).await,
        Err(response) => response,
    }
}

/// The GraphQL parameters of an `application/json` POST body: 413 beyond the body
/// limit, 400 unless it is a JSON object.
pub(super) async fn json_params(
    app: &HttpState,
    headers: &HeaderMap,
    body: Body,
) -> Result<Map<String, Value>, Response> {
    let limit = app.state.config.body_limit_bytes;
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return Err(error_response(
            headers,
            StatusCode::PAYLOAD_TOO_LARGE,
            request_error(
                ErrorCode::BadRequest,
                format!("the body exceeds {limit} bytes"),
            ),
        ));
    };
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(params)) => Ok(params),
        Ok(_) => Err(bad_request(headers, "the body must be a JSON object")),
        Err(_) => Err(bad_request(headers, "the body is not valid JSON")),
    }
}

/// Checks the parameters, resolves the viewer, and executes.
/// The viewer of an HTTP request: a partner by `X-Api-Key`, a user by
/// `Authorization: Bearer`, or anonymous.
pub(super) async fn authenticate(app: &HttpState, headers: &HeaderMap) -> Result<Viewer, AppError> {
    if let Some(key) = headers.get("x-api-key") {
        let key = key.to_str().unwrap_or_default().trim();
        return match partners::find_by_key(&app.state.pg, key).await? {
            Some(partner) => Ok(Viewer::Partner(partner.id)),
            None => Err(AppError::Unauthenticated(
                "the API key is invalid, expired or revoked".to_owned(),
            )),
        };
    }
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    viewer::authenticate(&app.state, authorization).await
}

/// Counts the request against the viewer's per-minute budget: per user when signed in,
/// per IP address otherwise.
async fn rate_limit(app: &HttpState, viewer: &Viewer, client: &ClientInfo) -> Result<(), AppError> {
    let config = &app.state.config;
    let (key, limit) = match (viewer.user_id(), client.ip) {
        (Some(user), _) => (
            format!("requests:user:{}", user.0),
            config.rate_limit_per_minute,
        ),
        (None, Some(ip)) => (
            format!("requests:ip:{ip}"),
            config.anonymous_rate_limit_per_minute,
        ),
        (None, None) => return Ok(()),
    };
    app.state
        .limiter
        .hit(&key, limit, std::time::Duration::from_secs(60))
        .await
}

/// The peer address (from the connection) and user agent of a request.
pub(super) fn client_info<B>(request: &http::Request<B>) -> ClientInfo {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0);
    ClientInfo::new(peer, request.headers())
}

/// Why a request is refused before it runs.
pub(super) enum Refusal {
    /// An HTTP error: this response, whatever the transport.
    Http(Response),
    /// GraphQL request errors (a persisted document that cannot be used), reported in
    /// the transport's own way.
    Errors(Vec<ServerError>),
}

/// The checks every transport makes before running a request: the viewer, persisted
/// documents (trusted ones for partners), the parameters, and the viewer's rate limit.
pub(super) async fn admit(
    app: &HttpState,
    headers: &HeaderMap,
    mut params: Map<String, Value>,
    client: &ClientInfo,
) -> Result<(Viewer, async_graphql::Request), Refusal> {
    let viewer = match authenticate(app, headers).await {
        Ok(viewer) => viewer,
        Err(error) => {
            let mut response = error_response(
                headers,
                StatusCode::UNAUTHORIZED,
                request_error(error.code(), error.to_string()),
            );
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return Err(Refusal::Http(response));
        }
    };
    let documents = match &viewer {
        Viewer::Partner(partner) => {
            persisted::resolve_trusted(&app.state, *partner, &mut params).await
        }
        _ => persisted::resolve_automatic(&app.state, &mut params).await,
    };
    if let Err(error) = documents {
        return Err(match ErrorCode::of(&error) {
            Some(ErrorCode::BadRequest) => {
                Refusal::Http(error_response(headers, StatusCode::BAD_REQUEST, error))
            }
            _ => Refusal::Errors(vec![error]),
        });
    }
    if let Err(message) = check_params(&params) {
        return Err(Refusal::Http(bad_request(headers, message)));
    }
    let mut request: async_graphql::Request = match serde_json::from_value(Value::Object(params)) {
        Ok(request) => request,
        Err(error) => {
            return Err(Refusal::Http(bad_request(
                headers,
                format!("invalid GraphQL parameters: {error}"),
            )));
        }
    };
    if matches!(viewer, Viewer::Partner(_)) {
        request = request.disable_introspection();
    }
    if let Err(error) = rate_limit(app, &viewer, client).await {
        let retry_after = match &error {
            AppError::RateLimited { retry_after_secs } => *retry_after_secs,
            _ => 1,
        };
        let mut response = error_response(
            headers,
            StatusCode::TOO_MANY_REQUESTS,
            request_error(error.code(), error.to_string()),
        );
        if let Ok(value) = HeaderValue::from_str(&retry_after.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return Err(Refusal::Http(response));
    }
    Ok((viewer, request))
}

/// Counts an operation by viewer class, partner and type.
pub(super) fn count_operation(viewer: &Viewer, operation: Option<OperationType>) {
    let (class, partner) = match viewer {
        Viewer::Anonymous => ("anonymous", String::from("-")),
        Viewer::User(_) => ("user", String::from("-")),
        Viewer::Partner(partner) => ("partner", partner.0.to_string()),
    };
    let kind = match operation {
        Some(OperationType::Mutation) => "mutation",
        Some(OperationType::Subscription) => "subscription",
        _ => "query",
    };
    metrics::counter!("braid_graphql_operations_total", "viewer" => class, "partner" => partner, "type" => kind)
        .increment(1);
}

async fn run(
    app: HttpState,
    method: Method,
    headers: &HeaderMap,
    params: Map<String, Value>,
    client: ClientInfo,
    uploads: Vec<(String, async_graphql::UploadValue)>,
) -> Response {
    let Some(media) = negotiate::negotiate(headers) else {
        return not_acceptable();
    };
    let (viewer, mut request) = match admit(&app, headers, params, &client).await {
        Ok(admitted) => admitted,
        Err(Refusal::Http(response)) => return response,
        Err(Refusal::Errors(errors)) => return graphql_errors(media, errors),
    };
    for (path, upload) in uploads {
        request.set_upload(&path, upload);
    }

    let operation = match graphql::check_document(&mut request, &app.state.config) {
        Ok(operation) => operation,
        Err(error) => return graphql_errors(media, vec![error]),
    };
    match operation {
        Some(OperationType::Mutation) if method == Method::GET => {
            let mut response = graphql_errors_with_status(
                media,
                StatusCode::METHOD_NOT_ALLOWED,
                vec![request_error(
                    ErrorCode::BadRequest,
                    "mutations must be sent with POST",
                )],
            );
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
            return response;
        }
        Some(OperationType::Subscription) => {
            return graphql_errors(
                media,
                vec![request_error(
                    ErrorCode::BadRequest,
                    "subscriptions are served over WebSocket at /graphql/ws and SSE at /graphql/stream",
                )],
            );
        }
        _ => {}
    }

    count_operation(&viewer, operation);
    let request = graphql::prepare(request, &app.state, viewer, client);
    let response = graphql::execute(&app.schema, &app.state, request).await;
    if graphql::is_request_error(&response) {
        return graphql_errors(media, response.errors);
    }
    let body = serde_json::to_vec(&response).unwrap_or_else(|_| b"{}".to_vec());
    with_body(StatusCode::OK, media, body)
}

fn check_params(params: &Map<String, Value>) -> Result<(), String> {
    match params.get("query") {
        Some(Value::String(query)) if !query.trim().is_empty() => {}
        Some(Value::String(_)) | None | Some(Value::Null) => {
            return Err("the `query` parameter is required".to_owned());
        }
        Some(_) => return Err("`query` must be a string".to_owned()),
    }
    for (key, expected) in [
        ("operationName", "a string"),
        ("variables", "an object"),
        ("extensions", "an object"),
    ] {
        let ok = match params.get(key) {
            None | Some(Value::Null) => true,
            Some(Value::String(_)) => key == "operationName",
            Some(Value::Object(_)) => key != "operationName",
            Some(_) => false,
        };
        if !ok {
            return Err(format!("`{key}` must be {expected}"));
        }
    }
    Ok(())
}

/// A response without `data`: 4xx (or 504 for a timeout) for
/// `application/graphql-response+json`, 200 for legacy `application/json`.
fn graphql_errors(media: MediaType, errors: Vec<ServerError>) -> Response {
    let status = match media {
        MediaType::Json => StatusCode::OK,
        MediaType::GraphqlResponseJson => {
            if errors
                .iter()
                .any(|e| ErrorCode::of(e) == Some(ErrorCode::Timeout))
            {
                StatusCode::GATEWAY_TIMEOUT
            } else {
                StatusCode::BAD_REQUEST
            }
        }
    };
    graphql_errors_with_status(media, status, errors)
}

fn graphql_errors_with_status(
    media: MediaType,
    status: StatusCode,
    errors: Vec<ServerError>,
) -> Response {
    let body = serde_json::to_vec(&json!({ "errors": errors })).unwrap_or_default();
    with_body(status, media, body)
}

fn with_body(status: StatusCode, media: MediaType, body: Vec<u8>) -> Response {
    let mut response = (status, Body::from(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(media.content_type()),
    );
    response
}

/// A malformed request: always 400, in the negotiated type (JSON when none fits).
pub(super) fn bad_request(headers: &HeaderMap, message: impl Into<String>) -> Response {
    error_response(
        headers,
        StatusCode::BAD_REQUEST,
        request_error(ErrorCode::BadRequest, message),
    )
}

pub(super) fn error_response(
    headers: &HeaderMap,
    status: StatusCode,
    error: ServerError,
) -> Response {
    let media = negotiate::negotiate(headers).unwrap_or(MediaType::Json);
    graphql_errors_with_status(media, status, vec![error])
}

fn not_acceptable() -> Response {
    let body = json!({ "errors": [request_error(
        ErrorCode::BadRequest,
        "accept `application/graphql-response+json` or `application/json`",
    )] });
    with_body(
        StatusCode::NOT_ACCEPTABLE,
        MediaType::Json,
        serde_json::to_vec(&body).unwrap_or_default(),
    )
}
