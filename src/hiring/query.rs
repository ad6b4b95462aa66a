//! Hiring queries: the job board, organizations, jobs and the viewer's applications.

use async_graphql::{Context, ID, Object, connection::Connection};

use super::{
    application::{ApplicationId, ApplicationStatus, JobApplication},
    db,
    job::{Job, JobId},
    loader,
    organization::{Organization, OrganizationId},
    search::{self, JobCursor, JobFilter, JobOrder},
};
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

/// Hiring queries.
#[derive(Default)]
pub struct HiringQuery;

#[Object]
impl HiringQuery {
    /// The job board: published jobs (or, with `filter.status`, closed ones, and drafts
    /// of the viewer's organizations), filtered and ordered.
    #[graphql(
        complexity = "pagination::page_cost(first, child_complexity)",
        cache_control(max_age = 60)
    )]
    async fn jobs(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to narrow the list to.")] filter: Option<JobFilter>,
        #[graphql(desc = "The order (default NEWEST).")] order_by: Option<JobOrder>,
        #[graphql(desc = "How many to return (0 to 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Return jobs after this cursor (from the same order).")] after: Option<
            String,
        >,
    ) -> Result<Connection<JobCursor, Job>, AppError> {
        search::board(
            ctx,
            filter.unwrap_or_default(),
            order_by.unwrap_or_default(),
            first,
            after,
        )
        .await
    }

    /// A job by global ID; `null` when there is none or it is a draft the viewer may not
    /// see.
    #[graphql(cache_control(max_age = 60))]
    async fn job(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Job>, AppError> {
        loader::load_job(ctx, JobId::from_global(&id)?).await
    }

    /// An organization by global ID.
    #[graphql(cache_control(max_age = 300))]
    async fn organization(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<Option<Organization>, AppError> {
        loader::load_organization(ctx, OrganizationId::from_global(&id)?).await
    }

    /// The organizations the viewer belongs to, by name.
    #[graphql(cache_control(no_cache))]
    async fn my_organizations(&self, ctx: &Context<'_>) -> Result<Vec<Organization>, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        Ok(db::organizations::of_member(&state.pg, viewer.user_id).await?)
    }

    /// An application by global ID; `null` unless the viewer is its applicant, a member
    /// of the job's organization or an admin.
    #[graphql(cache_control(no_cache))]
    async fn application(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<Option<JobApplication>, AppError> {
        loader::load_application(ctx, ApplicationId::from_global(&id)?).await
    }

    /// The viewer's own applications, newest first.
    #[graphql(
        complexity = "pagination::page_cost(first, child_complexity)",
        cache_control(no_cache)
    )]
    async fn my_applications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only applications in this state.")] status: Option<ApplicationStatus>,
        #[graphql(desc = "How many to return (0 to 100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Return applications after this cursor.")] after: Option<String>,
    ) -> Result<Connection<KeysetCursor, JobApplication>, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let viewer = graphql::data::<Viewer>(ctx)?.require_user()?;
        let limit = pagination::page_size(first)?;
        let after = pagination::after_cursor(after.as_deref())?;
        let mut page = db::applications::page_of_applicant(
            &state.pg,
            viewer.user_id,
            status,
            after,
            limit + 1,
        )
        .await?;
        let has_next = page.len() as i64 > limit;
        page.truncate(limit as usize);
        Ok(JobApplication::connection(page, after.is_some(), has_next))
    }
}
