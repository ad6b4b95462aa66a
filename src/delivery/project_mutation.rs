//! Mutations on projects, their requirements and attachments. Each operation is a plain
//! function over the stores (so `braid seed` uses the same checks) with a thin resolver.

use async_graphql::{Context, ID, Json, Object, Upload};
use bson::doc;

use super::{
    access, announce, db, docs, files,
    input::{self, CreateProjectInput, RequirementAnalysisInput, UpdateProjectInput},
    model::{
        Actor, AttachmentId, ProjectId, ProjectStatus, RequirementId, RequirementStatus, bson_id,
    },
    pipeline_docs::{self, Snapshot, SnapshotKind},
    project::{Attachment, Project, ProjectMetadata, StatusChange, TechStack, Timeline},
    requirement::{Analysis, ManualEdit, Requirement, RequirementVersion, RequirementVersionKind},
    spec::{AnalysisFailure, AnalysisFailureStage},
};
use crate::{
    error::AppError,
    events::EventKind,
    graphql::{self, node::NodeId, viewer::Viewer},
    state::AppState,
    stores::Store,
    users,
};

fn actor(ctx: &Context<'_>) -> Result<Actor, AppError> {
    Ok(Actor::from(graphql::data::<Viewer>(ctx)?.require_user()?))
}

fn conflict(what: &str) -> AppError {
    AppError::Conflict(format!(
        "the {what} changed at the same time; reload it and retry"
    ))
}

/// Checks an optional `expectedVersion` against the stored version.
pub(super) fn expect_version(expected: Option<i32>, current: i32) -> Result<(), AppError> {
    match expected {
        Some(expected) if expected != current => Err(AppError::Conflict(format!(
            "expectedVersion: the current version is {current}, not {expected}"
        ))),
        _ => Ok(()),
    }
}

/// How many times an edit without `expectedVersion` reads again and retries after a
/// concurrent writer moved the version first.
const LAST_WRITER_ATTEMPTS: u32 = 64;

/// Runs a versioned edit: `attempt` reads the document, checks `expected` with
/// [`expect_version`] and compare-and-sets on the version it read, answering `Ok(None)`
/// when a concurrent writer got there first. With `expectedVersion` that is `CONFLICT`
/// (the client's copy is stale). Without it the client asked for last-writer-wins: the
/// edit is read again and retried, so every call lands with a version of its own.
pub(super) async fn versioned_edit<T, F, Fut>(
    expected: Option<i32>,
    what: &str,
    mut attempt: F,
) -> Result<T, AppError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, AppError>>,
{
    let attempts = if expected.is_some() {
        1
    } else {
        LAST_WRITER_ATTEMPTS
    };
    for round in 1..=attempts {
        if let Some(done) = attempt().await? {
            return Ok(done);
        }
        // Racing writers spread out: a random pause that grows with each lost round.
        let pause = rand::random::<u64>() % (2 * u64::from(round) + 1);
        tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
    }
    Err(conflict(what))
}

/// Creates a draft project owned by the actor.
pub(crate) async fn create_project(
    state: &AppState,
    actor: Actor,
    input: CreateProjectInput,
) -> Result<Project, AppError> {
    let now = bson::DateTime::now();
    let project = Project {
        id: bson_id(uuid::Uuid::now_v7()),
        name: input::required("name", &input.name, 200)?,
        description: input::text("description", input.description, 5000)?.unwrap_or_default(),
        owner_id: bson_id(actor.user.0),
        status: ProjectStatus::Draft,
        tech_stack: input
            .tech_stack
            .map(|t| t.parse())
            .transpose()?
            .unwrap_or_default(),
        timeline: Timeline {
            milestones: input::milestones(input.milestones.unwrap_or_default())?,
        },
        metadata: ProjectMetadata {
            custom_fields: input::custom_fields(input.custom_fields)?,
            attachments: Vec::new(),
        },
        status_history: Vec::new(),
        created_at: now,
        updated_at: now,
    };
    docs::insert_project(&state.mongo, &project).await?;
    Ok(project)
}

/// Moves a project one step along draft -> active -> completed -> archived.
pub(crate) async fn transition_project(
    state: &AppState,
    actor: Actor,
    id: ProjectId,
    to: ProjectStatus,
) -> Result<Project, AppError> {
    let project = access::project(&state.mongo, actor, id).await?;
    if project.status.next() != Some(to) {
        return Err(AppError::Conflict(format!(
            "status: a {} project cannot become {}{}",
            project.status.as_str(),
            to.as_str(),
            project
                .status
                .next()
                .map(|n| format!(" (only {})", n.as_str()))
                .unwrap_or_default()
        )));
    }
    let change = StatusChange {
        from: project.status,
        to,
        at: bson::DateTime::now(),
        by: bson_id(actor.user.0),
    };
    docs::transition(&state.mongo, id, &change)
        .await?
        .ok_or_else(|| conflict("project's status"))
        .inspect(|project| announce::project_changed(state, project))
}

/// Submits a requirement's raw text to a project (version 1, waiting for analysis).
pub(crate) async fn submit_requirement(
    state: &AppState,
    actor: Actor,
    project: ProjectId,
    raw_text: &str,
) -> Result<Requirement, AppError> {
    let raw_text = input::raw_text(raw_text)?;
    let project = access::live_project(&state.mongo, actor, project).await?;
    let now = bson::DateTime::now();
    let requirement = Requirement {
        id: bson_id(uuid::Uuid::now_v7()),
        project_id: project.id,
        owner_id: project.owner_id,
        raw_text,
        status: RequirementStatus::Submitted,
        ai_analysis: None,
        confidence_score: None,
        manual_edits: Vec::new(),
        current_version: 1,
        version_history: vec![RequirementVersion {
            version: 1,
            kind: RequirementVersionKind::Submitted,
            timestamp: now,
            author_id: bson_id(actor.user.0),
            confidence_score: None,
            analysis: None,
        }],
        created_at: now,
        updated_at: now,
    };
    pipeline_docs::insert_requirement(&state.mongo, &requirement).await?;
    announce::requirement_changed(state, &requirement);
    Ok(requirement)
}

/// Records the AI's analysis as a new version. Below the owner's
/// `ai_settings.confidence_threshold` the requirement is flagged for review. When
/// MongoDB cannot take the analysis, it is kept in PostgreSQL (`ai_analysis_failures`)
/// so nothing the AI produced is lost, and the error is returned. The caller's ownership
/// is established first, so only verified analyses are logged.
pub(crate) async fn record_analysis(
    state: &AppState,
    actor: Actor,
    id: RequirementId,
    analysis: Analysis,
    confidence: f64,
    expected_version: Option<i32>,
) -> Result<Requirement, AppError> {
    let confidence = input::confidence(confidence)?;
    // Ownership is checked before anything is written: while MongoDB cannot say who owns
    // the requirement, nothing is logged on the caller's word either.
    access::requirement(&state.mongo, actor, id).await?;
    let attempt = versioned_edit(expected_version, "requirement", || {
        record_analysis_once(state, actor, id, &analysis, confidence, expected_version)
    });
    match attempt.await {
        Err(AppError::StoreUnavailable(Store::Mongo)) => {
            let payload = serde_json::json!({ "analysis": analysis, "confidence": confidence });
            if let Err(error) = db::insert_failure(
                &state.pg,
                id,
                None,
                actor.user,
                AnalysisFailureStage::StoreWrite,
                "MongoDB could not record the analysis",
                Some(&payload),
            )
            .await
            {
                tracing::error!(requirement = %id.0, %error, "analysis lost: neither MongoDB nor PostgreSQL took it");
            }
            Err(AppError::StoreUnavailable(Store::Mongo))
        }
        other => other.inspect(|requirement| announce::requirement_changed(state, requirement)),
    }
}

/// One attempt of [`record_analysis`]: `None` when a concurrent writer moved the version.
async fn record_analysis_once(
    state: &AppState,
    actor: Actor,
    id: RequirementId,
    analysis: &Analysis,
    confidence: f64,
    expected_version: Option<i32>,
) -> Result<Option<Requirement>, AppError> {
    let requirement = access::requirement(&state.mongo, actor, id).await?;
    expect_version(expected_version, requirement.current_version)?;
    let threshold = users::ai_confidence_threshold(&state.pg, requirement.owned_by()).await?;
    let status = if confidence < threshold {
        RequirementStatus::NeedsReview
    } else {
        RequirementStatus::Analyzed
    };
    let version = RequirementVersion {
        version: requirement.current_version + 1,
        kind: RequirementVersionKind::AiAnalysis,
        timestamp: bson::DateTime::now(),
        author_id: bson_id(actor.user.0),
        confidence_score: Some(confidence),
        analysis: Some(analysis.clone()),
    };
    let stored = docs::to_bson(analysis)?;
    let Some(updated) = pipeline_docs::advance_requirement(
        &state.mongo,
        id,
        requirement.current_version,
        doc! {
            "ai_analysis": stored.clone(),
            "confidence_score": confidence,
            "status": docs::to_bson(&status)?,
        },
        doc! { "version_history": docs::to_bson(&version)? },
    )
    .await?
    else {
        return Ok(None);
    };
    pipeline_docs::append_snapshot(
        &state.mongo,
        Snapshot::new(
            SnapshotKind::RequirementAnalysis,
            updated.project_ref(),
            updated.owned_by(),
            id.0,
            Some(updated.current_version),
            actor.user,
            doc! { "raw_text": &updated.raw_text, "analysis": stored, "confidence_score": confidence, "threshold": threshold, "status": docs::to_bson(&status)? },
        ),
    )
    .await;
    Ok(Some(updated))
}

/// Records a person's correction of the analysis: the structured diff against the
/// previous analysis and a new version; the requirement counts as reviewed.
pub(crate) async fn edit_analysis(
    state: &AppState,
    actor: Actor,
    id: RequirementId,
    analysis: Analysis,
    expected_version: Option<i32>,
) -> Result<Requirement, AppError> {
    let updated = versioned_edit(expected_version, "requirement", || {
        edit_analysis_once(state, actor, id, &analysis, expected_version)
    })
    .await?;
    announce::requirement_changed(state, &updated);
    Ok(updated)
}

/// One attempt of [`edit_analysis`]: `None` when a concurrent writer moved the version.
async fn edit_analysis_once(
    state: &AppState,
    actor: Actor,
    id: RequirementId,
    analysis: &Analysis,
    expected_version: Option<i32>,
) -> Result<Option<Requirement>, AppError> {
    let requirement = access::requirement(&state.mongo, actor, id).await?;
    expect_version(expected_version, requirement.current_version)?;
    let Some(before) = &requirement.ai_analysis else {
        return Err(AppError::Conflict(
            "the requirement has no analysis to edit yet".to_owned(),
        ));
    };
    let changes = analysis.diff_from(before);
    if changes.is_empty() {
        return Err(AppError::BadUserInput(
            "analysis: the edit changes nothing".to_owned(),
        ));
    }
    let now = bson::DateTime::now();
    let next = requirement.current_version + 1;
    let edit = ManualEdit {
        editor_id: bson_id(actor.user.0),
        edited_at: now,
        version: next,
        changes,
    };
    let version = RequirementVersion {
        version: next,
        kind: RequirementVersionKind::ManualEdit,
        timestamp: now,
        author_id: bson_id(actor.user.0),
        confidence_score: requirement.confidence_score,
        analysis: Some(analysis.clone()),
    };
    let Some(updated) = pipeline_docs::advance_requirement(
        &state.mongo,
        id,
        requirement.current_version,
        doc! {
            "ai_analysis": docs::to_bson(analysis)?,
            "status": docs::to_bson(&RequirementStatus::Reviewed)?,
        },
        doc! { "version_history": docs::to_bson(&version)?, "manual_edits": docs::to_bson(&edit)? },
    )
    .await?
    else {
        return Ok(None);
    };
    pipeline_docs::append_snapshot(
        &state.mongo,
        Snapshot::new(
            SnapshotKind::RequirementEdit,
            updated.project_ref(),
            updated.owned_by(),
            id.0,
            Some(next),
            actor.user,
            doc! { "before": docs::to_bson(before)?, "after": docs::to_bson(analysis)?, "changes": docs::to_bson(&edit.changes)? },
        ),
    )
    .await;
    Ok(Some(updated))
}

/// Project, requirement and attachment mutations.
#[derive(Default)]
pub struct ProjectMutation;

#[Object]
impl ProjectMutation {
    /// Creates a delivery project (a draft) owned by the viewer.
    async fn create_project(
        &self,
        ctx: &Context<'_>,
        input: CreateProjectInput,
    ) -> Result<Project, AppError> {
        create_project(graphql::data::<AppState>(ctx)?, actor(ctx)?, input).await
    }

    /// Changes a project's name, description, tech stack or milestones.
    async fn update_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project's global ID.")] id: ID,
        input: UpdateProjectInput,
    ) -> Result<Project, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let id = ProjectId::from_global(&id)?;
        let mut set = bson::Document::new();
        if let Some(name) = &input.name {
            set.insert("name", input::required("name", name, 200)?);
        }
        if let Some(description) = input.description {
            set.insert(
                "description",
                input::text("description", Some(description), 5000)?.unwrap_or_default(),
            );
        }
        if let Some(stack) = input.tech_stack {
            let stack: TechStack = stack.parse()?;
            set.insert("tech_stack", docs::to_bson(&stack)?);
        }
        if let Some(milestones) = input.milestones {
            set.insert(
                "timeline.milestones",
                docs::to_bson(&input::milestones(milestones)?)?,
            );
        }
        let project = access::live_project(&state.mongo, actor(ctx)?, id).await?;
        if set.is_empty() {
            return Ok(project);
        }
        docs::update_fields(&state.mongo, id, set)
            .await?
            .ok_or_else(|| conflict("project"))
            .inspect(|project| announce::project_changed(state, project))
    }

    /// Moves a project to the next status: draft -> active -> completed -> archived.
    /// Any other move is `CONFLICT`. Archived projects are read-only.
    async fn transition_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project's global ID.")] id: ID,
        #[graphql(desc = "The status to move to.")] to: ProjectStatus,
    ) -> Result<Project, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        transition_project(state, actor(ctx)?, ProjectId::from_global(&id)?, to).await
    }

    /// Sets one custom field (`$set` of `metadata.custom_fields.<key>`).
    async fn set_project_custom_field(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project's global ID.")] project_id: ID,
        #[graphql(desc = "1 to 64 letters, digits, `_` or `-`.")] key: String,
        #[graphql(desc = "Any JSON value (at most 8 KiB).")] value: Json<serde_json::Value>,
    ) -> Result<Project, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let id = ProjectId::from_global(&project_id)?;
        let key = input::custom_field_key(&key)?;
        let value = input::custom_field_value(&value.0)?;
        access::live_project(&state.mongo, actor(ctx)?, id).await?;
        docs::set_custom_field(&state.mongo, id, &key, value)
            .await?
            .ok_or_else(|| conflict("project"))
            .inspect(|project| announce::project_changed(state, project))
    }

    /// Removes one custom field (`$unset`); removing an absent key changes nothing.
    async fn unset_project_custom_field(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project's global ID.")] project_id: ID,
        #[graphql(desc = "The field to remove.")] key: String,
    ) -> Result<Project, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let id = ProjectId::from_global(&project_id)?;
        let key = input::custom_field_key(&key)?;
        access::live_project(&state.mongo, actor(ctx)?, id).await?;
        docs::unset_custom_field(&state.mongo, id, &key)
            .await?
            .ok_or_else(|| conflict("project"))
            .inspect(|project| announce::project_changed(state, project))
    }

    /// Submits a requirement's raw text to a project; the AI worker analyses it next.
    async fn submit_requirement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project's global ID.")] project_id: ID,
        #[graphql(desc = "The requirement as written (1 to 20,000 characters).")] raw_text: String,
    ) -> Result<Requirement, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        submit_requirement(
            state,
            actor(ctx)?,
            ProjectId::from_global(&project_id)?,
            &raw_text,
        )
        .await
    }

    /// Records the AI's analysis of a requirement as a new version (what the AI worker
    /// calls). Below the owner's `ai.confidenceThreshold` the requirement is flagged
    /// `NEEDS_REVIEW`. If MongoDB cannot take it, the analysis is logged in PostgreSQL
    /// and the error is `STORE_UNAVAILABLE`.
    async fn record_requirement_analysis(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The requirement's global ID.")] id: ID,
        analysis: RequirementAnalysisInput,
        #[graphql(desc = "The AI's confidence, 0 to 1.")] confidence: f64,
        #[graphql(desc = "Fail with CONFLICT unless the requirement is at this version.")]
        expected_version: Option<i32>,
    ) -> Result<Requirement, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let id = RequirementId::from_global(&id)?;
        record_analysis(
            state,
            actor(ctx)?,
            id,
            analysis.parse()?,
            confidence,
            expected_version,
        )
        .await
    }

    /// Corrects the analysis by hand: records who, when and the structured diff against
    /// the previous analysis, as a new version.
    async fn edit_requirement_analysis(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The requirement's global ID.")] id: ID,
        analysis: RequirementAnalysisInput,
        #[graphql(desc = "Fail with CONFLICT unless the requirement is at this version.")]
        expected_version: Option<i32>,
    ) -> Result<Requirement, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let id = RequirementId::from_global(&id)?;
        edit_analysis(state, actor(ctx)?, id, analysis.parse()?, expected_version).await
    }

    /// Logs that the AI could not analyse a requirement (PostgreSQL
    /// `ai_analysis_failures`), for the AI worker.
    async fn report_requirement_analysis_failure(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The requirement's global ID.")] id: ID,
        #[graphql(desc = "What went wrong (1 to 2,000 characters).")] reason: String,
    ) -> Result<AnalysisFailure, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let actor = actor(ctx)?;
        let reason = input::required("reason", &reason, 2000)?;
        let requirement =
            access::requirement(&state.mongo, actor, RequirementId::from_global(&id)?).await?;
        Ok(db::insert_failure(
            &state.pg,
            requirement.requirement_id(),
            Some(requirement.project_ref()),
            actor.user,
            AnalysisFailureStage::AiAnalysis,
            &reason,
            None,
        )
        .await?)
    }

    /// Uploads a file (a GraphQL multipart request) and attaches it to a project. Stored
    /// in GridFS with its content type, size and SHA-256; larger than the configured
    /// limit is refused before anything is stored.
    async fn upload_project_attachment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project's global ID.")] project_id: ID,
        #[graphql(desc = "The file (multipart request field).")] file: Upload,
    ) -> Result<Attachment, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let actor = actor(ctx)?;
        let id = ProjectId::from_global(&project_id)?;
        let upload = file
            .value(ctx)
            .map_err(|_| AppError::BadUserInput("file: the upload is missing".to_owned()))?;
        let project = access::live_project(&state.mongo, actor, id).await?;
        let attached = files::attach(state, &project, actor, upload).await?;
        announce::project_changed(state, &project);
        Ok(attached)
    }

    /// Removes an attachment from a project and deletes its file.
    async fn remove_project_attachment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project's global ID.")] project_id: ID,
        #[graphql(desc = "The attachment's global ID.")] attachment_id: ID,
    ) -> Result<bool, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let id = ProjectId::from_global(&project_id)?;
        let attachment = AttachmentId::from_global(&attachment_id)?;
        access::live_project(&state.mongo, actor(ctx)?, id).await?;
        let removed = files::detach(state, id, attachment).await?;
        if removed {
            announce::document_changed(state, id, EventKind::Project, id.0);
        }
        Ok(removed)
    }
}
