//! `braid partners add|key|revoke|publish|list`: manage partners, their API keys and the
//! documents they may run.

use std::path::PathBuf;

use anyhow::Context;
use chrono::{Duration, Utc};
use clap::Subcommand;

use crate::{config::Config, graphql, partners, state::AppState};

/// Partner management.
#[derive(Subcommand)]
pub enum PartnerCommand {
    /// Add a partner (name: 2 to 50 of a-z, 0-9, _ and -).
    Add {
        /// The partner's name.
        name: String,
    },
    /// Create an API key for a partner; the key is printed once and never stored.
    Key {
        /// The partner's name.
        name: String,
        /// Days until the key expires (no expiry when omitted).
        #[arg(long)]
        expires_in_days: Option<i64>,
    },
    /// Revoke an API key by its id.
    Revoke {
        /// The key's id (printed by `key`).
        key_id: uuid::Uuid,
    },
    /// Replace a partner's allowed documents with an Apollo persisted-query manifest;
    /// refused whole if any operation fails validation against the current schema.
    Publish {
        /// The partner's name.
        name: String,
        /// Path of the manifest JSON.
        manifest: PathBuf,
    },
    /// List partners with their live keys and published documents.
    List,
}

/// Runs a partner subcommand, printing its result.
pub async fn run(config: Config, command: PartnerCommand) -> anyhow::Result<()> {
    let state = AppState::connect(config).await?;
    let pg = &state.pg;
    match command {
        PartnerCommand::Add { name } => {
            let partner = partners::add(pg, &name)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("added partner {} ({})", partner.name, partner.id.0);
        }
        PartnerCommand::Key {
            name,
            expires_in_days,
        } => {
            let expires_at = expires_in_days.map(|days| Utc::now() + Duration::days(days));
            let key = partners::create_key(pg, &name, expires_at)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("key id:  {}", key.id);
            println!("api key: {}  (shown once: send it as X-Api-Key)", key.key);
            if let Some(expires_at) = key.expires_at {
                println!("expires: {expires_at}");
            }
        }
        PartnerCommand::Revoke { key_id } => {
            let revoked = partners::revoke_key(pg, key_id)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            anyhow::ensure!(revoked, "no live key has id {key_id}");
            println!("revoked {key_id}");
        }
        PartnerCommand::Publish { name, manifest } => {
            let text = std::fs::read_to_string(&manifest)
                .with_context(|| format!("reading {}", manifest.display()))?;
            let count = publish(&state, &name, &text).await?;
            println!("published {count} documents for {name}");
        }
        PartnerCommand::List => {
            for (name, keys, documents) in partners::list(pg)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
            {
                println!("{name}\tlive keys: {keys}\tdocuments: {documents}");
            }
        }
    }
    Ok(())
}

/// Checks every operation of a manifest against the schema, then publishes it whole.
pub async fn publish(
    state: &AppState,
    partner: &str,
    manifest_text: &str,
) -> anyhow::Result<usize> {
    let manifest = partners::Manifest::parse(manifest_text).context("the manifest is malformed")?;
    let mut problems = Vec::new();
    for operation in &manifest.operations {
        for error in graphql::validate_document(&operation.body).await {
            problems.push(format!("{}: {error}", operation.name));
        }
    }
    anyhow::ensure!(
        problems.is_empty(),
        "the manifest was not published:\n{}",
        problems.join("\n")
    );
    partners::publish(&state.pg, partner, &manifest)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}
