//! A Mongo-wire TCP relay in front of a `PrivateMongo` that stops the server at an exact
//! point of a request: when braid sends the first command that matches, the relay kills
//! the server and drops the connection before the command arrives. Cross-store writes
//! are tested with the MongoDB side failing mid-way, without mocks: braid talks to a
//! real server that really goes away.

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicBool, Ordering},
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

use crate::stores::PrivateMongo;

/// Decides whether a command trips the wire: (command name, its target, the document).
type Trigger = dyn Fn(&str, &str, &bson::Document) -> bool + Send + Sync;

/// A relay that kills its server on the first matching command.
pub(crate) struct Tripwire {
    port: u16,
    armed: Arc<AtomicBool>,
    tripped: Arc<AtomicBool>,
    mongo: Arc<Mutex<PrivateMongo>>,
}

impl Tripwire {
    /// Starts a private server behind a relay.
    pub(crate) async fn start(
        trigger: impl Fn(&str, &str, &bson::Document) -> bool + Send + Sync + 'static,
    ) -> Self {
        let mongo = PrivateMongo::start();
        let upstream = mongo.port();
        let mongo = Arc::new(Mutex::new(mongo));
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a relay port");
        let port = listener.local_addr().expect("an address").port();
        let armed = Arc::new(AtomicBool::new(false));
        let tripped = Arc::new(AtomicBool::new(false));
        let trigger: Arc<Trigger> = Arc::new(trigger);
        let (armed2, tripped2, mongo2) = (armed.clone(), tripped.clone(), mongo.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)).await else {
                    continue;
                };
                tokio::spawn(relay(
                    client,
                    server,
                    trigger.clone(),
                    armed2.clone(),
                    tripped2.clone(),
                    mongo2.clone(),
                ));
            }
        });
        Self {
            port,
            armed,
            tripped,
            mongo,
        }
    }

    /// The URL braid connects to.
    pub(crate) fn url(&self) -> String {
        format!("mongodb://127.0.0.1:{}/?directConnection=true", self.port)
    }

    /// From now on, the first matching command stops the server.
    pub(crate) fn arm(&self) {
        self.armed.store(true, Ordering::SeqCst);
    }

    /// Whether the wire was tripped.
    pub(crate) fn tripped(&self) -> bool {
        self.tripped.load(Ordering::SeqCst)
    }

    /// Starts the server again (same port and storage).
    pub(crate) fn restart(&self) {
        self.mongo.lock().expect("the server lock").spawn();
    }
}

/// The command name and target of an OP_MSG message (opcode 2013), if it is one.
fn command(message: &[u8]) -> Option<(String, String, bson::Document)> {
    let opcode = i32::from_le_bytes(message.get(12..16)?.try_into().ok()?);
    // Header (16 bytes), flag bits (4), section kind 0 (1), then the command document.
    if opcode != 2013 || *message.get(20)? != 0 {
        return None;
    }
    let document = bson::Document::from_reader(message.get(21..)?).ok()?;
    let (name, target) = document.iter().next()?;
    Some((
        name.clone(),
        target.as_str().unwrap_or_default().to_owned(),
        document,
    ))
}

async fn relay(
    mut client: TcpStream,
    server: TcpStream,
    trigger: Arc<Trigger>,
    armed: Arc<AtomicBool>,
    tripped: Arc<AtomicBool>,
    mongo: Arc<Mutex<PrivateMongo>>,
) {
    let (mut from_server, mut to_server) = server.into_split();
    let (mut from_client, mut to_client) = client.split();
    let upstream = async {
        loop {
            let mut header = [0u8; 4];
            if from_client.read_exact(&mut header).await.is_err() {
                return;
            }
            let length = i32::from_le_bytes(header).max(4) as usize;
            let mut message = header.to_vec();
            message.resize(length, 0);
            if from_client.read_exact(&mut message[4..]).await.is_err() {
                return;
            }
            if armed.load(Ordering::SeqCst)
                && let Some((name, target, document)) = command(&message)
                && trigger(&name, &target, &document)
            {
                armed.store(false, Ordering::SeqCst);
                tripped.store(true, Ordering::SeqCst);
                mongo.lock().expect("the server lock").kill();
                return;
            }
            if to_server.write_all(&message).await.is_err() {
                return;
            }
        }
    };
    let downstream = async {
        let _ = tokio::io::copy(&mut from_server, &mut to_client).await;
    };
    tokio::select! {
        () = upstream => {}
        () = downstream => {}
    }
}
