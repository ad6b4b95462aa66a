//! async-graphql extensions braid installs on its schema.

use std::sync::Arc;

use async_graphql::{
    Response, ServerResult, ValidationResult, Variables,
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextRequest, NextSubscribe,
        NextValidation,
    },
    futures_util::{StreamExt, stream::BoxStream},
    parser::types::ExecutableDocument,
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
/// its `extensions.code`, and masks internal errors. The one place codes are set.
pub struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodes)
    }
}

fn finish(mut response: Response) -> Response {
    for error in &mut response.errors {
        finish_server_error(error, ErrorCode::BadUserInput);
        metrics::counter!("braid_graphql_errors_total", "code" => ErrorCode::of(error).map_or("", ErrorCode::as_str)).increment(1);
    }
    response
}

#[async_trait::async_trait]
impl Extension for ErrorCodes {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        finish(next.run(ctx).await)
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        next.run(ctx, stream).map(finish).boxed()
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        next.run(ctx, query, variables).await.map_err(|error| {
            let mut coded = request_error(ErrorCode::GraphqlParseFailed, error.message);
            coded.locations = error.locations;
            coded
        })
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
