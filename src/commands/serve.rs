//! `braid serve`.

use crate::{
    auth,
    config::Config,
    http::{Server, metrics},
    state::AppState,
    vectors,
};

pub(super) async fn run(config: Config) -> anyhow::Result<()> {
    metrics::install();
    let addr = config.addr;
    tracing::info!(stores = %config.redacted_summary(), "starting braid");
    let state = AppState::connect(config).await?;
    state.embedder.load().await?;
    let server = Server::bind(state.clone(), addr).await?;
    let shutdown = server.shutdown_token();
    let purge = auth::spawn_purge(state.clone(), shutdown.clone());
    let indexer = vectors::spawn(state, shutdown.clone());
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutting down");
        shutdown.cancel();
    });
    tracing::info!(
        "braid listening on http://{0} (GraphiQL: http://{0}/graphql)",
        server.local_addr()?
    );
    server.run().await?;
    let _ = indexer.await;
    if let Some(purge) = purge {
        let _ = purge.await;
    }
    Ok(())
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
