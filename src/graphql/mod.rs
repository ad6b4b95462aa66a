//! Schema assembly: the merged root types, the extensions and limits, and the per-request
//! data (viewer and DataLoaders) every operation runs with.

mod completion;
pub mod extensions;
mod federation;
pub mod input;
mod limits;
pub mod money;
pub mod node;
pub mod pagination;
mod strings;
pub mod viewer;

use async_graphql::{
    MergedObject, MergedSubscription, Request, Response, Schema, SchemaBuilder,
    parser::types::OperationType,
};

use crate::{
    auth, delivery,
    error::{ErrorCode, request_error},
    experts, hiring, messaging, notifications, profiles, skills,
    state::AppState,
    system, twins, users, vectors,
};
use viewer::Viewer;

/// The query root.
#[derive(MergedObject, Default)]
pub struct Query(
    node::NodeQuery,
    federation::FederationQuery,
    system::SystemQuery,
    users::UserQuery,
    skills::SkillQuery,
    twins::TwinQuery,
    hiring::HiringQuery,
    delivery::DeliveryQuery,
    messaging::MessagingQuery,
    notifications::NotificationQuery,
    experts::ExpertQuery,
    vectors::VectorQuery,
);

/// The mutation root.
#[derive(MergedObject, Default)]
pub struct Mutation(
    auth::AuthMutation,
    auth::OAuthMutation,
    users::UserMutation,
    profiles::ProfileMutation,
    skills::SkillMutation,
    twins::TwinMutation,
    hiring::OrganizationMutation,
    hiring::JobMutation,
    hiring::ApplicationMutation,
    hiring::InterviewMutation,
    delivery::ProjectMutation,
    delivery::PipelineMutation,
    messaging::MessagingMutation,
    notifications::NotificationMutation,
    experts::ExpertMutation,
);

/// The subscription root.
#[derive(MergedSubscription, Default)]
pub struct Subscription(
    messaging::MessagingSubscription,
    notifications::NotificationSubscription,
    hiring::HiringSubscription,
    experts::ExpertSubscription,
    twins::TwinSubscription,
    delivery::DeliverySubscription,
);

/// braid's executable schema.
pub type BraidSchema = Schema<Query, Mutation, Subscription>;

fn builder() -> SchemaBuilder<Query, Mutation, Subscription> {
    Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .extension(extensions::ErrorCodes::default())
    .extension(crate::cache::CacheExtension)
}

/// The schema bound to live stores, with the configured limits.
pub fn build_schema(state: &AppState) -> BraidSchema {
    builder()
        .data(state.clone())
        .limit_depth(state.config.max_depth)
        .limit_complexity(state.config.max_complexity)
        .limit_directives(state.config.max_directives)
        .finish()
}

/// Checks a document against the schema without running it; the validation errors.
pub async fn validate_document(query: &str) -> Vec<String> {
    let schema = builder().extension(extensions::ValidateOnly).finish();
    // Without variable values, arguments computed during validation (a page's `first`
    // in its complexity) report "Variable x is not defined." for variables the
    // operation does define: that is not an error of the document. (An undefined
    // variable is reported as `Variable "$x" is not defined`.)
    schema
        .execute(Request::new(query))
        .await
        .errors
        .into_iter()
        .map(|e| e.message)
        .filter(|m| {
            !(m.starts_with("Variable ") && m.ends_with(" is not defined.") && !m.contains('$'))
        })
        .collect()
}

/// The SDL of the schema (no stores needed), as committed in `schema/schema.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl()
}

/// The Apollo Federation v2 subgraph SDL, as `_service { sdl }` answers it.
pub fn subgraph_sdl() -> String {
    builder()
        .finish()
        .sdl_with_options(async_graphql::SDLExportOptions::new().federation())
}

/// Where a request comes from, as far as braid can tell.
#[derive(Clone, Debug, Default)]
pub struct ClientInfo {
    /// The peer address of the connection.
    pub ip: Option<std::net::IpAddr>,
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
}

impl ClientInfo {
    /// The client of a connection from `peer` that sent these headers.
    pub fn new(peer: Option<std::net::SocketAddr>, headers: &http::HeaderMap) -> Self {
        ClientInfo {
            ip: peer.map(|peer| peer.ip()),
            user_agent: headers
                .get(http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        }
    }
}

/// Attaches the viewer, the client and fresh per-request DataLoaders to a request.
pub fn prepare(request: Request, state: &AppState, viewer: Viewer, client: ClientInfo) -> Request {
    let request = request.data(viewer).data(client);
    let request = users::attach_loaders(request, state);
    let request = auth::attach_loaders(request, state);
    let request = profiles::attach_loaders(request, state);
    let request = skills::attach_loaders(request, state);
    let request = twins::attach_loaders(request, state);
    let request = delivery::attach_loaders(request, state);
    let request = messaging::attach_loaders(request, state);
    let request = hiring::attach_loaders(request, state);
    experts::attach_loaders(request, state)
}

/// Runs a query or mutation within the configured execution time limit, on a task of
/// its own.
///
/// A mutation runs to its end even when its caller goes away (a client hanging up
/// mid-request, a closed socket, a request past its time limit): cancelled halfway, it
/// could leave one store written and not the other, and a transaction dropped while its
/// COMMIT is on the wire would be rolled back a second time. Its client then gets
/// `TIMEOUT`, or nothing, and the change is still whole. A query is stopped with its
/// caller.
pub async fn execute(schema: &BraidSchema, state: &AppState, mut request: Request) -> Response {
    let kind = operation_type(&mut request);
    let schema = schema.clone();
    let task = tokio::spawn(async move { schema.execute(request).await });
    let _stop_with_caller =
        (kind != Some(OperationType::Mutation)).then(|| AbortOnDrop(task.abort_handle()));
    match tokio::time::timeout(state.config.request_timeout(), task).await {
        Ok(Ok(response)) => response,
        Ok(Err(failed)) => {
            tracing::error!(error = %failed, "an operation's task failed");
            Response::from_errors(vec![request_error(
                ErrorCode::InternalServerError,
                "internal server error",
            )])
        }
        Err(_) => Response::from_errors(vec![request_error(
            ErrorCode::Timeout,
            "the operation ran past its time limit",
        )]),
    }
}

/// Stops a task when dropped.
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The type of the operation a request selects, parsing its document if need be.
fn operation_type(request: &mut Request) -> Option<OperationType> {
    let name = request.operation_name.clone();
    let document = request.parsed_query().ok()?;
    selected_operation(document, name.as_deref()).map(|(_, operation)| operation.node.ty)
}

/// Typed access to request or schema data; a missing entry is a wiring bug, reported as
/// an internal error rather than a panic.
pub fn data<'a, T: std::any::Any + Send + Sync>(
    ctx: &async_graphql::Context<'a>,
) -> Result<&'a T, crate::error::AppError> {
    ctx.data_opt::<T>().ok_or_else(|| {
        crate::error::AppError::internal(anyhow::anyhow!(
            "{} is missing from the GraphQL context",
            std::any::type_name::<T>()
        ))
    })
}

/// Parses a request's document once (execution reuses it), checks it against the
/// document limits (size, fragments, fields, root fields, aliases), and returns the type of the operation it selects.
/// `Ok(None)` when the selection is ambiguous or names no operation: validation then
/// reports it. A syntax error is `GRAPHQL_PARSE_FAILED`, a limit `GRAPHQL_VALIDATION_FAILED`.
pub fn check_document(
    request: &mut Request,
    config: &crate::config::Config,
) -> Result<Option<OperationType>, async_graphql::ServerError> {
    limits::check_size(&request.query, config)?;
    let name = request.operation_name.clone();
    let document = request.parsed_query().map_err(|error| {
        let mut coded = request_error(ErrorCode::GraphqlParseFailed, error.message);
        coded.locations = error.locations;
        coded
    })?;
    match selected_operation(document, name.as_deref()) {
        Some((_, operation)) => {
            limits::check(document, &operation.node, config)?;
            Ok(Some(operation.node.ty))
        }
        None => Ok(None),
    }
}

/// The name of the operation a parsed request selects (`None` when it is anonymous or
/// the document does not parse).
pub fn operation_name(request: &mut Request) -> Option<String> {
    let name = request.operation_name.clone();
    let document = request.parsed_query().ok()?;
    selected_operation(document, name.as_deref()).and_then(|(name, _)| name.map(str::to_owned))
}

/// The operation a document runs, with its name: the only one, or the one named.
fn selected_operation<'a>(
    document: &'a async_graphql::parser::types::ExecutableDocument,
    name: Option<&str>,
) -> Option<(
    Option<&'a str>,
    &'a async_graphql::Positioned<async_graphql::parser::types::OperationDefinition>,
)> {
    use async_graphql::parser::types::DocumentOperations;
    match (&document.operations, name) {
        (DocumentOperations::Single(op), _) => Some((None, op)),
        (DocumentOperations::Multiple(ops), Some(name)) => ops
            .get_key_value(name)
            .map(|(k, op)| (Some(k.as_str()), op)),
        // A single named operation runs without `operationName`: its limits apply too.
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.iter().next().map(|(k, op)| (Some(k.as_str()), op))
        }
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// Whether a response reports a request error: it failed before execution, so it has
/// errors without paths and must carry no `data` entry.
pub fn is_request_error(response: &Response) -> bool {
    !response.errors.is_empty()
        && response.data == async_graphql::Value::Null
        && response.errors.iter().all(|e| e.path.is_empty())
}

/// Groups rows by a key, keeping their order: how one-query-per-batch loaders hand each
/// parent its children.
pub fn group_by<K: std::hash::Hash + Eq, T>(
    rows: impl IntoIterator<Item = T>,
    key: impl Fn(&T) -> K,
) -> std::collections::HashMap<K, Vec<T>> {
    let mut groups: std::collections::HashMap<K, Vec<T>> = std::collections::HashMap::new();
    for row in rows {
        groups.entry(key(&row)).or_default().push(row);
    }
    groups
}

/// A per-request DataLoader over `loader`, batching with the configured window.
pub fn loader<T>(state: &AppState, loader: T) -> async_graphql::dataloader::DataLoader<T> {
    async_graphql::dataloader::DataLoader::new(loader, tokio::spawn).delay(
        std::time::Duration::from_millis(state.config.dataloader_delay_ms),
    )
}
