//! The AI delivery pipeline: MongoDB projects, requirements, PRDs and tech designs with
//! PostgreSQL API specs, followed in one query; versions, transitions, validators,
//! access, cross-store failures and round-trip counts, all against the real stores.

use serde_json::{Value, json};

use crate::{
    harness::{TestApp, count_statements},
    tripwire::Tripwire,
};

fn code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

fn data<'a>(response: &'a Value, field: &str) -> &'a Value {
    assert_eq!(response["errors"], Value::Null, "{response}");
    &response["data"][field]
}

fn id_of(response: &Value, field: &str) -> String {
    data(response, field)["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{field}: {response}"))
        .to_owned()
}

pub(crate) fn analysis() -> Value {
    json!({
        "userStories": ["As a shopper, I want to track my order, so that I know when it arrives."],
        "features": { "must": ["Order status page"], "should": ["Email updates"], "could": ["SMS updates"], "wont": ["Drone delivery"] },
        "nonFunctional": ["p95 under 300 ms"]
    })
}

pub(crate) fn openapi() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": { "title": "Orders API", "version": "1.0.0" },
        "paths": { "/orders/{id}": { "get": {
            "operationId": "getOrder",
            "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }],
            "responses": { "200": { "description": "An order", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Order" } } } } }
        } } },
        "components": { "schemas": { "Order": { "type": "object" } } }
    })
}

pub(crate) async fn create_project(app: &TestApp, token: &str, name: &str) -> String {
    let created = app
        .graphql_as(
            token,
            "mutation($input: CreateProjectInput!) { createProject(input: $input) { id status } }",
            json!({ "input": { "name": name, "techStack": { "backend": "Rust" } } }),
        )
        .await;
    id_of(&created, "createProject")
}

pub(crate) struct Chain {
    pub(crate) project: String,
    pub(crate) requirement: String,
    pub(crate) prd: String,
    pub(crate) design: String,
}

/// A project with one requirement analysed, its PRD and a tech design.
pub(crate) async fn chain(app: &TestApp, token: &str, name: &str) -> Chain {
    let project = create_project(app, token, name).await;
    let requirement = id_of(
        &app.graphql_as(
            token,
            "mutation($p: ID!) { submitRequirement(projectId: $p, rawText: \"Customers track their orders.\") { id } }",
            json!({ "p": project }),
        )
        .await,
        "submitRequirement",
    );
    let recorded = app
        .graphql_as(
            token,
            "mutation($r: ID!, $a: RequirementAnalysisInput!) { recordRequirementAnalysis(id: $r, analysis: $a, confidence: 0.9) { id } }",
            json!({ "r": requirement, "a": analysis() }),
        )
        .await;
    data(&recorded, "recordRequirementAnalysis");
    let prd = id_of(
        &app.graphql_as(
            token,
            "mutation($r: ID!) { generatePrd(requirementId: $r, title: \"Order tracking\", content: \"# Order tracking\\n- status page\") { id } }",
            json!({ "r": requirement }),
        )
        .await,
        "generatePrd",
    );
    let design = id_of(
        &app.graphql_as(
            token,
            "mutation($p: ID!) { createTechDesign(prdId: $p, input: { title: \"Orders\", architectureType: MONOLITH, components: [{ name: \"API\", technology: \"axum\" }], plantumlCode: \"@startuml\\nA -> B\\n@enduml\", riskAssessment: { performance: 2, security: 3.5, maintainability: 1 } }) { id } }",
            json!({ "p": prd }),
        )
        .await,
        "createTechDesign",
    );
    Chain {
        project,
        requirement,
        prd,
        design,
    }
}

const ATTACH: &str = "mutation($d: ID!, $o: JSON!, $g: String) { attachApiSpec(designId: $d, openapi: $o, githubUrl: $g) { id title openapiVersion isValid validationErrors githubUrl techDesign { id } } }";

#[tokio::test]
async fn a_requirement_is_followed_to_its_api_spec_in_one_query() {
    let app = TestApp::new().await;
    let (token, user) = app.register("delivery.owner", "EMPLOYER").await;
    let created = app
        .graphql_as(
            &token,
            "mutation($input: CreateProjectInput!) { createProject(input: $input) { id name status techStack { backend database } milestones { name completed } customFields owner { id } } }",
            json!({ "input": {
                "name": "Order tracking",
                "techStack": { "backend": "Rust", "database": "PostgreSQL" },
                "milestones": [{ "name": "Launch", "date": "2027-03-01T00:00:00Z" }, { "name": "Beta", "date": "2027-01-01T00:00:00Z", "completed": true }],
                "customFields": { "enterprise_grade": true }
            } }),
        )
        .await;
    let project = data(&created, "createProject");
    assert_eq!(project["status"], "DRAFT");
    assert_eq!(project["owner"]["id"], user.as_str());
    assert_eq!(project["customFields"], json!({ "enterprise_grade": true }));
    assert_eq!(
        project["milestones"][0]["name"], "Beta",
        "milestones in date order"
    );
    let project = project["id"].as_str().expect("an id").to_owned();

    let submitted = app
        .graphql_as(
            &token,
            "mutation($p: ID!) { submitRequirement(projectId: $p, rawText: \"  Shoppers track orders.  \") { id rawText status version analysis { userStories } } }",
            json!({ "p": project }),
        )
        .await;
    let requirement = data(&submitted, "submitRequirement");
    assert_eq!(requirement["status"], "SUBMITTED");
    assert_eq!(requirement["rawText"], "Shoppers track orders.");
    assert_eq!(requirement["version"], 1);
    assert_eq!(requirement["analysis"], Value::Null);
    let requirement = requirement["id"].as_str().expect("an id").to_owned();

    // The owner's threshold is 0.7 by default: 0.6 is flagged for review.
    let record = "mutation($r: ID!, $a: RequirementAnalysisInput!, $c: Float!, $v: Int) { recordRequirementAnalysis(id: $r, analysis: $a, confidence: $c, expectedVersion: $v) { status needsReview confidenceScore version analysis { features { must wont } } } }";
    let low = app
        .graphql_as(
            &token,
            record,
            json!({ "r": requirement, "a": analysis(), "c": 0.6, "v": 1 }),
        )
        .await;
    assert_eq!(
        data(&low, "recordRequirementAnalysis"),
        &json!({ "status": "NEEDS_REVIEW", "needsReview": true, "confidenceScore": 0.6, "version": 2, "analysis": { "features": { "must": ["Order status page"], "wont": ["Drone delivery"] } } })
    );
    let stale = app
        .graphql_as(
            &token,
            record,
            json!({ "r": requirement, "a": analysis(), "c": 0.9, "v": 1 }),
        )
        .await;
    assert_eq!(code(&stale), "CONFLICT", "{stale}");
    // A stricter owner: 0.8 is now below their threshold, 0.95 above.
    app.graphql_as(&token, "mutation { updateSettings(input: { aiConfidenceThreshold: 0.9 }) { ai { confidenceThreshold } } }", json!({})).await;
    let high = app
        .graphql_as(
            &token,
            record,
            json!({ "r": requirement, "a": analysis(), "c": 0.95 }),
        )
        .await;
    assert_eq!(
        data(&high, "recordRequirementAnalysis")["status"],
        "ANALYZED"
    );
    for (confidence, analysis) in [
        (1.5, analysis()),
        (
            0.5,
            json!({ "userStories": [], "features": { "must": [], "should": [], "could": [], "wont": [] }, "nonFunctional": [] }),
        ),
    ] {
        let refused = app
            .graphql_as(
                &token,
                record,
                json!({ "r": requirement, "a": analysis, "c": confidence }),
            )
            .await;
        assert_eq!(code(&refused), "BAD_USER_INPUT", "{refused}");
    }

    let mut edited = analysis();
    edited["features"]["must"] = json!(["Order status page", "Delivery map"]);
    edited["features"]["could"] = json!([]);
    let edit = app
        .graphql_as(
            &token,
            "mutation($r: ID!, $a: RequirementAnalysisInput!) { editRequirementAnalysis(id: $r, analysis: $a, expectedVersion: 3) { status version manualEdits { version editorId changes { field added removed } } versionHistory { version kind } } }",
            json!({ "r": requirement, "a": edited }),
        )
        .await;
    let edit = data(&edit, "editRequirementAnalysis");
    assert_eq!(edit["status"], "REVIEWED");
    assert_eq!(edit["version"], 4);
    assert_eq!(
        edit["manualEdits"],
        json!([{ "version": 4, "editorId": user, "changes": [
            { "field": "features.must", "added": ["Delivery map"], "removed": [] },
            { "field": "features.could", "added": [], "removed": ["SMS updates"] }
        ] }])
    );
    let kinds: Vec<&str> = edit["versionHistory"]
        .as_array()
        .expect("history")
        .iter()
        .map(|v| v["kind"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        kinds,
        ["SUBMITTED", "AI_ANALYSIS", "AI_ANALYSIS", "MANUAL_EDIT"]
    );

    let prd_fields = "id version content versions { version source content } changeHistory { version action revertedTo linesAdded linesRemoved }";
    let generated = app
        .graphql_as(
            &token,
            &format!("mutation($r: ID!) {{ generatePrd(requirementId: $r, title: \"Tracking\", content: \"# Tracking\\n- status\") {{ {prd_fields} }} }}"),
            json!({ "r": requirement }),
        )
        .await;
    let prd = id_of(&generated, "generatePrd");
    let update = format!(
        "mutation($id: ID!, $c: String!, $v: Int) {{ updatePrd(id: $id, content: $c, expectedVersion: $v, summary: \"map\") {{ {prd_fields} }} }}"
    );
    let updated = app
        .graphql_as(
            &token,
            &update,
            json!({ "id": prd, "c": "# Tracking\n- status\n- map", "v": 1 }),
        )
        .await;
    assert_eq!(data(&updated, "updatePrd")["version"], 2);
    assert_eq!(
        code(
            &app.graphql_as(
                &token,
                &update,
                json!({ "id": prd, "c": "# lost update", "v": 1 })
            )
            .await
        ),
        "CONFLICT"
    );
    let regenerated = app
        .graphql_as(
            &token,
            &format!("mutation($r: ID!) {{ generatePrd(requirementId: $r, title: \"Ignored\", content: \"# Tracking v3\") {{ {prd_fields} }} }}"),
            json!({ "r": requirement }),
        )
        .await;
    assert_eq!(data(&regenerated, "generatePrd")["version"], 3);
    let revert = format!(
        "mutation($id: ID!, $to: Int!) {{ revertPrd(id: $id, version: $to) {{ {prd_fields} }} }}"
    );
    let reverted = app
        .graphql_as(&token, &revert, json!({ "id": prd, "to": 1 }))
        .await;
    let reverted = data(&reverted, "revertPrd");
    assert_eq!(reverted["version"], 4);
    assert_eq!(reverted["content"], "# Tracking\n- status");
    let sources: Vec<&str> = reverted["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .map(|v| v["source"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(sources, ["GENERATED", "EDITED", "GENERATED", "REVERTED"]);
    assert_eq!(
        reverted["changeHistory"][3],
        json!({ "version": 4, "action": "REVERTED", "revertedTo": 1, "linesAdded": 2, "linesRemoved": 1 })
    );
    assert_eq!(
        code(
            &app.graphql_as(&token, &revert, json!({ "id": prd, "to": 9 }))
                .await
        ),
        "NOT_FOUND"
    );

    let design = app
        .graphql_as(
            &token,
            "mutation($p: ID!) { createTechDesign(prdId: $p, input: { title: \"Tracking\", architectureType: MICROSERVICES, components: [{ name: \"API\", technology: \"axum\", responsibility: \"HTTP\" }], plantumlCode: \"@startuml\\nA -> B\\n@enduml\", riskAssessment: { performance: 6.5, security: 3, maintainability: 4 } }) { id architectureType riskAssessment { performance } } }",
            json!({ "p": prd }),
        )
        .await;
    assert_eq!(
        data(&design, "createTechDesign")["architectureType"],
        "MICROSERVICES"
    );
    let design = id_of(&design, "createTechDesign");
    let decide = "mutation($d: ID!, $o: String!) { logDesignDecision(designId: $d, input: { option: $o, alternatives: [\"Kafka\"], rationale: \"Simpler to run\" }) { decisionLog { option alternatives rationale authorId } } }";
    app.graphql_as(&token, decide, json!({ "d": design, "o": "RabbitMQ" }))
        .await;
    let decided = app
        .graphql_as(&token, decide, json!({ "d": design, "o": "PostgreSQL" }))
        .await;
    let log = &data(&decided, "logDesignDecision")["decisionLog"];
    assert_eq!(log.as_array().map(Vec::len), Some(2));
    assert_eq!(
        log[1],
        json!({ "option": "PostgreSQL", "alternatives": ["Kafka"], "rationale": "Simpler to run", "authorId": user })
    );
    for input in [
        "{ title: \"x\", architectureType: MONOLITH, components: [], plantumlCode: \"graph TD\", riskAssessment: { performance: 1, security: 1, maintainability: 1 } }",
        "{ title: \"x\", architectureType: MONOLITH, components: [], riskAssessment: { performance: 11, security: 1, maintainability: 1 } }",
    ] {
        let refused = app
            .graphql_as(
                &token,
                &format!(
                    "mutation($p: ID!) {{ createTechDesign(prdId: $p, input: {input}) {{ id }} }}"
                ),
                json!({ "p": prd }),
            )
            .await;
        assert_eq!(code(&refused), "BAD_USER_INPUT", "{refused}");
    }

    let spec = app
        .graphql_as(
            &token,
            ATTACH,
            json!({ "d": design, "o": openapi(), "g": "https://github.com/acme/orders" }),
        )
        .await;
    assert_eq!(
        data(&spec, "attachApiSpec"),
        &json!({ "id": data(&spec, "attachApiSpec")["id"], "title": "Orders API", "openapiVersion": "3.0.3", "isValid": true, "validationErrors": [], "githubUrl": "https://github.com/acme/orders", "techDesign": { "id": design } })
    );

    let chain = app
        .graphql_as(
            &token,
            "query($p: ID!) { project(id: $p) { name owner { username profile { firstName } } requirements { id prd { version versions { version } techDesigns { id decisionLog { option } apiSpecs { title isValid validationErrors techDesign { id } } } } } } }",
            json!({ "p": project }),
        )
        .await;
    let shown = data(&chain, "project");
    assert_eq!(shown["owner"]["username"], "delivery.owner");
    let prd_shown = &shown["requirements"][0]["prd"];
    assert_eq!(prd_shown["version"], 4);
    assert_eq!(prd_shown["versions"].as_array().map(Vec::len), Some(4));
    assert_eq!(
        prd_shown["techDesigns"][0]["apiSpecs"][0]["title"],
        "Orders API"
    );
    assert_eq!(
        prd_shown["techDesigns"][0]["apiSpecs"][0]["techDesign"]["id"],
        design.as_str()
    );

    // Every node resolves by its global ID; the design records its spec.
    for (id, typename) in [
        (&project, "Project"),
        (&requirement, "Requirement"),
        (&prd, "PrdDoc"),
        (&design, "TechDesign"),
    ] {
        let node = app
            .graphql_as(
                &token,
                "query($id: ID!) { node(id: $id) { __typename id } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(data(&node, "node")["__typename"], typename, "{node}");
    }
    let stored = app
        .state
        .mongo
        .collection::<bson::Document>("tech_designs")
        .find_one(bson::doc! {})
        .await
        .expect("find")
        .expect("the design");
    assert_eq!(stored.get_array("api_spec_ids").map(Vec::len).ok(), Some(1));
    // Every AI decision left an append-only snapshot.
    let snapshots: Vec<String> = app
        .state
        .mongo
        .collection::<bson::Document>("data_snapshots")
        .distinct("kind", bson::doc! {})
        .await
        .expect("distinct")
        .into_iter()
        .filter_map(|k| k.as_str().map(str::to_owned))
        .collect();
    for kind in [
        "requirement_analysis",
        "requirement_edit",
        "prd_version",
        "design_created",
        "design_decision",
        "api_spec",
    ] {
        assert!(
            snapshots.iter().any(|k| k == kind),
            "{kind} in {snapshots:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_edits_without_an_expected_version_all_land() {
    let app = std::sync::Arc::new(TestApp::new().await);
    let (token, _) = app.register("busy.editor", "EMPLOYER").await;
    let project = create_project(&app, &token, "Contended").await;
    let submitted = app
        .graphql_as(
            &token,
            "mutation($p: ID!) { submitRequirement(projectId: $p, rawText: \"Track orders.\") { id } }",
            json!({ "p": project }),
        )
        .await;
    let requirement = id_of(&submitted, "submitRequirement");
    let record = "mutation($r: ID!, $a: RequirementAnalysisInput!) { recordRequirementAnalysis(id: $r, analysis: $a, confidence: 0.9) { version } }";
    let recorded = app
        .graphql_as(&token, record, json!({ "r": requirement, "a": analysis() }))
        .await;
    assert_eq!(data(&recorded, "recordRequirementAnalysis")["version"], 2);
    let generated = app
        .graphql_as(
            &token,
            "mutation($r: ID!) { generatePrd(requirementId: $r, title: \"T\", content: \"# v1\") { id } }",
            json!({ "r": requirement }),
        )
        .await;
    let prd = id_of(&generated, "generatePrd");

    // Twenty writers at once, none naming a version: last writer wins, every call lands
    // with a version of its own.
    let update = "mutation($id: ID!, $c: String!) { updatePrd(id: $id, content: $c) { version } }";
    let edit = "mutation($r: ID!, $a: RequirementAnalysisInput!) { editRequirementAnalysis(id: $r, analysis: $a) { version } }";
    let mut tasks = Vec::new();
    for n in 0..20 {
        let (app, token, prd, requirement) =
            (app.clone(), token.clone(), prd.clone(), requirement.clone());
        tasks.push(tokio::spawn(async move {
            let mut changed = analysis();
            changed["nonFunctional"] = json!([format!("p95 under {n}00 ms")]);
            let prd_version = app
                .graphql_as(
                    &token,
                    update,
                    json!({ "id": prd, "c": format!("# edit {n}") }),
                )
                .await;
            let edit_version = app
                .graphql_as(&token, edit, json!({ "r": requirement, "a": changed }))
                .await;
            (prd_version, edit_version)
        }));
    }
    let (mut prd_versions, mut analysis_versions) = (Vec::new(), Vec::new());
    for task in tasks {
        let (prd_version, edit_version) = task.await.expect("joined");
        prd_versions.push(
            data(&prd_version, "updatePrd")["version"]
                .as_i64()
                .expect("a version"),
        );
        if edit_version["errors"].is_null() {
            analysis_versions.push(
                data(&edit_version, "editRequirementAnalysis")["version"]
                    .as_i64()
                    .expect("a version"),
            );
        } else {
            // Two writers may propose the same analysis: that edit changes nothing.
            assert_eq!(code(&edit_version), "BAD_USER_INPUT", "{edit_version}");
        }
    }
    prd_versions.sort_unstable();
    assert_eq!(prd_versions, (2..=21).collect::<Vec<_>>());
    analysis_versions.sort_unstable();
    let first = 3;
    assert_eq!(
        analysis_versions,
        (first..first + analysis_versions.len() as i64).collect::<Vec<_>>()
    );
    assert!(analysis_versions.len() >= 10, "{analysis_versions:?}");

    // Naming a version still refuses a stale one.
    let stale = app
        .graphql_as(
            &token,
            "mutation($id: ID!) { updatePrd(id: $id, content: \"late\", expectedVersion: 1) { version } }",
            json!({ "id": prd }),
        )
        .await;
    assert_eq!(code(&stale), "CONFLICT", "{stale}");
}

#[tokio::test]
async fn projects_move_only_forward_and_archived_projects_are_read_only() {
    let app = TestApp::new().await;
    let (token, _) = app.register("transition.owner", "INDIVIDUAL").await;
    let c = chain(&app, &token, "Lifecycle").await;
    let transition = "mutation($p: ID!, $to: ProjectStatus!) { transitionProject(id: $p, to: $to) { status statusHistory { from to } } }";
    for refused in ["COMPLETED", "ARCHIVED", "DRAFT"] {
        let response = app
            .graphql_as(&token, transition, json!({ "p": c.project, "to": refused }))
            .await;
        assert_eq!(
            code(&response),
            "CONFLICT",
            "draft -> {refused}: {response}"
        );
    }
    for (to, history) in [("ACTIVE", 1), ("COMPLETED", 2)] {
        let moved = app
            .graphql_as(&token, transition, json!({ "p": c.project, "to": to }))
            .await;
        assert_eq!(data(&moved, "transitionProject")["status"], to);
        assert_eq!(
            data(&moved, "transitionProject")["statusHistory"]
                .as_array()
                .map(Vec::len),
            Some(history)
        );
    }
    assert_eq!(
        code(
            &app.graphql_as(
                &token,
                transition,
                json!({ "p": c.project, "to": "ACTIVE" })
            )
            .await
        ),
        "CONFLICT"
    );
    let archived = app
        .graphql_as(
            &token,
            transition,
            json!({ "p": c.project, "to": "ARCHIVED" }),
        )
        .await;
    assert_eq!(
        data(&archived, "transitionProject")["statusHistory"],
        json!([{ "from": "DRAFT", "to": "ACTIVE" }, { "from": "ACTIVE", "to": "COMPLETED" }, { "from": "COMPLETED", "to": "ARCHIVED" }])
    );
    for (query, vars) in [
        (
            "mutation($p: ID!) { submitRequirement(projectId: $p, rawText: \"late\") { id } }",
            json!({ "p": c.project }),
        ),
        (
            "mutation($p: ID!) { setProjectCustomField(projectId: $p, key: \"k\", value: 1) { id } }",
            json!({ "p": c.project }),
        ),
        (
            "mutation($p: ID!) { updatePrd(id: $p, content: \"late\") { id } }",
            json!({ "p": c.prd }),
        ),
        (
            "mutation($p: ID!) { logDesignDecision(designId: $p, input: { option: \"a\", alternatives: [], rationale: \"b\" }) { id } }",
            json!({ "p": c.design }),
        ),
        (
            "mutation($p: ID!, $o: JSON!) { attachApiSpec(designId: $p, openapi: $o) { id } }",
            json!({ "p": c.design, "o": openapi() }),
        ),
    ] {
        let response = app.graphql_as(&token, query, vars).await;
        assert_eq!(
            code(&response),
            "CONFLICT",
            "archived projects are read-only: {response}"
        );
    }
    let read = app
        .graphql_as(
            &token,
            "query($p: ID!) { project(id: $p) { status requirements { prd { version } } } }",
            json!({ "p": c.project }),
        )
        .await;
    assert_eq!(data(&read, "project")["status"], "ARCHIVED");
    assert_eq!(
        data(&read, "project")["requirements"][0]["prd"]["version"],
        1
    );
}

#[tokio::test]
async fn custom_fields_are_set_and_unset_and_the_validators_refuse_bad_documents() {
    let app = TestApp::new().await;
    let (token, _) = app.register("fields.owner", "EMPLOYER").await;
    let project = create_project(&app, &token, "Fields").await;
    let set = "mutation($p: ID!, $k: String!, $v: JSON!) { setProjectCustomField(projectId: $p, key: $k, value: $v) { customFields } }";
    let first = app
        .graphql_as(
            &token,
            set,
            json!({ "p": project, "k": "enterprise_grade", "v": true }),
        )
        .await;
    assert_eq!(
        data(&first, "setProjectCustomField")["customFields"],
        json!({ "enterprise_grade": true })
    );
    let nested = app
        .graphql_as(
            &token,
            set,
            json!({ "p": project, "k": "legacy", "v": { "system": "SAP", "since": 2009 } }),
        )
        .await;
    assert_eq!(
        data(&nested, "setProjectCustomField")["customFields"],
        json!({ "enterprise_grade": true, "legacy": { "system": "SAP", "since": 2009 } })
    );
    let unset = app
        .graphql_as(&token, "mutation($p: ID!) { unsetProjectCustomField(projectId: $p, key: \"enterprise_grade\") { customFields } }", json!({ "p": project }))
        .await;
    assert_eq!(
        data(&unset, "unsetProjectCustomField")["customFields"],
        json!({ "legacy": { "system": "SAP", "since": 2009 } })
    );
    for key in ["a.b", "$where", "", "has space"] {
        let refused = app
            .graphql_as(&token, set, json!({ "p": project, "k": key, "v": 1 }))
            .await;
        assert_eq!(code(&refused), "BAD_USER_INPUT", "{key:?}: {refused}");
    }
    // The application does not count fields: the collection's $jsonSchema does
    // (`maxProperties: 50`), and its refusal reaches the client as BAD_USER_INPUT.
    for n in 1..50 {
        let added = app
            .graphql_as(
                &token,
                set,
                json!({ "p": project, "k": format!("f{n}"), "v": n }),
            )
            .await;
        assert_eq!(added["errors"], Value::Null, "field {n}: {added}");
    }
    let refused = app
        .graphql_as(
            &token,
            set,
            json!({ "p": project, "k": "one_too_many", "v": 1 }),
        )
        .await;
    assert_eq!(code(&refused), "BAD_USER_INPUT", "{refused}");
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("customFields")),
        "{refused}"
    );

    // Each collection's validator refuses a malformed document written past the API.
    let mongo = &app.state.mongo;
    let id = bson::Uuid::new();
    for (collection, document) in [
        (
            "projects",
            bson::doc! { "_id": id, "name": "x", "status": "paused" },
        ),
        (
            "requirements",
            bson::doc! { "_id": id, "raw_text": "x", "confidence_score": 1.5 },
        ),
        ("prd_docs", bson::doc! { "_id": id, "current_version": 0 }),
        (
            "tech_designs",
            bson::doc! { "_id": id, "architecture": { "type": "mainframe" } },
        ),
        ("data_snapshots", bson::doc! { "_id": id, "kind": "guess" }),
    ] {
        let error = mongo
            .collection::<bson::Document>(collection)
            .insert_one(document)
            .await
            .expect_err(collection);
        assert!(
            error.to_string().contains("121") || error.to_string().contains("validation"),
            "{collection}: {error}"
        );
    }
}

#[tokio::test]
async fn only_the_owner_and_admins_see_and_change_a_project() {
    let app = TestApp::new().await;
    let (owner, _) = app.register("private.owner", "INDIVIDUAL").await;
    let (other, _) = app.register("nosy.neighbour", "INDIVIDUAL").await;
    let (admin, _) = app.register_admin("delivery.admin").await;
    let c = chain(&app, &owner, "Secret").await;
    let spec = id_of(
        &app.graphql_as(&owner, ATTACH, json!({ "d": c.design, "o": openapi() }))
            .await,
        "attachApiSpec",
    );
    let read = "query($p: ID!) { project(id: $p) { name requirements { id } } }";
    assert_eq!(
        data(
            &app.graphql_as(&admin, read, json!({ "p": c.project }))
                .await,
            "project"
        )["name"],
        "Secret"
    );
    assert_eq!(
        app.graphql_as(&other, read, json!({ "p": c.project }))
            .await["data"]["project"],
        Value::Null
    );
    assert_eq!(
        app.graphql(read, json!({ "p": c.project })).await["data"]["project"],
        Value::Null
    );
    for id in [&c.project, &c.requirement, &c.prd, &c.design, &spec] {
        let node = app
            .graphql_as(
                &other,
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(node["data"]["node"], Value::Null, "{node}");
    }
    let mine = app
        .graphql_as(
            &other,
            "{ myProjects { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(data(&mine, "myProjects")["edges"], json!([]));

    let writes = [
        (
            "mutation($id: ID!) { submitRequirement(projectId: $id, rawText: \"x\") { id } }",
            &c.project,
        ),
        (
            "mutation($id: ID!) { transitionProject(id: $id, to: ACTIVE) { id } }",
            &c.project,
        ),
        (
            "mutation($id: ID!) { unsetProjectCustomField(projectId: $id, key: \"k\") { id } }",
            &c.project,
        ),
        (
            "mutation($id: ID!) { recordRequirementAnalysis(id: $id, analysis: { userStories: [\"x\"], features: { must: [], should: [], could: [], wont: [] }, nonFunctional: [] }, confidence: 1) { id } }",
            &c.requirement,
        ),
        (
            "mutation($id: ID!) { generatePrd(requirementId: $id, title: \"x\", content: \"x\") { id } }",
            &c.requirement,
        ),
        (
            "mutation($id: ID!) { revertPrd(id: $id, version: 1) { id } }",
            &c.prd,
        ),
        (
            "mutation($id: ID!) { createTechDesign(prdId: $id, input: { title: \"x\", architectureType: MONOLITH, components: [], riskAssessment: { performance: 1, security: 1, maintainability: 1 } }) { id } }",
            &c.prd,
        ),
        (
            "mutation($id: ID!) { logDesignDecision(designId: $id, input: { option: \"a\", alternatives: [], rationale: \"b\" }) { id } }",
            &c.design,
        ),
    ];
    for (mutation, id) in writes {
        assert_eq!(
            code(&app.graphql_as(&other, mutation, json!({ "id": id })).await),
            "FORBIDDEN",
            "{mutation}"
        );
        assert_eq!(
            code(&app.graphql(mutation, json!({ "id": id })).await),
            "UNAUTHENTICATED",
            "{mutation}"
        );
    }
    let absent = "UHJvamVjdDowMTkwMDAwMC0wMDAwLTcwMDAtODAwMC0wMDAwMDAwMDAwMDA";
    assert_eq!(
        code(
            &app.graphql_as(
                &owner,
                "mutation($id: ID!) { transitionProject(id: $id, to: ACTIVE) { id } }",
                json!({ "id": absent })
            )
            .await
        ),
        "NOT_FOUND"
    );
    assert_eq!(
        app.graphql_as(&owner, read, json!({ "p": absent })).await["data"]["project"],
        Value::Null
    );
    let by_admin = app
        .graphql_as(
            &admin,
            "mutation($id: ID!) { transitionProject(id: $id, to: ACTIVE) { status } }",
            json!({ "id": c.project }),
        )
        .await;
    assert_eq!(data(&by_admin, "transitionProject")["status"], "ACTIVE");
}

#[tokio::test]
async fn openapi_documents_are_parsed_and_their_findings_kept() {
    let app = TestApp::new().await;
    let (token, _) = app.register("spec.owner", "EMPLOYER").await;
    let c = chain(&app, &token, "Specs").await;
    let mut broken = openapi();
    broken["openapi"] = json!("3.1.0");
    broken["paths"]["/orders/{id}"]["get"]["parameters"] = json!([]);
    broken["components"] = json!({});
    let kept = app
        .graphql_as(&token, ATTACH, json!({ "d": c.design, "o": broken }))
        .await;
    let kept = data(&kept, "attachApiSpec");
    assert_eq!(kept["isValid"], false);
    let errors: Vec<&str> = kept["validationErrors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        errors
            .iter()
            .any(|e| e.contains("#/components/schemas/Order does not resolve")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("{id} is not declared")),
        "{errors:?}"
    );
    let mut unparsable = openapi();
    unparsable["paths"]["/orders/{id}"]["get"]["responses"] = json!("not an object");
    let parsed = app
        .graphql_as(&token, ATTACH, json!({ "d": c.design, "o": unparsable }))
        .await;
    assert!(
        data(&parsed, "attachApiSpec")["validationErrors"][0]
            .as_str()
            .is_some_and(|e| e.starts_with("paths: ") && e.contains("Responses")),
        "the parser's error says where and what: {parsed}"
    );
    let stored: Vec<(String, serde_json::Value)> = sqlx::query_as(
        "select openapi_version, validation_errors from api_specs order by created_at",
    )
    .fetch_all(&app.state.pg)
    .await
    .expect("specs");
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0].0, "3.1.0");

    for (document, github) in [
        (json!({ "swagger": "2.0", "info": {} }), Value::Null),
        (json!(["not", "an", "object"]), Value::Null),
        (json!({ "openapi": "2.5.0" }), Value::Null),
        (openapi(), json!("https://gitlab.com/acme/orders")),
    ] {
        let refused = app
            .graphql_as(
                &token,
                ATTACH,
                json!({ "d": c.design, "o": document, "g": github }),
            )
            .await;
        assert_eq!(code(&refused), "BAD_USER_INPUT", "{refused}");
    }
    let missing_design = "VGVjaERlc2lnbjowMTkwMDAwMC0wMDAwLTcwMDAtODAwMC0wMDAwMDAwMDAwMDA";
    assert_eq!(
        code(
            &app.graphql_as(
                &token,
                ATTACH,
                json!({ "d": missing_design, "o": openapi() })
            )
            .await
        ),
        "NOT_FOUND"
    );
    let count: i64 = sqlx::query_scalar("select count(*) from api_specs")
        .fetch_one(&app.state.pg)
        .await
        .expect("count");
    assert_eq!(count, 2, "refused documents are not stored");
}

#[tokio::test]
async fn my_projects_pages_newest_first_and_filters() {
    let app = TestApp::new().await;
    let (token, _) = app.register("paging.owner", "INDIVIDUAL").await;
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(create_project(&app, &token, &format!("Project {n}")).await);
    }
    app.graphql_as(
        &token,
        "mutation($p: ID!) { transitionProject(id: $p, to: ACTIVE) { id } }",
        json!({ "p": ids[1] }),
    )
    .await;
    let page = "query($after: String, $f: ProjectFilter) { myProjects(first: 2, after: $after, filter: $f) { edges { node { id name } } pageInfo { hasNextPage endCursor } } }";
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let response = app
            .graphql_as(&token, page, json!({ "after": after }))
            .await;
        let connection = data(&response, "myProjects");
        for edge in connection["edges"].as_array().expect("edges") {
            seen.push(edge["node"]["id"].as_str().expect("id").to_owned());
        }
        if connection["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }
    let newest_first: Vec<String> = ids.iter().rev().cloned().collect();
    assert_eq!(seen, newest_first);
    let active = app
        .graphql_as(&token, page, json!({ "f": { "status": "ACTIVE" } }))
        .await;
    assert_eq!(
        data(&active, "myProjects")["edges"],
        json!([{ "node": { "id": ids[1], "name": "Project 1" } }])
    );
    let search = app
        .graphql_as(&token, page, json!({ "f": { "search": "ject 3" } }))
        .await;
    assert_eq!(
        data(&search, "myProjects")["edges"][0]["node"]["name"],
        "Project 3"
    );
    let regex = app
        .graphql_as(&token, page, json!({ "f": { "search": ".*" } }))
        .await;
    assert_eq!(
        data(&regex, "myProjects")["edges"],
        json!([]),
        "search text is literal"
    );
}

#[tokio::test]
async fn an_analysis_mongo_cannot_take_is_logged_in_postgres() {
    let wire =
        Tripwire::start(|name, target, _| name == "findAndModify" && target == "requirements")
            .await;
    let url = wire.url();
    let app = TestApp::with_config(|config| {
        config.mongodb_url = url;
        config.store_timeout_ms = 700;
    })
    .await;
    let (token, _) = app.register("ai.worker", "INDIVIDUAL").await;
    let project = create_project(&app, &token, "Outage").await;
    let requirement = id_of(
        &app.graphql_as(
            &token,
            "mutation($p: ID!) { submitRequirement(projectId: $p, rawText: \"x\") { id } }",
            json!({ "p": project }),
        )
        .await,
        "submitRequirement",
    );
    wire.arm();
    let failed = app
        .graphql_as(
            &token,
            "mutation($r: ID!, $a: RequirementAnalysisInput!) { recordRequirementAnalysis(id: $r, analysis: $a, confidence: 0.8) { id } }",
            json!({ "r": requirement, "a": analysis() }),
        )
        .await;
    assert!(
        wire.tripped(),
        "MongoDB stopped between the read and the write"
    );
    assert_eq!(code(&failed), "STORE_UNAVAILABLE", "{failed}");
    let logged: Vec<(String, serde_json::Value)> =
        sqlx::query_as("select stage, payload from ai_analysis_failures")
            .fetch_all(&app.state.pg)
            .await
            .expect("failures");
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].0, "store_write");
    assert_eq!(logged[0].1["confidence"], 0.8);
    assert_eq!(
        logged[0].1["analysis"]["features"]["must"],
        json!(["Order status page"])
    );

    wire.restart();
    let reported = app
        .graphql_as(&token, "mutation($r: ID!) { reportRequirementAnalysisFailure(id: $r, reason: \"model timed out\") { stage reason } }", json!({ "r": requirement }))
        .await;
    assert_eq!(
        data(&reported, "reportRequirementAnalysisFailure"),
        &json!({ "stage": "AI_ANALYSIS", "reason": "model timed out" })
    );
    let shown = app
        .graphql_as(&token, "query($r: ID!) { node(id: $r) { ... on Requirement { status analysisFailures { stage payload } } } }", json!({ "r": requirement }))
        .await;
    let node = data(&shown, "node");
    assert_eq!(
        node["status"], "SUBMITTED",
        "nothing was half-written in MongoDB"
    );
    assert_eq!(node["analysisFailures"].as_array().map(Vec::len), Some(2));
    assert_eq!(node["analysisFailures"][1]["payload"]["confidence"], 0.8);
}

#[tokio::test]
async fn a_spec_whose_design_link_fails_stays_and_reconcile_repairs_the_link() {
    let wire =
        Tripwire::start(|name, target, _| name == "update" && target == "tech_designs").await;
    let url = wire.url();
    let app = TestApp::with_config(|config| {
        config.mongodb_url = url;
        config.store_timeout_ms = 700;
    })
    .await;
    let (token, _) = app.register("split.brain", "EMPLOYER").await;
    let c = chain(&app, &token, "Two stores").await;
    wire.arm();
    let attached = app
        .graphql_as(&token, "mutation($d: ID!, $o: JSON!) { attachApiSpec(designId: $d, openapi: $o) { id title } }", json!({ "d": c.design, "o": openapi() }))
        .await;
    assert!(wire.tripped(), "MongoDB stopped after the PostgreSQL write");
    // PostgreSQL owns the spec: it stays, and the mutation returns it.
    let spec = id_of(&attached, "attachApiSpec");
    let rows: i64 = sqlx::query_scalar("select count(*) from api_specs")
        .fetch_one(&app.state.pg)
        .await
        .expect("count");
    assert_eq!(rows, 1);

    wire.restart();
    let links = || async {
        app.state
            .mongo
            .collection::<bson::Document>("tech_designs")
            .find_one(bson::doc! {})
            .await
            .expect("find")
            .expect("the design")
            .get_array("api_spec_ids")
            .map(Vec::len)
            .unwrap_or(99)
    };
    let mut missing = 99;
    for _ in 0..50 {
        if let Ok(found) = tokio::time::timeout(std::time::Duration::from_secs(2), links()).await {
            missing = found;
            break;
        }
    }
    assert_eq!(missing, 0, "the link on the design was never written");
    // Reads stay right meanwhile: apiSpecs comes from PostgreSQL.
    let read = app
        .graphql_as(
            &token,
            "query($d: ID!) { node(id: $d) { ... on TechDesign { apiSpecs { id } } } }",
            json!({ "d": c.design }),
        )
        .await;
    assert_eq!(data(&read, "node")["apiSpecs"][0]["id"], spec.as_str());

    let report = braid::commands::reconcile::check_all(&app.state, false)
        .await
        .expect("a dry run");
    assert_eq!(report.checks[0].unrepaired, 1, "{report:?}");
    assert!(
        report.checks[0].findings[0].contains("does not list api_specs"),
        "{report:?}"
    );
    assert_eq!(links().await, 0, "a dry run changes nothing");
    let repaired = braid::commands::reconcile::check_all(&app.state, true)
        .await
        .expect("a repair");
    assert_eq!(repaired.checks[0].findings.len(), 1);
    assert_eq!(repaired.checks[0].unrepaired, 0);
    assert_eq!(links().await, 1);
    let clean = braid::commands::reconcile::check_all(&app.state, true)
        .await
        .expect("a second run");
    assert!(clean.checks[0].findings.is_empty(), "{clean:?}");

    // A design deleted behind braid's back is reported, not "repaired" away.
    app.state
        .mongo
        .collection::<bson::Document>("tech_designs")
        .delete_many(bson::doc! {})
        .await
        .expect("delete");
    let orphaned = braid::commands::reconcile::check_all(&app.state, true)
        .await
        .expect("a run");
    assert_eq!(orphaned.checks[0].unrepaired, 1);
    assert!(
        orphaned.checks[0].findings[0].contains("does not exist"),
        "{orphaned:?}"
    );
    let gone = app
        .graphql_as(
            &token,
            "query($s: ID!) { node(id: $s) { ... on ApiSpec { title techDesign { id } } } }",
            json!({ "s": spec }),
        )
        .await;
    assert_eq!(
        data(&gone, "node"),
        &json!({ "title": "Orders API", "techDesign": null })
    );
}

#[tokio::test(flavor = "current_thread")]
async fn the_whole_chain_costs_one_round_trip_per_store_per_level() {
    let app = TestApp::new().await;
    let (token, _) = app.register("counted.owner", "EMPLOYER").await;
    let (projects, requirements, specs) = (4, 3, 2);
    for p in 0..projects {
        let c = chain(&app, &token, &format!("Counted {p}")).await;
        for r in 1..requirements {
            let requirement = id_of(
                &app.graphql_as(&token, "mutation($p: ID!) { submitRequirement(projectId: $p, rawText: \"more\") { id } }", json!({ "p": c.project })).await,
                "submitRequirement",
            );
            app.graphql_as(&token, "mutation($r: ID!, $a: RequirementAnalysisInput!) { recordRequirementAnalysis(id: $r, analysis: $a, confidence: 0.9) { id } }", json!({ "r": requirement, "a": analysis() })).await;
            let prd = id_of(
                &app.graphql_as(&token, "mutation($r: ID!, $t: String!) { generatePrd(requirementId: $r, title: $t, content: \"# PRD\") { id } }", json!({ "r": requirement, "t": format!("PRD {r}") })).await,
                "generatePrd",
            );
            app.graphql_as(
                &token,
                "mutation($p: ID!) { updatePrd(id: $p, content: \"# PRD v2\") { id } }",
                json!({ "p": prd }),
            )
            .await;
            let design = id_of(
                &app.graphql_as(&token, "mutation($p: ID!) { createTechDesign(prdId: $p, input: { title: \"D\", architectureType: SERVERLESS, components: [], riskAssessment: { performance: 1, security: 1, maintainability: 1 } }) { id } }", json!({ "p": prd })).await,
                "createTechDesign",
            );
            for _ in 0..specs {
                data(
                    &app.graphql_as(&token, ATTACH, json!({ "d": design, "o": openapi() }))
                        .await,
                    "attachApiSpec",
                );
            }
        }
        for _ in 0..specs {
            data(
                &app.graphql_as(&token, ATTACH, json!({ "d": c.design, "o": openapi() }))
                    .await,
                "attachApiSpec",
            );
        }
    }
    let reader = app
        .reconfigured(|config| config.dataloader_delay_ms = 250)
        .await;
    reader.graphql_as(&token, "{ me { id } }", json!({})).await;
    let query = "{ myProjects { edges { node { name owner { username profile { firstName } } requirements { rawText prd { versions { version } techDesigns { title apiSpecs { validationErrors } } } } } } } }";
    let before = reader.state.mongo_commands.get();
    let (response, statements) =
        count_statements(reader.graphql_as(&token, query, json!({}))).await;
    let commands = reader.state.mongo_commands.get() - before;
    let edges = data(&response, "myProjects")["edges"]
        .as_array()
        .expect("edges")
        .clone();
    assert_eq!(edges.len(), projects);
    let mut spec_count = 0;
    for edge in &edges {
        let node = &edge["node"];
        assert_eq!(node["owner"]["username"], "counted.owner");
        assert_eq!(
            node["requirements"].as_array().map(Vec::len),
            Some(requirements)
        );
        for requirement in node["requirements"].as_array().expect("requirements") {
            let designs = requirement["prd"]["techDesigns"]
                .as_array()
                .expect("designs");
            spec_count += designs
                .iter()
                .map(|d| d["apiSpecs"].as_array().map_or(0, Vec::len))
                .sum::<usize>();
        }
    }
    assert_eq!(spec_count, projects * requirements * specs);
    // MongoDB: projects, requirements, PRDs, designs. PostgreSQL: users, profiles, specs.
    println!(
        "chain of {projects} projects x {requirements} requirements x {specs} specs: {commands} MongoDB commands, {statements} PostgreSQL statements"
    );
    assert_eq!(commands, 4, "MongoDB commands");
    assert_eq!(statements, 3, "PostgreSQL statements");

    // The same chain from one project, back up through the parents.
    let project = edges[0]["node"]["name"].clone();
    assert!(project.is_string());
    let up = "{ myProjects(first: 1) { edges { node { requirements { prd { requirement { project { name } } techDesigns { prd { version } apiSpecs { techDesign { title } project { name } } } } } } } } }";
    let before = reader.state.mongo_commands.get();
    let (response, statements) = count_statements(reader.graphql_as(&token, up, json!({}))).await;
    let commands = reader.state.mongo_commands.get() - before;
    assert_eq!(response["errors"], Value::Null, "{response}");
    println!(
        "up and down one project: {commands} MongoDB commands, {statements} PostgreSQL statements"
    );
    // One `find` per loader per level, however many documents: down through projects,
    // requirements, PRDs, then requirement + designs, project + PRD, design + project.
    assert_eq!(commands, 9, "MongoDB commands");
    assert_eq!(statements, 1, "PostgreSQL statements");
}
