//! Mutations on PRDs, tech designs and API specs.
//!
//! `attachApiSpec` spans two stores without two-phase commit: it checks the design in
//! MongoDB, writes the spec to PostgreSQL (the spec's owning store), then records the
//! link on the design document. When that last write fails the spec stays, reads stay
//! correct (`TechDesign.apiSpecs` reads PostgreSQL), and `braid reconcile` reports and
//! repairs the missing link.

use async_graphql::{Context, ID, Json, Object};
use bson::doc;

use super::{
    access, announce, db,
    design::{Architecture, Decision, TechDesign},
    docs,
    input::{self, CreateTechDesignInput, DesignDecisionInput},
    model::{Actor, ApiSpecId, DesignId, PrdId, RequirementId, bson_id},
    openapi,
    pipeline_docs::{self, Snapshot, SnapshotKind},
    prd::{PrdChange, PrdDoc, PrdSource, PrdVersion, line_changes},
    project_mutation::{expect_version, versioned_edit},
    spec::ApiSpec,
};
use crate::{
    error::AppError,
    events::EventKind,
    graphql::{self, node::NodeId, viewer::Viewer},
    state::AppState,
};

fn actor(ctx: &Context<'_>) -> Result<Actor, AppError> {
    Ok(Actor::from(graphql::data::<Viewer>(ctx)?.require_user()?))
}

async fn snapshot_prd(state: &AppState, prd: &PrdDoc, actor: Actor) {
    let change = prd.change_history.last();
    pipeline_docs::append_snapshot(
        &state.mongo,
        Snapshot::new(
            SnapshotKind::PrdVersion,
            prd.project_ref(),
            prd.owned_by(),
            prd.id.into(),
            Some(prd.current_version),
            actor.user,
            doc! {
                "requirement_id": prd.requirement_id,
                "content": &prd.current.content,
                "source": bson::to_bson(&prd.current.source).unwrap_or_default(),
                "summary": change.and_then(|c| c.summary.clone()),
            },
        ),
    )
    .await;
}

/// Appends a version to an existing PRD still at `from.current_version`; `None` when a
/// concurrent writer moved it first.
async fn push_version(
    state: &AppState,
    actor: Actor,
    from: &PrdDoc,
    content: String,
    source: PrdSource,
    reverted_to: Option<i32>,
    summary: Option<String>,
) -> Result<Option<PrdDoc>, AppError> {
    let now = bson::DateTime::now();
    let (added, removed) = line_changes(&from.current.content, &content);
    let entry = PrdVersion {
        version: from.current_version + 1,
        content,
        created_at: now,
        author_id: bson_id(actor.user.0),
        source,
    };
    let change = PrdChange {
        version: entry.version,
        action: source,
        at: now,
        by: bson_id(actor.user.0),
        reverted_to,
        summary,
        lines_added: added,
        lines_removed: removed,
    };
    let Some(updated) = pipeline_docs::push_prd_version(
        &state.mongo,
        from.prd_id(),
        from.current_version,
        &entry,
        &change,
    )
    .await?
    else {
        return Ok(None);
    };
    snapshot_prd(state, &updated, actor).await;
    announce::prd_changed(state, &updated);
    Ok(Some(updated))
}

/// Generates (first time) or regenerates a requirement's PRD: each call is a new version.
/// The requirement needs an analysis first.
pub(crate) async fn generate_prd(
    state: &AppState,
    actor: Actor,
    requirement: RequirementId,
    title: &str,
    content: &str,
) -> Result<PrdDoc, AppError> {
    let title = input::required("title", title, 200)?;
    let content = input::prd_content(content)?;
    let requirement = access::requirement(&state.mongo, actor, requirement).await?;
    if requirement.ai_analysis.is_none() {
        return Err(AppError::Conflict(
            "the requirement has no analysis yet; record one before generating its PRD".to_owned(),
        ));
    }
    let exists = pipeline_docs::find_prd_of(&state.mongo, requirement.requirement_id())
        .await?
        .is_some();
    if !exists {
        let prd = first_prd(&requirement, actor, title, content.clone());
        if pipeline_docs::insert_prd(&state.mongo, &prd).await? {
            snapshot_prd(state, &prd, actor).await;
            announce::prd_changed(state, &prd);
            return Ok(prd);
        }
        // Another call generated it at the same time: this one becomes its next version.
    }
    versioned_edit(None, "PRD", || async {
        let Some(existing) =
            pipeline_docs::find_prd_of(&state.mongo, requirement.requirement_id()).await?
        else {
            return Ok(None);
        };
        push_version(
            state,
            actor,
            &existing,
            content.clone(),
            PrdSource::Generated,
            None,
            None,
        )
        .await
    })
    .await
}

/// Version 1 of a requirement's PRD.
fn first_prd(
    requirement: &super::requirement::Requirement,
    actor: Actor,
    title: String,
    content: String,
) -> PrdDoc {
    let now = bson::DateTime::now();
    let first = PrdVersion {
        version: 1,
        content,
        created_at: now,
        author_id: bson_id(actor.user.0),
        source: PrdSource::Generated,
    };
    let (added, _) = line_changes("", &first.content);
    PrdDoc {
        id: bson_id(uuid::Uuid::now_v7()),
        requirement_id: requirement.id,
        project_id: requirement.project_id,
        owner_id: requirement.owner_id,
        title,
        current_version: 1,
        current: first.clone(),
        versions: vec![first],
        change_history: vec![PrdChange {
            version: 1,
            action: PrdSource::Generated,
            at: now,
            by: bson_id(actor.user.0),
            reverted_to: None,
            summary: None,
            lines_added: added,
            lines_removed: 0,
        }],
        created_at: now,
        updated_at: now,
    }
}

/// Saves edited PRD content as a new version.
pub(crate) async fn update_prd(
    state: &AppState,
    actor: Actor,
    id: PrdId,
    content: &str,
    summary: Option<String>,
    expected_version: Option<i32>,
) -> Result<PrdDoc, AppError> {
    let content = input::prd_content(content)?;
    let summary = input::text("summary", summary, 500)?;
    versioned_edit(expected_version, "PRD", || async {
        let prd = access::prd(&state.mongo, actor, id).await?;
        expect_version(expected_version, prd.current_version)?;
        push_version(
            state,
            actor,
            &prd,
            content.clone(),
            PrdSource::Edited,
            None,
            summary.clone(),
        )
        .await
    })
    .await
}

/// Restores an earlier version's content as a new version.
pub(crate) async fn revert_prd(
    state: &AppState,
    actor: Actor,
    id: PrdId,
    version: i32,
    expected_version: Option<i32>,
) -> Result<PrdDoc, AppError> {
    versioned_edit(expected_version, "PRD", || async {
        let prd = access::prd(&state.mongo, actor, id).await?;
        expect_version(expected_version, prd.current_version)?;
        let earlier = prd
            .versions
            .iter()
            .find(|v| v.version == version)
            .ok_or_else(|| {
                AppError::NotFound(format!("version: the PRD has no version {version}"))
            })?
            .content
            .clone();
        push_version(
            state,
            actor,
            &prd,
            earlier,
            PrdSource::Reverted,
            Some(version),
            Some(format!("Reverted to version {version}")),
        )
        .await
    })
    .await
}

/// Creates a tech design for a PRD.
pub(crate) async fn create_design(
    state: &AppState,
    actor: Actor,
    prd: PrdId,
    input: CreateTechDesignInput,
) -> Result<TechDesign, AppError> {
    let new = input.parse()?;
    let prd = access::prd(&state.mongo, actor, prd).await?;
    let now = bson::DateTime::now();
    let design = TechDesign {
        id: bson_id(uuid::Uuid::now_v7()),
        prd_id: prd.id,
        requirement_id: prd.requirement_id,
        project_id: prd.project_id,
        owner_id: prd.owner_id,
        title: new.title,
        architecture: Architecture {
            kind: new.kind,
            components: new.components,
        },
        plantuml_code: new.plantuml_code,
        decision_log: Vec::new(),
        risk_assessment: new.risk,
        api_spec_ids: Vec::new(),
        created_at: now,
        updated_at: now,
    };
    pipeline_docs::insert_design(&state.mongo, &design).await?;
    pipeline_docs::append_snapshot(
        &state.mongo,
        Snapshot::new(
            SnapshotKind::DesignCreated,
            design.project_ref(),
            design.owned_by(),
            design.id.into(),
            None,
            actor.user,
            doc! {
                "prd_id": prd.id,
                "prd_version": prd.current_version,
                "architecture": docs::to_bson(&design.architecture)?,
                "risk_assessment": docs::to_bson(&design.risk_assessment)?,
            },
        ),
    )
    .await;
    announce::design_changed(state, &design);
    Ok(design)
}

/// Appends a decision to a design's log.
pub(crate) async fn log_decision(
    state: &AppState,
    actor: Actor,
    id: DesignId,
    input: DesignDecisionInput,
) -> Result<TechDesign, AppError> {
    let (option, alternatives, rationale) = input::decision(input)?;
    access::design(&state.mongo, actor, id).await?;
    let decision = Decision {
        id: bson_id(uuid::Uuid::now_v7()),
        timestamp: bson::DateTime::now(),
        option,
        alternatives,
        rationale,
        author_id: bson_id(actor.user.0),
    };
    let design = pipeline_docs::push_decision(&state.mongo, id, &decision)
        .await?
        .ok_or_else(|| AppError::NotFound("no tech design has this id".to_owned()))?;
    pipeline_docs::append_snapshot(
        &state.mongo,
        Snapshot::new(
            SnapshotKind::DesignDecision,
            design.project_ref(),
            design.owned_by(),
            id.0,
            None,
            actor.user,
            doc! { "decision": docs::to_bson(&decision)?, "architecture_type": docs::to_bson(&design.architecture.kind)? },
        ),
    )
    .await;
    announce::design_changed(state, &design);
    Ok(design)
}

/// Attaches an OpenAPI document to a design: MongoDB check, PostgreSQL write, then the
/// link on the design (see the module docs for what happens when that last step fails).
pub(crate) async fn attach_spec(
    state: &AppState,
    actor: Actor,
    design: DesignId,
    document: &serde_json::Value,
    github_url: Option<String>,
) -> Result<ApiSpec, AppError> {
    let checked = openapi::check(document)?;
    let github_url = input::github_url(github_url)?;
    let design = access::design(&state.mongo, actor, design).await?;
    let spec = db::insert_spec(
        &state.pg,
        &db::NewSpec {
            id: ApiSpecId(uuid::Uuid::now_v7()),
            design: design.design_id(),
            project: design.project_ref(),
            owner: design.owned_by(),
            title: &checked.title,
            openapi_version: &checked.version,
            document,
            validation_errors: &checked.errors,
            github_url: github_url.as_deref(),
        },
    )
    .await?;
    match pipeline_docs::link_spec(&state.mongo, design.design_id(), spec.id.0).await {
        Ok(true) => {}
        Ok(false) => {
            tracing::warn!(spec = %spec.id.0, "the design vanished after the spec was stored; braid reconcile reports it")
        }
        Err(error) => {
            tracing::warn!(spec = %spec.id.0, %error, "spec stored without its link on the design; braid reconcile repairs it")
        }
    }
    pipeline_docs::append_snapshot(
        &state.mongo,
        Snapshot::new(
            SnapshotKind::ApiSpec,
            design.project_ref(),
            design.owned_by(),
            spec.id.0,
            None,
            actor.user,
            doc! { "design_id": design.id, "openapi_version": &checked.version, "validation_errors": &checked.errors },
        ),
    )
    .await;
    announce::document_changed(state, design.project_ref(), EventKind::ApiSpec, spec.id.0);
    Ok(spec)
}

/// PRD, tech design and API spec mutations.
#[derive(Default)]
pub struct PipelineMutation;

#[Object]
impl PipelineMutation {
    /// Generates a requirement's PRD from its analysis (what the AI worker calls): the
    /// first call creates the PRD, each later call adds a version.
    async fn generate_prd(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The requirement's global ID.")] requirement_id: ID,
        #[graphql(desc = "Title (1 to 200 characters; kept from the first generation).")]
        title: String,
        #[graphql(desc = "Markdown content (1 to 200,000 characters).")] content: String,
    ) -> Result<PrdDoc, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let id = RequirementId::from_global(&requirement_id)?;
        generate_prd(state, actor(ctx)?, id, &title, &content).await
    }

    /// Saves edited PRD content as a new version.
    async fn update_prd(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The PRD's global ID.")] id: ID,
        #[graphql(desc = "Markdown content (1 to 200,000 characters).")] content: String,
        #[graphql(desc = "A note on the change (at most 500 characters).")] summary: Option<String>,
        #[graphql(desc = "Fail with CONFLICT unless the PRD is at this version.")] expected_version: Option<i32>,
    ) -> Result<PrdDoc, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        update_prd(
            state,
            actor(ctx)?,
            PrdId::from_global(&id)?,
            &content,
            summary,
            expected_version,
        )
        .await
    }

    /// Restores an earlier PRD version's content as a new version.
    async fn revert_prd(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The PRD's global ID.")] id: ID,
        #[graphql(desc = "The version to restore.")] version: i32,
        #[graphql(desc = "Fail with CONFLICT unless the PRD is at this version.")] expected_version: Option<i32>,
    ) -> Result<PrdDoc, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        revert_prd(
            state,
            actor(ctx)?,
            PrdId::from_global(&id)?,
            version,
            expected_version,
        )
        .await
    }

    /// Creates a tech design for a PRD.
    async fn create_tech_design(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The PRD's global ID.")] prd_id: ID,
        input: CreateTechDesignInput,
    ) -> Result<TechDesign, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        create_design(state, actor(ctx)?, PrdId::from_global(&prd_id)?, input).await
    }

    /// Appends a technical decision (option, alternatives, rationale) to a design's log.
    async fn log_design_decision(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The design's global ID.")] design_id: ID,
        input: DesignDecisionInput,
    ) -> Result<TechDesign, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        log_decision(
            state,
            actor(ctx)?,
            DesignId::from_global(&design_id)?,
            input,
        )
        .await
    }

    /// Attaches an OpenAPI 3.0/3.1 document to a design (stored in PostgreSQL with what
    /// validation found). Not an OpenAPI document at all: `BAD_USER_INPUT`.
    async fn attach_api_spec(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The design's global ID.")] design_id: ID,
        #[graphql(desc = "The OpenAPI document (JSON, at most 1 MiB).")] openapi: Json<
            serde_json::Value,
        >,
        #[graphql(desc = "https://github.com/<owner>/<repo>... the spec syncs with.")]
        github_url: Option<String>,
    ) -> Result<ApiSpec, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        attach_spec(
            state,
            actor(ctx)?,
            DesignId::from_global(&design_id)?,
            &openapi.0,
            github_url,
        )
        .await
    }
}
