//! async-graphql extensions braid installs on its schema.

use std::sync::{Arc, Mutex};

use async_graphql::{
    Response, ServerResult, ValidationResult, Variables,
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest,
        NextRequest, NextSubscribe, NextValidation,
    },
    futures_util::{StreamExt, stream::BoxStream},
    parser::types::ExecutableDocument,
    registry::Registry,
};

use super::{
    completion::{self, RequestText},
    strings,
};
use crate::error::{ErrorCode, finish_server_error, request_error};

/// Stops every operation after validation: for checking documents (partner manifests)
/// against the schema without running them.
pub struct ValidateOnly;

impl ExtensionFactory for ValidateOnly {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ValidateOnly)
    }
}

#[async_trait::async_trait]
impl Extension for ValidateOnly {
    async fn execute(
        &self,
        _ctx: &ExtensionContext<'_>,
        _operation_name: Option<&str>,
        _next: async_graphql::extensions::NextExecute<'_>,
    ) -> Response {
        Response::new(async_graphql::Value::Null)
    }
}

/// Gives every error of every response (query, mutation and each subscription event)
/// its `extensions.code`, masks internal errors, and puts each failed field's `null`
/// where the spec says ([`completion`]). The one place codes are set. It also refuses
/// NUL characters in a request's values ([`strings`]), whichever transport brought it.
#[derive(Default)]
pub struct ErrorCodes {
    /// The request's text, kept for placing field errors (one instance per request).
    request: Arc<Mutex<Option<RequestText>>>,
}

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodes::default())
    }
}

fn finish(
    mut response: Response,
    registry: &Registry,
    request: &Mutex<Option<RequestText>>,
) -> Response {
    if response.errors.iter().any(|e| !e.path.is_empty()) {
        let text = request.lock().ok().and_then(|text| text.clone());
        if let Some(text) = text {
            completion::place_errors(registry, &text, &mut response);
        }
    }
    for error in &mut response.errors {
        finish_server_error(error, ErrorCode::BadUserInput);
        metrics::counter!("braid_graphql_errors_total", "code" => ErrorCode::of(error).map_or("", ErrorCode::as_str)).increment(1);
    }
    response
}

#[async_trait::async_trait]
impl Extension for ErrorCodes {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let response = next.run(ctx).await;
        finish(response, &ctx.schema_env.registry, &self.request)
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        let schema = ctx.schema_env.clone();
        let request = self.request.clone();
        next.run(ctx, stream)
            .map(move |response| finish(response, &schema.registry, &request))
            .boxed()
    }

    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: async_graphql::Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<async_graphql::Request> {
        if let Ok(mut text) = self.request.lock() {
            *text = Some(RequestText {
                query: request.query.clone(),
                operation_name: request.operation_name.clone(),
            });
        }
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        strings::check_variables(variables)?;
        let document = next.run(ctx, query, variables).await.map_err(|error| {
            let mut coded = request_error(ErrorCode::GraphqlParseFailed, error.message);
            coded.locations = error.locations;
            coded
        })?;
        strings::check_document(&document)?;
        Ok(document)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<async_graphql::ServerError>> {
        next.run(ctx).await.map_err(|mut errors| {
            for error in &mut errors {
                finish_server_error(error, ErrorCode::GraphqlValidationFailed);
            }
            errors
        })
    }
}
