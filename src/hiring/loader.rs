//! DataLoaders for the hiring domain, created per request: one statement per batch.

use std::collections::HashMap;

use async_graphql::{
    Context, Request,
    dataloader::{DataLoader, Loader},
};
use sqlx::PgPool;
use uuid::Uuid;

use super::{
    access,
    application::{ApplicationId, ApplicationStatus, JobApplication},
    db,
    interview::{Interview, InterviewId},
    job::{Job, JobId, JobSkill},
    organization::{MemberRole, Organization, OrganizationId, OrganizationMember},
};
use crate::{
    cache::HotCache,
    error::AppError,
    graphql::{self, node::Node, pagination::KeysetCursor},
    state::AppState,
    users::UserId,
};

/// Declares a loader from ids to single rows, built from one `by_ids` query.
macro_rules! by_id_loader {
    ($(#[$doc:meta])* $name:ident, $key:ty, $value:ty, $query:path) => {
        $(#[$doc])*
        pub(super) struct $name(PgPool);

        impl Loader<$key> for $name {
            type Value = $value;
            type Error = AppError;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, $value>, AppError> {
                let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
                Ok($query(&self.0, &ids).await?.into_iter().map(|row| (row.id, row)).collect())
            }
        }
    };
}

/// Declares a loader from parent ids to their children, built from one `*_of` query.
macro_rules! children_loader {
    ($(#[$doc:meta])* $name:ident, $key:ty, $value:ty, $query:path, $parent:ident) => {
        $(#[$doc])*
        pub(super) struct $name(PgPool);

        impl Loader<$key> for $name {
            type Value = Vec<$value>;
            type Error = AppError;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Vec<$value>>, AppError> {
                let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
                Ok(graphql::group_by($query(&self.0, &ids).await?, |row| row.$parent))
            }
        }
    };
}

/// Organizations by id, through the hot cache (every job board page reads them).
pub(super) struct OrganizationLoader(PgPool, HotCache);

impl Loader<OrganizationId> for OrganizationLoader {
    type Value = Organization;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[OrganizationId],
    ) -> Result<HashMap<OrganizationId, Organization>, AppError> {
        let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
        let rows = self
            .1
            .load_through("Organization", &ids, |missing| async move {
                let rows = db::organizations::by_ids(&self.0, &missing).await?;
                Ok(rows.into_iter().map(|row| (row.id.0, row)).collect())
            })
            .await?;
        Ok(rows.into_values().map(|row| (row.id, row)).collect())
    }
}
by_id_loader!(
    /// Jobs by id.
    JobLoader, JobId, Job, db::jobs::by_ids
);
by_id_loader!(
    /// Applications by id.
    ApplicationLoader, ApplicationId, JobApplication, db::applications::by_ids
);
children_loader!(
    /// Members by organization.
    MembersLoader, OrganizationId, OrganizationMember, db::organizations::members_of, organization
);
children_loader!(
    /// Skills by job.
    JobSkillsLoader, JobId, JobSkill, db::jobs::skills_of, job
);
children_loader!(
    /// Interviews by application.
    InterviewsLoader, ApplicationId, Interview, db::interviews::of_applications, application
);

/// Roles by (organization, user).
pub(super) struct MembershipLoader(PgPool);

impl Loader<(OrganizationId, UserId)> for MembershipLoader {
    type Value = MemberRole;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[(OrganizationId, UserId)],
    ) -> Result<HashMap<(OrganizationId, UserId), MemberRole>, AppError> {
        Ok(db::organizations::roles_of(&self.0, keys)
            .await?
            .into_iter()
            .map(|m| ((m.organization, m.user), m.role))
            .collect())
    }
}

/// Applications by (job, applicant).
pub(super) struct ApplicantLoader(PgPool);

impl Loader<(JobId, UserId)> for ApplicantLoader {
    type Value = JobApplication;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[(JobId, UserId)],
    ) -> Result<HashMap<(JobId, UserId), JobApplication>, AppError> {
        Ok(db::applications::of_applicants(&self.0, keys)
            .await?
            .into_iter()
            .map(|a| ((a.job, a.applicant), a))
            .collect())
    }
}

/// One page of one job's applications: the key of [`ApplicationsPageLoader`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) struct ApplicationsPage {
    pub(super) job: JobId,
    pub(super) status: Option<ApplicationStatus>,
    pub(super) limit: i64,
    pub(super) after: Option<KeysetCursor>,
}

/// Pages of applications by job: one statement per distinct page shape in a batch
/// (a nested list asks the same shape of every job, so one statement in practice).
pub(super) struct ApplicationsPageLoader(PgPool);

impl Loader<ApplicationsPage> for ApplicationsPageLoader {
    type Value = Vec<JobApplication>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[ApplicationsPage],
    ) -> Result<HashMap<ApplicationsPage, Vec<JobApplication>>, AppError> {
        let shapes = graphql::group_by(keys.iter().copied(), |k| (k.status, k.limit, k.after));
        let mut pages = HashMap::new();
        for ((status, limit, after), keys) in shapes {
            let jobs: Vec<Uuid> = keys.iter().map(|k| k.job.0).collect();
            let mut by_job = graphql::group_by(
                db::applications::pages_of_jobs(&self.0, &jobs, status, after, limit).await?,
                |a| a.job,
            );
            for key in keys {
                pages.insert(key, by_job.remove(&key.job).unwrap_or_default());
            }
        }
        Ok(pages)
    }
}

/// Adds this domain's loaders to a request.
pub fn attach_loaders(request: Request, state: &AppState) -> Request {
    let pg = || state.pg.clone();
    request
        .data(graphql::loader(
            state,
            OrganizationLoader(pg(), state.hot.clone()),
        ))
        .data(graphql::loader(state, JobLoader(pg())))
        .data(graphql::loader(state, ApplicationLoader(pg())))
        .data(graphql::loader(state, MembersLoader(pg())))
        .data(graphql::loader(state, JobSkillsLoader(pg())))
        .data(graphql::loader(state, InterviewsLoader(pg())))
        .data(graphql::loader(state, MembershipLoader(pg())))
        .data(graphql::loader(state, ApplicantLoader(pg())))
        .data(graphql::loader(state, ApplicationsPageLoader(pg())))
}

/// An organization by id (organizations are public).
pub(super) async fn load_organization(
    ctx: &Context<'_>,
    id: OrganizationId,
) -> Result<Option<Organization>, AppError> {
    graphql::data::<DataLoader<OrganizationLoader>>(ctx)?
        .load_one(id)
        .await
}

pub(super) async fn load_members(
    ctx: &Context<'_>,
    organization: OrganizationId,
) -> Result<Vec<OrganizationMember>, AppError> {
    Ok(graphql::data::<DataLoader<MembersLoader>>(ctx)?
        .load_one(organization)
        .await?
        .unwrap_or_default())
}

pub(super) async fn load_membership(
    ctx: &Context<'_>,
    organization: OrganizationId,
    user: UserId,
) -> Result<Option<MemberRole>, AppError> {
    graphql::data::<DataLoader<MembershipLoader>>(ctx)?
        .load_one((organization, user))
        .await
}

/// A job by id, if the viewer may see it.
pub(super) async fn load_job(ctx: &Context<'_>, id: JobId) -> Result<Option<Job>, AppError> {
    let Some(job) = graphql::data::<DataLoader<JobLoader>>(ctx)?
        .load_one(id)
        .await?
    else {
        return Ok(None);
    };
    Ok(access::may_see_job(ctx, &job).await?.then_some(job))
}

pub(super) async fn load_job_skills(
    ctx: &Context<'_>,
    job: JobId,
) -> Result<Vec<JobSkill>, AppError> {
    Ok(graphql::data::<DataLoader<JobSkillsLoader>>(ctx)?
        .load_one(job)
        .await?
        .unwrap_or_default())
}

pub(super) async fn load_applications_page(
    ctx: &Context<'_>,
    page: ApplicationsPage,
) -> Result<Vec<JobApplication>, AppError> {
    Ok(graphql::data::<DataLoader<ApplicationsPageLoader>>(ctx)?
        .load_one(page)
        .await?
        .unwrap_or_default())
}

pub(super) async fn load_application_of(
    ctx: &Context<'_>,
    job: JobId,
    applicant: UserId,
) -> Result<Option<JobApplication>, AppError> {
    graphql::data::<DataLoader<ApplicantLoader>>(ctx)?
        .load_one((job, applicant))
        .await
}

/// An application by id, if the viewer may see it.
pub(super) async fn load_application(
    ctx: &Context<'_>,
    id: ApplicationId,
) -> Result<Option<JobApplication>, AppError> {
    let Some(application) = graphql::data::<DataLoader<ApplicationLoader>>(ctx)?
        .load_one(id)
        .await?
    else {
        return Ok(None);
    };
    Ok(access::may_see_application(ctx, &application)
        .await?
        .then_some(application))
}

pub(super) async fn load_interviews(
    ctx: &Context<'_>,
    application: ApplicationId,
) -> Result<Vec<Interview>, AppError> {
    Ok(graphql::data::<DataLoader<InterviewsLoader>>(ctx)?
        .load_one(application)
        .await?
        .unwrap_or_default())
}

/// `node(id:)` for this domain's types, when the viewer may see the object.
pub async fn load_node(
    ctx: &Context<'_>,
    typename: &str,
    uuid: Uuid,
) -> Result<Option<Node>, AppError> {
    use crate::graphql::node::NodeId;
    Ok(match typename {
        OrganizationId::TYPENAME => load_organization(ctx, OrganizationId(uuid))
            .await?
            .map(Node::Organization),
        JobId::TYPENAME => load_job(ctx, JobId(uuid)).await?.map(Node::Job),
        ApplicationId::TYPENAME => load_application(ctx, ApplicationId(uuid))
            .await?
            .map(Node::JobApplication),
        InterviewId::TYPENAME => {
            let Some(application) = db::interviews::application_of(
                &graphql::data::<AppState>(ctx)?.pg,
                InterviewId(uuid),
            )
            .await?
            else {
                return Ok(None);
            };
            match load_application(ctx, application).await? {
                Some(_) => load_interviews(ctx, application)
                    .await?
                    .into_iter()
                    .find(|i| i.id.0 == uuid)
                    .map(Node::Interview),
                None => None,
            }
        }
        _ => None,
    })
}
