//! AI delivery pipeline (seed 000): projects, requirements, PRDs and tech designs as
//! MongoDB documents (`projects`, `requirements`, `prd_docs`, `tech_designs`, plus the
//! append-only `data_snapshots` and GridFS attachments), API specs and logged analysis
//! failures in PostgreSQL (`api_specs`, `ai_analysis_failures`). A client follows a
//! requirement to its API specs in one query, one round trip per store per level.

mod access;
mod announce;
mod db;
mod design;
mod docs;
mod files;
mod input;
mod loader;
mod model;
mod openapi;
mod pipeline_docs;
mod pipeline_mutation;
mod prd;
mod project;
mod project_mutation;
mod query;
mod reconcile;
mod requirement;
mod spec;

pub use announce::{DeliverySubscription, ProjectDocumentChange, ProjectDocumentKind};
pub use design::{Component, Decision, RiskAssessment, TechDesign};
pub use files::{Download, open_attachment};
pub use input::{
    ComponentInput, CreateProjectInput, CreateTechDesignInput, DesignDecisionInput, MilestoneInput,
    MoscowFeaturesInput, ProjectFilter, RequirementAnalysisInput, RiskAssessmentInput,
    TechStackInput, UpdateProjectInput,
};
pub use loader::{
    attach_loaders, load_design, load_prd, load_project, load_requirement, load_spec,
};
pub use model::{
    Actor, AnalysisFailureId, ApiSpecId, ArchitectureType, AttachmentId, DesignId, PrdId,
    ProjectId, ProjectStatus, RequirementId, RequirementStatus,
};
pub(crate) use pipeline_docs::{PRD_DOCS, REQUIREMENTS};
pub use pipeline_mutation::PipelineMutation;
pub(crate) use pipeline_mutation::{
    attach_spec, create_design, generate_prd, log_decision, revert_prd, update_prd,
};
pub use prd::{PrdChange, PrdDoc, PrdVersion};
pub use project::{Attachment, Milestone, Project, StatusChange, TechStack};
pub use project_mutation::ProjectMutation;
pub(crate) use project_mutation::{
    create_project, edit_analysis, record_analysis, submit_requirement, transition_project,
};
pub use query::DeliveryQuery;
pub use reconcile::{SpecFinding, reconcile_api_specs};
pub use requirement::{
    Analysis, Features, FieldChange, ManualEdit, Requirement, RequirementVersion,
    RequirementVersionKind,
};
pub use spec::{AnalysisFailure, ApiSpec};
