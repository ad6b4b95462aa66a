//! Hiring: organizations, jobs, applications and interviews, with the rules held by the
//! database, the notifications they send and the job board's search.

use serde_json::{Value, json};

use crate::harness::{TestApp, count_statements};

fn code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

fn ok<'a>(response: &'a Value, field: &str) -> &'a Value {
    assert_eq!(response["errors"], Value::Null, "{response}");
    &response["data"][field]
}

const CREATE_ORG: &str = "mutation($input: OrganizationInput!) { createOrganization(input: $input) { id name viewerRole } }";
const ADD_MEMBER: &str = "mutation($org: ID!, $user: ID!, $role: MemberRole!) { addOrganizationMember(organizationId: $org, userId: $user, role: $role) { role user { username } } }";
const CREATE_JOB: &str = "mutation($org: ID!, $input: JobInput!) { createJob(organizationId: $org, input: $input) { id status publishedAt } }";
const PUBLISH: &str = "mutation($id: ID!) { publishJob(id: $id) { id status publishedAt } }";
const CLOSE: &str = "mutation($id: ID!) { closeJob(id: $id) { id status } }";
const APPLY: &str = "mutation($job: ID!) { applyToJob(jobId: $job, input: { coverLetter: \"Hello\" }) { id status } }";
const MOVE: &str = "mutation($id: ID!, $status: ApplicationStatus!) { moveApplication(id: $id, status: $status) { id status } }";

pub(crate) async fn organization(app: &TestApp, token: &str, name: &str) -> String {
    let created = app
        .graphql_as(
            token,
            CREATE_ORG,
            json!({ "input": { "name": name, "companySize": "EMPLOYEES_11_50" } }),
        )
        .await;
    ok(&created, "createOrganization")["id"]
        .as_str()
        .expect("an id")
        .to_owned()
}

pub(crate) fn job_input(title: &str, description: &str) -> Value {
    json!({
        "title": title,
        "description": description,
        "employmentType": "FULL_TIME",
        "experienceLevel": "SENIOR",
        "salaryMin": "100000",
        "salaryMax": "150000",
        "salaryCurrency": "EUR",
    })
}

pub(crate) async fn job(
    app: &TestApp,
    token: &str,
    org: &str,
    input: Value,
    publish: bool,
) -> String {
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

/// An employer's token and `count` draft jobs of their organization: each publication
/// is one `jobPosted` event, for tests that need a public event to poll with.
pub(crate) async fn draft_jobs(app: &TestApp, count: usize) -> (String, Vec<String>) {
    let (owner, _) = app.register("board.owner", "EMPLOYER").await;
    let org = organization(app, &owner, "Board").await;
    let mut jobs = Vec::with_capacity(count);
    for n in 0..count {
        let input = job_input(&format!("Engineer {n}"), "Posted to the board.");
        jobs.push(job(app, &owner, &org, input, false).await);
    }
    (owner, jobs)
}

/// Publishes a draft job (`jobPosted` announces it).
pub(crate) async fn publish(app: &TestApp, token: &str, job: &str) {
    let published = app.graphql_as(token, PUBLISH, json!({ "id": job })).await;
    assert_eq!(ok(&published, "publishJob")["status"], "PUBLISHED");
}

/// An organization with an owner, an admin and a member, and a published job.
struct Hiring {
    owner: String,
    admin: String,
    member: String,
    member_id: String,
    org: String,
    job: String,
}

async fn hiring(app: &TestApp) -> Hiring {
    let (owner, _) = app.register("org.owner", "EMPLOYER").await;
    let (admin, admin_id) = app.register("org.admin", "EMPLOYER").await;
    let (member, member_id) = app.register("org.member", "EMPLOYER").await;
    let org = organization(app, &owner, "Acme").await;
    for (user, role) in [(&admin_id, "ADMIN"), (&member_id, "MEMBER")] {
        let added = app
            .graphql_as(
                &owner,
                ADD_MEMBER,
                json!({ "org": org, "user": user, "role": role }),
            )
            .await;
        assert_eq!(ok(&added, "addOrganizationMember")["role"], role);
    }
    let job = job(
        app,
        &owner,
        &org,
        job_input("Rust Engineer", "Build storage engines."),
        true,
    )
    .await;
    Hiring {
        owner,
        admin,
        member,
        member_id,
        org,
        job,
    }
}

#[tokio::test]
async fn organizations_have_owners_who_manage_members() {
    let app = TestApp::new().await;
    let (individual, individual_id) = app.register("not.an.employer", "INDIVIDUAL").await;
    let refused = app
        .graphql_as(
            &individual,
            CREATE_ORG,
            json!({ "input": { "name": "Nope" } }),
        )
        .await;
    assert_eq!(code(&refused), "FORBIDDEN", "{refused}");

    let h = hiring(&app).await;
    let (_, other_id) = app.register("org.other", "EMPLOYER").await;
    let created_role = app
        .graphql_as(&h.owner, "query($id: ID!) { organization(id: $id) { viewerRole members { role user { username } } } }", json!({ "id": h.org }))
        .await;
    let org = ok(&created_role, "organization");
    assert_eq!(org["viewerRole"], "OWNER");
    let roles: Vec<&str> = org["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| m["role"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(roles, ["OWNER", "ADMIN", "MEMBER"]);

    // Outsiders see the organization, not its people.
    let outside = app
        .graphql(
            "query($id: ID!) { organization(id: $id) { name viewerRole members { role } } }",
            json!({ "id": h.org }),
        )
        .await;
    assert_eq!(ok(&outside, "organization")["members"], Value::Null);
    assert_eq!(outside["data"]["organization"]["name"], "Acme");

    // Admins add members but not owners; members add nobody; only employers join.
    let by_admin = app
        .graphql_as(
            &h.admin,
            ADD_MEMBER,
            json!({ "org": h.org, "user": other_id, "role": "OWNER" }),
        )
        .await;
    assert_eq!(code(&by_admin), "FORBIDDEN", "{by_admin}");
    let by_member = app
        .graphql_as(
            &h.member,
            ADD_MEMBER,
            json!({ "org": h.org, "user": other_id, "role": "MEMBER" }),
        )
        .await;
    assert_eq!(code(&by_member), "FORBIDDEN", "{by_member}");
    let individual_added = app
        .graphql_as(
            &h.owner,
            ADD_MEMBER,
            json!({ "org": h.org, "user": individual_id, "role": "MEMBER" }),
        )
        .await;
    assert_eq!(
        code(&individual_added),
        "BAD_USER_INPUT",
        "{individual_added}"
    );
    let added = app
        .graphql_as(
            &h.admin,
            ADD_MEMBER,
            json!({ "org": h.org, "user": other_id, "role": "MEMBER" }),
        )
        .await;
    assert_eq!(
        ok(&added, "addOrganizationMember")["user"]["username"],
        "org.other"
    );
    let twice = app
        .graphql_as(
            &h.admin,
            ADD_MEMBER,
            json!({ "org": h.org, "user": other_id, "role": "MEMBER" }),
        )
        .await;
    assert_eq!(code(&twice), "CONFLICT", "{twice}");

    // The last owner can neither leave nor be demoted.
    let leave = "mutation($org: ID!) { leaveOrganization(organizationId: $org) }";
    let last = app
        .graphql_as(&h.owner, leave, json!({ "org": h.org }))
        .await;
    assert_eq!(code(&last), "CONFLICT", "{last}");
    let (_, owner_id) = {
        let me = app.graphql_as(&h.owner, "{ me { id } }", json!({})).await;
        ((), me["data"]["me"]["id"].as_str().expect("id").to_owned())
    };
    let update = "mutation($org: ID!, $user: ID!, $role: MemberRole!) { updateOrganizationMember(organizationId: $org, userId: $user, role: $role) { role } }";
    let demote = app
        .graphql_as(
            &h.owner,
            update,
            json!({ "org": h.org, "user": owner_id, "role": "ADMIN" }),
        )
        .await;
    assert_eq!(code(&demote), "CONFLICT", "{demote}");
    let admin_touches_owner = app
        .graphql_as(
            &h.admin,
            update,
            json!({ "org": h.org, "user": owner_id, "role": "MEMBER" }),
        )
        .await;
    assert_eq!(
        code(&admin_touches_owner),
        "FORBIDDEN",
        "{admin_touches_owner}"
    );

    // With a second owner, two owners leaving at once: exactly one may go.
    let promote = app
        .graphql_as(
            &h.owner,
            update,
            json!({ "org": h.org, "user": h.member_id, "role": "OWNER" }),
        )
        .await;
    assert_eq!(ok(&promote, "updateOrganizationMember")["role"], "OWNER");
    let (a, b) = tokio::join!(
        app.graphql_as(&h.owner, leave, json!({ "org": h.org })),
        app.graphql_as(&h.member, leave, json!({ "org": h.org })),
    );
    let outcomes = [code(&a), code(&b)];
    assert!(
        outcomes.contains(&"") && outcomes.contains(&"CONFLICT"),
        "one leaves, one stays: {a} {b}"
    );
    let owners: i64 =
        sqlx::query_scalar("select count(*) from employer_members where role = 'owner'")
            .fetch_one(&app.state.pg)
            .await
            .expect("count");
    assert_eq!(owners, 1);

    // The database holds the rule whoever writes: a direct delete fails too.
    let direct = sqlx::query("delete from employer_members where role = 'owner'")
        .execute(&app.state.pg)
        .await
        .expect_err("the last owner stays");
    assert_eq!(
        direct.as_database_error().and_then(|e| e.constraint()),
        Some("employer_members_last_owner")
    );
}

#[tokio::test]
async fn jobs_go_from_draft_to_published_to_closed() {
    let app = TestApp::new().await;
    let h = hiring(&app).await;
    let (outsider, _) = app.register("job.outsider", "INDIVIDUAL").await;

    let by_member = app
        .graphql_as(
            &h.member,
            CREATE_JOB,
            json!({ "org": h.org, "input": job_input("Draft", "A draft.") }),
        )
        .await;
    assert_eq!(code(&by_member), "FORBIDDEN", "{by_member}");
    let draft = job(
        &app,
        &h.admin,
        &h.org,
        job_input("Draft", "A draft."),
        false,
    )
    .await;

    let view =
        "query($id: ID!) { job(id: $id) { title status publishedAt organization { name } } }";
    assert_eq!(
        app.graphql(view, json!({ "id": draft })).await["data"]["job"],
        Value::Null
    );
    assert_eq!(
        app.graphql_as(&outsider, view, json!({ "id": draft }))
            .await["data"]["job"],
        Value::Null
    );
    let seen = app
        .graphql_as(&h.member, view, json!({ "id": draft }))
        .await;
    assert_eq!(ok(&seen, "job")["status"], "DRAFT");
    assert_eq!(seen["data"]["job"]["publishedAt"], Value::Null);

    let published = app
        .graphql_as(&h.admin, PUBLISH, json!({ "id": draft }))
        .await;
    assert_eq!(ok(&published, "publishJob")["status"], "PUBLISHED");
    assert!(published["data"]["publishJob"]["publishedAt"].is_string());
    let public = app.graphql(view, json!({ "id": draft })).await;
    assert_eq!(ok(&public, "job")["organization"]["name"], "Acme");

    let again = app
        .graphql_as(&h.admin, PUBLISH, json!({ "id": draft }))
        .await;
    assert_eq!(code(&again), "CONFLICT", "{again}");
    let by_outsider = app
        .graphql_as(&outsider, CLOSE, json!({ "id": draft }))
        .await;
    assert_eq!(code(&by_outsider), "FORBIDDEN", "{by_outsider}");
    let closed = app
        .graphql_as(&h.owner, CLOSE, json!({ "id": draft }))
        .await;
    assert_eq!(ok(&closed, "closeJob")["status"], "CLOSED");
    let reopen = app
        .graphql_as(&h.owner, PUBLISH, json!({ "id": draft }))
        .await;
    assert_eq!(code(&reopen), "CONFLICT", "{reopen}");
    let edit = app
        .graphql_as(
            &h.owner,
            "mutation($id: ID!, $input: JobInput!) { updateJob(id: $id, input: $input) { title } }",
            json!({ "id": draft, "input": job_input("Changed", "x") }),
        )
        .await;
    assert_eq!(code(&edit), "CONFLICT", "{edit}");

    // A draft cannot be closed: the transition trigger refuses what the resolver allows.
    let second = job(
        &app,
        &h.owner,
        &h.org,
        job_input("Second", "Another."),
        false,
    )
    .await;
    let close_draft = app
        .graphql_as(&h.owner, CLOSE, json!({ "id": second }))
        .await;
    assert_eq!(code(&close_draft), "CONFLICT", "{close_draft}");

    // Salaries: min <= max, a currency with any figure; the database checks them too.
    let mut bad = job_input("Bad pay", "x");
    bad["salaryMin"] = json!("200000");
    let refused = app
        .graphql_as(&h.owner, CREATE_JOB, json!({ "org": h.org, "input": bad }))
        .await;
    assert_eq!(code(&refused), "BAD_USER_INPUT", "{refused}");
    let mut no_currency = job_input("No currency", "x");
    no_currency["salaryCurrency"] = Value::Null;
    let refused = app
        .graphql_as(
            &h.owner,
            CREATE_JOB,
            json!({ "org": h.org, "input": no_currency }),
        )
        .await;
    assert_eq!(code(&refused), "BAD_USER_INPUT", "{refused}");
    let direct = sqlx::query("update jobs set salary_min = salary_max + 1")
        .execute(&app.state.pg)
        .await
        .expect_err("min above max");
    assert_eq!(
        direct.as_database_error().and_then(|e| e.constraint()),
        Some("jobs_salary_range")
    );

    // Publishing past the deadline is refused.
    let mut late = job_input("Late", "x");
    late["applicationDeadline"] = json!("2020-01-01");
    let late = job(&app, &h.owner, &h.org, late, false).await;
    let refused = app
        .graphql_as(&h.owner, PUBLISH, json!({ "id": late }))
        .await;
    assert_eq!(code(&refused), "BAD_USER_INPUT", "{refused}");
}

async fn notifications(app: &TestApp, token: &str) -> Vec<String> {
    let response = app
        .graphql_as(
            token,
            "{ notifications(first: 50) { edges { node { type } } } }",
            json!({}),
        )
        .await;
    ok(&response, "notifications")["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["type"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn applications_move_only_along_their_life_cycle() {
    let app = TestApp::new().await;
    let h = hiring(&app).await;
    let (alice, _) = app.register("alice.applies", "INDIVIDUAL").await;
    let (bob, _) = app.register("bob.applies", "INDIVIDUAL").await;
    let (carol, _) = app.register("carol.watches", "INDIVIDUAL").await;

    let applied = app.graphql_as(&alice, APPLY, json!({ "job": h.job })).await;
    let application = ok(&applied, "applyToJob")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(applied["data"]["applyToJob"]["status"], "APPLIED");
    let twice = app.graphql_as(&alice, APPLY, json!({ "job": h.job })).await;
    assert_eq!(code(&twice), "CONFLICT", "{twice}");
    let own_org = app
        .graphql_as(&h.member, APPLY, json!({ "job": h.job }))
        .await;
    assert_eq!(code(&own_org), "FORBIDDEN", "{own_org}");
    // The owner and admin manage the organization, so both hear of it; the member does not.
    assert_eq!(
        notifications(&app, &h.owner).await,
        ["application_received"]
    );
    assert_eq!(
        notifications(&app, &h.admin).await,
        ["application_received"]
    );
    assert!(notifications(&app, &h.member).await.is_empty());

    // Who sees the application.
    let view =
        "query($id: ID!) { application(id: $id) { status applicant { username } job { title } } }";
    assert_eq!(
        ok(
            &app.graphql_as(&alice, view, json!({ "id": application }))
                .await,
            "application"
        )["applicant"]["username"],
        "alice.applies"
    );
    assert_eq!(
        ok(
            &app.graphql_as(&h.member, view, json!({ "id": application }))
                .await,
            "application"
        )["status"],
        "APPLIED"
    );
    assert_eq!(
        app.graphql_as(&carol, view, json!({ "id": application }))
            .await["data"]["application"],
        Value::Null
    );
    assert_eq!(
        app.graphql(view, json!({ "id": application })).await["data"]["application"],
        Value::Null
    );
    let listed = app
        .graphql_as(&h.member, "query($id: ID!) { job(id: $id) { applications { edges { node { applicant { username } } } } } }", json!({ "id": h.job }))
        .await;
    assert_eq!(
        ok(&listed, "job")["applications"]["edges"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    let hidden = app
        .graphql_as(
            &carol,
            "query($id: ID!) { job(id: $id) { applications { edges { node { id } } } } }",
            json!({ "id": h.job }),
        )
        .await;
    assert_eq!(ok(&hidden, "job")["applications"], Value::Null);

    // Skipping a step, moving it as the applicant, or accepting for them: refused.
    let skip = app
        .graphql_as(
            &h.member,
            MOVE,
            json!({ "id": application, "status": "OFFERED" }),
        )
        .await;
    assert_eq!(code(&skip), "CONFLICT", "{skip}");
    let by_applicant = app
        .graphql_as(
            &alice,
            MOVE,
            json!({ "id": application, "status": "REVIEWING" }),
        )
        .await;
    assert_eq!(code(&by_applicant), "FORBIDDEN", "{by_applicant}");
    let for_them = app
        .graphql_as(
            &h.member,
            MOVE,
            json!({ "id": application, "status": "ACCEPTED" }),
        )
        .await;
    assert_eq!(code(&for_them), "FORBIDDEN", "{for_them}");
    let accept = "mutation($id: ID!) { acceptOffer(id: $id) { status } }";
    let early = app
        .graphql_as(&alice, accept, json!({ "id": application }))
        .await;
    assert_eq!(code(&early), "CONFLICT", "{early}");

    for status in ["REVIEWING", "INTERVIEWED", "OFFERED"] {
        let moved = app
            .graphql_as(
                &h.member,
                MOVE,
                json!({ "id": application, "status": status }),
            )
            .await;
        assert_eq!(ok(&moved, "moveApplication")["status"], status);
    }
    assert_eq!(
        notifications(&app, &alice).await,
        ["application_status_changed"; 3]
    );
    let by_other = app
        .graphql_as(&carol, accept, json!({ "id": application }))
        .await;
    assert_eq!(code(&by_other), "FORBIDDEN", "{by_other}");
    let accepted = app
        .graphql_as(&alice, accept, json!({ "id": application }))
        .await;
    assert_eq!(ok(&accepted, "acceptOffer")["status"], "ACCEPTED");
    let after_accept = app
        .graphql_as(
            &h.member,
            MOVE,
            json!({ "id": application, "status": "REJECTED" }),
        )
        .await;
    assert_eq!(code(&after_accept), "CONFLICT", "{after_accept}");
    assert_eq!(
        notifications(&app, &h.owner).await,
        ["offer_accepted", "application_received"]
    );

    // Rejected from an open state, then final; withdrawn by the applicant only.
    let bobs = app.graphql_as(&bob, APPLY, json!({ "job": h.job })).await;
    let bobs = ok(&bobs, "applyToJob")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let withdraw = "mutation($id: ID!) { withdrawApplication(id: $id) { status } }";
    let not_theirs = app
        .graphql_as(&h.owner, withdraw, json!({ "id": bobs }))
        .await;
    assert_eq!(code(&not_theirs), "FORBIDDEN", "{not_theirs}");
    let rejected = app
        .graphql_as(&h.owner, MOVE, json!({ "id": bobs, "status": "REJECTED" }))
        .await;
    assert_eq!(ok(&rejected, "moveApplication")["status"], "REJECTED");
    let late = app.graphql_as(&bob, withdraw, json!({ "id": bobs })).await;
    assert_eq!(code(&late), "CONFLICT", "{late}");
    let carols = app.graphql_as(&carol, APPLY, json!({ "job": h.job })).await;
    let carols = ok(&carols, "applyToJob")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let withdrawn = app
        .graphql_as(&carol, withdraw, json!({ "id": carols }))
        .await;
    assert_eq!(ok(&withdrawn, "withdrawApplication")["status"], "WITHDRAWN");

    let mine = app
        .graphql_as(
            &alice,
            "{ myApplications { edges { node { status job { title } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        ok(&mine, "myApplications")["edges"][0]["node"]["status"],
        "ACCEPTED"
    );

    // Closed jobs and jobs past their deadline take no applications; drafts do not exist
    // for applicants.
    let (dave, _) = app.register("dave.late", "INDIVIDUAL").await;
    sqlx::query("update jobs set application_deadline = current_date - 1")
        .execute(&app.state.pg)
        .await
        .expect("moving the deadline");
    let past = app.graphql_as(&dave, APPLY, json!({ "job": h.job })).await;
    assert_eq!(code(&past), "CONFLICT", "{past}");
    sqlx::query("update jobs set application_deadline = null")
        .execute(&app.state.pg)
        .await
        .expect("clearing the deadline");
    app.graphql_as(&h.owner, CLOSE, json!({ "id": h.job }))
        .await;
    let closed = app.graphql_as(&dave, APPLY, json!({ "job": h.job })).await;
    assert_eq!(code(&closed), "CONFLICT", "{closed}");
    let draft = job(&app, &h.owner, &h.org, job_input("Secret", "x"), false).await;
    let to_draft = app.graphql_as(&dave, APPLY, json!({ "job": draft })).await;
    assert_eq!(code(&to_draft), "NOT_FOUND", "{to_draft}");
}

#[tokio::test]
async fn interviews_are_planned_by_the_organization_and_its_notes_stay_there() {
    let app = TestApp::new().await;
    let h = hiring(&app).await;
    let (alice, _) = app.register("alice.interviewed", "INDIVIDUAL").await;
    let applied = app.graphql_as(&alice, APPLY, json!({ "job": h.job })).await;
    let application = ok(&applied, "applyToJob")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let schedule = "mutation($app: ID!, $input: InterviewInput!) { scheduleInterview(applicationId: $app, input: $input) { id status interviewer { username } } }";
    let soon = (chrono::Utc::now() + chrono::Duration::days(3)).to_rfc3339();
    let input = json!({ "title": "Systems design", "interviewType": "TECHNICAL", "isVirtual": true,
        "meetingLink": "https://meet.example.com/x", "scheduledAt": soon, "durationMinutes": 60 });

    let by_applicant = app
        .graphql_as(
            &alice,
            schedule,
            json!({ "app": application, "input": input }),
        )
        .await;
    assert_eq!(code(&by_applicant), "FORBIDDEN", "{by_applicant}");
    let mut past = input.clone();
    past["scheduledAt"] = json!("2020-01-01T10:00:00Z");
    let refused = app
        .graphql_as(
            &h.member,
            schedule,
            json!({ "app": application, "input": past }),
        )
        .await;
    assert_eq!(code(&refused), "BAD_USER_INPUT", "{refused}");
    let mut no_link = input.clone();
    no_link["meetingLink"] = Value::Null;
    let refused = app
        .graphql_as(
            &h.member,
            schedule,
            json!({ "app": application, "input": no_link }),
        )
        .await;
    assert_eq!(code(&refused), "BAD_USER_INPUT", "{refused}");
    let (_, outsider_id) = app.register("not.staff", "EMPLOYER").await;
    let mut stranger = input.clone();
    stranger["interviewerId"] = json!(outsider_id);
    let refused = app
        .graphql_as(
            &h.member,
            schedule,
            json!({ "app": application, "input": stranger }),
        )
        .await;
    assert_eq!(code(&refused), "BAD_USER_INPUT", "{refused}");

    let scheduled = app
        .graphql_as(
            &h.member,
            schedule,
            json!({ "app": application, "input": input }),
        )
        .await;
    let interview = ok(&scheduled, "scheduleInterview")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(
        scheduled["data"]["scheduleInterview"]["interviewer"]["username"],
        "org.member"
    );
    assert_eq!(notifications(&app, &alice).await, ["interview_scheduled"]);

    let later = (chrono::Utc::now() + chrono::Duration::days(5)).to_rfc3339();
    let moved = app
        .graphql_as(&h.admin, "mutation($id: ID!, $at: DateTime!) { rescheduleInterview(id: $id, scheduledAt: $at, durationMinutes: 45) { status durationMinutes } }", json!({ "id": interview, "at": later }))
        .await;
    assert_eq!(ok(&moved, "rescheduleInterview")["status"], "RESCHEDULED");
    assert_eq!(moved["data"]["rescheduleInterview"]["durationMinutes"], 45);
    assert_eq!(
        notifications(&app, &alice).await,
        ["interview_changed", "interview_scheduled"]
    );
    // The interviewer hears of a change someone else made.
    assert_eq!(notifications(&app, &h.member).await, ["interview_changed"]);

    let complete = "mutation($id: ID!, $rating: Int) { completeInterview(id: $id, feedback: \"Strong\", rating: $rating) { status rating feedback } }";
    let bad = app
        .graphql_as(&h.member, complete, json!({ "id": interview, "rating": 6 }))
        .await;
    assert_eq!(code(&bad), "BAD_USER_INPUT", "{bad}");
    let done = app
        .graphql_as(&h.member, complete, json!({ "id": interview, "rating": 4 }))
        .await;
    assert_eq!(ok(&done, "completeInterview")["rating"], 4);
    let cancel = app
        .graphql_as(
            &h.member,
            "mutation($id: ID!) { cancelInterview(id: $id) { status } }",
            json!({ "id": interview }),
        )
        .await;
    assert_eq!(code(&cancel), "CONFLICT", "{cancel}");

    // The applicant sees the interview, not the notes.
    let view =
        "query($id: ID!) { application(id: $id) { interviews { title status feedback rating } } }";
    let theirs = app
        .graphql_as(&alice, view, json!({ "id": application }))
        .await;
    let seen = &ok(&theirs, "application")["interviews"][0];
    assert_eq!(seen["status"], "COMPLETED");
    assert_eq!(seen["feedback"], Value::Null);
    assert_eq!(seen["rating"], Value::Null);
    let ours = app
        .graphql_as(&h.owner, view, json!({ "id": application }))
        .await;
    assert_eq!(
        ok(&ours, "application")["interviews"][0]["feedback"],
        "Strong"
    );

    // Node lookups follow the same rules.
    let node = "query($id: ID!) { node(id: $id) { __typename ... on Interview { rating } } }";
    assert_eq!(
        ok(
            &app.graphql_as(&h.owner, node, json!({ "id": interview }))
                .await,
            "node"
        )["rating"],
        4
    );
    let (carol, _) = app.register("carol.nosy", "INDIVIDUAL").await;
    assert_eq!(
        app.graphql_as(&carol, node, json!({ "id": interview }))
            .await["data"]["node"],
        Value::Null
    );

    // No interviews on finished applications.
    let rejected = app
        .graphql_as(
            &h.member,
            MOVE,
            json!({ "id": application, "status": "REJECTED" }),
        )
        .await;
    assert_eq!(ok(&rejected, "moveApplication")["status"], "REJECTED");
    let refused = app
        .graphql_as(
            &h.member,
            schedule,
            json!({ "app": application, "input": input }),
        )
        .await;
    assert_eq!(code(&refused), "CONFLICT", "{refused}");
}

fn titles(response: &Value) -> Vec<String> {
    ok(response, "jobs")["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn the_job_board_filters_searches_and_ranks() {
    let app = TestApp::new().await;
    let (owner, _) = app.register("board.owner", "EMPLOYER").await;
    let org = organization(&app, &owner, "Board").await;
    let skill = app
        .graphql_as(
            &owner,
            "mutation { setSkill(input: { name: \"Rust\", proficiency: 3 }) { skill { id } } }",
            json!({}),
        )
        .await;
    let rust = skill["data"]["setSkill"][0]["skill"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{skill}"))
        .to_owned();
    let mut title_match = job_input("Rust Engineer", "Build services.");
    title_match["skills"] = json!([{ "skillId": rust }]);
    title_match["remoteType"] = json!("REMOTE");
    job(&app, &owner, &org, title_match, true).await;
    let mut body_match = job_input(
        "Backend Engineer",
        "Our services are written in Rust and Go.",
    );
    body_match["salaryMax"] = json!("200000");
    job(&app, &owner, &org, body_match, true).await;
    let mut unrelated = job_input("Designer", "Design the product.");
    unrelated["experienceLevel"] = json!("MID");
    unrelated["salaryMin"] = Value::Null;
    unrelated["salaryMax"] = Value::Null;
    unrelated["salaryCurrency"] = Value::Null;
    job(&app, &owner, &org, unrelated, true).await;
    job(
        &app,
        &owner,
        &org,
        job_input("Rust Draft", "Not public."),
        false,
    )
    .await;

    let board = "query($filter: JobFilter, $order: JobOrder, $first: Int, $after: String) { jobs(filter: $filter, orderBy: $order, first: $first, after: $after) { edges { cursor node { title } } pageInfo { hasNextPage endCursor } } }";
    let ranked = app
        .graphql(
            board,
            json!({ "filter": { "search": "rust" }, "order": "RELEVANCE" }),
        )
        .await;
    assert_eq!(
        titles(&ranked),
        ["Rust Engineer", "Backend Engineer"],
        "title matches rank first; drafts never show"
    );
    let phrase = app
        .graphql(board, json!({ "filter": { "search": "rust -go" } }))
        .await;
    assert_eq!(titles(&phrase), ["Rust Engineer"]);
    let newest = app.graphql(board, json!({})).await;
    assert_eq!(
        titles(&newest),
        ["Designer", "Backend Engineer", "Rust Engineer"]
    );
    let remote = app
        .graphql(board, json!({ "filter": { "remoteType": "REMOTE" } }))
        .await;
    assert_eq!(titles(&remote), ["Rust Engineer"]);
    let by_skill = app
        .graphql(board, json!({ "filter": { "skill": rust } }))
        .await;
    assert_eq!(titles(&by_skill), ["Rust Engineer"]);
    let mid = app
        .graphql(board, json!({ "filter": { "experienceLevel": "MID" } }))
        .await;
    assert_eq!(titles(&mid), ["Designer"]);
    let paid = app
        .graphql(board, json!({ "filter": { "salaryMin": "180000" } }))
        .await;
    assert_eq!(titles(&paid), ["Backend Engineer"]);
    let drafts_outside = app
        .graphql(board, json!({ "filter": { "status": "DRAFT" } }))
        .await;
    assert!(titles(&drafts_outside).is_empty());
    let drafts_inside = app
        .graphql_as(&owner, board, json!({ "filter": { "status": "DRAFT" } }))
        .await;
    assert_eq!(titles(&drafts_inside), ["Rust Draft"]);

    // Keyset pages in salary order: highest first, no salary last, nothing repeated.
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = app
            .graphql(
                board,
                json!({ "order": "SALARY", "first": 1, "after": after }),
            )
            .await;
        seen.extend(titles(&page));
        if page["data"]["jobs"]["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["data"]["jobs"]["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen, ["Backend Engineer", "Rust Engineer", "Designer"]);
    let mut ranked_pages = Vec::new();
    let first = app
        .graphql(
            board,
            json!({ "filter": { "search": "rust" }, "order": "RELEVANCE", "first": 1 }),
        )
        .await;
    ranked_pages.extend(titles(&first));
    let cursor = first["data"]["jobs"]["pageInfo"]["endCursor"].clone();
    let second = app.graphql(board, json!({ "filter": { "search": "rust" }, "order": "RELEVANCE", "first": 1, "after": cursor })).await;
    ranked_pages.extend(titles(&second));
    assert_eq!(ranked_pages, ["Rust Engineer", "Backend Engineer"]);

    let no_search = app.graphql(board, json!({ "order": "RELEVANCE" })).await;
    assert_eq!(code(&no_search), "BAD_USER_INPUT", "{no_search}");
    let wrong_order = app
        .graphql(board, json!({ "order": "NEWEST", "after": cursor }))
        .await;
    assert_eq!(code(&wrong_order), "BAD_USER_INPUT", "{wrong_order}");
    let garbage = app.graphql(board, json!({ "after": "nope" })).await;
    assert_eq!(code(&garbage), "BAD_USER_INPUT", "{garbage}");
}

/// Builds an organization with `jobs` published jobs, each with `applicants` applications
/// (applications are inserted directly: the data, not the API, is the point here).
async fn job_board(app: &TestApp, jobs: usize, applicants: usize) -> String {
    let (owner, _) = app.register("big.owner", "EMPLOYER").await;
    let org = organization(app, &owner, "Big").await;
    let skills = app
        .graphql_as(&owner, "mutation { a: setSkill(input: { name: \"Rust\", proficiency: 3 }) { skill { id } } b: setSkill(input: { name: \"SQL\", proficiency: 3 }) { skill { id } } }", json!({}))
        .await;
    let ids: Vec<Value> = skills["data"]["b"]
        .as_array()
        .expect("skills")
        .iter()
        .map(|s| s["skill"]["id"].clone())
        .collect();
    let skill_ids = [ids[0].clone(), ids[1].clone()];
    for n in 0..jobs {
        let mut input = job_input(&format!("Job {n}"), "Work.");
        input["skills"] =
            json!([{ "skillId": skill_ids[0] }, { "skillId": skill_ids[1], "isRequired": false }]);
        job(app, &owner, &org, input, true).await;
    }
    let mut people = Vec::new();
    for n in 0..applicants {
        let (_, id) = app.register(&format!("applicant.{n}"), "INDIVIDUAL").await;
        people.push(id);
    }
    sqlx::query(
        "insert into job_applications (id, job_id, applicant_id, status)
         select gen_random_uuid(), j.id, u.id, 'applied' from jobs j cross join users u where u.role = 'individual'",
    )
    .execute(&app.state.pg)
    .await
    .expect("applications");
    owner
}

const BOARD_WITH_APPLICATIONS: &str = "query($first: Int!, $apps: Int!) { jobs(first: $first) { edges { node { title
    organization { name members { role user { username profile { headline } } } }
    skills { isRequired skill { name } }
    applications(first: $apps) { edges { node { status applicant { username profile { headline } skills { skill { name } } } } } } } } } }";

#[tokio::test(flavor = "current_thread")]
async fn a_page_of_jobs_with_applications_costs_a_fixed_number_of_statements() {
    let app = TestApp::new().await;
    let owner = job_board(&app, 50, 20).await;
    // 50 x 20 applications is far past the default complexity budget: lift it, this test
    // is about round trips.
    // A thousand applicants take an unoptimised build a while to start on a loaded
    // machine: a wide window keeps each depth in one batch.
    let reader = app
        .reconfigured(|config| {
            config.dataloader_delay_ms = 1_000;
            config.max_complexity = 1_000_000;
        })
        .await;
    reader.graphql_as(&owner, "{ me { id } }", json!({})).await;
    let (big, big_count) = count_statements(reader.graphql_as(
        &owner,
        BOARD_WITH_APPLICATIONS,
        json!({ "first": 50, "apps": 20 }),
    ))
    .await;
    let edges = ok(&big, "jobs")["edges"].as_array().expect("edges");
    assert_eq!(edges.len(), 50);
    assert!(
        edges
            .iter()
            .all(|e| e["node"]["applications"]["edges"].as_array().map(Vec::len) == Some(20))
    );
    assert!(
        edges
            .iter()
            .all(|e| e["node"]["skills"].as_array().map(Vec::len) == Some(2))
    );
    let (small, small_count) = count_statements(reader.graphql_as(
        &owner,
        BOARD_WITH_APPLICATIONS,
        json!({ "first": 5, "apps": 2 }),
    ))
    .await;
    assert_eq!(
        ok(&small, "jobs")["edges"].as_array().map(Vec::len),
        Some(5)
    );
    // One statement per loader and depth whatever the sizes: the page; organizations;
    // the viewer's memberships (checked at two depths); members; job skills; catalogue
    // skills; applications; user skills; users and profiles (each at two depths: members
    // and applicants). Batches at different depths may share a window, so at most 14.
    // Without loaders the big page alone would take over a thousand statements.
    println!("statements: {big_count} for 50 jobs x 20 applications, {small_count} for 5 x 2");
    assert!(
        big_count <= 14 && small_count <= 14,
        "{big_count} and {small_count} statements"
    );
}
