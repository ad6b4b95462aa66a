//! MongoDB access for `projects` (validator and indexes in `mongo-indexes/projects.json`)
//! and what the delivery collections share.

use std::collections::HashMap;

use bson::{Bson, Document, Uuid as BsonUuid, doc};
use futures::TryStreamExt;
use mongodb::{
    Collection, Database,
    error::{Error, ErrorKind, WriteFailure},
    options::ReturnDocument,
};
use serde::{Serialize, de::DeserializeOwned};

use super::{
    model::{ProjectId, ProjectStatus, bson_id},
    project::{Attachment, Project, StatusChange},
};
use crate::{error::AppError, graphql::pagination::KeysetCursor, users::UserId};

pub(super) const PROJECTS: &str = "projects";

/// Loader finds ask for everything in one batch, so a batch is one round trip.
pub(super) const BATCH: u32 = 10_000;

pub(super) fn collection<T: Send + Sync>(db: &Database, name: &str) -> Collection<T> {
    db.collection(name)
}

/// The server's error code of a failed write or command.
pub(super) fn error_code(error: &Error) -> Option<i32> {
    match &*error.kind {
        ErrorKind::Write(WriteFailure::WriteError(e)) => Some(e.code),
        ErrorKind::Write(WriteFailure::WriteConcernError(e)) => Some(e.code),
        ErrorKind::Command(e) => Some(e.code),
        _ => None,
    }
}

/// Turns a `$jsonSchema` refusal (code 121) into `BAD_USER_INPUT` with `message`; every
/// other error keeps its usual mapping.
pub(super) fn refused_as(message: &str) -> impl FnOnce(Error) -> AppError + '_ {
    move |error| {
        if error_code(&error) == Some(121) {
            AppError::BadUserInput(message.to_owned())
        } else {
            AppError::from(error)
        }
    }
}

/// Documents of `name` whose `field` is one of `ids`, in `sort` order, in one `find`.
pub(super) async fn find_in<T: DeserializeOwned + Send + Sync>(
    db: &Database,
    name: &str,
    field: &str,
    ids: impl IntoIterator<Item = uuid::Uuid>,
    sort: Option<Document>,
) -> mongodb::error::Result<Vec<T>> {
    let ids: Vec<BsonUuid> = ids.into_iter().map(bson_id).collect();
    let collection = collection::<T>(db, name);
    let mut find = collection
        .find(doc! { field: { "$in": ids } })
        .batch_size(BATCH);
    if let Some(sort) = sort {
        find = find.sort(sort);
    }
    find.await?.try_collect().await
}

pub(super) fn to_bson(value: &impl Serialize) -> Result<Bson, AppError> {
    bson::to_bson(value).map_err(AppError::internal)
}

#[tracing::instrument(skip_all)]
pub(super) async fn insert_project(db: &Database, project: &Project) -> Result<(), AppError> {
    collection::<Project>(db, PROJECTS)
        .insert_one(project)
        .await
        .map_err(refused_as("the project does not fit the projects schema"))?;
    Ok(())
}

#[tracing::instrument(skip_all, fields(count = ids.len()))]
pub(super) async fn projects_by_ids(
    db: &Database,
    ids: &[ProjectId],
) -> mongodb::error::Result<HashMap<ProjectId, Project>> {
    let found: Vec<Project> = find_in(db, PROJECTS, "_id", ids.iter().map(|i| i.0), None).await?;
    Ok(found.into_iter().map(|p| (p.project_id(), p)).collect())
}

/// One project, fresh from the store (mutations check against this, not a loader).
pub(super) async fn find_project(
    db: &Database,
    id: ProjectId,
) -> mongodb::error::Result<Option<Project>> {
    collection::<Project>(db, PROJECTS)
        .find_one(doc! { "_id": bson_id(id.0) })
        .await
}

/// Filters of `myProjects`.
pub(super) struct ProjectQuery<'a> {
    pub(super) owner: UserId,
    pub(super) status: Option<ProjectStatus>,
    pub(super) search: Option<&'a str>,
}

/// Escapes a literal for a `$regex`.
fn regex_literal(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\^$.|?*+()[]{}-/".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// An owner's projects, newest first, strictly after `after`: one `find`.
#[tracing::instrument(skip_all)]
pub(super) async fn page_of(
    db: &Database,
    query: &ProjectQuery<'_>,
    after: Option<KeysetCursor>,
    limit: i64,
) -> mongodb::error::Result<Vec<Project>> {
    let mut filter = doc! { "owner_id": bson_id(query.owner.0) };
    if let Some(status) = query.status {
        filter.insert("status", status.as_str());
    }
    if let Some(search) = query.search {
        filter.insert(
            "name",
            doc! { "$regex": regex_literal(search), "$options": "i" },
        );
    }
    if let Some(cursor) = after {
        let at = bson::DateTime::from_chrono(cursor.at);
        filter.insert(
            "$or",
            vec![
                doc! { "created_at": { "$lt": at } },
                doc! { "created_at": at, "_id": { "$lt": bson_id(cursor.id) } },
            ],
        );
    }
    collection::<Project>(db, PROJECTS)
        .find(filter)
        .sort(doc! { "created_at": -1, "_id": -1 })
        .limit(limit)
        .batch_size(BATCH)
        .await?
        .try_collect()
        .await
}

/// Applies `update` to a project that is not archived; the project after the change, or
/// `None` when it is absent or archived.
async fn update_live_project(
    db: &Database,
    id: ProjectId,
    mut update: Document,
    refused: &str,
) -> Result<Option<Project>, AppError> {
    let now = bson::DateTime::now();
    match update.get_document_mut("$set") {
        Ok(set) => {
            set.insert("updated_at", now);
        }
        Err(_) => {
            update.insert("$set", doc! { "updated_at": now });
        }
    }
    collection::<Project>(db, PROJECTS)
        .find_one_and_update(
            doc! { "_id": bson_id(id.0), "status": { "$ne": "archived" } },
            update,
        )
        .return_document(ReturnDocument::After)
        .await
        .map_err(refused_as(refused))
}

/// Sets changed top-level fields (name, description, tech stack, milestones).
#[tracing::instrument(skip_all)]
pub(super) async fn update_fields(
    db: &Database,
    id: ProjectId,
    set: Document,
) -> Result<Option<Project>, AppError> {
    update_live_project(
        db,
        id,
        doc! { "$set": set },
        "the change does not fit the projects schema",
    )
    .await
}

/// `$set` of `metadata.custom_fields.<key>` (seed 000's dynamic fields).
#[tracing::instrument(skip_all)]
pub(super) async fn set_custom_field(
    db: &Database,
    id: ProjectId,
    key: &str,
    value: Bson,
) -> Result<Option<Project>, AppError> {
    update_live_project(
        db,
        id,
        doc! { "$set": { format!("metadata.custom_fields.{key}"): value } },
        "customFields: the project schema refused the field (at most 50 custom fields)",
    )
    .await
}

/// `$unset` of `metadata.custom_fields.<key>`.
#[tracing::instrument(skip_all)]
pub(super) async fn unset_custom_field(
    db: &Database,
    id: ProjectId,
    key: &str,
) -> Result<Option<Project>, AppError> {
    update_live_project(
        db,
        id,
        doc! { "$unset": { format!("metadata.custom_fields.{key}"): "" } },
        "customFields: the project schema refused the change",
    )
    .await
}

/// Moves a project from `change.from` to `change.to` if it is still in `change.from`
/// (compare-and-set); `None` when it was not.
#[tracing::instrument(skip_all)]
pub(super) async fn transition(
    db: &Database,
    id: ProjectId,
    change: &StatusChange,
) -> Result<Option<Project>, AppError> {
    collection::<Project>(db, PROJECTS)
        .find_one_and_update(
            doc! { "_id": bson_id(id.0), "status": change.from.as_str() },
            doc! {
                "$set": { "status": change.to.as_str(), "updated_at": change.at },
                "$push": { "status_history": to_bson(change)? },
            },
        )
        .return_document(ReturnDocument::After)
        .await
        .map_err(refused_as(
            "the transition does not fit the projects schema",
        ))
}

#[tracing::instrument(skip_all)]
pub(super) async fn push_attachment(
    db: &Database,
    id: ProjectId,
    attachment: &Attachment,
) -> Result<Option<Project>, AppError> {
    update_live_project(
        db,
        id,
        doc! { "$push": { "metadata.attachments": to_bson(attachment)? } },
        "file: the project schema refused the attachment (at most 100 per project)",
    )
    .await
}

/// Removes an attachment entry; `None` when the project is absent, archived or has no
/// such attachment.
#[tracing::instrument(skip_all)]
pub(super) async fn pull_attachment(
    db: &Database,
    id: ProjectId,
    attachment: uuid::Uuid,
) -> Result<Option<Project>, AppError> {
    Ok(collection::<Project>(db, PROJECTS)
        .find_one_and_update(
            doc! {
                "_id": bson_id(id.0),
                "status": { "$ne": "archived" },
                "metadata.attachments._id": bson_id(attachment),
            },
            doc! {
                "$pull": { "metadata.attachments": { "_id": bson_id(attachment) } },
                "$set": { "updated_at": bson::DateTime::now() },
            },
        )
        .return_document(ReturnDocument::After)
        .await?)
}
