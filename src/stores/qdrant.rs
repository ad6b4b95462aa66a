//! Qdrant: the gRPC client and the vector collections braid declares.
//!
//! Collections are declared here, in code, and created by `braid migrate`. Names carry
//! the configured prefix so deployments (and tests) can share one server.

use anyhow::Context;
use qdrant_client::{
    Qdrant,
    qdrant::{
        CreateCollectionBuilder, CreateFieldIndexCollectionBuilder, Distance, FieldType,
        VectorParamsBuilder,
    },
};

use crate::config::Config;

/// Dimensions of an all-MiniLM-L6-v2 sentence embedding.
pub const EMBEDDING_DIMENSIONS: u64 = 384;

/// A vector collection braid owns.
#[derive(Debug, Clone, Copy)]
pub struct VectorCollection {
    /// Name without the deployment prefix.
    pub name: &'static str,
    /// Keyword payload fields that filters use, each with a payload index.
    pub keyword_indexes: &'static [&'static str],
}

/// Every collection braid declares.
///
/// One collection for all indexed text chunks, told apart by a keyword-indexed `kind`:
/// `semanticSearch` across several kinds is then one query with one score scale, and a
/// payload index makes a single-kind filter as cheap as a collection of its own.
pub const COLLECTIONS: &[VectorCollection] = &[VectorCollection {
    name: "chunks",
    keyword_indexes: &[
        "kind",
        "entity_id",
        "owner_id",
        "org_id",
        "parent_id",
        "visibility",
        "status",
        "vector_set",
    ],
}];

/// A lazily connecting client (tonic connects on first use and reconnects by itself).
pub fn connect(config: &Config) -> anyhow::Result<Qdrant> {
    Qdrant::from_url(&config.qdrant_url)
        .api_key(config.qdrant_api_key.clone())
        .timeout(config.store_timeout())
        .connect_timeout(config.store_timeout())
        .skip_compatibility_check()
        .build()
        .context("QDRANT_URL is not a valid Qdrant URL")
}

/// The full name of a declared collection under the configured prefix.
pub fn collection_name(config: &Config, collection: &VectorCollection) -> String {
    format!("{}{}", config.qdrant_prefix, collection.name)
}

/// Creates every declared collection and payload index that is missing.
pub async fn ensure_collections(client: &Qdrant, config: &Config) -> anyhow::Result<Vec<String>> {
    let mut created = Vec::new();
    for collection in COLLECTIONS {
        let name = collection_name(config, collection);
        if !client.collection_exists(&name).await? {
            client
                .create_collection(CreateCollectionBuilder::new(&name).vectors_config(
                    VectorParamsBuilder::new(EMBEDDING_DIMENSIONS, Distance::Cosine),
                ))
                .await
                .with_context(|| format!("creating Qdrant collection {name}"))?;
            created.push(name.clone());
        }
        for field in collection.keyword_indexes {
            client
                .create_field_index(
                    CreateFieldIndexCollectionBuilder::new(&name, *field, FieldType::Keyword)
                        .wait(true),
                )
                .await
                .with_context(|| format!("indexing payload field {field} of {name}"))?;
        }
    }
    Ok(created)
}
