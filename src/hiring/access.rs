//! Who may see and change what in an organization: its members by role, and admins.

use async_graphql::Context;
use sqlx::PgConnection;

use super::{
    application::JobApplication,
    db,
    job::{Job, JobStatus},
    loader,
    organization::{MemberRole, OrganizationId},
};
use crate::{
    error::AppError,
    graphql::{self, viewer::Viewer},
    users::UserId,
};

/// The viewer's role in an organization (batched per request).
pub(super) async fn viewer_role(
    ctx: &Context<'_>,
    organization: OrganizationId,
) -> Result<Option<MemberRole>, AppError> {
    match graphql::data::<Viewer>(ctx)?.user_id() {
        Some(user) => loader::load_membership(ctx, organization, user).await,
        None => Ok(None),
    }
}

/// Whether the viewer belongs to the organization or is an admin.
pub(super) async fn is_member_or_admin(
    ctx: &Context<'_>,
    organization: OrganizationId,
) -> Result<bool, AppError> {
    Ok(graphql::data::<Viewer>(ctx)?.is_admin() || viewer_role(ctx, organization).await?.is_some())
}

/// Whether the viewer may see a job: drafts are for the organization.
pub(super) async fn may_see_job(ctx: &Context<'_>, job: &Job) -> Result<bool, AppError> {
    Ok(job.status != JobStatus::Draft || is_member_or_admin(ctx, job.organization).await?)
}

/// Whether the viewer may see an application: the applicant and the organization.
pub(super) async fn may_see_application(
    ctx: &Context<'_>,
    application: &JobApplication,
) -> Result<bool, AppError> {
    let viewer = graphql::data::<Viewer>(ctx)?;
    Ok(viewer.user_id() == Some(application.applicant)
        || is_member_or_admin(ctx, application.organization).await?)
}

/// How much of an organization an action needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Needs {
    /// Any member.
    Member,
    /// An owner or admin.
    Manager,
    /// An owner.
    Owner,
}

/// Who acts in a mutation: a signed-in user, or an admin acting for the platform.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Actor {
    /// The user.
    pub(crate) user: UserId,
    /// Admins may act on every organization.
    pub(crate) is_admin: bool,
}

impl Actor {
    /// The viewer of a request, who must be signed in.
    pub(super) fn of(ctx: &Context<'_>) -> Result<Actor, AppError> {
        let signed_in = graphql::data::<Viewer>(ctx)?.require_user()?;
        Ok(Actor {
            user: signed_in.user_id,
            is_admin: signed_in.is_admin,
        })
    }
}

/// The actor's role, when they may act on the organization with `needs` (admins always
/// may; their role is `None` unless they are members). Reads the membership in the
/// caller's transaction.
pub(super) async fn require(
    tx: &mut PgConnection,
    actor: Actor,
    organization: OrganizationId,
    needs: Needs,
) -> Result<Option<MemberRole>, AppError> {
    let role = db::organizations::member_role(&mut *tx, organization, actor.user).await?;
    let allowed = actor.is_admin
        || match (needs, role) {
            (_, None) => false,
            (Needs::Member, Some(_)) => true,
            (Needs::Manager, Some(role)) => role.manages(),
            (Needs::Owner, Some(role)) => role == MemberRole::Owner,
        };
    if allowed {
        return Ok(role);
    }
    Err(AppError::Forbidden(match needs {
        Needs::Member => "only the organization's members may do this".to_owned(),
        Needs::Manager => "only the organization's owners and admins may do this".to_owned(),
        Needs::Owner => "only the organization's owners may do this".to_owned(),
    }))
}
