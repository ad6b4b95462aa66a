//! The GraphiQL playground, wired for subscriptions over `/graphql/ws`.

use async_graphql::http::GraphiQLSource;
use axum::{
    extract::State,
    response::{Html, IntoResponse, Redirect, Response},
};

use super::HttpState;

/// The playground page.
pub(super) fn page() -> Response {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .subscription_endpoint("/graphql/ws")
            .title("braid GraphiQL")
            .finish(),
    )
    .into_response()
}

/// `/`: the playground when enabled, otherwise a pointer to the endpoint.
pub(super) async fn root(State(app): State<HttpState>) -> Response {
    if app.state.config.graphiql {
        page()
    } else {
        Redirect::temporary("/graphql").into_response()
    }
}
