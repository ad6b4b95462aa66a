//! `braid reconcile [--dry-run]`: checks the stores against each other and repairs what
//! it can. Each check reports its findings; the command fails only when a check cannot
//! run (a store is down), not because it found something.
//!
//! Checks: `api_specs` <-> MongoDB `tech_designs` (every spec's design exists and lists
//! the spec), and per vector kind, entities <-> Qdrant points (every indexed entity has
//! its vectors, no vector points at a deleted entity; repaired both ways).

use crate::{
    config::Config,
    delivery,
    state::AppState,
    vectors::{self, SearchKind},
};

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

/// Every check's outcome.
#[derive(Debug)]
pub struct Report {
    /// Outcomes, in the order the checks ran.
    pub checks: Vec<CheckOutcome>,
}

/// Findings listed per check; the count covers them all.
const LISTED: usize = 20;

async fn vector_drift(
    state: &AppState,
    kind: SearchKind,
    repair: bool,
) -> anyhow::Result<CheckOutcome> {
    let drift = vectors::drift(state, kind, repair).await?;
    let done = if repair { "repaired" } else { "not repaired" };
    let mut findings: Vec<String> = drift
        .missing
        .iter()
        .map(|id| format!("{} {id} has no vectors ({done})", kind.as_str()))
        .collect();
    findings.extend(
        drift
            .orphaned
            .iter()
            .map(|id| format!("vectors of {} {id}, which is gone ({done})", kind.as_str())),
    );
    Ok(CheckOutcome {
        name: kind.as_str(),
        unrepaired: if repair { 0 } else { findings.len() },
        findings,
    })
}

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
    let mut checks = vec![api_specs(state, repair).await?];
    for kind in SearchKind::ALL {
        checks.push(vector_drift(state, kind, repair).await?);
    }
    Ok(Report { checks })
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
        for finding in check.findings.iter().take(LISTED) {
            println!("  {finding}");
        }
        if check.findings.len() > LISTED {
            println!("  ... and {} more", check.findings.len() - LISTED);
        }
    }
    Ok(())
}
