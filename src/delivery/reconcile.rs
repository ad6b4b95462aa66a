//! The cross-store check of the delivery pipeline for `braid reconcile`: every
//! `api_specs.design_id` names an existing MongoDB tech design, and every design lists
//! its specs in `api_spec_ids` (the link `attachApiSpec` writes last).

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use super::{db, model::DesignId, pipeline_docs};
use crate::{error::AppError, state::AppState};

const PAGE: i64 = 500;

/// One inconsistency between `api_specs` and `tech_designs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecFinding {
    /// A spec names a design that does not exist (not repairable automatically: the
    /// design is gone; the spec is kept for a person to decide).
    MissingDesign {
        /// The spec.
        spec: Uuid,
        /// The design it names.
        design: Uuid,
    },
    /// A design does not list one of its specs (repaired by adding the link).
    MissingLink {
        /// The spec.
        spec: Uuid,
        /// Its design.
        design: Uuid,
        /// Whether the link was added.
        repaired: bool,
    },
    /// A design lists a spec that does not exist or belongs to another design (repaired
    /// by removing the link).
    DanglingLink {
        /// The spec id listed.
        spec: Uuid,
        /// The design listing it.
        design: Uuid,
        /// Whether the link was removed.
        repaired: bool,
    },
}

impl std::fmt::Display for SpecFinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let done = |repaired: &bool| {
            if *repaired {
                "repaired"
            } else {
                "not repaired"
            }
        };
        match self {
            Self::MissingDesign { spec, design } => write!(
                f,
                "api_specs {spec}: tech design {design} does not exist (kept; needs a person)"
            ),
            Self::MissingLink {
                spec,
                design,
                repaired,
            } => write!(
                f,
                "tech_designs {design}: does not list api_specs {spec} ({})",
                done(repaired)
            ),
            Self::DanglingLink {
                spec,
                design,
                repaired,
            } => write!(
                f,
                "tech_designs {design}: lists api_specs {spec}, which is not its spec ({})",
                done(repaired)
            ),
        }
    }
}

/// Walks every spec and every linked design; with `repair`, adds missing links and
/// removes dangling ones.
pub async fn reconcile_api_specs(
    state: &AppState,
    repair: bool,
) -> Result<Vec<SpecFinding>, AppError> {
    let mut findings = Vec::new();
    let mut after = None;
    loop {
        let page = db::spec_links(&state.pg, after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        let designs: Vec<Uuid> = page
            .iter()
            .map(|l| l.design_id)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let links = pipeline_docs::spec_links_of(&state.mongo, &designs).await?;
        for link in &page {
            match links.get(&link.design_id) {
                None => findings.push(SpecFinding::MissingDesign {
                    spec: link.id,
                    design: link.design_id,
                }),
                Some(listed) if !listed.contains(&link.id) => {
                    let repaired = repair
                        && pipeline_docs::link_spec(
                            &state.mongo,
                            DesignId(link.design_id),
                            link.id,
                        )
                        .await?;
                    findings.push(SpecFinding::MissingLink {
                        spec: link.id,
                        design: link.design_id,
                        repaired,
                    });
                }
                Some(_) => {}
            }
        }
        if (page.len() as i64) < PAGE {
            break;
        }
    }

    let mut after = None;
    loop {
        let page = pipeline_docs::designs_with_links(&state.mongo, after, PAGE).await?;
        let Some((last, _)) = page.last() else { break };
        after = Some(*last);
        let listed: Vec<Uuid> = page
            .iter()
            .flat_map(|(_, specs)| specs.iter().copied())
            .collect();
        let owners: HashMap<Uuid, Uuid> = db::existing_specs(&state.pg, &listed)
            .await?
            .into_iter()
            .map(|l| (l.id, l.design_id))
            .collect();
        for (design, specs) in &page {
            let dangling: Vec<Uuid> = specs
                .iter()
                .copied()
                .filter(|s| owners.get(s) != Some(design))
                .collect();
            if dangling.is_empty() {
                continue;
            }
            if repair {
                pipeline_docs::unlink_specs(&state.mongo, DesignId(*design), &dangling).await?;
            }
            findings.extend(dangling.into_iter().map(|spec| SpecFinding::DanglingLink {
                spec,
                design: *design,
                repaired: repair,
            }));
        }
        if (page.len() as i64) < PAGE {
            break;
        }
    }
    Ok(findings)
}
