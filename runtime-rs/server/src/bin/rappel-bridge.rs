//! `rappel-bridge`: the client-facing API (docs/operations.md, "The client
//! bridge"). Connects to the store (retrying while Postgres is unreachable),
//! registers the prebuilt IR of RAPPEL_IR_DIR, serves gRPC on
//! RAPPEL_GRPC_ADDR and HTTP on RAPPEL_HTTP_ADDR, prints one ready line on
//! stdout and logs on stderr; SIGTERM or SIGINT stops it gracefully.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use rappel_server::bridge::BridgeServer;
use rappel_server::config::Config;
use rappel_server::registry::register_ir_dir;
use rappel_store::{Store, StoreConfig, StoreError};
use sqlx::postgres::PgConnectOptions;

/// The pool of one bridge: a listener for finished instances plus requests.
const MAX_CONNECTIONS: u32 = 8;
const FIRST_RETRY: Duration = Duration::from_millis(500);
const LONGEST_RETRY: Duration = Duration::from_secs(10);
const SLOW_CONNECT: Duration = Duration::from_secs(2);

fn main() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("rappel-bridge: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
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
        store = connect(store_config) => store?,
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

/// The store, once Postgres answers: an unreachable database is retried
/// with a growing delay, and said on stderr (the target, never the password).
async fn connect(config: StoreConfig) -> Result<Store, String> {
    let mut delay = FIRST_RETRY;
    let mut attempt = 1u32;
    loop {
        let connecting = Store::connect_with(config.clone());
        tokio::pin!(connecting);
        // An unreachable server takes the pool's whole acquire timeout to
        // fail: say what the bridge waits for meanwhile.
        let connected = tokio::select! {
            connected = &mut connecting => connected,
            () = tokio::time::sleep(SLOW_CONNECT), if attempt == 1 => {
                eprintln!(
                    "rappel-bridge: waiting for Postgres at {} (RAPPEL_DATABASE_URL)",
                    without_secrets(&config.url)
                );
                connecting.await
            }
        };
        match connected {
            Ok(store) => {
                if attempt > 1 {
                    eprintln!("rappel-bridge: connected to Postgres after {attempt} attempts");
                }
                return Ok(store);
            }
            Err(error @ StoreError::Connect { .. }) => {
                eprintln!(
                    "rappel-bridge: {error} (attempt {attempt}); retrying in {:.1}s",
                    delay.as_secs_f64()
                );
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(LONGEST_RETRY);
                attempt += 1;
            }
            Err(error) => return Err(error.to_string()),
        }
    }
}

/// Where the URL points, as the store reads it, without the password (or
/// anything else of the URL): `user@host:port/database`.
fn without_secrets(url: &str) -> String {
    match url.parse::<PgConnectOptions>() {
        Ok(options) => format!(
            "{}@{}:{}/{}",
            options.get_username(),
            options.get_host(),
            options.get_port(),
            options.get_database().unwrap_or("")
        ),
        Err(_) => "the configured URL".to_string(),
    }
}

/// SIGTERM or SIGINT (Ctrl-C).
async fn stop_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        () = terminate => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}

#[cfg(test)]
mod tests {
    use super::without_secrets;

    #[test]
    fn the_shown_url_has_no_password() {
        for (url, shown) in [
            (
                "postgresql://app:pw@db.internal:5432/rappel",
                "app@db.internal:5432/rappel",
            ),
            (
                "postgres://app:p%40ss@db/rappel?password=pw&sslmode=require",
                "app@db:5432/rappel",
            ),
            (
                "postgresql://postgres@localhost/rappel?host=/tmp/pg",
                "postgres@localhost:5432/rappel",
            ),
        ] {
            assert_eq!(without_secrets(url), shown);
        }
    }
}
