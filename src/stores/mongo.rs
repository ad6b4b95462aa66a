//! MongoDB: the client, and the collection definitions in `mongo-indexes/`
//! (indexes plus a `$jsonSchema` validator per collection) that `migrate` applies.

use anyhow::{Context, bail};
use bson::{Document, doc};
use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};

use mongodb::{
    Client, Database, IndexModel,
    event::{EventHandler, command::CommandEvent},
    options::{Acknowledgment, ClientOptions, WriteConcern},
};
use serde::Deserialize;

use crate::config::Config;

/// How many commands this instance has sent to MongoDB (server monitoring excluded):
/// the per-instance view of `braid_mongodb_commands_total`, which tests read to count
/// round trips without seeing other clients of the same server.
#[derive(Clone, Default, Debug)]
pub struct CommandCount(Arc<AtomicU64>);

impl CommandCount {
    /// Commands sent so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Connects lazily: the driver selects a server on first use and reconnects by itself.
pub async fn connect(config: &Config) -> anyhow::Result<(Database, CommandCount)> {
    let mut options = ClientOptions::parse(&config.mongodb_url)
        .await
        .context("MONGODB_URL is not a valid MongoDB URL")?;
    options.app_name = Some("braid".to_owned());
    options.server_selection_timeout = Some(config.store_timeout());
    options.connect_timeout = Some(config.store_timeout());
    // Acknowledged means journaled on a majority: a write braid confirmed survives a
    // crash of the server that took it.
    options.write_concern = Some(
        WriteConcern::builder()
            .w(Acknowledgment::Majority)
            .journal(true)
            .build(),
    );
    let commands = CommandCount::default();
    let counter = commands.clone();
    options.command_event_handler = Some(EventHandler::callback(move |event| {
        if let CommandEvent::Started(started) = event {
            counter.0.fetch_add(1, Ordering::Relaxed);
            metrics::counter!("braid_mongodb_commands_total", "command" => started.command_name)
                .increment(1);
        }
    }));
    let client = Client::with_options(options).context("creating the MongoDB client")?;
    Ok((client.database(&config.mongodb_database), commands))
}

/// One round trip.
pub async fn ping(db: &Database) -> mongodb::error::Result<()> {
    db.run_command(doc! { "ping": 1 }).await.map(drop)
}

/// One file of `mongo-indexes/`: a collection, its validator and its indexes.
#[derive(Debug, Deserialize)]
pub struct CollectionSpec {
    /// Collection name.
    pub collection: String,
    /// A `{ "$jsonSchema": ... }` validator document.
    #[serde(default)]
    pub validator: Option<Document>,
    /// Index definitions as `createIndexes` takes them (`key`, `name`, options).
    #[serde(default)]
    pub indexes: Vec<IndexSpec>,
}

/// One index of a [`CollectionSpec`].
#[derive(Debug, Deserialize)]
pub struct IndexSpec {
    /// Index name, stable so re-applying is idempotent.
    pub name: String,
    /// Key pattern, e.g. `{ "prd_id": 1, "version": -1 }`.
    pub key: Document,
    /// Unique index.
    #[serde(default)]
    pub unique: bool,
}

/// `mongo-indexes/`, embedded at build time so the binary needs no files beside it.
static SPECS: include_dir::Dir<'_> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/mongo-indexes");

/// Every collection spec of `mongo-indexes/`, sorted by file name. Each file is named
/// after its collection.
pub fn embedded_specs() -> anyhow::Result<Vec<CollectionSpec>> {
    let mut files: Vec<_> = SPECS
        .files()
        .filter(|file| file.path().extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort_by_key(|file| file.path());
    files
        .into_iter()
        .map(|file| {
            let path = file.path().display();
            let json: serde_json::Value = serde_json::from_slice(file.contents())
                .with_context(|| format!("mongo-indexes/{path} is not valid JSON"))?;
            let spec: CollectionSpec = bson::to_bson(&json)
                .map_err(anyhow::Error::from)
                .and_then(|b| bson::from_bson(b).map_err(anyhow::Error::from))
                .with_context(|| format!("mongo-indexes/{path} is not a collection spec"))?;
            let expected = file
                .path()
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            if spec.collection != expected {
                bail!(
                    "mongo-indexes/{path} declares collection {:?}",
                    spec.collection
                );
            }
            Ok(spec)
        })
        .collect()
}

/// Collections braid no longer has, dropped by `braid migrate` (idempotently): a
/// collection leaves `mongo-indexes/` and is named here.
pub const RETIRED_COLLECTIONS: &[&str] = &["note_revisions"];

/// Drops the retired collections that still exist; their names.
pub async fn drop_retired(db: &Database) -> anyhow::Result<Vec<&'static str>> {
    let existing = db.list_collection_names().await?;
    let mut dropped = Vec::new();
    for name in RETIRED_COLLECTIONS {
        if existing.iter().any(|e| e == name) {
            db.collection::<Document>(name)
                .drop()
                .await
                .with_context(|| format!("dropping the retired collection {name}"))?;
            dropped.push(*name);
        }
    }
    Ok(dropped)
}

/// Creates the collection with its validator (or updates the validator) and its indexes.
/// Safe to run any number of times.
pub async fn apply_spec(db: &Database, spec: &CollectionSpec) -> anyhow::Result<()> {
    let existing = db
        .list_collection_names()
        .filter(doc! { "name": &spec.collection })
        .await?;
    let validator = spec.validator.clone().unwrap_or_default();
    if existing.is_empty() {
        db.create_collection(&spec.collection)
            .validator(validator)
            .await
            .with_context(|| format!("creating collection {}", spec.collection))?;
    } else {
        db.run_command(doc! { "collMod": &spec.collection, "validator": validator })
            .await
            .with_context(|| format!("updating the validator of {}", spec.collection))?;
    }
    let models = spec.indexes.iter().map(|index| {
        let options = mongodb::options::IndexOptions::builder()
            .name(index.name.clone())
            .unique(index.unique.then_some(true))
            .build();
        IndexModel::builder()
            .keys(index.key.clone())
            .options(options)
            .build()
    });
    if spec.indexes.is_empty() {
        return Ok(());
    }
    db.collection::<Document>(&spec.collection)
        .create_indexes(models)
        .await
        .with_context(|| format!("creating the indexes of {}", spec.collection))?;
    Ok(())
}
