//! `braid reconcile [--dry-run]`: checks the stores against each other and repairs what
//! it can. Each check reports its findings; the command fails only when a check cannot
//! run (a store is down), not because it found something.
//!
//! Checks today: `api_specs` <-> MongoDB `tech_designs` (every spec's design exists and
//! lists the spec). The vector-index checks (every indexed entity has its vectors, no
//! vector points at a deleted entity) arrive with the vector index and are listed as
//! pending until then.

use crate::{config::Config, delivery, state::AppState};

/// What one check found.
#[derive(Debug)]
pub struct CheckOutcome {
    /// The check's name.
    pub name: &'static str,
    /// One line per inconsistency, saying whether it was repaired.
    pub findings: Vec<String>,
    /// Inconsistencies left for a person (or for a run without `--dry-run`).
    pub unrepaired: usize,
}

/// Every check's outcome, and the checks that do not exist yet.
#[derive(Debug)]
pub struct Report {
    /// Outcomes, in the order the checks ran.
    pub checks: Vec<CheckOutcome>,
    /// Checks that arrive with later work.
    pub pending: Vec<&'static str>,
}

/// Checks that arrive with the vector index.
const PENDING: &[&str] = &[
    "vectors: every indexed entity has its vectors (arrives with the vector index)",
    "vectors: no vector points at a deleted entity (arrives with the vector index)",
];

async fn api_specs(state: &AppState, repair: bool) -> anyhow::Result<CheckOutcome> {
    let findings = delivery::reconcile_api_specs(state, repair).await?;
    let unrepaired = findings
        .iter()
        .filter(|f| match f {
            delivery::SpecFinding::MissingDesign { .. } => true,
            delivery::SpecFinding::MissingLink { repaired, .. }
            | delivery::SpecFinding::DanglingLink { repaired, .. } => !repaired,
        })
        .count();
    Ok(CheckOutcome {
        name: "api_specs <-> tech_designs",
        findings: findings.iter().map(ToString::to_string).collect(),
        unrepaired,
    })
}

/// Runs every check; with `repair`, fixes what can be fixed.
pub async fn check_all(state: &AppState, repair: bool) -> anyhow::Result<Report> {
    Ok(Report {
        checks: vec![api_specs(state, repair).await?],
        pending: PENDING.to_vec(),
    })
}

pub(super) async fn run(config: Config, dry_run: bool) -> anyhow::Result<()> {
    let state = AppState::connect(config).await?;
    let report = check_all(&state, !dry_run).await?;
    for check in &report.checks {
        println!(
            "{}: {} finding(s), {} left unrepaired",
            check.name,
            check.findings.len(),
            check.unrepaired
        );
        for finding in &check.findings {
            println!("  {finding}");
        }
    }
    for pending in &report.pending {
        println!("pending: {pending}");
    }
    Ok(())
}
