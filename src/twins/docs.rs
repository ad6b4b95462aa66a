//! MongoDB access for `twin_configs` (validator and indexes in
//! `mongo-indexes/twin_configs.json`). One document per twin, `_id` = the twin's UUID.

use std::collections::HashMap;

use bson::{Uuid as BsonUuid, doc};
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use mongodb::{Collection, Database, error::ErrorKind};
use serde::{Deserialize, Serialize};

use super::{
    config::{ConfigBody, TwinConfig},
    model::TwinId,
};
use crate::{error::AppError, users::UserId};

const COLLECTION: &str = "twin_configs";

#[derive(Serialize, Deserialize, Clone)]
struct VersionDoc {
    version: i32,
    config: ConfigBody,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    created_at: DateTime<Utc>,
    author_id: BsonUuid,
}

impl VersionDoc {
    fn into_config(self) -> TwinConfig {
        TwinConfig {
            version: self.version,
            body: self.config,
            created_at: Some(self.created_at),
            author: Some(UserId(self.author_id.into())),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct ConfigDoc {
    #[serde(rename = "_id")]
    id: BsonUuid,
    owner_id: BsonUuid,
    current_version: i32,
    current: VersionDoc,
    versions: Vec<VersionDoc>,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    updated_at: DateTime<Utc>,
}

/// The document without its history, for reading current configurations.
#[derive(Deserialize)]
struct CurrentDoc {
    #[serde(rename = "_id")]
    id: BsonUuid,
    current: VersionDoc,
}

#[derive(Deserialize)]
struct HistoryDoc {
    current_version: i32,
    versions: Vec<VersionDoc>,
}

fn collection<T: Send + Sync>(db: &Database) -> Collection<T> {
    db.collection(COLLECTION)
}

/// The current configuration of each twin that has a document, in one `find`.
#[tracing::instrument(skip_all, fields(count = twins.len()))]
pub(super) async fn current_configs(
    db: &Database,
    twins: &[TwinId],
) -> mongodb::error::Result<HashMap<TwinId, TwinConfig>> {
    let ids: Vec<BsonUuid> = twins.iter().map(|t| BsonUuid::from(t.0)).collect();
    let mut cursor = collection::<CurrentDoc>(db)
        .find(doc! { "_id": { "$in": ids } })
        .projection(doc! { "current": 1 })
        .await?;
    let mut configs = HashMap::new();
    while let Some(doc) = cursor.try_next().await? {
        configs.insert(TwinId(doc.id.into()), doc.current.into_config());
    }
    Ok(configs)
}

/// Every saved version of a twin's configuration, newest first.
#[tracing::instrument(skip_all)]
pub(super) async fn history(
    db: &Database,
    twin: TwinId,
) -> mongodb::error::Result<Vec<TwinConfig>> {
    let doc = collection::<HistoryDoc>(db)
        .find_one(doc! { "_id": BsonUuid::from(twin.0) })
        .projection(doc! { "current_version": 1, "versions": 1 })
        .await?;
    Ok(doc
        .map(|d| {
            d.versions
                .into_iter()
                .rev()
                .map(VersionDoc::into_config)
                .collect()
        })
        .unwrap_or_default())
}

/// The latest saved version number; `None` when the twin has no document yet.
async fn latest_version(db: &Database, twin: TwinId) -> mongodb::error::Result<Option<i32>> {
    Ok(collection::<HistoryDoc>(db)
        .find_one(doc! { "_id": BsonUuid::from(twin.0) })
        .projection(doc! { "current_version": 1, "versions": { "$slice": 0 } })
        .await?
        .map(|d| d.current_version))
}

/// Saves `body` as the twin's next configuration version and makes it current. The
/// first save creates the document. A concurrent save of the same twin is `CONFLICT`
/// (compare-and-set on `current_version`), never a lost version.
#[tracing::instrument(skip_all)]
pub(super) async fn save_version(
    db: &Database,
    twin: TwinId,
    owner: UserId,
    author: UserId,
    body: ConfigBody,
) -> Result<TwinConfig, AppError> {
    let latest = latest_version(db, twin).await?;
    let entry = VersionDoc {
        version: latest.unwrap_or(0) + 1,
        config: body,
        created_at: Utc::now(),
        author_id: BsonUuid::from(author.0),
    };
    let conflict = || {
        AppError::Conflict(
            "the configuration changed at the same time; load it and retry".to_owned(),
        )
    };
    match latest {
        None => {
            let doc = ConfigDoc {
                id: BsonUuid::from(twin.0),
                owner_id: BsonUuid::from(owner.0),
                current_version: entry.version,
                current: entry.clone(),
                versions: vec![entry.clone()],
                updated_at: entry.created_at,
            };
            collection::<ConfigDoc>(db).insert_one(&doc).await.map_err(|error| {
                if matches!(&*error.kind, ErrorKind::Write(mongodb::error::WriteFailure::WriteError(e)) if e.code == 11000) {
                    conflict()
                } else {
                    AppError::from(error)
                }
            })?;
        }
        Some(version) => {
            let stored = bson::to_bson(&entry).map_err(AppError::internal)?;
            let updated = collection::<ConfigDoc>(db)
                .update_one(
                    doc! { "_id": BsonUuid::from(twin.0), "current_version": version },
                    doc! {
                        "$set": { "current_version": entry.version, "current": stored.clone(), "updated_at": bson::DateTime::from_chrono(entry.created_at) },
                        "$push": { "versions": stored },
                    },
                )
                .await?;
            if updated.matched_count == 0 {
                return Err(conflict());
            }
        }
    }
    Ok(entry.into_config())
}

/// Deletes a twin's configuration document; `false` when it had none.
#[tracing::instrument(skip_all)]
pub(super) async fn delete(db: &Database, twin: TwinId) -> mongodb::error::Result<bool> {
    let deleted = collection::<ConfigDoc>(db)
        .delete_one(doc! { "_id": BsonUuid::from(twin.0) })
        .await?;
    Ok(deleted.deleted_count > 0)
}
