//! The delivery part of `braid seed`: projects at every status (draft, active,
//! completed, archived), each with full chains: requirements with AI analyses (one below
//! the confidence threshold, then reviewed by hand), versioned PRDs, tech designs with
//! decision logs, and API specs (one with validation findings). Everything goes through
//! the same checked functions the API uses.

use chrono::{Duration, Utc};
use serde_json::json;

use crate::{
    delivery::{
        self, Actor, Analysis, ArchitectureType, ComponentInput, CreateProjectInput,
        CreateTechDesignInput, DesignDecisionInput, Features, MilestoneInput, ProjectStatus,
        RiskAssessmentInput, TechStackInput,
    },
    state::AppState,
    users::UserId,
};

struct Template {
    name: &'static str,
    description: &'static str,
    stack: [&'static str; 3],
    domain: &'static str,
    kind: ArchitectureType,
    status: ProjectStatus,
}

const TEMPLATES: &[Template] = &[
    Template {
        name: "Clinic booking portal",
        description: "Patients book, move and cancel appointments; clinics manage their calendars.",
        stack: ["Rust (axum)", "PostgreSQL", "Kubernetes"],
        domain: "appointments",
        kind: ArchitectureType::Monolith,
        status: ProjectStatus::Draft,
    },
    Template {
        name: "Freight tracking platform",
        description: "Shippers follow containers across carriers with live ETAs and alerts.",
        stack: ["Go", "MongoDB", "AWS ECS"],
        domain: "shipments",
        kind: ArchitectureType::Microservices,
        status: ProjectStatus::Active,
    },
    Template {
        name: "Loyalty points service",
        description: "Retail partners award and redeem points across one shared wallet.",
        stack: ["TypeScript (NestJS)", "PostgreSQL", "GCP Cloud Run"],
        domain: "points",
        kind: ArchitectureType::Serverless,
        status: ProjectStatus::Completed,
    },
    Template {
        name: "Legacy invoice migration",
        description: "Moves fifteen years of invoices out of an on-premises ERP into the cloud.",
        stack: ["Java (Spring)", "Oracle -> PostgreSQL", "Azure"],
        domain: "invoices",
        kind: ArchitectureType::Monolith,
        status: ProjectStatus::Archived,
    },
];

fn analysis(domain: &str, low: bool) -> Analysis {
    let lines = |items: &[&str]| items.iter().map(|s| (*s).replace("{d}", domain)).collect();
    Analysis {
        user_stories: lines(&[
            "As a customer, I want to see my {d} in one place, so that I stop calling support.",
            "As an operator, I want to correct {d} in bulk, so that mistakes do not pile up.",
        ]),
        features: Features {
            must: lines(&["List and filter {d}", "Audit trail of every change to {d}"]),
            should: lines(&["Email notifications about {d}"]),
            could: if low {
                Vec::new()
            } else {
                lines(&["CSV export of {d}"])
            },
            wont: lines(&["Native mobile apps in the first release"]),
        },
        non_functional: lines(&[
            "p95 latency under 300 ms",
            "GDPR-compliant retention of {d}",
        ]),
    }
}

fn openapi(domain: &str, broken: bool) -> serde_json::Value {
    let mut spec = json!({
        "openapi": "3.0.3",
        "info": { "title": format!("{domain} API"), "version": "1.0.0" },
        "paths": {
            format!("/{domain}/{{id}}"): {
                "get": {
                    "operationId": format!("get_{domain}"),
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }],
                    "responses": { "200": { "description": "Found", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Item" } } } } }
                }
            }
        },
        "components": { "schemas": { "Item": { "type": "object", "properties": { "id": { "type": "string" } } } } }
    });
    if broken {
        spec["paths"][format!("/{domain}/{{id}}")]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"]["$ref"] = json!("#/components/schemas/Missing");
        spec["openapi"] = json!("3.1.0");
    }
    spec
}

/// Seeds two projects per status for the given owners; returns how many projects.
pub(super) async fn seed(state: &AppState, owners: &[UserId]) -> anyhow::Result<usize> {
    let mut count = 0;
    for (n, owner) in owners.iter().take(TEMPLATES.len() * 2).enumerate() {
        let template = &TEMPLATES[n % TEMPLATES.len()];
        seed_project(state, Actor::user(*owner), template, n).await?;
        count += 1;
    }
    Ok(count)
}

async fn seed_project(
    state: &AppState,
    actor: Actor,
    t: &Template,
    n: usize,
) -> anyhow::Result<()> {
    let start = Utc::now() - Duration::days(60);
    let project = delivery::create_project(
        state,
        actor,
        CreateProjectInput {
            name: format!("{} #{}", t.name, n / TEMPLATES.len() + 1),
            description: Some(t.description.to_owned()),
            tech_stack: Some(TechStackInput {
                backend: Some(t.stack[0].to_owned()),
                database: Some(t.stack[1].to_owned()),
                infrastructure: Some(t.stack[2].to_owned()),
            }),
            milestones: Some(vec![
                MilestoneInput {
                    name: "Requirements signed off".to_owned(),
                    date: start + Duration::days(14),
                    completed: Some(true),
                },
                MilestoneInput {
                    name: "Beta".to_owned(),
                    date: start + Duration::days(75),
                    completed: Some(false),
                },
                MilestoneInput {
                    name: "Launch".to_owned(),
                    date: start + Duration::days(120),
                    completed: Some(false),
                },
            ]),
            custom_fields: Some(async_graphql::Json(json!({
                "enterprise_grade": n.is_multiple_of(2),
                "legacy_system_integration": if n.is_multiple_of(2) { "SAP" } else { "none" },
            }))),
        },
    )
    .await?;
    let project_id = project.project_id();
    for (r, low) in [(0, false), (1, true)] {
        let requirement = delivery::submit_requirement(
            state,
            actor,
            project_id,
            &format!(
                "{} Requirement {}: customers and operators need to manage {} end to end, with an audit trail and notifications.",
                t.description,
                r + 1,
                t.domain
            ),
        )
        .await?;
        let id = requirement.requirement_id();
        let confidence = if low { 0.55 } else { 0.86 };
        let recorded =
            delivery::record_analysis(state, actor, id, analysis(t.domain, low), confidence, None)
                .await?;
        if low {
            let mut fixed = analysis(t.domain, low);
            fixed
                .features
                .could
                .push(format!("Bulk import of {}", t.domain));
            fixed.features.must.retain(|f| !f.starts_with("Audit"));
            fixed
                .features
                .should
                .push(format!("Audit trail of every change to {}", t.domain));
            delivery::edit_analysis(state, actor, id, fixed, Some(recorded.current_version))
                .await?;
        }
        let title = format!("PRD: {} ({})", t.name, r + 1);
        let first = format!(
            "# {title}\n\n## Goals\n- Manage {d} end to end\n\n## Scope\n- Listing and filtering {d}\n- Audit trail\n",
            d = t.domain
        );
        let prd = delivery::generate_prd(state, actor, id, &title, &first).await?;
        let prd = delivery::update_prd(
            state,
            actor,
            prd.prd_id(),
            &format!("{first}- Email notifications\n\n## Out of scope\n- Native mobile apps\n"),
            Some("Added notifications and the out-of-scope list".to_owned()),
            Some(prd.current_version),
        )
        .await?;
        if low {
            delivery::revert_prd(state, actor, prd.prd_id(), 1, Some(prd.current_version)).await?;
        }
        let design = delivery::create_design(
            state,
            actor,
            prd.prd_id(),
            CreateTechDesignInput {
                title: format!("{} architecture", t.name),
                architecture_type: t.kind,
                components: vec![
                    ComponentInput { name: "API".to_owned(), technology: t.stack[0].to_owned(), responsibility: Some(format!("Serves {}", t.domain)) },
                    ComponentInput { name: "Store".to_owned(), technology: t.stack[1].to_owned(), responsibility: None },
                ],
                plantuml_code: Some(format!(
                    "@startuml\nactor User\nUser -> API : manage {}\nAPI -> Store : read/write\n@enduml",
                    t.domain
                )),
                risk_assessment: RiskAssessmentInput {
                    performance: 3.5 + r as f64,
                    security: 4.0,
                    maintainability: 2.5,
                },
            },
        )
        .await?;
        for (option, alternatives, rationale) in [
            (
                t.stack[1],
                vec!["DynamoDB", "Cassandra"],
                "The team knows it and it fits the access patterns.",
            ),
            (
                "REST with OpenAPI",
                vec!["GraphQL", "gRPC"],
                "Partners integrate over plain HTTP.",
            ),
        ] {
            delivery::log_decision(
                state,
                actor,
                design.design_id(),
                DesignDecisionInput {
                    option: option.to_owned(),
                    alternatives: alternatives.into_iter().map(str::to_owned).collect(),
                    rationale: rationale.to_owned(),
                },
            )
            .await?;
        }
        delivery::attach_spec(
            state,
            actor,
            design.design_id(),
            &openapi(t.domain, low),
            Some(format!("https://github.com/braid-demo/{}-api", t.domain)),
        )
        .await?;
    }
    for to in [
        ProjectStatus::Active,
        ProjectStatus::Completed,
        ProjectStatus::Archived,
    ] {
        if rank(to) > rank(t.status) {
            break;
        }
        delivery::transition_project(state, actor, project_id, to).await?;
    }
    Ok(())
}

fn rank(status: ProjectStatus) -> u8 {
    match status {
        ProjectStatus::Draft => 0,
        ProjectStatus::Active => 1,
        ProjectStatus::Completed => 2,
        ProjectStatus::Archived => 3,
    }
}
