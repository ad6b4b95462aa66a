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
    HttpState, graphiql, metrics, multipart,
    negotiate::{self, MediaType},
};
use crate::{
    cache,
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
        return graphiql::page(&app).await;
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
    match json_body(&app, &headers, body).await {
        Ok(Value::Object(params)) => {
            run(app, Method::POST, &headers, params, client, Vec::new()).await
        }
        Ok(Value::Array(batch)) => run_batch(app, &headers, batch, client).await,
        Ok(_) => bad_request(
            &headers,
            "the body must be a JSON object (or an array of them: a batch)",
        ),
        Err(response) => response,
    }
}

/// An `application/json` POST body as JSON: 413 beyond the body limit, 400 when it is
/// not JSON.
async fn json_body(app: &HttpState, headers: &HeaderMap, body: Body) -> Result<Value, Response> {
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
    serde_json::from_slice::<Value>(&bytes)
        .map_err(|_| bad_request(headers, "the body is not valid JSON"))
}

/// The GraphQL parameters of an `application/json` POST body that must hold one
/// operation (no batch): 413 beyond the body limit, 400 unless it is a JSON object.
pub(super) async fn json_params(
    app: &HttpState,
    headers: &HeaderMap,
    body: Body,
) -> Result<Map<String, Value>, Response> {
    match json_body(app, headers, body).await? {
        Value::Object(params) => Ok(params),
        _ => Err(bad_request(headers, "the body must be a JSON object")),
    }
}

/// A batched request (a JSON array of requests): each element runs as an operation of
/// its own, with every limit and the rate limiter counting it; the answer is the array
/// of their responses, in order.
async fn run_batch(
    app: HttpState,
    headers: &HeaderMap,
    batch: Vec<Value>,
    client: ClientInfo,
) -> Response {
    let max = app.state.config.max_batch;
    if batch.is_empty() || batch.len() > max {
        return bad_request(
            headers,
            format!(
                "a batch holds 1 to {max} operations (BRAID_MAX_BATCH); this one has {}",
                batch.len()
            ),
        );
    }
    let Some(media) = negotiate::negotiate(headers) else {
        return not_acceptable();
    };
    let viewer = match authenticate(&app, headers).await {
        Ok(viewer) => viewer,
        Err(error) => return unauthorized(headers, error),
    };
    let mut bodies = Vec::with_capacity(batch.len());
    for element in batch {
        let response = match element {
            Value::Object(params) => {
                operation(
                    &app,
                    Method::POST,
                    headers,
                    media,
                    &viewer,
                    params,
                    &client,
                    Vec::new(),
                )
                .await
            }
            _ => bad_request(headers, "every element of a batch must be a JSON object"),
        };
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap_or_default();
        bodies.push(serde_json::from_slice::<Value>(&body).unwrap_or(Value::Null));
    }
    let mut response = with_body(
        StatusCode::OK,
        media,
        serde_json::to_vec(&bodies).unwrap_or_default(),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

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
/// per partner with an API key, per IP address otherwise.
async fn rate_limit(app: &HttpState, viewer: &Viewer, client: &ClientInfo) -> Result<(), AppError> {
    let config = &app.state.config;
    let (key, limit) = match (viewer, client.ip) {
        (Viewer::User(signed_in), _) => (
            format!("requests:user:{}", signed_in.user_id.0),
            config.rate_limit_per_minute,
        ),
        (Viewer::Partner(partner), _) => (
            format!("requests:partner:{}", partner.0),
            config.partner_rate_limit_per_minute,
        ),
        (Viewer::Anonymous, Some(ip)) => (
            format!("requests:ip:{ip}"),
            config.anonymous_rate_limit_per_minute,
        ),
        (Viewer::Anonymous, None) => return Ok(()),
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

/// An operation that passed the checks every transport makes.
struct Admitted {
    /// The request, ready for the document checks.
    request: async_graphql::Request,
    /// Whether it came as a persisted document (APQ or a partner's trusted document).
    persisted: bool,
    /// Its variables as sent, for the response cache key.
    variables: Value,
}

/// The checks every transport makes before running a request: the viewer, then
/// [`admit_operation`].
pub(super) async fn admit(
    app: &HttpState,
    headers: &HeaderMap,
    params: Map<String, Value>,
    client: &ClientInfo,
) -> Result<(Viewer, async_graphql::Request), Refusal> {
    let viewer = authenticate(app, headers)
        .await
        .map_err(|error| Refusal::Http(unauthorized(headers, error)))?;
    let admitted = admit_operation(app, headers, &viewer, params, client).await?;
    Ok((viewer, admitted.request))
}

/// The checks of one operation of a known viewer: persisted documents (trusted ones for
/// partners), the parameters, and the viewer's rate limit.
async fn admit_operation(
    app: &HttpState,
    headers: &HeaderMap,
    viewer: &Viewer,
    mut params: Map<String, Value>,
    client: &ClientInfo,
) -> Result<Admitted, Refusal> {
    let persisted = matches!(viewer, Viewer::Partner(_))
        || params
            .get("extensions")
            .is_some_and(|e| e.get("persistedQuery").is_some());
    let documents = match viewer {
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
    let variables = params.get("variables").cloned().unwrap_or(Value::Null);
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
    if let Err(error) = rate_limit(app, viewer, client).await {
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
    Ok(Admitted {
        request,
        persisted,
        variables,
    })
}

/// Counts an operation by viewer class, partner, type and (bounded) operation name; the
/// operation's name.
pub(super) fn count_operation(
    app: &HttpState,
    viewer: &Viewer,
    operation: Option<OperationType>,
    request: &mut async_graphql::Request,
) -> Option<String> {
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
    let name = graphql::operation_name(request);
    let label = metrics::operation_label(
        name.as_deref(),
        matches!(viewer, Viewer::Partner(_)),
        app.state.config.metrics_operation_names,
    );
    ::metrics::counter!("braid_graphql_operations_total", "viewer" => class, "partner" => partner, "type" => kind, "operation" => label)
        .increment(1);
    name
}

/// Resolves the viewer, then runs the operation.
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
    let viewer = match authenticate(&app, headers).await {
        Ok(viewer) => viewer,
        Err(error) => return unauthorized(headers, error),
    };
    operation(
        &app, method, headers, media, &viewer, params, &client, uploads,
    )
    .await
}

fn unauthorized(headers: &HeaderMap, error: AppError) -> Response {
    let mut response = error_response(
        headers,
        StatusCode::UNAUTHORIZED,
        request_error(error.code(), error.to_string()),
    );
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

/// Runs one operation for an authenticated viewer: the admission checks, document
/// limits, then the response cache or execution.
#[expect(
    clippy::too_many_arguments,
    reason = "one request's parts, passed through"
)]
async fn operation(
    app: &HttpState,
    method: Method,
    headers: &HeaderMap,
    media: MediaType,
    viewer: &Viewer,
    params: Map<String, Value>,
    client: &ClientInfo,
    uploads: Vec<(String, async_graphql::UploadValue)>,
) -> Response {
    let Admitted {
        mut request,
        persisted,
        variables,
    } = match admit_operation(app, headers, viewer, params, client).await {
        Ok(admitted) => admitted,
        Err(Refusal::Http(response)) => return response,
        Err(Refusal::Errors(errors)) => return graphql_errors(media, errors),
    };
    let has_uploads = !uploads.is_empty();
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

    let name = count_operation(app, viewer, operation, &mut request);

    // Public persisted queries may come from (and go to) the response cache.
    let cache_class = match viewer {
        Viewer::Anonymous => Some("anonymous".to_owned()),
        Viewer::Partner(partner) => Some(format!("partner:{}", partner.0)),
        Viewer::User(_) => None,
    };
    let cache_class = cache_class.filter(|_| {
        app.state.config.response_cache
            && persisted
            && !has_uploads
            && operation == Some(OperationType::Query)
    });
    let mut lookup = None;
    if let Some(class) = &cache_class {
        match cache::lookup(
            &app.state,
            class,
            &request.query,
            name.as_deref(),
            &variables,
        )
        .await
        {
            cache::Lookup::Hit { body, max_age } => {
                let mut response = with_body(StatusCode::OK, media, body);
                cache_headers(&mut response, Some(max_age), "hit");
                return response;
            }
            cache::Lookup::Miss(miss) => {
                request = request.data(miss.read.clone());
                lookup = Some(miss);
            }
            cache::Lookup::Bypass => {}
        }
    }

    let public_viewer = !matches!(viewer, Viewer::User(_));
    let request = graphql::prepare(request, &app.state, viewer.clone(), client.clone());
    let response = graphql::execute(&app.schema, &app.state, request).await;
    if graphql::is_request_error(&response) {
        return graphql_errors(media, response.errors);
    }
    let body = serde_json::to_vec(&response).unwrap_or_else(|_| b"{}".to_vec());
    let max_age = u64::try_from(response.cache_control.max_age)
        .ok()
        .filter(|age| {
            *age > 0
                && response.cache_control.public
                && response.errors.is_empty()
                && public_viewer
                && operation == Some(OperationType::Query)
        });
    let outcome = if lookup.is_some() { "miss" } else { "bypass" };
    if let (Some(miss), Some(max_age)) = (lookup, max_age) {
        cache::store(&app.state, miss, max_age, &body).await;
    }
    let mut response = with_body(StatusCode::OK, media, body);
    cache_headers(&mut response, max_age, outcome);
    response
}

/// `Cache-Control` (public with a max-age for cacheable responses, `no-store`
/// otherwise), `Vary` on the credentials, and `x-cache: hit|miss|bypass`.
fn cache_headers(response: &mut Response, max_age: Option<u64>, outcome: &'static str) {
    let headers = response.headers_mut();
    let control = match max_age {
        Some(age) => HeaderValue::from_str(&format!("public, max-age={age}"))
            .unwrap_or(HeaderValue::from_static("no-store")),
        None => HeaderValue::from_static("no-store"),
    };
    headers.insert(header::CACHE_CONTROL, control);
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Accept, Authorization, X-Api-Key"),
    );
    headers.insert("x-cache", HeaderValue::from_static(outcome));
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
