//! `storeStatus` and `vectorCollections`: live probes of the stores, for admins (each
//! call reaches every store, so anonymous callers would have a free amplifier).

use async_graphql::{Context, Object, SimpleObject};

use crate::{
    error::AppError,
    graphql::{self, viewer::Viewer},
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
    /// Pings every store now (concurrently) and reports each one's health. Admins only
    /// (load balancers probe `/readyz`): `null` with
    /// `FORBIDDEN` or `UNAUTHENTICATED` for everyone else.
    #[graphql(cache_control(no_cache))]
    async fn store_status(&self, ctx: &Context<'_>) -> Result<Option<Vec<StoreStatus>>, AppError> {
        graphql::data::<Viewer>(ctx)?.require_admin()?;
        let state = graphql::data::<AppState>(ctx)?;
        Ok(Some(
            stores::check_all(state)
                .await
                .into_iter()
                .map(|h| StoreStatus {
                    store: h.store,
                    up: h.up,
                    latency_ms: h.latency_ms,
                })
                .collect(),
        ))
    }

    /// The vector collections braid declares, read live from Qdrant. Admins only:
    /// `null` with `FORBIDDEN` or `UNAUTHENTICATED` for everyone else.
    #[graphql(cache_control(no_cache))]
    async fn vector_collections(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<Vec<VectorCollection>>, AppError> {
        graphql::data::<Viewer>(ctx)?.require_admin()?;
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
        Ok(Some(collections))
    }
}
