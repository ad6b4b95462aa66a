//! braid's subcommands: `serve`, `migrate`, `seed`, `export-schema`, `reindex`,
//! `reconcile`.

pub mod migrate;
pub mod partners;
pub mod reconcile;
pub mod seed;
mod serve;

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};

use crate::config::{Config, LogFormat};

/// braid: one GraphQL API over PostgreSQL, MongoDB, Qdrant and Redis.
#[derive(Parser)]
#[command(version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve GraphQL over HTTP and WebSocket (with GraphiQL, /healthz, /readyz, /metrics).
    Serve(StoreArgs),
    /// Apply PostgreSQL migrations, MongoDB indexes and validators, and Qdrant collections.
    Migrate {
        #[command(flatten)]
        stores: StoreArgs,
        /// Revert the newest N PostgreSQL migrations instead of migrating up.
        #[arg(long, value_name = "N")]
        down: Option<usize>,
    },
    /// Load the demo data set (only into an empty database unless --force).
    Seed {
        #[command(flatten)]
        stores: StoreArgs,
        /// Seed even when the database already holds data.
        #[arg(long)]
        force: bool,
        /// Then add SCALE units of generated benchmark data (1 unit: 1,000 users, 200
        /// jobs, 2,000 applications, 500 requirement documents).
        #[arg(long, value_name = "SCALE")]
        volume: Option<u32>,
    },
    /// Print the GraphQL SDL, or write it to a file.
    ExportSchema {
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Print the Apollo Federation v2 subgraph SDL (what `_service { sdl }` answers,
        /// with `@key` on the entities) for a gateway's composition.
        #[arg(long)]
        federation: bool,
    },
    /// Manage partners, their API keys and the documents they may run.
    Partners {
        #[command(flatten)]
        stores: StoreArgs,
        #[command(subcommand)]
        command: partners::PartnerCommand,
    },
    /// Rebuild the vector index from the stores (every kind, or one).
    Reindex {
        #[command(flatten)]
        stores: StoreArgs,
        /// Only this kind (job, profile, expert_profile, expert_service,
        /// knowledge_content, twin_source, requirement, prd).
        #[arg(long, value_name = "K")]
        kind: Option<String>,
    },
    /// Delete expired sessions now (`serve` also does it every BRAID_SESSION_PURGE_SECS).
    PurgeSessions {
        #[command(flatten)]
        stores: StoreArgs,
    },
    /// Check the stores against each other and repair what can be repaired (API specs
    /// against tech designs, vector points against their entities, per kind).
    Reconcile {
        #[command(flatten)]
        stores: StoreArgs,
        /// Report only; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(clap::Args)]
struct StoreArgs {
    #[command(flatten)]
    config: Config,
}

/// Runs the chosen subcommand and maps its outcome to an exit code.
pub async fn run(cli: Cli) -> ExitCode {
    let log_format = match &cli.command {
        Command::Serve(args)
        | Command::Migrate { stores: args, .. }
        | Command::Seed { stores: args, .. }
        | Command::Reconcile { stores: args, .. }
        | Command::PurgeSessions { stores: args }
        | Command::Reindex { stores: args, .. } => args.config.log_format,
        _ => LogFormat::Text,
    };
    init_tracing(log_format);
    let outcome = match cli.command {
        Command::Serve(args) => serve::run(args.config).await,
        Command::Migrate { stores, down } => migrate::run(stores.config, down).await,
        Command::Seed {
            stores,
            force,
            volume,
        } => seed::run(stores.config, force, volume).await,
        Command::Partners { stores, command } => partners::run(stores.config, command).await,
        Command::ExportSchema { output, federation } => export_schema(output, federation),
        Command::Reindex { stores, kind } => reindex(stores.config, kind).await,
        Command::Reconcile { stores, dry_run } => reconcile::run(stores.config, dry_run).await,
        Command::PurgeSessions { stores } => purge_sessions(stores.config).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn purge_sessions(config: Config) -> anyhow::Result<()> {
    let state = crate::state::AppState::connect(config).await?;
    let purged = crate::auth::purge_expired(&state.pg).await?;
    tracing::info!(purged, "expired sessions purged");
    Ok(())
}

fn export_schema(output: Option<PathBuf>, federation: bool) -> anyhow::Result<()> {
    let sdl = if federation {
        crate::graphql::subgraph_sdl()
    } else {
        crate::graphql::sdl()
    };
    match output {
        Some(path) => std::fs::write(&path, sdl)?,
        None => print!("{sdl}"),
    }
    Ok(())
}

async fn reindex(config: Config, kind: Option<String>) -> anyhow::Result<()> {
    use crate::vectors::{self, SearchKind};
    let kinds: Vec<SearchKind> = match kind {
        Some(name) => vec![SearchKind::parse(&name).ok_or_else(|| {
            anyhow::anyhow!("unknown kind {name:?}; kinds: job, profile, expert_profile, expert_service, knowledge_content, twin_source, requirement, prd")
        })?],
        None => SearchKind::ALL.to_vec(),
    };
    let state = crate::state::AppState::connect(config).await?;
    for kind in kinds {
        let (indexed, removed) = vectors::reindex(&state, kind).await?;
        println!("{}: {indexed} indexed, {removed} removed", kind.as_str());
    }
    Ok(())
}

fn init_tracing(format: LogFormat) {
    use tracing_subscriber::{EnvFilter, fmt};
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new("info,sqlx=warn,mongodb=warn,tower_http=warn,h2=warn,tonic=warn")
    });
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}
