//! GraphQL over WebSocket at `/graphql/ws`, in both subprotocols:
//!
//! - `graphql-transport-ws` (the `graphql-ws` library's protocol), with its exact close
//!   codes: 4400 invalid message, 4401 subscribe before ack, 4403 rejected
//!   `connection_init`, 4406 unknown subprotocol, 4408 no `connection_init` in time,
//!   4409 duplicate operation id, 4429 a second `connection_init`;
//! - `graphql-ws`, the legacy `subscriptions-transport-ws` protocol.
//!
//! The viewer comes from the `connection_init` payload (`Authorization` or `authToken`).
//! Every operation runs in its own task; all of them end when the socket does.

use std::collections::HashMap;

use async_graphql::{Response, ServerError, parser::types::OperationType};
use std::net::SocketAddr;

use axum::{
    extract::{
        ConnectInfo, State, WebSocketUpgrade,
        ws::{CloseFrame, Message, WebSocket},
    },
    response::Response as HttpResponse,
};
use futures::{SinkExt, StreamExt, stream::SplitSink};
use serde_json::{Value, json};
use tokio::{sync::mpsc, task::AbortHandle, time};

use super::HttpState;
use crate::{
    error::{ErrorCode, request_error},
    graphql::{
        self, ClientInfo,
        viewer::{self, Viewer},
    },
};

/// The initial read buffer of a connection (it grows for larger messages).
const READ_BUFFER_BYTES: usize = 4096;

/// The two subprotocols, in order of preference.
const SUBPROTOCOLS: [&str; 2] = ["graphql-transport-ws", "graphql-ws"];

/// `GET /graphql/ws`: upgrades and runs the negotiated protocol.
pub(super) async fn upgrade(
    State(app): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: http::HeaderMap,
    ws: WebSocketUpgrade,
) -> HttpResponse {
    let client = ClientInfo::new(Some(peer), &headers);
    // tungstenite reserves a 128 KiB read buffer per connection by default; protocol
    // messages are small, and idle subscribers are many.
    ws.read_buffer_size(READ_BUFFER_BYTES)
        .max_message_size(app.state.config.body_limit_bytes)
        .protocols(SUBPROTOCOLS)
        .on_upgrade(move |socket| async move {
            let protocol = match socket.protocol().and_then(|p| p.to_str().ok()) {
                Some("graphql-transport-ws") => Protocol::TransportWs,
                Some("graphql-ws") => Protocol::Legacy,
                _ => {
                    let (mut sink, _) = socket.split();
                    close(&mut sink, 4406, "Subprotocol not acceptable").await;
                    return;
                }
            };
            Connection::new(app, protocol, client).run(socket).await;
        })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Protocol {
    /// `graphql-transport-ws`.
    TransportWs,
    /// Legacy `graphql-ws` (subscriptions-transport-ws).
    Legacy,
}

impl Protocol {
    fn next(self, id: &str, response: &Response) -> String {
        let kind = match self {
            Self::TransportWs => "next",
            Self::Legacy => "data",
        };
        json!({ "type": kind, "id": id, "payload": response }).to_string()
    }

    fn error(self, id: &str, errors: &[ServerError]) -> String {
        json!({ "type": "error", "id": id, "payload": errors }).to_string()
    }

    fn complete(self, id: &str) -> String {
        json!({ "type": "complete", "id": id }).to_string()
    }

    fn keepalive(self) -> String {
        match self {
            Self::TransportWs => json!({ "type": "ping" }).to_string(),
            Self::Legacy => json!({ "type": "ka" }).to_string(),
        }
    }
}

/// A message an operation task sends back to the connection.
///
/// It is forwarded only while that run of the operation is still registered: messages a
/// stopped operation queued before it was aborted are dropped, even when the client has
/// already reused its id. The last message (`complete` or `error`) unregisters the run
/// as it goes out, so the id is free the moment the client learns the operation ended.
struct Outbound {
    id: String,
    run: u64,
    message: String,
    last: bool,
}

/// What handling one client message asks the connection to do.
enum Step {
    Reply(Vec<String>),
    Close(u16, String),
    ReplyAndClose(Vec<String>, u16, String),
}

struct Connection {
    app: HttpState,
    protocol: Protocol,
    init_received: bool,
    viewer: Option<Viewer>,
    operations: HashMap<String, (u64, AbortHandle)>,
    runs: u64,
    client: ClientInfo,
    outbound: mpsc::Sender<Outbound>,
    inbound: Option<mpsc::Receiver<Outbound>>,
}

impl Connection {
    fn new(app: HttpState, protocol: Protocol, client: ClientInfo) -> Self {
        let (outbound, inbound) = mpsc::channel(256);
        Self {
            app,
            protocol,
            init_received: false,
            viewer: None,
            operations: HashMap::new(),
            runs: 0,
            client,
            outbound,
            inbound: Some(inbound),
        }
    }

    async fn run(mut self, socket: WebSocket) {
        let (mut sink, mut stream) = socket.split();
        let Some(mut inbound) = self.inbound.take() else {
            return;
        };
        let config = &self.app.state.config;
        let init_deadline = time::sleep(time::Duration::from_millis(config.ws_init_timeout_ms));
        tokio::pin!(init_deadline);
        let keepalive_every = time::Duration::from_millis(config.ws_keepalive_ms);
        let mut keepalive =
            time::interval_at(time::Instant::now() + keepalive_every, keepalive_every);
        let shutdown = self.app.shutdown.clone();

        loop {
            let sent = tokio::select! {
                () = &mut init_deadline, if !self.init_received => {
                    close(&mut sink, 4408, "Connection initialisation timeout").await;
                    break;
                }
                () = shutdown.cancelled() => {
                    close(&mut sink, 1001, "Server shutting down").await;
                    break;
                }
                _ = keepalive.tick(), if self.viewer.is_some() => {
                    sink.send(Message::text(self.protocol.keepalive())).await
                }
                Some(out) = inbound.recv() => {
                    if self.operations.get(&out.id).is_some_and(|(run, _)| *run == out.run) {
                        if out.last {
                            self.operations.remove(&out.id);
                        }
                        sink.send(Message::text(out.message)).await
                    } else {
                        Ok(())
                    }
                }
                incoming = stream.next() => {
                    let step = match incoming {
                        Some(Ok(Message::Text(text))) => self.handle(text.as_str()).await,
                        Some(Ok(Message::Binary(_))) => self.invalid("binary messages are not part of the protocol"),
                        Some(Ok(Message::Ping(_) | Message::Pong(_))) => Step::Reply(Vec::new()),
                        Some(Ok(Message::Close(_))) => {
                            // Flush the close reply tungstenite queued, so the client
                            // sees a clean close rather than 1006.
                            let _ = sink.close().await;
                            break;
                        }
                        Some(Err(_)) | None => break,
                    };
                    let (messages, closing) = match step {
                        Step::Reply(messages) => (messages, None),
                        Step::Close(code, reason) => (Vec::new(), Some((code, reason))),
                        Step::ReplyAndClose(messages, code, reason) => (messages, Some((code, reason))),
                    };
                    let mut result = Ok(());
                    for message in messages {
                        result = sink.send(Message::text(message)).await;
                        if result.is_err() {
                            break;
                        }
                    }
                    if let Some((code, reason)) = closing {
                        close(&mut sink, code, &reason).await;
                        break;
                    }
                    result
                }
            };
            if sent.is_err() {
                break;
            }
        }
        for (_, (_, operation)) in self.operations.drain() {
            operation.abort();
        }
    }

    fn invalid(&self, reason: &str) -> Step {
        match self.protocol {
            Protocol::TransportWs => Step::Close(4400, reason.to_owned()),
            Protocol::Legacy => Step::Reply(vec![
                json!({ "type": "error", "payload": { "message": reason } }).to_string(),
            ]),
        }
    }

    async fn handle(&mut self, text: &str) -> Step {
        let Ok(Value::Object(message)) = serde_json::from_str::<Value>(text) else {
            return self.invalid("Invalid message received");
        };
        let kind = message
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let id = message.get("id").and_then(Value::as_str).map(str::to_owned);
        let payload = message.get("payload").cloned().unwrap_or(Value::Null);
        match (self.protocol, kind) {
            (_, "connection_init") => self.init(payload).await,
            (Protocol::TransportWs, "ping") => {
                Step::Reply(vec![json!({ "type": "pong" }).to_string()])
            }
            (Protocol::TransportWs, "pong") => Step::Reply(Vec::new()),
            (Protocol::TransportWs, "subscribe") | (Protocol::Legacy, "start") => {
                self.subscribe(id, payload).await
            }
            (Protocol::TransportWs, "complete") | (Protocol::Legacy, "stop") => {
                if let Some((_, operation)) = id.and_then(|id| self.operations.remove(&id)) {
                    operation.abort();
                }
                Step::Reply(Vec::new())
            }
            (Protocol::Legacy, "connection_terminate") => {
                Step::Close(1000, "Normal closure".to_owned())
            }
            _ => self.invalid("Invalid message received"),
        }
    }

    async fn init(&mut self, payload: Value) -> Step {
        if self.init_received {
            return match self.protocol {
                Protocol::TransportWs => {
                    Step::Close(4429, "Too many initialisation requests".to_owned())
                }
                Protocol::Legacy => Step::Reply(Vec::new()),
            };
        }
        self.init_received = true;
        if !matches!(payload, Value::Object(_) | Value::Null) {
            return self.invalid("Invalid message received");
        }
        match viewer::authenticate(&self.app.state, authorization(&payload).as_deref()).await {
            Ok(viewer) => {
                self.viewer = Some(viewer);
                let ack = json!({ "type": "connection_ack" }).to_string();
                Step::Reply(match self.protocol {
                    Protocol::TransportWs => vec![ack],
                    Protocol::Legacy => vec![ack, self.protocol.keepalive()],
                })
            }
            Err(error) => match self.protocol {
                Protocol::TransportWs => Step::Close(4403, "Forbidden".to_owned()),
                // As subscriptions-transport-ws does: report, then close with 1011.
                Protocol::Legacy => Step::ReplyAndClose(
                    vec![json!({
                        "type": "connection_error",
                        "payload": { "message": error.to_string(), "extensions": { "code": error.code().as_str() } },
                    })
                    .to_string()],
                    1011,
                    "Forbidden".to_owned(),
                ),
            },
        }
    }

    async fn subscribe(&mut self, id: Option<String>, payload: Value) -> Step {
        let Some(id) = id.filter(|id| !id.is_empty()) else {
            return self.invalid("Invalid message received");
        };
        let request = match payload {
            Value::Object(ref fields) if fields.get("query").is_some_and(Value::is_string) => {
                serde_json::from_value::<async_graphql::Request>(payload).ok()
            }
            _ => None,
        };
        let Some(mut request) = request else {
            return match self.protocol {
                Protocol::TransportWs => Step::Close(4400, "Invalid message received".to_owned()),
                Protocol::Legacy => Step::Reply(vec![self.protocol.error(
                    &id,
                    &[request_error(
                        ErrorCode::BadRequest,
                        "the payload must carry a `query` string",
                    )],
                )]),
            };
        };
        let Some(viewer) = self.viewer.clone() else {
            return match self.protocol {
                Protocol::TransportWs => Step::Close(4401, "Unauthorized".to_owned()),
                Protocol::Legacy => Step::Reply(vec![self.protocol.error(
                    &id,
                    &[request_error(
                        ErrorCode::Unauthenticated,
                        "send connection_init first",
                    )],
                )]),
            };
        };
        if self.operations.contains_key(&id) {
            match self.protocol {
                Protocol::TransportWs => {
                    return Step::Close(4409, format!("Subscriber for {id} already exists"));
                }
                // subscriptions-transport-ws replaces an operation started under the same id.
                Protocol::Legacy => {
                    if let Some((_, previous)) = self.operations.remove(&id) {
                        previous.abort();
                    }
                }
            }
        }
        self.runs += 1;
        let run = self.runs;

        let operation = graphql::check_document(&mut request, &self.app.state.config);
        let state = self.app.state.clone();
        let schema = self.app.schema.clone();
        let outbound = self.outbound.clone();
        let protocol = self.protocol;
        let client = self.client.clone();
        let task_id = id.clone();
        let task = tokio::spawn(async move {
            let id = task_id;
            let send = |message: String, last: bool| {
                outbound.send(Outbound {
                    id: id.clone(),
                    run,
                    message,
                    last,
                })
            };
            let last = match operation {
                Err(error) => protocol.error(&id, &[error]),
                Ok(kind) => {
                    let request = graphql::prepare(request, &state, viewer, client);
                    if kind == Some(OperationType::Subscription) {
                        let mut stream = schema.execute_stream(request);
                        let mut first = true;
                        let mut last = None;
                        while let Some(response) = stream.next().await {
                            if first && graphql::is_request_error(&response) {
                                last = Some(protocol.error(&id, &response.errors));
                                break;
                            }
                            first = false;
                            if send(protocol.next(&id, &response), false).await.is_err() {
                                return;
                            }
                        }
                        last.unwrap_or_else(|| protocol.complete(&id))
                    } else {
                        let response = graphql::execute(&schema, &state, request).await;
                        if graphql::is_request_error(&response) {
                            protocol.error(&id, &response.errors)
                        } else {
                            if send(protocol.next(&id, &response), false).await.is_err() {
                                return;
                            }
                            protocol.complete(&id)
                        }
                    }
                }
            };
            let _ = send(last, true).await;
        });
        self.operations.insert(id, (run, task.abort_handle()));
        Step::Reply(Vec::new())
    }
}

/// The credentials in a `connection_init` payload: `Authorization` (any case) as an HTTP
/// header value, or a bare `authToken`.
fn authorization(payload: &Value) -> Option<String> {
    let fields = payload.as_object()?;
    for (key, value) in fields {
        if key.eq_ignore_ascii_case("authorization") {
            return value.as_str().map(str::to_owned);
        }
    }
    fields
        .get("authToken")
        .and_then(Value::as_str)
        .map(|token| format!("Bearer {token}"))
}

async fn close(sink: &mut SplitSink<WebSocket, Message>, code: u16, reason: &str) {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    let _ = sink.send(Message::Close(Some(frame))).await;
    let _ = sink.close().await;
}
