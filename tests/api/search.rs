//! The vector index: embeddings, the outbox and its worker, semantic and hybrid search
//! with visibility applied in Qdrant, recommendations, match scores, knowledge-base
//! search, twin training and a Qdrant outage.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use braid::vectors::{self, SearchKind};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::harness::{TestApp, stack_var};

fn code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

fn ok<'a>(response: &'a Value, field: &str) -> &'a Value {
    assert_eq!(response["errors"], Value::Null, "{response}");
    &response["data"][field]
}

fn uuid_of(global: &str) -> Uuid {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(global).expect("base64")).expect("utf-8");
    let (_, uuid) = text.split_once(':').expect("Type:uuid");
    Uuid::parse_str(uuid).expect("a uuid")
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

async fn drain(app: &TestApp) -> vectors::DrainReport {
    vectors::drain_all(&app.state)
        .await
        .expect("draining the outbox")
}

async fn outbox(app: &TestApp) -> Vec<(String, Uuid, String)> {
    sqlx::query_as("select kind, entity_id, op from vector_outbox order by id")
        .fetch_all(&app.state.pg)
        .await
        .expect("reading the outbox")
}

/// Outbox rows of jobs (registering anyone also queues their profile).
async fn queued_jobs(app: &TestApp) -> Vec<(String, Uuid, String)> {
    let mut rows = outbox(app).await;
    rows.retain(|(kind, _, _)| kind == "job");
    rows
}

async fn points_of(app: &TestApp, kind: &str, entity: Uuid) -> u64 {
    vectors::points::count(
        &app.state.qdrant,
        &app.state.config,
        vectors::points::entity_filter(kind, entity),
    )
    .await
    .expect("counting points")
}

const CREATE_ORG: &str =
    "mutation($input: OrganizationInput!) { createOrganization(input: $input) { id } }";
const CREATE_JOB: &str = "mutation($org: ID!, $input: JobInput!) { createJob(organizationId: $org, input: $input) { id } }";
const PUBLISH: &str = "mutation($id: ID!) { publishJob(id: $id) { id status } }";

async fn organization(app: &TestApp, token: &str) -> String {
    let created = app
        .graphql_as(token, CREATE_ORG, json!({ "input": { "name": "Acme" } }))
        .await;
    ok(&created, "createOrganization")["id"]
        .as_str()
        .expect("an id")
        .to_owned()
}

async fn job(
    app: &TestApp,
    token: &str,
    org: &str,
    title: &str,
    description: &str,
    publish: bool,
) -> String {
    let input = json!({
        "title": title,
        "description": description,
        "employmentType": "FULL_TIME",
        "experienceLevel": "SENIOR",
    });
    let created = app
        .graphql_as(token, CREATE_JOB, json!({ "org": org, "input": input }))
        .await;
    let id = ok(&created, "createJob")["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    if publish {
        let published = app.graphql_as(token, PUBLISH, json!({ "id": id })).await;
        assert_eq!(ok(&published, "publishJob")["status"], "PUBLISHED");
    }
    id
}

async fn profile(app: &TestApp, token: &str, headline: &str, summary: &str) {
    let updated = app
        .graphql_as(
            token,
            "mutation($input: ProfileInput!) { updateProfile(input: $input) { headline } }",
            json!({ "input": { "headline": headline, "summary": summary } }),
        )
        .await;
    assert_eq!(ok(&updated, "updateProfile")["headline"], headline);
}

const SEARCH: &str = "query($text: String!, $kinds: [SearchKind!], $first: Int!) {
    semanticSearch(text: $text, kinds: $kinds, first: $first) {
        score
        node { id __typename ... on Job { title } ... on ExpertProfile { title } ... on ExpertService { title }
               ... on User { username } ... on KnowledgeContent { title } }
    } }";

async fn search(app: &TestApp, token: Option<&str>, text: &str, kinds: Value, first: i32) -> Value {
    let variables = json!({ "text": text, "kinds": kinds, "first": first });
    match token {
        Some(token) => app.graphql_as(token, SEARCH, variables).await,
        None => app.graphql(SEARCH, variables).await,
    }
}

fn typed_titles(response: &Value) -> Vec<String> {
    ok(response, "semanticSearch")
        .as_array()
        .expect("a list")
        .iter()
        .map(|hit| {
            let node = &hit["node"];
            let label = node["title"]
                .as_str()
                .or(node["username"].as_str())
                .unwrap_or_default();
            format!(
                "{}:{label}",
                node["__typename"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

#[tokio::test]
async fn embeddings_put_matching_texts_closer_and_are_unit_length_and_deterministic() {
    let app = TestApp::new().await;
    let embedder = &app.state.embedder;
    let job = "Senior Rust engineer to build a distributed storage engine";
    let texts = vec![
        job.to_owned(),
        "Backend developer with years of Rust, databases and distributed systems".to_owned(),
        "Pastry chef who loves baking croissants and sourdough bread".to_owned(),
    ];
    let vectors = embedder.embed(texts.clone()).await.expect("embeddings");
    assert_eq!(vectors.len(), 3);
    for vector in &vectors {
        assert_eq!(vector.len(), vectors::DIMENSIONS);
        let norm: f32 = vector.iter().map(|v| v * v).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "unit length, got {norm}");
    }
    let matching = cosine(&vectors[0], &vectors[1]);
    let unrelated = cosine(&vectors[0], &vectors[2]);
    assert!(
        matching > unrelated + 0.2,
        "matching {matching} vs unrelated {unrelated}"
    );
    // Deterministic, alone or in a batch (padding does not change the result).
    let again = embedder.embed_one(job).await.expect("an embedding");
    assert!(cosine(&again, &vectors[0]) > 0.9999);
    // A long text is chunked with overlap, each chunk within the window.
    let long = (0..500)
        .map(|i| format!("word{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    let chunks = vectors::chunk(&long);
    assert!(chunks.len() >= 3, "{}", chunks.len());
    let chunk_vectors = embedder.embed(chunks).await.expect("chunk embeddings");
    assert!(chunk_vectors.iter().all(|v| v.len() == vectors::DIMENSIONS));
}

#[tokio::test]
async fn every_change_of_an_indexed_entity_goes_through_the_outbox_into_the_index() {
    let app = TestApp::new().await;
    let (owner, _) = app.register("outbox.owner", "EMPLOYER").await;
    let org = organization(&app, &owner).await;
    let id = job(
        &app,
        &owner,
        &org,
        "Kernel engineer",
        "Linux kernel and eBPF work.",
        false,
    )
    .await;
    let job_id = uuid_of(&id);
    // The row is written by the same transaction as the job.
    assert_eq!(
        queued_jobs(&app).await,
        vec![("job".to_owned(), job_id, "upsert".to_owned())]
    );
    assert_eq!(
        points_of(&app, "job", job_id).await,
        0,
        "nothing is written to Qdrant directly"
    );
    let report = drain(&app).await;
    assert_eq!((report.indexed, report.failed), (1, 0), "{report:?}");
    assert!(outbox(&app).await.is_empty());
    assert_eq!(points_of(&app, "job", job_id).await, 1);

    // A draft is the organization's: anonymous search does not see it, the owner does.
    let anonymous = search(&app, None, "linux kernel", json!(["JOB"]), 5).await;
    assert!(typed_titles(&anonymous).is_empty(), "{anonymous}");
    let own = search(&app, Some(&owner), "linux kernel", json!(["JOB"]), 5).await;
    assert_eq!(typed_titles(&own), vec!["Job:Kernel engineer"]);

    // Publishing and editing re-index; the payload follows.
    app.graphql_as(&owner, PUBLISH, json!({ "id": id })).await;
    let updated = app
        .graphql_as(
            &owner,
            "mutation($id: ID!, $input: JobInput!) { updateJob(id: $id, input: $input) { title } }",
            json!({ "id": id, "input": {
                "title": "Kernel and eBPF engineer", "description": "Linux kernel, eBPF and networking.",
                "employmentType": "FULL_TIME", "experienceLevel": "SENIOR" } }),
        )
        .await;
    assert_eq!(
        ok(&updated, "updateJob")["title"],
        "Kernel and eBPF engineer"
    );
    assert_eq!(queued_jobs(&app).await.len(), 2);
    drain(&app).await;
    let anonymous = search(&app, None, "linux kernel", json!(["JOB"]), 5).await;
    assert_eq!(
        typed_titles(&anonymous),
        vec!["Job:Kernel and eBPF engineer"]
    );

    // Profiles: the profile, its skills and experiences each feed the person's vectors.
    let (person, person_id) = app.register("outbox.person", "INDIVIDUAL").await;
    let user = uuid_of(&person_id);
    profile(&app, &person, "Kernel hacker", "I write Linux drivers.").await;
    let skill = app
        .graphql_as(
            &person,
            "mutation { setSkill(input: { name: \"eBPF\", proficiency: 5 }) { skill { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(skill["errors"], Value::Null, "{skill}");
    let experience = app
        .graphql_as(
            &person,
            "mutation { addExperience(input: { title: \"Engineer\", company: \"Kernel Co\", startDate: \"2020-01-01\", isCurrent: true }) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(experience["errors"], Value::Null, "{experience}");
    let queued = outbox(&app).await;
    assert!(
        queued.len() >= 3 && queued.iter().all(|(k, e, _)| k == "profile" && *e == user),
        "{queued:?}"
    );
    drain(&app).await;
    assert_eq!(points_of(&app, "profile", user).await, 1);
    let found = search(
        &app,
        Some(&owner),
        "linux driver developer",
        json!(["PROFILE"]),
        5,
    )
    .await;
    assert_eq!(typed_titles(&found), vec!["User:outbox.person"]);

    // A delete (here behind the API's back, as an operator would) removes the vectors.
    sqlx::query("delete from jobs where id = $1")
        .bind(job_id)
        .execute(&app.state.pg)
        .await
        .expect("deleting the job");
    assert!(
        outbox(&app)
            .await
            .contains(&("job".to_owned(), job_id, "delete".to_owned()))
    );
    let report = drain(&app).await;
    assert_eq!(report.removed, 1, "{report:?}");
    assert_eq!(points_of(&app, "job", job_id).await, 0);
    // Nothing drifts.
    for kind in SearchKind::ALL.into_iter().filter(|k| !k.in_mongo()) {
        let drift = vectors::drift(&app.state, kind, false)
            .await
            .expect("a drift check");
        assert_eq!(drift, vectors::Drift::default(), "{kind:?}");
    }
}

const SAVE_EXPERT: &str =
    "mutation($input: ExpertProfileInput!) { saveExpertProfile(input: $input) { id visibility } }";
const CREATE_SERVICE: &str =
    "mutation($input: ExpertServiceInput!) { createExpertService(input: $input) { id } }";

async fn expert(app: &TestApp, username: &str, visibility: &str, topic: &str) -> String {
    let (token, _) = app.register(username, "EXPERT").await;
    let saved = app
        .graphql_as(
            &token,
            SAVE_EXPERT,
            json!({ "input": { "title": format!("{topic} expert"), "expertiseSummary": topic, "visibility": visibility } }),
        )
        .await;
    assert_eq!(ok(&saved, "saveExpertProfile")["visibility"], visibility);
    let created = app
        .graphql_as(
            &token,
            CREATE_SERVICE,
            json!({ "input": { "title": format!("{topic} consulting"), "description": format!("Hands-on help with {topic}."),
                "serviceType": "CONSULTATION", "pricingModel": "FREE" } }),
        )
        .await;
    assert_eq!(created["errors"], Value::Null, "{created}");
    token
}

#[tokio::test]
async fn semantic_search_hydrates_real_types_and_never_leaks_private_points() {
    let app = TestApp::new().await;
    expert(&app, "open.expert", "PUBLIC", "PostgreSQL query tuning").await;
    let private = expert(
        &app,
        "secret.expert",
        "PRIVATE",
        "PostgreSQL query tuning and indexes",
    )
    .await;
    // Many hidden jobs that match better than the public ones.
    let (owner, _) = app.register("board.owner", "EMPLOYER").await;
    let org = organization(&app, &owner).await;
    for i in 0..12 {
        job(
            &app,
            &owner,
            &org,
            &format!("PostgreSQL tuning draft {i}"),
            "PostgreSQL query tuning and indexes.",
            false,
        )
        .await;
    }
    for i in 0..4 {
        job(
            &app,
            &owner,
            &org,
            &format!("Database engineer {i}"),
            "Operate PostgreSQL clusters.",
            true,
        )
        .await;
    }
    let report = drain(&app).await;
    assert_eq!(report.failed, 0);

    let anonymous = search(
        &app,
        None,
        "PostgreSQL query tuning",
        json!(["EXPERT_PROFILE", "EXPERT_SERVICE", "JOB"]),
        6,
    )
    .await;
    let titles = typed_titles(&anonymous);
    assert_eq!(
        titles.len(),
        6,
        "a full page despite 14 hidden points: {titles:?}"
    );
    assert!(
        titles.contains(&"ExpertProfile:PostgreSQL query tuning expert".to_owned()),
        "{titles:?}"
    );
    assert!(
        titles.contains(&"ExpertService:PostgreSQL query tuning consulting".to_owned()),
        "{titles:?}"
    );
    assert!(
        !titles
            .iter()
            .any(|t| t.contains("indexes") || t.contains("draft")),
        "{titles:?}"
    );
    let scores: Vec<f64> = ok(&anonymous, "semanticSearch")
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["score"].as_f64().expect("a score"))
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best first: {scores:?}"
    );

    // The private expert sees their own profile and service; others never do.
    let own = search(
        &app,
        Some(&private),
        "PostgreSQL indexes",
        json!(["EXPERT_PROFILE", "EXPERT_SERVICE"]),
        4,
    )
    .await;
    assert!(
        typed_titles(&own).iter().any(|t| t.contains("indexes")),
        "{own}"
    );
    let (stranger, _) = app.register("some.one", "INDIVIDUAL").await;
    let other = search(
        &app,
        Some(&stranger),
        "PostgreSQL indexes",
        json!(["EXPERT_PROFILE", "EXPERT_SERVICE"]),
        10,
    )
    .await;
    assert!(
        !typed_titles(&other).iter().any(|t| t.contains("indexes")),
        "{other}"
    );

    // Making the expert public re-indexes their services too.
    let published = app
        .graphql_as(
            &private,
            SAVE_EXPERT,
            json!({ "input": { "title": "PostgreSQL query tuning and indexes expert", "visibility": "PUBLIC" } }),
        )
        .await;
    assert_eq!(ok(&published, "saveExpertProfile")["visibility"], "PUBLIC");
    drain(&app).await;
    let now_public = search(
        &app,
        None,
        "PostgreSQL indexes",
        json!(["EXPERT_SERVICE"]),
        4,
    )
    .await;
    assert!(
        typed_titles(&now_public)
            .iter()
            .any(|t| t.contains("indexes")),
        "{now_public}"
    );

    // Bad input.
    assert_eq!(
        code(&search(&app, None, "  ", json!(null), 5).await),
        "BAD_USER_INPUT"
    );
    assert_eq!(
        code(&search(&app, None, "x", json!(null), 0).await),
        "BAD_USER_INPUT"
    );
}

const HYBRID: &str = "query($text: String!) { hybridSearch(text: $text, first: 5) { score fullTextRank vectorRank job { title } } }";

#[tokio::test]
async fn hybrid_search_fuses_full_text_and_meaning() {
    let app = TestApp::new().await;
    let (owner, _) = app.register("hybrid.owner", "EMPLOYER").await;
    let org = organization(&app, &owner).await;
    job(
        &app,
        &owner,
        &org,
        "Rust engineer",
        "Write Rust services.",
        true,
    )
    .await;
    job(
        &app,
        &owner,
        &org,
        "Systems programmer",
        "Memory-safe low-latency systems programming without garbage collection.",
        true,
    )
    .await;
    job(&app, &owner, &org, "Pastry chef", "Bake croissants.", true).await;
    job(&app, &owner, &org, "Rust draft", "Rust.", false).await;
    drain(&app).await;
    let response = app.graphql(HYBRID, json!({ "text": "rust" })).await;
    let hits = ok(&response, "hybridSearch")
        .as_array()
        .expect("hits")
        .clone();
    let titles: Vec<&str> = hits
        .iter()
        .map(|h| h["job"]["title"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        titles[0], "Rust engineer",
        "found by both rankings: {hits:?}"
    );
    assert_eq!(hits[0]["fullTextRank"], 1);
    assert!(hits[0]["vectorRank"].as_i64().is_some(), "{hits:?}");
    assert!(
        !titles.contains(&"Rust draft"),
        "drafts stay out: {titles:?}"
    );
    // Meaning alone finds the systems job (its text never says "rust").
    let systems = hits
        .iter()
        .find(|h| h["job"]["title"] == "Systems programmer");
    if let Some(systems) = systems {
        assert_eq!(systems["fullTextRank"], Value::Null);
        assert!(systems["vectorRank"].as_i64().is_some());
    }
    let scores: Vec<f64> = hits
        .iter()
        .map(|h| h["score"].as_f64().expect("a score"))
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

#[tokio::test]
async fn recommendations_and_match_scores_come_from_the_profiles_and_jobs() {
    let app = TestApp::new().await;
    let (owner, _) = app.register("rec.owner", "EMPLOYER").await;
    let org = organization(&app, &owner).await;
    let rust_job = job(
        &app,
        &owner,
        &org,
        "Rust backend engineer",
        "Build Rust microservices with PostgreSQL and Kafka.",
        true,
    )
    .await;
    job(
        &app,
        &owner,
        &org,
        "Head baker",
        "Run the bakery's sourdough and pastry production.",
        true,
    )
    .await;
    let (dev, dev_id) = app.register("rec.dev", "INDIVIDUAL").await;
    profile(
        &app,
        &dev,
        "Rust developer",
        "Backend services in Rust, PostgreSQL and Kafka.",
    )
    .await;
    let (baker, _) = app.register("rec.baker", "INDIVIDUAL").await;
    profile(&app, &baker, "Baker", "Sourdough bread and French pastry.").await;
    drain(&app).await;

    let jobs = app
        .graphql_as(
            &dev,
            "query($id: ID!) { node(id: $id) { ... on User { recommendedJobs(first: 2) { score job { title } } } } }",
            json!({ "id": dev_id }),
        )
        .await;
    assert_eq!(
        ok(&jobs, "node")["recommendedJobs"][0]["job"]["title"],
        "Rust backend engineer",
        "{jobs}"
    );
    // Viewer only.
    let others = app
        .graphql_as(
            &baker,
            "query($id: ID!) { node(id: $id) { ... on User { recommendedJobs { score } } } }",
            json!({ "id": dev_id }),
        )
        .await;
    assert_eq!(ok(&others, "node")["recommendedJobs"], Value::Null);

    let candidates = app
        .graphql_as(
            &owner,
            "query($id: ID!) { node(id: $id) { ... on Job { recommendedCandidates(first: 2) { score user { username } } } } }",
            json!({ "id": rust_job }),
        )
        .await;
    assert_eq!(
        ok(&candidates, "node")["recommendedCandidates"][0]["user"]["username"],
        "rec.dev",
        "{candidates}"
    );
    let refused = app
        .graphql_as(
            &dev,
            "query($id: ID!) { node(id: $id) { ... on Job { recommendedCandidates { score } } } }",
            json!({ "id": rust_job }),
        )
        .await;
    assert_eq!(code(&refused), "FORBIDDEN", "{refused}");

    let apply = "mutation($job: ID!) { applyToJob(jobId: $job) { matchScore } }";
    let dev_score = app
        .graphql_as(&dev, apply, json!({ "job": rust_job }))
        .await;
    let baker_score = app
        .graphql_as(&baker, apply, json!({ "job": rust_job }))
        .await;
    let dev_score = ok(&dev_score, "applyToJob")["matchScore"]
        .as_i64()
        .expect("a score");
    let baker_score = ok(&baker_score, "applyToJob")["matchScore"]
        .as_i64()
        .expect("a score");
    assert!((0..=100).contains(&dev_score) && (0..=100).contains(&baker_score));
    assert!(dev_score > baker_score + 15, "{dev_score} vs {baker_score}");
    let stored: Vec<Option<i32>> =
        sqlx::query_scalar("select match_score from job_applications order by match_score desc")
            .fetch_all(&app.state.pg)
            .await
            .expect("scores");
    assert_eq!(
        stored,
        vec![Some(dev_score as i32), Some(baker_score as i32)]
    );
}

#[tokio::test]
async fn knowledge_base_search_respects_privacy() {
    let app = TestApp::new().await;
    let token = expert(&app, "kb.expert", "PUBLIC", "Kubernetes").await;
    let create =
        "mutation($input: KnowledgeBaseInput!) { createKnowledgeBase(input: $input) { id } }";
    let add = "mutation($kb: ID!, $input: KnowledgeContentInput!) { addKnowledgeContent(knowledgeBaseId: $kb, input: $input) { id } }";
    let mut bases = Vec::new();
    for public in [true, false] {
        let kb = app
            .graphql_as(
                &token,
                create,
                json!({ "input": { "name": format!("KB {public}"), "isPublic": public } }),
            )
            .await;
        let kb = ok(&kb, "createKnowledgeBase")["id"]
            .as_str()
            .expect("an id")
            .to_owned();
        for (title, content) in [
            (
                "Pod autoscaling",
                "Horizontal pod autoscaler tuning for bursty traffic.",
            ),
            ("Sourdough", "Feed the starter twice a day."),
        ] {
            let added = app
                .graphql_as(&token, add, json!({ "kb": kb, "input": { "title": title, "contentType": "ARTICLE", "content": content } }))
                .await;
            assert_eq!(added["errors"], Value::Null, "{added}");
        }
        bases.push(kb);
    }
    drain(&app).await;
    let query = "query($kb: ID!) { node(id: $kb) { ... on KnowledgeBase { search(text: \"scaling pods under load\", first: 1) { score content { title } } } } }";
    let public = app.graphql(query, json!({ "kb": bases[0] })).await;
    assert_eq!(
        ok(&public, "node")["search"],
        json!([{ "score": ok(&public, "node")["search"][0]["score"], "content": { "title": "Pod autoscaling" } }])
    );
    // The private base is invisible to others, searchable by the expert.
    let hidden = app.graphql(query, json!({ "kb": bases[1] })).await;
    assert_eq!(ok(&hidden, "node"), &Value::Null);
    let own = app
        .graphql_as(&token, query, json!({ "kb": bases[1] }))
        .await;
    assert_eq!(
        ok(&own, "node")["search"][0]["content"]["title"],
        "Pod autoscaling"
    );
    // Semantic search over knowledge never shows the private base's contents to others.
    let found = search(
        &app,
        None,
        "pod autoscaling",
        json!(["KNOWLEDGE_CONTENT"]),
        10,
    )
    .await;
    assert_eq!(
        typed_titles(&found)
            .iter()
            .filter(|t| t.contains("Pod"))
            .count(),
        1,
        "{found}"
    );
}

#[tokio::test]
async fn twin_training_embeds_sources_and_ask_answers_from_the_active_version() {
    let app = TestApp::new().await;
    let (token, _) = app.register("twin.trainer", "INDIVIDUAL").await;
    let created = app
        .graphql_as(
            &token,
            "mutation { createTwin(input: { name: \"Me\" }) { id } }",
            json!({}),
        )
        .await;
    let twin = ok(&created, "createTwin")["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let add = "mutation($id: ID!, $input: TwinDataSourceInput!) { addTwinDataSource(twinId: $id, input: $input) { id } }";
    let long = format!(
        "{} My favourite database is PostgreSQL because of its planner.",
        (0..300)
            .map(|i| format!("filler{i}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    for input in [
        json!({ "name": "Hobbies", "text": "On weekends I climb mountains in the Alps." }),
        json!({ "name": "Tech", "text": long }),
        json!({ "name": "Blog", "url": "https://example.com/blog" }),
    ] {
        let added = app
            .graphql_as(&token, add, json!({ "id": twin, "input": input }))
            .await;
        assert_eq!(added["errors"], Value::Null, "{added}");
    }
    let ask = "query($id: ID!, $q: String!) { node(id: $id) { ... on DigitalTwin { status ask(question: $q, first: 2) { score text chunk source { name } }
        trainingJobs { status progress errorMessage } modelVersions { version isActive }
        dataSources { name status errorMessage } } } }";
    let before = app
        .graphql_as(
            &token,
            ask,
            json!({ "id": twin, "q": "What do you do on weekends?" }),
        )
        .await;
    assert_eq!(
        ok(&before, "node")["ask"],
        json!([]),
        "no active version yet"
    );

    let started = app
        .graphql_as(
            &token,
            "mutation($id: ID!) { startTwinTraining(twinId: $id) { status } }",
            json!({ "id": twin }),
        )
        .await;
    assert_eq!(ok(&started, "startTwinTraining")["status"], "QUEUED");
    assert_eq!(
        braid::twins::run_queued_training(&app.state)
            .await
            .expect("training"),
        1
    );

    let after = app
        .graphql_as(
            &token,
            ask,
            json!({ "id": twin, "q": "What do you do on weekends?" }),
        )
        .await;
    let node = ok(&after, "node");
    assert_eq!(node["status"], "ACTIVE", "{after}");
    assert_eq!(
        node["trainingJobs"][0],
        json!({ "status": "COMPLETED", "progress": 100, "errorMessage": null })
    );
    assert_eq!(
        node["modelVersions"],
        json!([{ "version": 1, "isActive": true }])
    );
    assert_eq!(node["ask"][0]["source"]["name"], "Hobbies", "{after}");
    assert!(
        node["ask"][0]["text"]
            .as_str()
            .expect("text")
            .contains("climb mountains")
    );
    let statuses: Vec<(String, String)> = node["dataSources"]
        .as_array()
        .expect("sources")
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap_or_default().to_owned(),
                s["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert!(
        statuses.contains(&("Hobbies".to_owned(), "PROCESSED".to_owned())),
        "{statuses:?}"
    );
    assert!(
        statuses.contains(&("Blog".to_owned(), "FAILED".to_owned())),
        "{statuses:?}"
    );
    // The long source was chunked: its last chunk answers the database question.
    let db = app
        .graphql_as(
            &token,
            ask,
            json!({ "id": twin, "q": "Which database do you like?" }),
        )
        .await;
    let best = &ok(&db, "node")["ask"][0];
    assert_eq!(best["source"]["name"], "Tech", "{db}");
    assert!(best["chunk"].as_i64().expect("a chunk") >= 1, "{best}");
    let path: String = sqlx::query_scalar("select model_path from twin_model_versions")
        .fetch_one(&app.state.pg)
        .await
        .expect("a version");
    assert!(
        path.contains(&uuid_of(&twin).to_string()) && path.ends_with("/v1"),
        "{path}"
    );

    // Others may not ask.
    let (other, _) = app.register("twin.stranger", "INDIVIDUAL").await;
    let refused = app
        .graphql_as(&other, ask, json!({ "id": twin, "q": "hi" }))
        .await;
    assert_eq!(refused["data"]["node"]["ask"], Value::Null, "{refused}");

    // A configuration naming knowledge sources: the next version learns from those only.
    let sources = app
        .graphql_as(
            &token,
            "query($id: ID!) { node(id: $id) { ... on DigitalTwin { dataSources { id name } } } }",
            json!({ "id": twin }),
        )
        .await;
    let tech = ok(&sources, "node")["dataSources"]
        .as_array()
        .expect("sources")
        .iter()
        .find(|s| s["name"] == "Tech")
        .map(|s| s["id"].clone())
        .expect("the Tech source");
    let configured = app
        .graphql_as(
            &token,
            "mutation($id: ID!, $input: TwinConfigInput!) { updateTwinConfig(twinId: $id, input: $input) { version } }",
            json!({ "id": twin, "input": { "knowledgeSourceIds": [tech] } }),
        )
        .await;
    assert_eq!(configured["errors"], Value::Null, "{configured}");
    app.graphql_as(
        &token,
        "mutation($id: ID!) { startTwinTraining(twinId: $id) { status } }",
        json!({ "id": twin }),
    )
    .await;
    braid::twins::run_queued_training(&app.state)
        .await
        .expect("training");
    let scoped = app
        .graphql_as(
            &token,
            ask,
            json!({ "id": twin, "q": "What do you do on weekends?" }),
        )
        .await;
    let node = ok(&scoped, "node");
    assert_eq!(
        node["modelVersions"][0],
        json!({ "version": 2, "isActive": true }),
        "{scoped}"
    );
    let answers = node["ask"].as_array().expect("answers");
    assert!(
        !answers.is_empty() && answers.iter().all(|a| a["source"]["name"] == "Tech"),
        "version 2 knows only the Tech source: {scoped}"
    );

    // A twin whose sources all fail: the job fails with a message.
    let created = app
        .graphql_as(
            &token,
            "mutation { createTwin(input: { name: \"Empty\" }) { id } }",
            json!({}),
        )
        .await;
    let empty = ok(&created, "createTwin")["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    app.graphql_as(
        &token,
        add,
        json!({ "id": empty, "input": { "name": "Link", "url": "https://example.com" } }),
    )
    .await;
    app.graphql_as(
        &token,
        "mutation($id: ID!) { startTwinTraining(twinId: $id) { status } }",
        json!({ "id": empty }),
    )
    .await;
    braid::twins::run_queued_training(&app.state)
        .await
        .expect("training");
    let failed = app
        .graphql_as(&token, ask, json!({ "id": empty, "q": "hi" }))
        .await;
    let node = ok(&failed, "node");
    assert_eq!(node["status"], "ERROR");
    assert_eq!(node["trainingJobs"][0]["status"], "FAILED");
    assert!(
        node["trainingJobs"][0]["errorMessage"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
}

/// A Qdrant dev server of this test's own, on free ports, that the test stops and restarts.
struct PrivateQdrant {
    child: std::process::Child,
    grpc: u16,
    http: u16,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl PrivateQdrant {
    async fn start(dir: std::path::PathBuf, grpc: u16, http: u16) -> PrivateQdrant {
        let venv = stack_var("BRAID_STACK_VENV").expect("BRAID_STACK_VENV (scripts/stack up)");
        let child = std::process::Command::new(format!("{venv}/bin/python"))
            .arg(crate::harness::repo_root().join("scripts/qdrant-dev/server.py"))
            .args([
                "--host",
                "127.0.0.1",
                "--grpc-port",
                &grpc.to_string(),
                "--http-port",
                &http.to_string(),
            ])
            .arg("--storage-path")
            .arg(&dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("starting the Qdrant dev server");
        let server = PrivateQdrant { child, grpc, http };
        for _ in 0..300 {
            if tokio::net::TcpStream::connect(("127.0.0.1", grpc))
                .await
                .is_ok()
            {
                return server;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the Qdrant dev server did not start");
    }

    fn stop(&mut self) {
        let _ = std::process::Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for PrivateQdrant {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn with_qdrant_down_writes_succeed_search_fails_alone_and_the_outbox_catches_up() {
    let dir = std::env::temp_dir().join(format!("braid-qdrant-{}", Uuid::new_v4()));
    let mut qdrant = PrivateQdrant::start(dir.clone(), free_port(), free_port()).await;
    let url = format!("http://127.0.0.1:{}", qdrant.grpc);
    let app = TestApp::with_config(|config| config.qdrant_url = url.clone()).await;
    let (owner, _) = app.register("outage.owner", "EMPLOYER").await;
    let org = organization(&app, &owner).await;
    job(
        &app,
        &owner,
        &org,
        "Before the outage",
        "Site reliability engineering.",
        true,
    )
    .await;
    drain(&app).await;

    qdrant.stop();
    // Writes go on; their outbox rows wait.
    let during = job(
        &app,
        &owner,
        &org,
        "During the outage",
        "Site reliability and on-call.",
        true,
    )
    .await;
    let report = drain(&app).await;
    assert!(report.failed >= 1, "{report:?}");
    let waiting: Vec<(i32, Option<String>)> =
        sqlx::query_as("select attempts, last_error from vector_outbox")
            .fetch_all(&app.state.pg)
            .await
            .expect("the outbox");
    assert!(
        !waiting.is_empty() && waiting.iter().all(|(a, e)| *a == 1 && e.is_some()),
        "{waiting:?}"
    );
    // Search fields fail with STORE_UNAVAILABLE; the rest of the query resolves.
    let response = app
        .graphql_as(
            &owner,
            "query($id: ID!) { semanticSearch(text: \"reliability\") { score } job: node(id: $id) { ... on Job { title } } }",
            json!({ "id": during }),
        )
        .await;
    assert_eq!(code(&response), "STORE_UNAVAILABLE", "{response}");
    assert_eq!(response["data"]["semanticSearch"], Value::Null);
    assert_eq!(response["data"]["job"]["title"], "During the outage");
    // Hybrid search falls back to full text, and says so.
    let hybrid = app.graphql(HYBRID, json!({ "text": "reliability" })).await;
    assert_eq!(code(&hybrid), "STORE_UNAVAILABLE", "{hybrid}");
    assert_eq!(
        hybrid["data"]["hybridSearch"].as_array().map(Vec::len),
        Some(2),
        "{hybrid}"
    );

    // Back up: the outbox drains (after its backoff) and nothing drifts.
    let _restarted = PrivateQdrant::start(dir.clone(), qdrant.grpc, qdrant.http).await;
    braid::vectors::outbox::retry_now(&app.state.pg)
        .await
        .expect("skipping the backoff");
    let report = drain(&app).await;
    assert_eq!((report.failed, report.indexed), (0, 1), "{report:?}");
    assert!(outbox(&app).await.is_empty());
    let report = braid::commands::reconcile::check_all(&app.state, true)
        .await
        .expect("reconcile");
    assert!(
        report.checks.iter().all(|c| c.findings.is_empty()),
        "{report:?}"
    );
    let found = search(&app, None, "on-call reliability", json!(["JOB"]), 2).await;
    assert_eq!(typed_titles(&found)[0], "Job:During the outage");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn reconcile_and_reindex_repair_drift_both_ways() {
    let app = TestApp::new().await;
    let (owner, _) = app.register("drift.owner", "EMPLOYER").await;
    let org = organization(&app, &owner).await;
    let kept = uuid_of(&job(&app, &owner, &org, "Kept", "A job that stays.", true).await);
    let gone = uuid_of(
        &job(
            &app,
            &owner,
            &org,
            "Gone",
            "A job deleted behind the outbox's back.",
            true,
        )
        .await,
    );
    drain(&app).await;
    // Drift both ways: vectors lost, and an entity deleted without its outbox row.
    vectors::points::delete(
        &app.state.qdrant,
        &app.state.config,
        vectors::points::entity_filter("job", kept),
    )
    .await
    .expect("dropping vectors");
    sqlx::query("delete from jobs where id = $1")
        .bind(gone)
        .execute(&app.state.pg)
        .await
        .expect("delete");
    sqlx::query("delete from vector_outbox")
        .execute(&app.state.pg)
        .await
        .expect("losing the row");
    let dry = vectors::drift(&app.state, SearchKind::Job, false)
        .await
        .expect("a check");
    assert_eq!(
        dry,
        vectors::Drift {
            missing: vec![kept],
            orphaned: vec![gone]
        }
    );
    let report = braid::commands::reconcile::check_all(&app.state, true)
        .await
        .expect("reconcile");
    let jobs = report
        .checks
        .iter()
        .find(|c| c.name == "job")
        .expect("the job check");
    assert_eq!((jobs.findings.len(), jobs.unrepaired), (2, 0), "{jobs:?}");
    assert_eq!(
        vectors::drift(&app.state, SearchKind::Job, false)
            .await
            .expect("a check"),
        vectors::Drift::default()
    );
    // Reindex rewrites everything of a kind.
    let (indexed, removed) = vectors::reindex(&app.state, SearchKind::Job)
        .await
        .expect("reindex");
    assert_eq!((indexed, removed), (1, 0));
    assert_eq!(points_of(&app, "job", kept).await, 1);
}

const DOCUMENT_SEARCH: &str = "query($text: String!) {
    semanticSearch(text: $text, kinds: [REQUIREMENT, PRD], first: 5) {
        node { id __typename ... on Requirement { rawText } ... on PrdDoc { title } }
    } }";

/// Global ids of the hits, best first.
fn hit_ids(response: &Value) -> Vec<String> {
    ok(response, "semanticSearch")
        .as_array()
        .expect("a list")
        .iter()
        .map(|hit| hit["node"]["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn requirements_and_prds_are_indexed_from_mongodb_for_their_owner_only() {
    let app = TestApp::new().await;
    let (owner, _) = app.register("doc_owner", "INDIVIDUAL").await;
    let (stranger, _) = app.register("doc_stranger", "INDIVIDUAL").await;
    drain(&app).await; // their profiles
    // A project whose requirement is about order tracking, analysed, with its PRD.
    let orders = crate::delivery::chain(&app, &owner, "Shop").await;
    let clinic = crate::delivery::create_project(&app, &owner, "Clinic").await;
    let submitted = app
        .graphql_as(
            &owner,
            "mutation($p: ID!) { submitRequirement(projectId: $p, rawText: \"Patients book dental appointments with their doctor online.\") { id } }",
            json!({ "p": clinic }),
        )
        .await;
    let dental = ok(&submitted, "submitRequirement")["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let report = drain(&app).await;
    assert_eq!((report.indexed, report.failed), (3, 0), "{report:?}");
    assert_eq!(points_of(&app, "requirement", uuid_of(&dental)).await, 1);

    let text = json!({ "text": "customers want to know where their parcel is" });
    let found = app.graphql_as(&owner, DOCUMENT_SEARCH, text.clone()).await;
    let ids = hit_ids(&found);
    assert_eq!(ids.len(), 3, "{found}");
    assert!(
        ids[..2].contains(&orders.requirement) && ids[..2].contains(&orders.prd),
        "the order-tracking requirement and PRD rank above the dental one: {found}"
    );
    let hidden = app.graphql_as(&stranger, DOCUMENT_SEARCH, text).await;
    assert_eq!(hit_ids(&hidden), Vec::<String>::new(), "{hidden}");

    // A new PRD version is pending until the worker indexes it; then its new text counts.
    let updated = app
        .graphql_as(
            &owner,
            "mutation($id: ID!) { updatePrd(id: $id, content: \"# Dental reminders\\nPatients get a text before their dental appointment.\") { version } }",
            json!({ "id": orders.prd }),
        )
        .await;
    assert_eq!(ok(&updated, "updatePrd")["version"], 2);
    let report = drain(&app).await;
    assert_eq!((report.indexed, report.failed), (1, 0), "{report:?}");
    let reminders = app
        .graphql_as(
            &owner,
            "query { semanticSearch(text: \"dental appointment reminder\", kinds: [PRD], first: 1) { node { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(hit_ids(&reminders), vec![orders.prd.clone()], "{reminders}");
}
