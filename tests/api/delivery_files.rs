//! Project attachments: GraphQL multipart uploads into GridFS, listed on the project and
//! streamed back through an authorized HTTP route; oversize files and requests without
//! a CSRF-preventing header are refused before anything is stored.

use reqwest::{
    StatusCode,
    multipart::{Form, Part},
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::{delivery::create_project, harness::TestApp};

const UPLOAD: &str = "mutation($p: ID!, $f: Upload!) { uploadProjectAttachment(projectId: $p, file: $f) { id filename contentType size sha256 downloadUrl } }";

fn form(project: &str, name: &str, content: Vec<u8>) -> Form {
    let operations = json!({ "query": UPLOAD, "variables": { "p": project, "f": null } });
    Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.f"] }).to_string())
        .part(
            "0",
            Part::bytes(content)
                .file_name(name.to_owned())
                .mime_str("text/markdown")
                .expect("a media type"),
        )
}

async fn files_stored(app: &TestApp) -> u64 {
    app.state
        .mongo
        .collection::<bson::Document>("fs.files")
        .count_documents(bson::doc! {})
        .await
        .expect("count")
}

#[tokio::test]
async fn attachments_upload_to_gridfs_and_download_for_the_owner_only() {
    let app = TestApp::with_config(|config| config.max_upload_bytes = 300_000).await;
    let served = app.serve().await;
    let (owner, _) = app.register("files.owner", "EMPLOYER").await;
    let (other, _) = app.register("files.other", "INDIVIDUAL").await;
    let (admin, _) = app.register_admin("files.admin").await;
    let project = create_project(&app, &owner, "With files").await;
    let client = reqwest::Client::new();
    // Bigger than one GridFS chunk (255 KiB), so the file spans two.
    let content: Vec<u8> = (0..280_000u32)
        .map(|n| b"# brief\n"[(n % 8) as usize])
        .collect();
    let digest = format!("{:x}", Sha256::digest(&content));

    let uploaded: Value = client
        .post(served.url("/graphql"))
        .bearer_auth(&owner)
        .header("apollo-require-preflight", "true")
        .multipart(form(&project, "../brief.md", content.clone()))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let attachment = &uploaded["data"]["uploadProjectAttachment"];
    assert_eq!(attachment["filename"], "brief.md", "{uploaded}");
    assert_eq!(attachment["contentType"], "text/markdown");
    assert_eq!(attachment["size"], 280_000);
    assert_eq!(attachment["sha256"], digest.as_str());
    let url = attachment["downloadUrl"]
        .as_str()
        .expect("a URL")
        .to_owned();
    let listed = app
        .graphql_as(
            &owner,
            "query($p: ID!) { project(id: $p) { attachments { filename sha256 } } }",
            json!({ "p": project }),
        )
        .await;
    assert_eq!(
        listed["data"]["project"]["attachments"],
        json!([{ "filename": "brief.md", "sha256": digest }])
    );
    let chunks = app
        .state
        .mongo
        .collection::<bson::Document>("fs.chunks")
        .count_documents(bson::doc! {})
        .await
        .expect("count");
    assert_eq!(chunks, 2);

    let download = client
        .get(served.url(&url))
        .bearer_auth(&owner)
        .send()
        .await
        .expect("sent");
    assert_eq!(download.status(), StatusCode::OK);
    let headers = download.headers().clone();
    assert_eq!(headers["content-type"], "text/markdown");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap_or_default()
            .starts_with("attachment; filename=\"brief.md\"")
    );
    assert_eq!(headers["etag"], format!("\"{digest}\"").as_str());
    assert_eq!(
        download.bytes().await.expect("bytes").as_ref(),
        content.as_slice()
    );
    let by_admin = client
        .get(served.url(&url))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("sent");
    assert_eq!(by_admin.status(), StatusCode::OK);
    let by_other = client
        .get(served.url(&url))
        .bearer_auth(&other)
        .send()
        .await
        .expect("sent");
    assert_eq!(
        by_other.status(),
        StatusCode::NOT_FOUND,
        "someone else's file is not theirs to see"
    );
    let anonymous = client.get(served.url(&url)).send().await.expect("sent");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let garbage = client
        .get(served.url("/files/nope"))
        .bearer_auth(&owner)
        .send()
        .await
        .expect("sent");
    assert_eq!(garbage.status(), StatusCode::NOT_FOUND);

    // Another user cannot attach to the project.
    let forbidden: Value = client
        .post(served.url("/graphql"))
        .bearer_auth(&other)
        .header("x-braid-csrf", "1")
        .multipart(form(&project, "x.md", b"x".to_vec()))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(
        forbidden["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{forbidden}"
    );
    assert_eq!(files_stored(&app).await, 1);

    let removed = app
        .graphql_as(
            &owner,
            "mutation($p: ID!, $a: ID!) { removeProjectAttachment(projectId: $p, attachmentId: $a) }",
            json!({ "p": project, "a": attachment["id"] }),
        )
        .await;
    assert_eq!(
        removed["data"]["removeProjectAttachment"], true,
        "{removed}"
    );
    assert_eq!(files_stored(&app).await, 0);
    let gone = client
        .get(served.url(&url))
        .bearer_auth(&owner)
        .send()
        .await
        .expect("sent");
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn oversize_uploads_and_uploads_without_a_csrf_header_are_refused() {
    let app = TestApp::with_config(|config| config.max_upload_bytes = 1024).await;
    let served = app.serve().await;
    let (owner, _) = app.register("limits.owner", "EMPLOYER").await;
    let project = create_project(&app, &owner, "Limits").await;
    let client = reqwest::Client::new();

    let too_big = client
        .post(served.url("/graphql"))
        .bearer_auth(&owner)
        .header("x-braid-csrf", "1")
        .header("accept", "application/graphql-response+json")
        .multipart(form(&project, "big.bin", vec![7u8; 1025]))
        .send()
        .await
        .expect("sent");
    assert_eq!(too_big.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = too_big.json().await.expect("json");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_REQUEST",
        "{body}"
    );

    // A browser form could post this cross-site: without a preflight header it is refused.
    let simple = client
        .post(served.url("/graphql"))
        .bearer_auth(&owner)
        .multipart(form(&project, "small.txt", b"hello".to_vec()))
        .send()
        .await
        .expect("sent");
    assert_eq!(simple.status(), StatusCode::BAD_REQUEST);
    assert_eq!(files_stored(&app).await, 0, "nothing refused was stored");

    let exact = client
        .post(served.url("/graphql"))
        .bearer_auth(&owner)
        .header("x-braid-csrf", "1")
        .multipart(form(&project, "exact.bin", vec![1u8; 1024]))
        .send()
        .await
        .expect("sent");
    let exact: Value = exact.json().await.expect("json");
    assert_eq!(
        exact["data"]["uploadProjectAttachment"]["size"], 1024,
        "{exact}"
    );

    for (operations, map) in [
        ("not json", json!({ "0": ["variables.f"] }).to_string()),
        (
            &*json!({ "query": UPLOAD, "variables": { "p": project, "f": null } }).to_string(),
            "[]".to_owned(),
        ),
        (
            &*json!({ "query": UPLOAD, "variables": { "p": project, "f": null } }).to_string(),
            json!({ "0": ["query"] }).to_string(),
        ),
    ] {
        let malformed = client
            .post(served.url("/graphql"))
            .bearer_auth(&owner)
            .header("x-braid-csrf", "1")
            .multipart(
                Form::new()
                    .text("operations", operations.to_owned())
                    .text("map", map)
                    .part("0", Part::bytes(b"x".to_vec()).file_name("x")),
            )
            .send()
            .await
            .expect("sent");
        assert_eq!(malformed.status(), StatusCode::BAD_REQUEST, "{operations}");
    }
    assert_eq!(files_stored(&app).await, 1);
}
