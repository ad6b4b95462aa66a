//! DataLoaders for the delivery documents (MongoDB) and specs and failures
//! (PostgreSQL), created per request: one `find` or one statement per batch, so a nested
//! chain costs one round trip per store per level. Every getter hides what the viewer
//! may not see (only a project's owner and admins see its documents).

use std::collections::HashMap;

use async_graphql::{
    Context, Request,
    dataloader::{DataLoader, Loader},
};
use mongodb::Database;
use sqlx::PgPool;
use uuid::Uuid;

use super::{
    db,
    design::TechDesign,
    docs,
    model::{ApiSpecId, DesignId, PrdId, ProjectId, RequirementId},
    pipeline_docs,
    prd::PrdDoc,
    project::Project,
    requirement::Requirement,
    spec::{AnalysisFailure, ApiSpec},
};
use crate::{
    error::AppError,
    graphql::{self, viewer::Viewer},
    state::AppState,
    users::UserId,
};

/// Declares a loader whose batch function returns a map.
macro_rules! map_loader {
    ($(#[$doc:meta])* $name:ident($store:ty): $key:ty => $value:ty, |$this:ident, $keys:ident| $body:expr) => {
        $(#[$doc])*
        pub(super) struct $name($store);

        impl Loader<$key> for $name {
            type Value = $value;
            type Error = AppError;

            async fn load(&self, $keys: &[$key]) -> Result<HashMap<$key, $value>, AppError> {
                let $this = &self.0;
                Ok($body)
            }
        }
    };
}

fn uuids<K: Copy>(keys: &[K], f: impl Fn(K) -> Uuid) -> Vec<Uuid> {
    keys.iter().map(|k| f(*k)).collect()
}

map_loader!(
    /// Projects by id.
    ProjectLoader(Database): ProjectId => Project,
    |db, keys| docs::projects_by_ids(db, keys).await?
);
map_loader!(
    /// Requirements by project, oldest first.
    RequirementsOfLoader(Database): ProjectId => Vec<Requirement>,
    |db, keys| graphql::group_by(pipeline_docs::requirements_of(db, keys).await?, |r| r.project_ref())
);
map_loader!(
    /// Requirements by id.
    RequirementLoader(Database): RequirementId => Requirement,
    |db, keys| pipeline_docs::requirements_by_ids(db, keys).await?
);
map_loader!(
    /// The PRD of each requirement.
    PrdOfLoader(Database): RequirementId => PrdDoc,
    |db, keys| pipeline_docs::prds_of(db, keys).await?
);
map_loader!(
    /// PRDs by id.
    PrdLoader(Database): PrdId => PrdDoc,
    |db, keys| pipeline_docs::prds_by_ids(db, keys).await?
);
map_loader!(
    /// Tech designs by PRD, oldest first.
    DesignsOfLoader(Database): PrdId => Vec<TechDesign>,
    |db, keys| graphql::group_by(pipeline_docs::designs_of(db, keys).await?, |d| d.prd_ref())
);
map_loader!(
    /// Tech designs by id.
    DesignLoader(Database): DesignId => TechDesign,
    |db, keys| pipeline_docs::designs_by_ids(db, keys).await?
);
map_loader!(
    /// API specs by design, oldest first (PostgreSQL).
    SpecsOfLoader(PgPool): DesignId => Vec<ApiSpec>,
    |pg, keys| graphql::group_by(db::specs_of(pg, &uuids(keys, |k| k.0)).await?, |s| s.design_id)
);
map_loader!(
    /// API specs by id (PostgreSQL).
    SpecLoader(PgPool): ApiSpecId => ApiSpec,
    |pg, keys| db::specs_by_ids(pg, &uuids(keys, |k| k.0)).await?.into_iter().map(|s| (s.id, s)).collect()
);
map_loader!(
    /// Logged analysis failures by requirement, newest first (PostgreSQL).
    FailuresOfLoader(PgPool): RequirementId => Vec<AnalysisFailure>,
    |pg, keys| graphql::group_by(db::failures_of(pg, &uuids(keys, |k| k.0)).await?, |f| f.requirement_id)
);

/// Adds this domain's loaders to a request.
pub fn attach_loaders(request: Request, state: &AppState) -> Request {
    let mongo = || state.mongo.clone();
    let pg = || state.pg.clone();
    request
        .data(graphql::loader(state, ProjectLoader(mongo())))
        .data(graphql::loader(state, RequirementsOfLoader(mongo())))
        .data(graphql::loader(state, RequirementLoader(mongo())))
        .data(graphql::loader(state, PrdOfLoader(mongo())))
        .data(graphql::loader(state, PrdLoader(mongo())))
        .data(graphql::loader(state, DesignsOfLoader(mongo())))
        .data(graphql::loader(state, DesignLoader(mongo())))
        .data(graphql::loader(state, SpecsOfLoader(pg())))
        .data(graphql::loader(state, SpecLoader(pg())))
        .data(graphql::loader(state, FailuresOfLoader(pg())))
}

/// Whether the viewer may see what `owner` owns.
fn visible(ctx: &Context<'_>, owner: UserId) -> Result<bool, AppError> {
    Ok(graphql::data::<Viewer>(ctx)?.is_self_or_admin(owner))
}

async fn one<L, K, V>(
    ctx: &Context<'_>,
    key: K,
    owner: impl Fn(&V) -> UserId,
) -> Result<Option<V>, AppError>
where
    L: Loader<K, Value = V, Error = AppError>,
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    V: Send + Sync + Clone + 'static,
{
    let value = graphql::data::<DataLoader<L>>(ctx)?.load_one(key).await?;
    match value {
        Some(v) if visible(ctx, owner(&v))? => Ok(Some(v)),
        _ => Ok(None),
    }
}

async fn many<L, K, V>(
    ctx: &Context<'_>,
    key: K,
    owner: impl Fn(&V) -> UserId,
) -> Result<Vec<V>, AppError>
where
    L: Loader<K, Value = Vec<V>, Error = AppError>,
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    V: Send + Sync + Clone + 'static,
{
    let values = graphql::data::<DataLoader<L>>(ctx)?
        .load_one(key)
        .await?
        .unwrap_or_default();
    let mut shown = Vec::with_capacity(values.len());
    for value in values {
        if visible(ctx, owner(&value))? {
            shown.push(value);
        }
    }
    Ok(shown)
}

/// A project, if the viewer may see it.
pub async fn load_project(ctx: &Context<'_>, id: ProjectId) -> Result<Option<Project>, AppError> {
    one::<ProjectLoader, _, _>(ctx, id, Project::owned_by).await
}

pub(super) async fn load_requirements_of(
    ctx: &Context<'_>,
    project: ProjectId,
) -> Result<Vec<Requirement>, AppError> {
    many::<RequirementsOfLoader, _, _>(ctx, project, Requirement::owned_by).await
}

/// A requirement, if the viewer may see it.
pub async fn load_requirement(
    ctx: &Context<'_>,
    id: RequirementId,
) -> Result<Option<Requirement>, AppError> {
    one::<RequirementLoader, _, _>(ctx, id, Requirement::owned_by).await
}

pub(super) async fn load_prd_of(
    ctx: &Context<'_>,
    requirement: RequirementId,
) -> Result<Option<PrdDoc>, AppError> {
    one::<PrdOfLoader, _, _>(ctx, requirement, PrdDoc::owned_by).await
}

/// A PRD, if the viewer may see it.
pub async fn load_prd(ctx: &Context<'_>, id: PrdId) -> Result<Option<PrdDoc>, AppError> {
    one::<PrdLoader, _, _>(ctx, id, PrdDoc::owned_by).await
}

pub(super) async fn load_designs_of(
    ctx: &Context<'_>,
    prd: PrdId,
) -> Result<Vec<TechDesign>, AppError> {
    many::<DesignsOfLoader, _, _>(ctx, prd, TechDesign::owned_by).await
}

/// A tech design, if the viewer may see it.
pub async fn load_design(ctx: &Context<'_>, id: DesignId) -> Result<Option<TechDesign>, AppError> {
    one::<DesignLoader, _, _>(ctx, id, TechDesign::owned_by).await
}

pub(super) async fn load_specs_of(
    ctx: &Context<'_>,
    design: DesignId,
) -> Result<Vec<ApiSpec>, AppError> {
    many::<SpecsOfLoader, _, _>(ctx, design, |s: &ApiSpec| s.owner).await
}

/// An API spec, if the viewer may see it.
pub async fn load_spec(ctx: &Context<'_>, id: ApiSpecId) -> Result<Option<ApiSpec>, AppError> {
    one::<SpecLoader, _, _>(ctx, id, |s: &ApiSpec| s.owner).await
}

pub(super) async fn load_failures_of(
    ctx: &Context<'_>,
    requirement: RequirementId,
) -> Result<Vec<AnalysisFailure>, AppError> {
    // Failures carry no owner: they are shown under a requirement the viewer can see.
    Ok(graphql::data::<DataLoader<FailuresOfLoader>>(ctx)?
        .load_one(requirement)
        .await?
        .unwrap_or_default())
}
