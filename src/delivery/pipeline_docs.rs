//! MongoDB access for `requirements`, `prd_docs`, `tech_designs` and the append-only
//! `data_snapshots` (validators and indexes in `mongo-indexes/`).

use std::collections::HashMap;

use bson::{Document, Uuid as BsonUuid, doc};
use mongodb::{Database, options::ReturnDocument};
use serde::Serialize;

use super::{
    design::{Decision, TechDesign},
    docs::{collection, find_in, refused_as, to_bson},
    model::{DesignId, PrdId, ProjectId, RequirementId, bson_id},
    prd::PrdDoc,
    requirement::Requirement,
};
use crate::{error::AppError, users::UserId};

pub(crate) const REQUIREMENTS: &str = "requirements";
pub(crate) const PRD_DOCS: &str = "prd_docs";
pub(super) const TECH_DESIGNS: &str = "tech_designs";
const DATA_SNAPSHOTS: &str = "data_snapshots";

#[tracing::instrument(skip_all)]
pub(super) async fn insert_requirement(db: &Database, doc: &Requirement) -> Result<(), AppError> {
    collection::<Requirement>(db, REQUIREMENTS)
        .insert_one(doc)
        .await
        .map_err(refused_as(
            "the requirement does not fit the requirements schema",
        ))?;
    Ok(())
}

#[tracing::instrument(skip_all, fields(count = ids.len()))]
pub(super) async fn requirements_by_ids(
    db: &Database,
    ids: &[RequirementId],
) -> mongodb::error::Result<HashMap<RequirementId, Requirement>> {
    let found: Vec<Requirement> =
        find_in(db, REQUIREMENTS, "_id", ids.iter().map(|i| i.0), None).await?;
    Ok(found.into_iter().map(|r| (r.requirement_id(), r)).collect())
}

/// The requirements of each project, oldest first, in one `find`.
#[tracing::instrument(skip_all, fields(count = projects.len()))]
pub(super) async fn requirements_of(
    db: &Database,
    projects: &[ProjectId],
) -> mongodb::error::Result<Vec<Requirement>> {
    find_in(
        db,
        REQUIREMENTS,
        "project_id",
        projects.iter().map(|p| p.0),
        Some(doc! { "project_id": 1, "created_at": 1 }),
    )
    .await
}

pub(super) async fn find_requirement(
    db: &Database,
    id: RequirementId,
) -> mongodb::error::Result<Option<Requirement>> {
    collection::<Requirement>(db, REQUIREMENTS)
        .find_one(doc! { "_id": bson_id(id.0) })
        .await
}

/// Writes the next version of a requirement if it is still at `version`
/// (compare-and-set): `set` and `push` are applied with `current_version` moved on.
/// `None` when another change came first.
#[tracing::instrument(skip_all)]
pub(super) async fn advance_requirement(
    db: &Database,
    id: RequirementId,
    version: i32,
    mut set: Document,
    push: Document,
) -> Result<Option<Requirement>, AppError> {
    set.insert("current_version", version + 1);
    set.insert("updated_at", bson::DateTime::now());
    collection::<Requirement>(db, REQUIREMENTS)
        .find_one_and_update(
            doc! { "_id": bson_id(id.0), "current_version": version },
            doc! { "$set": set, "$push": push },
        )
        .return_document(ReturnDocument::After)
        .await
        .map_err(refused_as(
            "analysis: the requirements schema refused the change",
        ))
}

#[tracing::instrument(skip_all)]
pub(super) async fn insert_prd(db: &Database, doc: &PrdDoc) -> Result<bool, AppError> {
    match collection::<PrdDoc>(db, PRD_DOCS).insert_one(doc).await {
        Ok(_) => Ok(true),
        // One PRD per requirement: a concurrent first generation won.
        Err(error) if super::docs::error_code(&error) == Some(11000) => Ok(false),
        Err(error) => Err(refused_as("content: the prd_docs schema refused the PRD")(
            error,
        )),
    }
}

#[tracing::instrument(skip_all, fields(count = ids.len()))]
pub(super) async fn prds_by_ids(
    db: &Database,
    ids: &[PrdId],
) -> mongodb::error::Result<HashMap<PrdId, PrdDoc>> {
    let found: Vec<PrdDoc> = find_in(db, PRD_DOCS, "_id", ids.iter().map(|i| i.0), None).await?;
    Ok(found.into_iter().map(|p| (p.prd_id(), p)).collect())
}

/// The PRD of each requirement that has one, in one `find`.
#[tracing::instrument(skip_all, fields(count = requirements.len()))]
pub(super) async fn prds_of(
    db: &Database,
    requirements: &[RequirementId],
) -> mongodb::error::Result<HashMap<RequirementId, PrdDoc>> {
    let found: Vec<PrdDoc> = find_in(
        db,
        PRD_DOCS,
        "requirement_id",
        requirements.iter().map(|r| r.0),
        None,
    )
    .await?;
    Ok(found
        .into_iter()
        .map(|p| (p.requirement_ref(), p))
        .collect())
}

pub(super) async fn find_prd(db: &Database, id: PrdId) -> mongodb::error::Result<Option<PrdDoc>> {
    collection::<PrdDoc>(db, PRD_DOCS)
        .find_one(doc! { "_id": bson_id(id.0) })
        .await
}

pub(super) async fn find_prd_of(
    db: &Database,
    requirement: RequirementId,
) -> mongodb::error::Result<Option<PrdDoc>> {
    collection::<PrdDoc>(db, PRD_DOCS)
        .find_one(doc! { "requirement_id": bson_id(requirement.0) })
        .await
}

/// Appends a version to a PRD still at `version` (compare-and-set) and makes it
/// current; `None` when another change came first.
#[tracing::instrument(skip_all)]
pub(super) async fn push_prd_version(
    db: &Database,
    id: PrdId,
    version: i32,
    entry: &super::prd::PrdVersion,
    change: &super::prd::PrdChange,
) -> Result<Option<PrdDoc>, AppError> {
    let stored = to_bson(entry)?;
    collection::<PrdDoc>(db, PRD_DOCS)
        .find_one_and_update(
            doc! { "_id": bson_id(id.0), "current_version": version },
            doc! {
                "$set": { "current_version": entry.version, "current": stored.clone(), "updated_at": entry.created_at },
                "$push": { "versions": stored, "change_history": to_bson(change)? },
            },
        )
        .return_document(ReturnDocument::After)
        .await
        .map_err(refused_as("content: the prd_docs schema refused the version"))
}

#[tracing::instrument(skip_all)]
pub(super) async fn insert_design(db: &Database, doc: &TechDesign) -> Result<(), AppError> {
    collection::<TechDesign>(db, TECH_DESIGNS)
        .insert_one(doc)
        .await
        .map_err(refused_as(
            "the design does not fit the tech_designs schema",
        ))?;
    Ok(())
}

#[tracing::instrument(skip_all, fields(count = ids.len()))]
pub(super) async fn designs_by_ids(
    db: &Database,
    ids: &[DesignId],
) -> mongodb::error::Result<HashMap<DesignId, TechDesign>> {
    let found: Vec<TechDesign> =
        find_in(db, TECH_DESIGNS, "_id", ids.iter().map(|i| i.0), None).await?;
    Ok(found.into_iter().map(|d| (d.design_id(), d)).collect())
}

/// The designs of each PRD, oldest first, in one `find`.
#[tracing::instrument(skip_all, fields(count = prds.len()))]
pub(super) async fn designs_of(
    db: &Database,
    prds: &[PrdId],
) -> mongodb::error::Result<Vec<TechDesign>> {
    find_in(
        db,
        TECH_DESIGNS,
        "prd_id",
        prds.iter().map(|p| p.0),
        Some(doc! { "prd_id": 1, "created_at": 1 }),
    )
    .await
}

pub(super) async fn find_design(
    db: &Database,
    id: DesignId,
) -> mongodb::error::Result<Option<TechDesign>> {
    collection::<TechDesign>(db, TECH_DESIGNS)
        .find_one(doc! { "_id": bson_id(id.0) })
        .await
}

/// Appends a decision to a design's log (an atomic `$push`: concurrent decisions both land).
#[tracing::instrument(skip_all)]
pub(super) async fn push_decision(
    db: &Database,
    id: DesignId,
    decision: &Decision,
) -> Result<Option<TechDesign>, AppError> {
    collection::<TechDesign>(db, TECH_DESIGNS)
        .find_one_and_update(
            doc! { "_id": bson_id(id.0) },
            doc! {
                "$push": { "decision_log": to_bson(decision)? },
                "$set": { "updated_at": decision.timestamp },
            },
        )
        .return_document(ReturnDocument::After)
        .await
        .map_err(refused_as("decision: the tech_designs schema refused it"))
}

/// Records that `spec` belongs to the design (`$addToSet`: repeating it is harmless);
/// `false` when the design does not exist.
#[tracing::instrument(skip_all)]
pub(super) async fn link_spec(
    db: &Database,
    design: DesignId,
    spec: uuid::Uuid,
) -> mongodb::error::Result<bool> {
    let updated = collection::<Document>(db, TECH_DESIGNS)
        .update_one(
            doc! { "_id": bson_id(design.0) },
            doc! { "$addToSet": { "api_spec_ids": bson_id(spec) } },
        )
        .await?;
    Ok(updated.matched_count > 0)
}

/// Removes links to specs that no longer exist.
pub(super) async fn unlink_specs(
    db: &Database,
    design: DesignId,
    specs: &[uuid::Uuid],
) -> mongodb::error::Result<()> {
    let ids: Vec<BsonUuid> = specs.iter().copied().map(bson_id).collect();
    collection::<Document>(db, TECH_DESIGNS)
        .update_one(
            doc! { "_id": bson_id(design.0) },
            doc! { "$pull": { "api_spec_ids": { "$in": ids } } },
        )
        .await?;
    Ok(())
}

/// The `api_spec_ids` of each of these designs that exists.
pub(super) async fn spec_links_of(
    db: &Database,
    designs: &[uuid::Uuid],
) -> mongodb::error::Result<HashMap<uuid::Uuid, Vec<uuid::Uuid>>> {
    #[derive(serde::Deserialize)]
    struct Links {
        #[serde(rename = "_id")]
        id: BsonUuid,
        #[serde(default)]
        api_spec_ids: Vec<BsonUuid>,
    }
    let ids: Vec<BsonUuid> = designs.iter().copied().map(bson_id).collect();
    let mut cursor = collection::<Links>(db, TECH_DESIGNS)
        .find(doc! { "_id": { "$in": ids } })
        .projection(doc! { "api_spec_ids": 1 })
        .batch_size(super::docs::BATCH)
        .await?;
    let mut links = HashMap::new();
    while cursor.advance().await? {
        let doc = cursor.deserialize_current()?;
        links.insert(
            doc.id.into(),
            doc.api_spec_ids.into_iter().map(uuid::Uuid::from).collect(),
        );
    }
    Ok(links)
}

/// Every design id with a page of its spec links, for `braid reconcile`: designs that
/// list at least one spec, in id order after `after`.
pub(super) async fn designs_with_links(
    db: &Database,
    after: Option<uuid::Uuid>,
    limit: i64,
) -> mongodb::error::Result<Vec<(uuid::Uuid, Vec<uuid::Uuid>)>> {
    #[derive(serde::Deserialize)]
    struct Links {
        #[serde(rename = "_id")]
        id: BsonUuid,
        api_spec_ids: Vec<BsonUuid>,
    }
    let mut filter = doc! { "api_spec_ids.0": { "$exists": true } };
    if let Some(after) = after {
        filter.insert("_id", doc! { "$gt": bson_id(after) });
    }
    let mut cursor = collection::<Links>(db, TECH_DESIGNS)
        .find(filter)
        .projection(doc! { "api_spec_ids": 1 })
        .sort(doc! { "_id": 1 })
        .limit(limit)
        .await?;
    let mut page = Vec::new();
    while cursor.advance().await? {
        let doc = cursor.deserialize_current()?;
        page.push((
            doc.id.into(),
            doc.api_spec_ids.into_iter().map(uuid::Uuid::from).collect(),
        ));
    }
    Ok(page)
}

/// What an AI decision snapshot records.
#[derive(Serialize, Clone, Copy, Debug)]
#[serde(rename_all = "snake_case")]
pub(super) enum SnapshotKind {
    RequirementAnalysis,
    RequirementEdit,
    PrdVersion,
    DesignCreated,
    DesignDecision,
    ApiSpec,
}

/// One append-only record of an AI decision, kept for future training (seed 000's
/// `data_snapshots`). Nothing updates or deletes these.
#[derive(Serialize)]
pub(super) struct Snapshot {
    #[serde(rename = "_id")]
    pub(super) id: BsonUuid,
    pub(super) kind: SnapshotKind,
    pub(super) project_id: BsonUuid,
    pub(super) owner_id: BsonUuid,
    pub(super) subject_id: BsonUuid,
    pub(super) version: Option<i32>,
    pub(super) actor_id: BsonUuid,
    pub(super) payload: Document,
    pub(super) created_at: bson::DateTime,
}

impl Snapshot {
    pub(super) fn new(
        kind: SnapshotKind,
        project: ProjectId,
        owner: UserId,
        subject: uuid::Uuid,
        version: Option<i32>,
        actor: UserId,
        payload: Document,
    ) -> Self {
        Self {
            id: bson_id(uuid::Uuid::now_v7()),
            kind,
            project_id: bson_id(project.0),
            owner_id: bson_id(owner.0),
            subject_id: bson_id(subject),
            version,
            actor_id: bson_id(actor.0),
            payload,
            created_at: bson::DateTime::now(),
        }
    }
}

/// Appends a snapshot. The decision itself is already stored, so a failure here is
/// logged rather than failing the change: snapshots are training data, not state.
pub(super) async fn append_snapshot(db: &Database, snapshot: Snapshot) {
    if let Err(error) = collection::<Snapshot>(db, DATA_SNAPSHOTS)
        .insert_one(&snapshot)
        .await
    {
        tracing::warn!(kind = ?snapshot.kind, %error, "data snapshot not recorded");
    }
}
