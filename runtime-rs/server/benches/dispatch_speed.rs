//! Instances and actions per second through start-workers: the dispatcher,
//! the writer, Postgres and real Python workers running no-op-like golden
//! actions. Needs a Postgres (RAPPEL_DATABASE_URL, else the local test
//! database) and the checkout's venv (or RAPPEL_PYTHON); works in a schema
//! of its own, dropped at the end. Not part of `make test`:
//!
//!     cd runtime-rs && cargo bench -p rappel-server --bench dispatch_speed
//!
//! BENCH_INSTANCES (default 2000), BENCH_WORKERS (2), BENCH_SLOTS (10).

#[path = "../../store/tests/support/mod.rs"]
#[allow(dead_code)]
mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rappel_server::dispatcher::Options;
use rappel_server::start_workers::StartWorkers;
use rappel_server::supervisor::WorkerSpec;
use rappel_store::NewInstance;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn checkout() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// (golden case, workflow, actions per instance)
const CASES: [(&str, &str, usize); 2] = [
    ("01_sequential_actions", "TextStatsWorkflow", 3),
    ("04_fanout_comprehension", "TaxFanoutWorkflow", 3),
];

fn main() {
    let python = std::env::var_os("RAPPEL_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| checkout().join(".venv/bin/python"));
    assert!(
        python.is_file() || std::env::var_os("RAPPEL_PYTHON").is_some(),
        "no Python with rappel: set RAPPEL_PYTHON, or run `make venv`"
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let instances = setting("BENCH_INSTANCES", 2000);
    let workers = setting("BENCH_WORKERS", 2);
    let slots = setting("BENCH_SLOTS", 10);
    println!("{instances} instances, {workers} workers × {slots} slots");
    for (case, workflow, actions) in CASES {
        let took = runtime.block_on(run(&python, case, workflow, instances, workers, slots));
        let seconds = took.as_secs_f64();
        println!(
            "{case}: {:.0} instances/s, {:.0} actions/s ({seconds:.2} s)",
            instances as f64 / seconds,
            (instances * actions) as f64 / seconds,
        );
    }
}

async fn run(
    python: &Path,
    case: &str,
    workflow: &str,
    instances: usize,
    workers: usize,
    slots: usize,
) -> Duration {
    let dir = checkout().join("golden/run").join(case);
    let module = format!("golden_run_{case}");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect("the case's files");
    let rrl = read(&format!("{workflow}.rrl")).replace(&module, "case");
    let transcript: serde_json::Value =
        serde_json::from_str(&read("transcript.json")).expect("the transcript");
    let arguments = rappel_server::program::stored_arguments(
        transcript["arguments"]
            .as_object()
            .expect("the transcript's arguments"),
    );

    let schema = support::TestSchema::new().await;
    let store = schema.store().await;
    let batch_size = workers * slots;
    let options = Options {
        owner: format!("bench-{}", schema.name),
        batch_size,
        max_held: (batch_size * 10).max(100),
        lease: Duration::from_secs(10),
        snapshot_every: 32,
        max_action_lifecycle: None,
        timeout_grace: Duration::from_secs(1),
        park_after: Duration::from_secs(5),
        drain_timeout: Duration::from_secs(20),
    };
    let spec = WorkerSpec {
        python: python.to_path_buf(),
        worker_addr: ([127, 0, 0, 1], 0).into(),
        user_module: "case".to_string(),
        concurrent_per_worker: slots,
        count: workers,
        env: vec![("PYTHONPATH".to_string(), dir.display().to_string())],
    };
    let running = StartWorkers::start(schema.store().await, options, None, spec)
        .await
        .expect("start-workers starts");
    // The workers attach meanwhile.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let version = store
        .register_version(workflow, &rrl)
        .await
        .expect("register");
    let batch: Vec<NewInstance> = (0..instances)
        .map(|_| NewInstance {
            version_id: version.id,
            arguments: arguments.clone(),
        })
        .collect();
    let started = Instant::now();
    let ids = store.start_instances(&batch).await.expect("start");
    store
        .wait_for_outcomes(&ids, Duration::from_secs(600))
        .await
        .expect("every instance finishes");
    let took = started.elapsed();
    running.stop().await;
    took
}
