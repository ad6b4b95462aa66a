//! GraphQL over WebSocket, spoken raw so every protocol rule and close code is checked
//! (the real npm clients are exercised in `clients`).

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream, connect_async,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
};

use crate::harness::{Served, TestApp};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

async fn connect(served: &Served, protocol: Option<&str>) -> Socket {
    let mut request = served.ws_url().into_client_request().expect("a ws request");
    if let Some(protocol) = protocol {
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            HeaderValue::from_str(protocol).expect("a header"),
        );
    }
    let (socket, response) = connect_async(request).await.expect("the upgrade succeeds");
    if let Some(protocol) = protocol {
        assert_eq!(
            response
                .headers()
                .get("Sec-WebSocket-Protocol")
                .and_then(|v| v.to_str().ok()),
            Some(protocol)
        );
    }
    socket
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::text(message.to_string()))
        .await
        .expect("sent");
}

/// The next protocol message (keep-alives ignored), or the close code.
async fn next(socket: &mut Socket) -> Result<Value, u16> {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("the server answers within 10 s");
        match message {
            Some(Ok(Message::Text(text))) => {
                let value: Value = serde_json::from_str(&text).expect("JSON messages");
                if matches!(value["type"].as_str(), Some("ka" | "ping")) {
                    continue;
                }
                return Ok(value);
            }
            Some(Ok(Message::Close(frame))) => {
                return Err(frame.map_or(1005, |f| u16::from(f.code)));
            }
            Some(Ok(_)) => continue,
            Some(Err(_)) | None => return Err(1006),
        }
    }
}

async fn expect_close(socket: &mut Socket, code: u16) {
    assert_eq!(next(socket).await, Err(code));
}

async fn initialised(served: &Served) -> Socket {
    let mut socket = connect(served, Some("graphql-transport-ws")).await;
    send(&mut socket, json!({ "type": "connection_init" })).await;
    assert_eq!(
        next(&mut socket).await,
        Ok(json!({ "type": "connection_ack" }))
    );
    socket
}

#[tokio::test]
async fn transport_ws_runs_queries_and_subscriptions() {
    let app = TestApp::new().await;
    let served = app.serve().await;
    let mut socket = initialised(&served).await;

    send(&mut socket, json!({ "type": "ping" })).await;
    assert_eq!(next(&mut socket).await, Ok(json!({ "type": "pong" })));

    send(
        &mut socket,
        json!({ "id": "q", "type": "subscribe", "payload": { "query": "{ __typename }" } }),
    )
    .await;
    assert_eq!(
        next(&mut socket).await,
        Ok(json!({ "id": "q", "type": "next", "payload": { "data": { "__typename": "Query" } } }))
    );
    assert_eq!(
        next(&mut socket).await,
        Ok(json!({ "id": "q", "type": "complete" }))
    );

    send(
        &mut socket,
        json!({ "id": "bad", "type": "subscribe", "payload": { "query": "{ nope }" } }),
    )
    .await;
    let error = next(&mut socket).await.expect("an error message");
    assert_eq!(error["type"], "error");
    assert_eq!(
        error["payload"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );

    send(&mut socket, json!({ "id": "s", "type": "subscribe", "payload": { "query": "subscription { jobPosted { title } }" } })).await;
    // The subscription is registered once its Redis subscription is: poll by publishing.
    let (employer, drafts) = crate::hiring::draft_jobs(&app, 20).await;
    let mut received = None;
    for job in &drafts {
        crate::hiring::publish(&app, &employer, job).await;
        if let Ok(Ok(message)) =
            tokio::time::timeout(Duration::from_millis(200), next(&mut socket)).await
        {
            received = Some(message);
            break;
        }
    }
    let message = received.expect("a jobPosted event");
    assert_eq!(message["id"], "s");
    assert_eq!(message["type"], "next");
    assert!(
        message["payload"]["data"]["jobPosted"]["title"]
            .as_str()
            .is_some_and(|b| b.starts_with("Engineer"))
    );

    send(&mut socket, json!({ "id": "s", "type": "complete" })).await;
    // The id is free again once completed.
    send(
        &mut socket,
        json!({ "id": "s", "type": "subscribe", "payload": { "query": "{ __typename }" } }),
    )
    .await;
    let mut reused = next(&mut socket).await.expect("a message");
    while reused["type"] == "next" && reused["payload"]["data"].get("jobPosted").is_some() {
        reused = next(&mut socket).await.expect("a message");
    }
    assert_eq!(reused["payload"]["data"]["__typename"], "Query", "{reused}");
}

#[tokio::test]
async fn transport_ws_close_codes() {
    let app = TestApp::with_config(|config| config.ws_init_timeout_ms = 300).await;
    let served = app.serve().await;

    // 4400: a message that is not part of the protocol.
    let mut socket = initialised(&served).await;
    send(&mut socket, json!({ "type": "nonsense" })).await;
    expect_close(&mut socket, 4400).await;
    let mut socket = initialised(&served).await;
    socket.send(Message::text("not json")).await.expect("sent");
    expect_close(&mut socket, 4400).await;
    let mut socket = initialised(&served).await;
    send(
        &mut socket,
        json!({ "id": "x", "type": "subscribe", "payload": { "variables": {} } }),
    )
    .await;
    expect_close(&mut socket, 4400).await;

    // 4401: subscribe before the connection is acknowledged.
    let mut socket = connect(&served, Some("graphql-transport-ws")).await;
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "{ __typename }" } }),
    )
    .await;
    expect_close(&mut socket, 4401).await;

    // 4403: connection_init with credentials that do not resolve to a viewer.
    let mut socket = connect(&served, Some("graphql-transport-ws")).await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": { "Authorization": "Bearer forged" } }),
    )
    .await;
    expect_close(&mut socket, 4403).await;

    // 4406: no subprotocol braid speaks.
    let mut socket = connect(&served, None).await;
    expect_close(&mut socket, 4406).await;

    // 4408: no connection_init in time.
    let mut socket = connect(&served, Some("graphql-transport-ws")).await;
    expect_close(&mut socket, 4408).await;

    // 4409: a second subscribe with the id of a running operation.
    let mut socket = initialised(&served).await;
    let subscribe = json!({ "id": "dup", "type": "subscribe", "payload": { "query": "subscription { jobPosted { title } }" } });
    send(&mut socket, subscribe.clone()).await;
    send(&mut socket, subscribe).await;
    expect_close(&mut socket, 4409).await;

    // 4429: a second connection_init.
    let mut socket = initialised(&served).await;
    send(&mut socket, json!({ "type": "connection_init" })).await;
    expect_close(&mut socket, 4429).await;
}

#[tokio::test]
async fn legacy_graphql_ws_protocol() {
    let app = TestApp::new().await;
    let served = app.serve().await;
    let mut socket = connect(&served, Some("graphql-ws")).await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": {} }),
    )
    .await;
    assert_eq!(
        next(&mut socket).await,
        Ok(json!({ "type": "connection_ack" }))
    );

    send(
        &mut socket,
        json!({ "id": "1", "type": "start", "payload": { "query": "{ __typename }" } }),
    )
    .await;
    assert_eq!(
        next(&mut socket).await,
        Ok(json!({ "id": "1", "type": "data", "payload": { "data": { "__typename": "Query" } } }))
    );
    assert_eq!(
        next(&mut socket).await,
        Ok(json!({ "id": "1", "type": "complete" }))
    );

    send(
        &mut socket,
        json!({ "id": "2", "type": "start", "payload": { "query": "{ nope }" } }),
    )
    .await;
    let error = next(&mut socket).await.expect("an error message");
    assert_eq!(
        (error["id"].as_str(), error["type"].as_str()),
        (Some("2"), Some("error"))
    );

    send(&mut socket, json!({ "type": "connection_terminate" })).await;
    expect_close(&mut socket, 1000).await;

    let mut rejected = connect(&served, Some("graphql-ws")).await;
    send(
        &mut rejected,
        json!({ "type": "connection_init", "payload": { "authToken": "forged" } }),
    )
    .await;
    let error = next(&mut rejected).await.expect("a connection_error");
    assert_eq!(error["type"], "connection_error");
    assert_eq!(error["payload"]["extensions"]["code"], "UNAUTHENTICATED");
}
