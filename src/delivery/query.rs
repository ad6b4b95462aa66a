//! `project(id)` and `myProjects`.

use async_graphql::{
    Context, ID, Object,
    connection::{Connection, Edge},
};

use super::{docs, input::ProjectFilter, loader, model::ProjectId, project::Project};
use crate::{
    error::AppError,
    graphql::{
        self,
        node::NodeId,
        pagination::{self, KeysetCursor},
        viewer::Viewer,
    },
    state::AppState,
};

/// Delivery queries.
#[derive(Default)]
pub struct DeliveryQuery;

#[Object]
impl DeliveryQuery {
    /// A delivery project by global ID; `null` when there is none or the viewer is not
    /// its owner or an admin.
    #[graphql(cache_control(no_cache))]
    async fn project(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Project>, AppError> {
        loader::load_project(ctx, ProjectId::from_global(&id)?).await
    }

    /// The viewer's delivery projects, newest first.
    #[graphql(
        complexity = "pagination::page_cost(first, child_complexity)",
        cache_control(no_cache)
    )]
    async fn my_projects(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only projects matching this.")] filter: Option<ProjectFilter>,
        #[graphql(desc = "How many to return (0 to 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Return projects after this cursor (an `endCursor`).")] after: Option<
            String,
        >,
    ) -> Result<Connection<KeysetCursor, Project>, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        let limit = pagination::page_size(first)?;
        let after = pagination::after_cursor(after.as_deref())?;
        let filter = filter.unwrap_or_default();
        let search = filter
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        if search.is_some_and(|s| s.chars().count() > 100) {
            return Err(AppError::BadUserInput(
                "filter.search: at most 100 characters".to_owned(),
            ));
        }
        let query = docs::ProjectQuery {
            owner: viewer.user_id,
            status: filter.status,
            search,
        };
        let mut page = docs::page_of(&state.mongo, &query, after, limit + 1).await?;
        let has_next = page.len() as i64 > limit;
        page.truncate(limit as usize);
        let mut connection = Connection::new(after.is_some(), has_next);
        connection.edges.extend(page.into_iter().map(|project| {
            Edge::new(
                KeysetCursor {
                    at: project.created_at.to_chrono(),
                    id: project.id.into(),
                },
                project,
            )
        }));
        Ok(connection)
    }
}
