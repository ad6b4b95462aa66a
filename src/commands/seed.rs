//! `braid seed`: a small demo data set, loaded only into an empty database.

use crate::{config::Config, notes, state::AppState};

const DEMO_NOTES: &[&str] = &[
    "Welcome to braid: this note lives in PostgreSQL, its history in MongoDB.",
    "Try `subscription { noteAdded { body } }` in one GraphiQL tab and `createNote` in another.",
    "Every list is a Relay connection: ask for `pageInfo { endCursor hasNextPage }`.",
];

pub(super) async fn run(config: Config, force: bool) -> anyhow::Result<()> {
    let state = AppState::connect(config).await?;
    let existing = notes::count(&state.pg).await?;
    if existing > 0 && !force {
        tracing::info!(
            existing,
            "database already has data; not seeding (use --force)"
        );
        return Ok(());
    }
    for body in DEMO_NOTES {
        notes::create_note(&state, body).await?;
    }
    tracing::info!(notes = DEMO_NOTES.len(), "demo data loaded");
    Ok(())
}
