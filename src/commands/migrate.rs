//! `braid migrate [--down N]`: PostgreSQL migrations, MongoDB collections (validators
//! and indexes from `mongo-indexes/`, embedded at build time) and Qdrant collections.

use crate::{
    config::Config,
    state::AppState,
    stores::{mongo, postgres, qdrant},
};

pub(super) async fn run(config: Config, down: Option<usize>) -> anyhow::Result<()> {
    let state = AppState::connect(config).await?;
    if let Some(steps) = down {
        let reverted = postgres::migrate_down(&state.pg, steps).await?;
        tracing::info!(?reverted, "reverted PostgreSQL migrations");
        return Ok(());
    }
    apply_all(&state).await
}

/// Migrates every store up; used by `braid migrate` and the test harness.
pub async fn apply_all(state: &AppState) -> anyhow::Result<()> {
    postgres::migrate_up(&state.pg).await?;
    tracing::info!("PostgreSQL migrated");
    let specs = mongo::embedded_specs()?;
    for spec in &specs {
        mongo::apply_spec(&state.mongo, spec).await?;
    }
    let dropped = mongo::drop_retired(&state.mongo).await?;
    tracing::info!(
        collections = specs.len(),
        ?dropped,
        "MongoDB collections, validators and indexes applied; retired collections dropped"
    );
    let created = qdrant::ensure_collections(&state.qdrant, &state.config).await?;
    tracing::info!(?created, "Qdrant collections ready");
    Ok(())
}
