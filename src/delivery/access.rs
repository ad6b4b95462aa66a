//! Who may change what: a project's owner and admins change its documents; an archived
//! project is read-only. Mutations read fresh from MongoDB (not through loaders) and
//! answer `NOT_FOUND` for absent things, `FORBIDDEN` for other people's.

use mongodb::Database;

use super::{
    design::TechDesign,
    docs,
    model::{Actor, DesignId, PrdId, ProjectId, ProjectStatus, RequirementId},
    pipeline_docs,
    prd::PrdDoc,
    project::Project,
    requirement::Requirement,
};
use crate::{error::AppError, users::UserId};

fn check_owner(actor: Actor, owner: UserId, what: &str) -> Result<(), AppError> {
    if actor.may_access(owner) {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "only the project's owner or an admin may change this {what}"
        )))
    }
}

fn check_live(project: &Project) -> Result<(), AppError> {
    if project.status == ProjectStatus::Archived {
        return Err(AppError::Conflict(
            "the project is archived and read-only".to_owned(),
        ));
    }
    Ok(())
}

/// A project the actor may change, whatever its status.
pub(super) async fn project(
    db: &Database,
    actor: Actor,
    id: ProjectId,
) -> Result<Project, AppError> {
    let project = docs::find_project(db, id)
        .await?
        .ok_or_else(|| AppError::NotFound("no project has this id".to_owned()))?;
    check_owner(actor, project.owned_by(), "project")?;
    Ok(project)
}

/// A project the actor may change and that is not archived.
pub(super) async fn live_project(
    db: &Database,
    actor: Actor,
    id: ProjectId,
) -> Result<Project, AppError> {
    let project = project(db, actor, id).await?;
    check_live(&project)?;
    Ok(project)
}

/// Checks that the project of a document is still open for changes.
async fn live(db: &Database, id: ProjectId) -> Result<(), AppError> {
    match docs::find_project(db, id).await? {
        Some(project) => check_live(&project),
        None => Err(AppError::NotFound(
            "the project no longer exists".to_owned(),
        )),
    }
}

/// A requirement the actor may change, in a project that is not archived.
pub(super) async fn requirement(
    db: &Database,
    actor: Actor,
    id: RequirementId,
) -> Result<Requirement, AppError> {
    let requirement = pipeline_docs::find_requirement(db, id)
        .await?
        .ok_or_else(|| AppError::NotFound("no requirement has this id".to_owned()))?;
    check_owner(actor, requirement.owned_by(), "requirement")?;
    live(db, requirement.project_ref()).await?;
    Ok(requirement)
}

/// A PRD the actor may change, in a project that is not archived.
pub(super) async fn prd(db: &Database, actor: Actor, id: PrdId) -> Result<PrdDoc, AppError> {
    let prd = pipeline_docs::find_prd(db, id)
        .await?
        .ok_or_else(|| AppError::NotFound("no PRD has this id".to_owned()))?;
    check_owner(actor, prd.owned_by(), "PRD")?;
    live(db, prd.project_ref()).await?;
    Ok(prd)
}

/// A design the actor may change, in a project that is not archived.
pub(super) async fn design(
    db: &Database,
    actor: Actor,
    id: DesignId,
) -> Result<TechDesign, AppError> {
    let design = pipeline_docs::find_design(db, id)
        .await?
        .ok_or_else(|| AppError::NotFound("no tech design has this id".to_owned()))?;
    check_owner(actor, design.owned_by(), "tech design")?;
    live(db, design.project_ref()).await?;
    Ok(design)
}
