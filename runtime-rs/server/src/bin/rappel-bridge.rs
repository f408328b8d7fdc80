//! `rappel-bridge`: the client-facing API (docs/operations.md, "The client
//! bridge"). Connects to the store (retrying while Postgres is unreachable),
//! registers the prebuilt IR of RAPPEL_IR_DIR, serves gRPC on
//! RAPPEL_GRPC_ADDR and HTTP on RAPPEL_HTTP_ADDR, prints one ready line on
//! stdout and logs on stderr; SIGTERM or SIGINT stops it gracefully.

use std::io::Write;
use std::process::ExitCode;

use rappel_server::bridge::BridgeServer;
use rappel_server::config::Config;
use rappel_server::process::{block_on, connect, stop_signal};
use rappel_server::registry::register_ir_dir;
use rappel_store::StoreConfig;

/// The pool of one bridge: a listener for finished instances plus requests.
const MAX_CONNECTIONS: u32 = 8;

fn main() -> ExitCode {
    match block_on("rappel-bridge", run()) {
        None => ExitCode::FAILURE,
        Some(Ok(())) => ExitCode::SUCCESS,
        Some(Err(message)) => {
            eprintln!("rappel-bridge: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let config = Config::from_env().map_err(|e| e.to_string())?;
    let url = config.database_url().map_err(|e| e.to_string())?;
    let store_config = StoreConfig {
        max_connections: MAX_CONNECTIONS,
        poll_interval: config.poll_interval,
        ..StoreConfig::new(url)
    };
    let mut stop = Box::pin(stop_signal());
    let store = tokio::select! {
        store = connect("rappel-bridge", store_config) => store?,
        () = &mut stop => {
            eprintln!("rappel-bridge: stopped before the database answered");
            return Ok(());
        }
    };
    if let Some(dir) = &config.ir_dir {
        let report = register_ir_dir(&store, dir)
            .await
            .map_err(|e| e.to_string())?;
        eprintln!("rappel-bridge: {report}");
    }
    let server = BridgeServer::bind(store.clone(), config.http_addr, config.grpc_addr)
        .await
        .map_err(|e| e.to_string())?;
    {
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{}", server.ready_line());
        let _ = stdout.flush();
    }
    eprintln!(
        "rappel-bridge: serving HTTP on {} and gRPC on {}",
        server.http_addr, server.grpc_addr
    );
    server.run_until(stop).await.map_err(|e| e.to_string())?;
    store.close().await;
    eprintln!("rappel-bridge: stopped");
    Ok(())
}
