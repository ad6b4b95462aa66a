//! `braid serve`.

use crate::{
    config::Config,
    http::{Server, metrics},
    state::AppState,
};

pub(super) async fn run(config: Config) -> anyhow::Result<()> {
    metrics::install();
    let addr = config.addr;
    tracing::info!(stores = %config.redacted_summary(), "starting braid");
    let state = AppState::connect(config).await?;
    let server = Server::bind(state, addr).await?;
    let shutdown = server.shutdown_token();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutting down");
        shutdown.cancel();
    });
    tracing::info!(
        "braid listening on http://{0} (GraphiQL: http://{0}/graphql)",
        server.local_addr()?
    );
    server.run().await
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
