//! Caching: the Redis response cache of public persisted queries, the generation
//! counters that invalidate it, and the in-process hot cache of organizations and skills.
//!
//! Cache-control hints sit on the schema (`#[graphql(cache_control(...))]`): every root
//! query field declares one (a test checks it), fields that depend on the viewer are
//! `private`, and a response is cacheable only when the hints of everything it selects
//! allow it (public, max-age above zero).

mod entities;
mod hot;
mod response;

use std::sync::Arc;

use async_graphql::{
    ServerResult, Value,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo},
};

pub use entities::{TOUCHES, bump, touched_by};
pub use hot::HotCache;
pub use response::{Lookup, Miss, ReadTypes, lookup, store};

use crate::state::AppState;

/// Records the entity types a cacheable response reads, and bumps the generations of
/// the types each mutation declares it changes (after it ran, whatever its outcome).
pub struct CacheExtension;

impl ExtensionFactory for CacheExtension {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CacheExtension)
    }
}

#[async_trait::async_trait]
impl Extension for CacheExtension {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        if let Some(read) = ctx.data_opt::<ReadTypes>() {
            read.note(info.parent_type);
            read.note(info.return_type);
        }
        let mutation = (info.parent_type == "Mutation").then(|| info.name.to_owned());
        let result = next.run(ctx, info).await;
        if let (Some(mutation), Some(state)) = (mutation, ctx.data_opt::<AppState>()) {
            match touched_by(&mutation) {
                Some(entities) => bump(state, entities).await,
                None => tracing::error!(
                    mutation,
                    "a mutation missing from cache::TOUCHES ran; cached responses may be stale"
                ),
            }
        }
        result
    }
}
