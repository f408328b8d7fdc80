//! `start-workers`: runs the Python workers of RAPPEL_USER_MODULE and the
//! dispatcher that advances workflow instances (docs/operations.md,
//! "start-workers"). Prints one ready line on stdout; logs on stderr;
//! SIGTERM or SIGINT stops it gracefully, with exit status 0.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use rappel_server::config::Config;
use rappel_server::dispatcher::Options;
use rappel_server::start_workers::StartWorkers;
use rappel_server::supervisor::{WorkerSpec, python};
use rappel_store::{Store, StoreConfig, StoreError};
use tokio::signal::unix::{SignalKind, signal};

fn main() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("start-workers: error: cannot start the async runtime: {error}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(run())
}

async fn run() -> ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => return usage(&error.to_string()),
    };
    let url = match config.database_url() {
        Ok(url) => url.to_string(),
        Err(error) => return usage(&error.to_string()),
    };
    let Some(user_module) = config.user_module.clone() else {
        return usage(
            "RAPPEL_USER_MODULE is not set: name the module that defines your actions \
             (and imports your workflows), e.g. my_app.workflows",
        );
    };
    let (mut terminate, mut interrupt) = match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(terminate), Ok(interrupt)) => (terminate, interrupt),
        (Err(error), _) | (_, Err(error)) => {
            eprintln!("start-workers: error: cannot handle signals: {error}");
            return ExitCode::from(1);
        }
    };

    let store_config = StoreConfig {
        poll_interval: config.poll_interval,
        ..StoreConfig::new(url)
    };
    let store = tokio::select! {
        store = connect(store_config) => match store {
            Ok(store) => store,
            Err(error) => {
                eprintln!("start-workers: error: {error}");
                return ExitCode::from(1);
            }
        },
        _ = terminate.recv() => return ExitCode::SUCCESS,
        _ = interrupt.recv() => return ExitCode::SUCCESS,
    };

    let spec = WorkerSpec {
        python: python(),
        worker_addr: ([127, 0, 0, 1], 0).into(),
        user_module,
        concurrent_per_worker: config.concurrent_per_worker,
        count: config.worker_count,
        env: Vec::new(),
    };
    let running = match StartWorkers::start(
        store,
        Options::from_config(&config),
        config.worker_addr,
        spec,
    )
    .await
    {
        Ok(running) => running,
        Err(error) => {
            eprintln!("start-workers: error: {error}");
            return ExitCode::from(1);
        }
    };
    let mut stdout = std::io::stdout();
    let _ = writeln!(
        stdout,
        "start-workers ready worker_addr={} workers={}",
        running.worker_addr, config.worker_count
    );
    let _ = stdout.flush();

    tokio::select! {
        _ = terminate.recv() => {}
        _ = interrupt.recv() => {}
    }
    eprintln!("start-workers: stopping: draining the workers, then releasing the leases");
    running.stop().await;
    eprintln!("start-workers: stopped");
    ExitCode::SUCCESS
}

fn usage(message: &str) -> ExitCode {
    eprintln!("start-workers: error: {message}");
    ExitCode::from(2)
}

/// Connects, retrying with backoff while the database does not answer (it
/// may be starting with us); any other failure is final.
async fn connect(config: StoreConfig) -> Result<Store, StoreError> {
    let mut delay = Duration::from_millis(250);
    loop {
        match Store::connect_with(config.clone()).await {
            Err(error @ StoreError::Connect { .. }) => {
                eprintln!("start-workers: {error}; retrying in {delay:?}");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(10));
            }
            result => return result,
        }
    }
}
