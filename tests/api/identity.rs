//! Registration, sign-in, sessions, passwords and OAuth accounts.

use serde_json::{Value, json};

use crate::harness::{TEST_PASSWORD, TestApp};

const LOGIN: &str = "mutation($i: String!, $p: String!) { login(identifier: $i, password: $p) { token expiresAt user { username } } }";

fn code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

#[tokio::test]
async fn register_login_logout_round_trip() {
    let app = TestApp::new().await;
    let (token, id) = app.register("mei.chen", "INDIVIDUAL").await;
    assert!(token.starts_with("bst_"));

    let me = app
        .graphql_as(
            &token,
            "{ me { id username email role settings { privacy { showLocation } } } }",
            json!({}),
        )
        .await;
    assert_eq!(me["data"]["me"]["id"], id.as_str());
    assert_eq!(me["data"]["me"]["email"], "mei.chen@example.com");
    assert_eq!(
        me["data"]["me"]["settings"]["privacy"]["showLocation"],
        true
    );

    // Email and username both sign in, case-insensitively.
    for identifier in ["MEI.CHEN@example.com", "Mei.Chen"] {
        let login = app
            .graphql(LOGIN, json!({ "i": identifier, "p": TEST_PASSWORD }))
            .await;
        assert_eq!(
            login["data"]["login"]["user"]["username"], "mei.chen",
            "{login}"
        );
    }

    // The token is stored only as a hash.
    let stored: i64 = sqlx::query_scalar(
        "select count(*) from sessions where token_hash = sha256(convert_to($1, 'UTF8'))",
    )
    .bind(&token)
    .fetch_one(&app.state.pg)
    .await
    .expect("count");
    assert_eq!(stored, 1);
    let plain: i64 = sqlx::query_scalar(
        "select count(*) from sessions where position(convert_to($1, 'UTF8') in token_hash) > 0",
    )
    .bind(&token)
    .fetch_one(&app.state.pg)
    .await
    .expect("count");
    assert_eq!(plain, 0);

    let logout = app
        .graphql_as(&token, "mutation { logout }", json!({}))
        .await;
    assert_eq!(logout["data"]["logout"], true);
    // The cached session was cleared: the token fails at once.
    let after =
        braid::graphql::viewer::authenticate(&app.state, Some(&format!("Bearer {token}"))).await;
    assert!(after.is_err(), "a logged-out token must not authenticate");
}

#[tokio::test]
async fn wrong_credentials_look_the_same_whatever_is_wrong() {
    let app = TestApp::new().await;
    app.register("ana.lima", "EXPERT").await;
    let wrong_password = app
        .graphql(
            LOGIN,
            json!({ "i": "ana.lima", "p": "not the password at all" }),
        )
        .await;
    let unknown_user = app
        .graphql(LOGIN, json!({ "i": "nobody.here", "p": TEST_PASSWORD }))
        .await;
    for response in [&wrong_password, &unknown_user] {
        assert_eq!(code(response), "UNAUTHENTICATED");
        assert_eq!(response["errors"][0]["message"], "invalid credentials");
        assert_eq!(response["data"], Value::Null);
    }
}

#[tokio::test]
async fn sign_in_attempts_are_rate_limited_per_account() {
    let app = TestApp::with_config(|config| config.login_attempts_per_account = 3).await;
    app.register("kofi.mensah", "EMPLOYER").await;
    for _ in 0..3 {
        let failed = app
            .graphql(
                LOGIN,
                json!({ "i": "kofi.mensah", "p": "wrong password here" }),
            )
            .await;
        assert_eq!(code(&failed), "UNAUTHENTICATED");
    }
    // Even the right password is refused until the window passes.
    let limited = app
        .graphql(LOGIN, json!({ "i": "KOFI.MENSAH", "p": TEST_PASSWORD }))
        .await;
    assert_eq!(code(&limited), "RATE_LIMITED", "{limited}");
    assert!(
        limited["errors"][0]["extensions"]["retryAfter"]
            .as_u64()
            .is_some_and(|s| s > 0)
    );
}

#[tokio::test]
async fn sign_in_attempts_are_rate_limited_per_ip() {
    let app = TestApp::with_config(|config| config.login_attempts_per_ip = 2).await;
    let served = app.serve().await;
    let client = reqwest::Client::new();
    let mut codes = Vec::new();
    for n in 0..3 {
        let response: Value = client
            .post(served.url("/graphql"))
            .json(&json!({ "query": LOGIN, "variables": { "i": format!("someone{n}"), "p": "whatever password" } }))
            .send()
            .await
            .expect("sent")
            .json()
            .await
            .expect("json");
        codes.push(code(&response).to_owned());
    }
    assert_eq!(
        codes,
        ["UNAUTHENTICATED", "UNAUTHENTICATED", "RATE_LIMITED"]
    );
}

#[tokio::test]
async fn registration_refuses_bad_input_and_writes_nothing() {
    let app = TestApp::new().await;
    app.register("taken.name", "INDIVIDUAL").await;
    let register = |email: &str, username: &str, password: &str| {
        app.graphql(
            "mutation($input: RegisterInput!) { register(input: $input) { token } }",
            json!({ "input": { "email": email, "username": username, "password": password, "role": "INDIVIDUAL" } }),
        )
    };
    let cases = [
        (
            register("new@example.com", "fresh.one", "short").await,
            "BAD_USER_INPUT",
            "password",
        ),
        (
            register("new@example.com", "fresh.one", &"x".repeat(200)).await,
            "BAD_USER_INPUT",
            "password",
        ),
        (
            register("new@example.com", "fresh.one", "password123").await,
            "BAD_USER_INPUT",
            "password",
        ),
        (
            register("not-an-email", "fresh.one", TEST_PASSWORD).await,
            "BAD_USER_INPUT",
            "email",
        ),
        (
            register("new@example.com", "a", TEST_PASSWORD).await,
            "BAD_USER_INPUT",
            "username",
        ),
        (
            register("new@example.com", "has spaces", TEST_PASSWORD).await,
            "BAD_USER_INPUT",
            "username",
        ),
        (
            register("new@example.com", "TAKEN.NAME", TEST_PASSWORD).await,
            "CONFLICT",
            "username",
        ),
        (
            register("Taken.Name@Example.com", "other.name", TEST_PASSWORD).await,
            "CONFLICT",
            "email",
        ),
    ];
    for (response, expected, field) in &cases {
        assert_eq!(code(response), *expected, "{response}");
        let message = response["errors"][0]["message"]
            .as_str()
            .unwrap_or_default();
        assert!(
            message.starts_with(field),
            "the message names {field}: {message}"
        );
    }
    let users: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&app.state.pg)
        .await
        .expect("count");
    assert_eq!(users, 1, "nothing was written by refused registrations");
}

#[tokio::test]
async fn logout_everywhere_and_change_password_end_sessions() {
    let app = TestApp::new().await;
    let (first, _) = app.register("li.wei", "INDIVIDUAL").await;
    let second = app
        .graphql(LOGIN, json!({ "i": "li.wei", "p": TEST_PASSWORD }))
        .await;
    let second = second["data"]["login"]["token"]
        .as_str()
        .expect("a token")
        .to_owned();

    let sessions = app
        .graphql_as(&first, "{ me { sessions { current } } }", json!({}))
        .await;
    let current: Vec<bool> = sessions["data"]["me"]["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .map(|s| s["current"].as_bool().unwrap_or_default())
        .collect();
    assert_eq!(current.len(), 2);
    assert_eq!(current.iter().filter(|c| **c).count(), 1);

    let wrong = app
        .graphql_as(&first, "mutation { changePassword(currentPassword: \"nope nope nope\", newPassword: \"a brand new passphrase\") }", json!({}))
        .await;
    assert_eq!(code(&wrong), "BAD_USER_INPUT");
    let changed = app
        .graphql_as(
            &first,
            "mutation($c: String!) { changePassword(currentPassword: $c, newPassword: \"a brand new passphrase\") }",
            json!({ "c": TEST_PASSWORD }),
        )
        .await;
    assert_eq!(changed["data"]["changePassword"], true, "{changed}");
    let authenticate = |token: String| {
        let state = app.state.clone();
        async move {
            braid::graphql::viewer::authenticate(&state, Some(&format!("Bearer {token}")))
                .await
                .is_ok()
        }
    };
    assert!(
        authenticate(first.clone()).await,
        "the session that changed the password stays"
    );
    assert!(!authenticate(second).await, "other sessions end");
    let old = app
        .graphql(LOGIN, json!({ "i": "li.wei", "p": TEST_PASSWORD }))
        .await;
    assert_eq!(code(&old), "UNAUTHENTICATED");

    let ended = app
        .graphql_as(&first, "mutation { logoutEverywhere }", json!({}))
        .await;
    assert_eq!(ended["data"]["logoutEverywhere"], 1);
    assert!(!authenticate(first).await);
}

#[tokio::test]
async fn oauth_tokens_are_encrypted_and_never_returned() {
    let app = TestApp::new().await;
    let (token, _) = app.register("sam.okafor", "EXPERT").await;
    let link = app
        .graphql_as(
            &token,
            "mutation { linkOAuthAccount(input: { provider: \"github\", providerUserId: \"4242\", accessToken: \"gho_plaintext_secret\", refreshToken: \"ghr_refresh_secret\" }) { provider providerUserId } }",
            json!({}),
        )
        .await;
    assert_eq!(
        link["data"]["linkOAuthAccount"],
        json!({ "provider": "github", "providerUserId": "4242" }),
        "{link}"
    );

    let (stored,): (Vec<u8>,) = sqlx::query_as("select access_token_encrypted from oauth_accounts")
        .fetch_one(&app.state.pg)
        .await
        .expect("a row");
    assert!(
        !stored.windows(8).any(|w| w == b"gho_plai"),
        "the token is not stored in plain text"
    );
    let decrypted =
        braid::auth::crypto::decrypt(&app.state.config.encryption_key, &stored).expect("decrypts");
    assert_eq!(decrypted, "gho_plaintext_secret");

    // Another user cannot take over the same provider account.
    let (other, _) = app.register("eve.other", "INDIVIDUAL").await;
    let stolen = app
        .graphql_as(&other, "mutation { linkOAuthAccount(input: { provider: \"github\", providerUserId: \"4242\", accessToken: \"x\" }) { provider } }", json!({}))
        .await;
    assert_eq!(code(&stolen), "CONFLICT");

    let listed = app
        .graphql_as(
            &token,
            "{ me { oauthAccounts { provider providerUserId } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        listed["data"]["me"]["oauthAccounts"],
        json!([{ "provider": "github", "providerUserId": "4242" }])
    );
    let unlinked = app
        .graphql_as(
            &token,
            "mutation { unlinkOAuthAccount(provider: \"github\") }",
            json!({}),
        )
        .await;
    assert_eq!(unlinked["data"]["unlinkOAuthAccount"], true);
    let anonymous = app
        .graphql(
            "mutation { unlinkOAuthAccount(provider: \"github\") }",
            json!({}),
        )
        .await;
    assert_eq!(code(&anonymous), "UNAUTHENTICATED");
}

#[tokio::test]
async fn websocket_connection_init_resolves_the_viewer() {
    use futures::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest, http::HeaderValue};

    let app = TestApp::new().await;
    let (token, _) = app.register("ws.user", "INDIVIDUAL").await;
    let served = app.serve().await;
    let mut request = served.ws_url().into_client_request().expect("a request");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("upgrade");
    let send = |v: Value| Message::text(v.to_string());
    socket.send(send(json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } }))).await.expect("sent");
    socket.send(send(json!({ "id": "1", "type": "subscribe", "payload": { "query": "{ me { username } }" } }))).await.expect("sent");
    let mut seen = Vec::new();
    while let Some(Ok(Message::Text(text))) = socket.next().await {
        let message: Value = serde_json::from_str(&text).expect("json");
        let done = message["type"] == "complete";
        seen.push(message);
        if done {
            break;
        }
    }
    assert_eq!(
        seen[1]["payload"]["data"]["me"]["username"], "ws.user",
        "{seen:?}"
    );
}

#[tokio::test]
async fn serve_purges_expired_sessions_and_counts_them() {
    let app = TestApp::with_config(|config| config.session_purge_secs = 1).await;
    let served = app.serve().await;
    let (kept, _) = app.register("purge.kept", "INDIVIDUAL").await;
    for username in ["purge.old", "purge.older"] {
        app.register(username, "INDIVIDUAL").await;
    }
    let expired = sqlx::query(
        "update sessions s set created_at = now() - interval '2 days', expires_at = now() - interval '1 day'
         from users u where u.id = s.user_id and u.username in ('purge.old', 'purge.older')",
    )
    .execute(&app.state.pg)
    .await
    .expect("expire two sessions")
    .rows_affected();
    assert_eq!(expired, 2);
    let remaining = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from sessions")
            .fetch_one(&app.state.pg)
            .await
            .expect("count")
    };
    assert_eq!(remaining().await, 3);

    let shutdown = tokio_util::sync::CancellationToken::new();
    let purge =
        braid::auth::spawn_purge(app.state.clone(), shutdown.clone()).expect("a purge task");
    let started = std::time::Instant::now();
    while remaining().await != 1 {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "the purge never ran"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    shutdown.cancel();
    purge.await.expect("the purge task stops");

    // The live session still works; the purge is on /metrics.
    let me = app
        .graphql_as(&kept, "{ me { username } }", json!({}))
        .await;
    assert_eq!(me["data"]["me"]["username"], "purge.kept");
    let metrics = reqwest::get(served.url("/metrics"))
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    let purged: f64 = metrics
        .lines()
        .find_map(|line| line.strip_prefix("braid_sessions_purged_total "))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or_else(|| panic!("no purge counter in {metrics}"));
    assert!(purged >= 2.0, "{purged}");
    // Nothing left to purge: a second pass deletes nothing.
    assert_eq!(
        braid::auth::purge_expired(&app.state.pg)
            .await
            .expect("purge"),
        0
    );
}
