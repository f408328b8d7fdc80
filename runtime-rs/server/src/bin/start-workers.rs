//! `start-workers`: runs the Python workers of RAPPEL_USER_MODULE and the
//! dispatcher that advances workflow instances (docs/operations.md,
//! "start-workers"). Registers the prebuilt IR of RAPPEL_IR_DIR. Prints one ready line on stdout; logs on stderr;
//! SIGTERM or SIGINT stops it gracefully, with exit status 0.

use std::io::Write;
use std::process::ExitCode;

use rappel_server::config::Config;
use rappel_server::dashboard;
use rappel_server::dispatcher::Options;
use rappel_server::process::{block_on, connect, stop_signal};
use rappel_server::registry::register_ir_dir;
use rappel_server::start_workers::{GcOptions, StartWorkers};
use rappel_server::supervisor::{WorkerSpec, python};
use rappel_store::StoreConfig;
use rappel_store::dashboard::Reader;

fn main() -> ExitCode {
    block_on("start-workers", run()).unwrap_or(ExitCode::from(1))
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
    let mut stop = Box::pin(stop_signal());

    let store_config = StoreConfig {
        poll_interval: config.poll_interval,
        ..StoreConfig::new(url)
    };
    // Bound first: a dashboard that cannot serve stops the process before
    // any worker starts.
    let dashboard = if config.webapp_enabled {
        let listener = match dashboard::bind(config.webapp_addr).await {
            Ok(listener) => listener,
            Err(error) => {
                eprintln!("start-workers: error: {error}");
                return ExitCode::from(1);
            }
        };
        match Reader::connect_lazy(&store_config) {
            Ok(reader) => Some((listener, reader)),
            Err(error) => return usage(&error.to_string()),
        }
    } else {
        None
    };
    let store = tokio::select! {
        store = connect("start-workers", store_config) => match store {
            Ok(store) => store,
            Err(error) => {
                eprintln!("start-workers: error: {error}");
                return ExitCode::from(1);
            }
        },
        () = &mut stop => return ExitCode::SUCCESS,
    };
    if let Some(dir) = &config.ir_dir {
        match register_ir_dir(&store, dir).await {
            Ok(report) => eprintln!("start-workers: {report}"),
            Err(error) => {
                eprintln!("start-workers: error: {error}");
                return ExitCode::from(1);
            }
        }
    }

    let spec = WorkerSpec {
        python: python(),
        worker_addr: ([127, 0, 0, 1], 0).into(),
        user_module,
        concurrent_per_worker: config.concurrent_per_worker,
        count: config.worker_count,
        env: Vec::new(),
    };
    let mut running = match StartWorkers::start(
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
    if let Some(gc) = GcOptions::from_config(&config) {
        running.collect_garbage(gc);
    }
    let (stop_dashboard, dashboard_stopped) = tokio::sync::oneshot::channel::<()>();
    if let Some((listener, reader)) = dashboard {
        if let Ok(addr) = listener.local_addr() {
            eprintln!("start-workers: web dashboard on http://{addr}/");
        }
        let live = Some(running.live_stats());
        tokio::spawn(async move {
            let shutdown = async {
                let _ = dashboard_stopped.await;
            };
            if let Err(error) = dashboard::serve(listener, reader, live, shutdown).await {
                eprintln!("start-workers: the web dashboard stopped: {error}");
            }
        });
    }
    let mut stdout = std::io::stdout();
    let _ = writeln!(
        stdout,
        "start-workers ready worker_addr={} workers={}",
        running.worker_addr, config.worker_count
    );
    let _ = stdout.flush();

    stop.await;
    eprintln!("start-workers: stopping: draining the workers, then releasing the leases");
    let _ = stop_dashboard.send(());
    running.stop().await;
    eprintln!("start-workers: stopped");
    ExitCode::SUCCESS
}

fn usage(message: &str) -> ExitCode {
    eprintln!("start-workers: error: {message}");
    ExitCode::from(2)
}
