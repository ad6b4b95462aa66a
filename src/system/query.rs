//! `storeStatus` and `vectorCollections`.

use async_graphql::{Context, Object, SimpleObject};

use crate::{
    error::AppError,
    graphql,
    state::AppState,
    stores::{self, Store, qdrant},
};

/// The health of one store as seen by this braid instance.
#[derive(SimpleObject)]
pub(super) struct StoreStatus {
    /// Which store.
    pub store: Store,
    /// Whether it answered a ping within the store timeout.
    pub up: bool,
    /// How long the ping took, in milliseconds.
    pub latency_ms: f64,
}

/// A Qdrant collection braid declares, with its live point count.
#[derive(SimpleObject)]
pub(super) struct VectorCollection {
    /// Full collection name (with the deployment prefix).
    pub name: String,
    /// Whether the collection exists on the server (`braid migrate` creates it).
    pub exists: bool,
    /// Number of points (vectors) stored; 0 when the collection is missing.
    pub points_count: u64,
}

/// System queries.
#[derive(Default)]
pub struct SystemQuery;

#[Object]
impl SystemQuery {
    /// Pings every store now (concurrently) and reports each one's health.
    #[graphql(cache_control(no_cache))]
    async fn store_status(&self, ctx: &Context<'_>) -> Result<Vec<StoreStatus>, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        Ok(stores::check_all(state)
            .await
            .into_iter()
            .map(|h| StoreStatus {
                store: h.store,
                up: h.up,
                latency_ms: h.latency_ms,
            })
            .collect())
    }

    /// The vector collections braid declares, read live from Qdrant.
    #[graphql(cache_control(no_cache))]
    async fn vector_collections(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<VectorCollection>, AppError> {
        let state = graphql::data::<AppState>(ctx)?;
        let mut collections = Vec::new();
        for declared in qdrant::COLLECTIONS {
            let name = qdrant::collection_name(&state.config, declared);
            let exists = state.qdrant.collection_exists(&name).await?;
            let points_count = if exists {
                let info = state.qdrant.collection_info(&name).await?;
                info.result.and_then(|r| r.points_count).unwrap_or(0)
            } else {
                0
            };
            collections.push(VectorCollection {
                name,
                exists,
                points_count,
            });
        }
        Ok(collections)
    }
}
