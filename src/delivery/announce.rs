//! `projectDocumentChanged`: what the delivery mutations announce once a change is
//! stored, and the subscription that follows one project.

use async_graphql::{ComplexObject, Context, Enum, ID, SimpleObject, Subscription};
use futures::Stream;
use uuid::Uuid;

use super::{
    design::TechDesign,
    loader,
    model::{ApiSpecId, DesignId, PrdId, ProjectId, RequirementId},
    prd::PrdDoc,
    project::Project,
    requirement::Requirement,
};
use crate::{
    error::AppError,
    events::{self, Event, EventKind, Topic},
    graphql::{self, node::NodeId, viewer::Viewer},
    state::AppState,
};

/// Announces a change to a document of `project` (after it is stored).
pub(super) fn document_changed(state: &AppState, project: ProjectId, kind: EventKind, id: Uuid) {
    state
        .events
        .publish(Topic::Project(project.0), Event::new(kind, id));
}

pub(super) fn project_changed(state: &AppState, project: &Project) {
    let id = project.project_id();
    document_changed(state, id, EventKind::Project, id.0);
}

pub(super) fn requirement_changed(state: &AppState, requirement: &Requirement) {
    let id = requirement.requirement_id().0;
    document_changed(state, requirement.project_ref(), EventKind::Requirement, id);
}

pub(super) fn prd_changed(state: &AppState, prd: &PrdDoc) {
    document_changed(state, prd.project_ref(), EventKind::Prd, prd.prd_id().0);
}

pub(super) fn design_changed(state: &AppState, design: &TechDesign) {
    let id = design.design_id().0;
    document_changed(state, design.project_ref(), EventKind::TechDesign, id);
}

/// The kind of a project document.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProjectDocumentKind {
    /// The project itself (fields, status, custom fields, attachments).
    Project,
    /// A requirement (submitted, analysed, edited).
    Requirement,
    /// A PRD (generated, edited, reverted).
    Prd,
    /// A tech design (created, a decision logged).
    TechDesign,
    /// An API spec (attached).
    ApiSpec,
}

impl ProjectDocumentKind {
    fn of(kind: EventKind) -> Option<Self> {
        Some(match kind {
            EventKind::Project => Self::Project,
            EventKind::Requirement => Self::Requirement,
            EventKind::Prd => Self::Prd,
            EventKind::TechDesign => Self::TechDesign,
            EventKind::ApiSpec => Self::ApiSpec,
            _ => return None,
        })
    }
}

/// A change to one of a project's documents; load the document by `documentId` for its
/// new state.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(complex)]
pub struct ProjectDocumentChange {
    /// Which kind of document changed.
    pub kind: ProjectDocumentKind,
    #[graphql(skip)]
    document: Uuid,
    /// The project, as it is now.
    pub project: Project,
}

#[ComplexObject]
impl ProjectDocumentChange {
    /// The global ID of the document that changed (a `Project`, `Requirement`,
    /// `PrdDoc`, `TechDesign` or `ApiSpec`).
    async fn document_id(&self) -> ID {
        match self.kind {
            ProjectDocumentKind::Project => ProjectId(self.document).to_global(),
            ProjectDocumentKind::Requirement => RequirementId(self.document).to_global(),
            ProjectDocumentKind::Prd => PrdId(self.document).to_global(),
            ProjectDocumentKind::TechDesign => DesignId(self.document).to_global(),
            ProjectDocumentKind::ApiSpec => ApiSpecId(self.document).to_global(),
        }
    }
}

/// Delivery subscriptions.
#[derive(Default)]
pub struct DeliverySubscription;

#[Subscription]
impl DeliverySubscription {
    /// Each change to a project or its requirements, PRDs, tech designs and API specs
    /// from now on. The project's owner and admins only (others get NOT_FOUND); checked
    /// again on every change.
    async fn project_document_changed<'ctx>(
        &self,
        ctx: &'ctx Context<'_>,
        #[graphql(desc = "The project's global ID.")] project_id: ID,
    ) -> Result<impl Stream<Item = Result<ProjectDocumentChange, AppError>> + use<'ctx>, AppError>
    {
        graphql::data::<Viewer>(ctx)?.require_user()?;
        let id = ProjectId::from_global(&project_id)?;
        loader::load_project(ctx, id)
            .await?
            .ok_or_else(|| AppError::NotFound("projectId: no such project".to_owned()))?;
        let state = graphql::data::<AppState>(ctx)?;
        Ok(events::follow(
            &state.events,
            Topic::Project(id.0),
            move |delivery| async move {
                let Some(kind) = ProjectDocumentKind::of(delivery.event.kind) else {
                    return Ok(None);
                };
                Ok(loader::load_project(ctx, id)
                    .await?
                    .map(|project| ProjectDocumentChange {
                        kind,
                        document: delivery.event.id,
                        project,
                    }))
            },
        ))
    }
}
