//! start-workers end to end: a real Postgres (a schema per test), real
//! Python workers (`python -m rappel.worker`), golden programs run to the
//! outcome their case expects.

mod harness;
#[path = "../../store/tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::time::Duration;

use harness::*;
use rappel_server::dispatcher::Options;
use rappel_server::start_workers::{GcOptions, StartWorkers};
use rappel_server::supervisor::WorkerSpec;
use rappel_store::{InstanceId, InstanceState, NewInstance, Store};
use serde_json::Value as Json;
use support::TestSchema;

const OUTCOME_WAIT: Duration = Duration::from_secs(60);

struct Setup {
    workers: usize,
    slots: usize,
    max_action_lifecycle: Option<u64>,
}

const TWO_WORKERS: Setup = Setup {
    workers: 2,
    slots: 4,
    max_action_lifecycle: None,
};

async fn start_runtime(
    schema: &TestSchema,
    case: &Case,
    python: &Path,
    setup: &Setup,
) -> StartWorkers {
    let store = schema.store().await;
    let options = Options {
        owner: format!("test-{}-{}", schema.name, rand_suffix()),
        batch_size: 10,
        max_held: 100,
        lease: Duration::from_secs(10),
        // Every completion: a rebuilt instance starts from its snapshot.
        snapshot_every: 1,
        max_action_lifecycle: setup.max_action_lifecycle,
        timeout_grace: Duration::from_millis(100),
        park_after: Duration::from_secs(1),
        drain_timeout: Duration::from_secs(20),
    };
    let spec = WorkerSpec {
        python: python.to_path_buf(),
        worker_addr: ([127, 0, 0, 1], 0).into(),
        user_module: "case".to_string(),
        concurrent_per_worker: setup.slots,
        count: setup.workers,
        env: vec![
            ("PYTHONPATH".to_string(), case.dir.display().to_string()),
            (
                "CASE_STATE_DIR".to_string(),
                state_dir(schema).display().to_string(),
            ),
        ],
    };
    StartWorkers::start(store, options, None, spec)
        .await
        .expect("start-workers starts")
}

/// Each instance's outcome as a case's expected.json writes it.
async fn outcomes(store: &Store, ids: &[InstanceId]) -> Vec<Json> {
    let statuses = store
        .wait_for_outcomes(ids, OUTCOME_WAIT)
        .await
        .expect("every instance finishes");
    statuses
        .into_iter()
        .map(|status| {
            let tag = match status.state {
                InstanceState::Completed => "result",
                InstanceState::Failed => "error",
                other => panic!("instance {} ended {other:?}", status.id),
            };
            let outcome: Json =
                serde_json::from_str(status.outcome.as_deref().expect("an outcome")).unwrap();
            serde_json::json!({ tag: outcome })
        })
        .collect()
}

/// Runs `instances` instances of the case to their outcome and checks it.
async fn run_case(case: Case, setup: Setup, instances: usize) -> Option<TestSchema> {
    let Some(python) = python() else {
        eprintln!(
            "SKIPPED: no Python with rappel: set RAPPEL_PYTHON, or run `make venv` in the checkout"
        );
        return None;
    };
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let runtime = start_runtime(&schema, &case, &python, &setup).await;
    let ids = start_instances(&store, &case, instances).await;
    let got = outcomes(&store, &ids).await;
    runtime.stop().await;
    for outcome in got {
        assert_eq!(outcome, case.expected, "{}", case.workflow);
    }
    Some(schema)
}

async fn count(schema: &TestSchema, sql: &str) -> i64 {
    let store = schema.store().await;
    sqlx::query_scalar(sql)
        .fetch_one(store.pool())
        .await
        .expect(sql)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sequential_actions_run_in_order() {
    run_case(golden("01_sequential_actions"), TWO_WORKERS, 3).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gather_fans_out_and_collects() {
    run_case(golden("02_gather_list"), TWO_WORKERS, 2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn models_and_rich_values_cross_the_worker_boundary() {
    run_case(golden("16_pydantic_models"), TWO_WORKERS, 1).await;
    run_case(golden("61_models_with_rich_fields"), TWO_WORKERS, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exception_an_action_raises_is_caught_by_the_workflow() {
    run_case(golden("09_except_base_class"), TWO_WORKERS, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uncaught_action_error_fails_the_workflow() {
    run_case(golden("29_action_error_fails_workflow"), TWO_WORKERS, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_with_backoff_succeeds() {
    // The case decides by rappel.current_attempt(), so the attempts may land
    // on either worker.
    if let Some(schema) = run_case(golden("13_retry_succeeds_third_attempt"), TWO_WORKERS, 1).await
    {
        let retried = count(
            &schema,
            "SELECT count(*) FROM completions WHERE abs(attempt) = 3",
        )
        .await;
        assert_eq!(
            retried, 2,
            "the backoff before the third attempt (keyed -3) and its result"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backoff_delays_the_next_attempt_and_holds_no_worker_slot() {
    let Some(python) = python() else {
        eprintln!("SKIPPED: no Python with rappel: set RAPPEL_PYTHON, or run `make venv`");
        return;
    };
    let case = own_case("backoff_frees_slot");
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    // One worker of one slot: an attempt waiting out its backoff in a slot
    // would keep every other action from running.
    let setup = Setup {
        workers: 1,
        slots: 1,
        max_action_lifecycle: None,
    };
    let runtime = start_runtime(&schema, &case, &python, &setup).await;
    let version = store
        .register_version(&case.workflow, &case.rrl)
        .await
        .expect("register");
    let start = |range: std::ops::Range<i64>| {
        let batch: Vec<NewInstance> = range
            .map(|n| NewInstance {
                version_id: version.id,
                arguments: format!(r#"{{"dict": [["n", {n}]]}}"#),
            })
            .collect();
        let store = store.clone();
        async move { store.start_instances(&batch).await.expect("start") }
    };
    let log = state_dir(&schema).join("runs.log");
    let lines = || -> Vec<String> {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    };
    let mut ids = start(0..1).await;
    // Its first attempt failed: the 3 s backoff begins, and the quick ones
    // are started into it.
    while !lines().iter().any(|line| line == "flaky 0 1") {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    ids.extend(start(1..6).await);
    let statuses = store
        .wait_for_outcomes(&ids, OUTCOME_WAIT)
        .await
        .expect("every instance finishes");
    runtime.stop().await;
    for (n, status) in statuses.iter().enumerate() {
        assert_eq!(status.state, InstanceState::Completed, "{status:?}");
        assert_eq!(status.outcome.as_deref(), Some(n.to_string().as_str()));
    }
    let lines = lines();
    let retried = lines
        .iter()
        .position(|line| line == "flaky 0 2")
        .expect("the second attempt ran");
    assert!(
        lines[..retried]
            .iter()
            .any(|line| line.starts_with("quick ")),
        "no action ran while the retry backed off: {lines:?}"
    );
    // The retry was dispatched no earlier than its backoff allowed: its
    // result is logged at least 3 s after the first attempt's exception.
    let waited: f64 = sqlx::query_scalar(
        "SELECT extract(epoch FROM r.created_at - f.created_at)::float8 FROM completions AS f \
         JOIN completions AS r USING (instance_id, operation_id) \
         WHERE f.attempt = 1 AND f.completion ? 'raised' AND r.attempt = 2 AND r.completion ? 'returned'",
    )
    .fetch_one(store.pool())
    .await
    .expect("the two attempts' completions");
    assert!(waited >= 3.0, "the retry came {waited} s after the failure");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn durable_sleeps_resume() {
    run_case(golden("22_durable_sleep"), TWO_WORKERS, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeouts_the_worker_reports_are_retried_or_caught() {
    run_case(golden("15_timeout_retried_then_succeeds"), TWO_WORKERS, 1).await;
    run_case(golden("32_timeout_exhausted_caught"), TWO_WORKERS, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_stuck_past_its_deadline_times_out() {
    run_case(own_case("stuck_action"), TWO_WORKERS, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_attempts_of_a_killed_worker_run_again() {
    if let Some(schema) = run_case(own_case("worker_killed"), TWO_WORKERS, 1).await {
        let rerun = count(
            &schema,
            "SELECT count(*) FROM completions WHERE attempt > 1",
        )
        .await;
        assert!(rerun > 0, "the killed attempts ran again");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recycled_workers_lose_nothing_and_run_nothing_twice() {
    let setup = Setup {
        max_action_lifecycle: Some(3),
        ..TWO_WORKERS
    };
    // 6 instances of 3 actions each: every worker is recycled several times.
    if let Some(schema) = run_case(golden("04_fanout_comprehension"), setup, 6).await {
        let completions = count(&schema, "SELECT count(*) FROM completions").await;
        let first_attempts = count(
            &schema,
            "SELECT count(*) FROM completions WHERE attempt = 1",
        )
        .await;
        assert_eq!(completions, 18);
        assert_eq!(first_attempts, 18, "no attempt ran twice");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sleep_keeps_its_deadline_across_a_restart() {
    let Some(python) = python() else {
        eprintln!("SKIPPED: no Python with rappel: set RAPPEL_PYTHON, or run `make venv`");
        return;
    };
    let case = own_case("long_sleep");
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let first = start_runtime(&schema, &case, &python, &TWO_WORKERS).await;
    let ids = start_instances(&store, &case, 1).await;
    let due_at = "SELECT (extract(epoch FROM due_at) * 1000000)::bigint FROM timers";
    let recorded = loop {
        let rows: Vec<i64> = sqlx::query_scalar(due_at)
            .fetch_all(store.pool())
            .await
            .expect("read timers");
        if let Some(&due) = rows.first() {
            break due;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    // Stopped mid-sleep: the lease is given back (or the instance parked).
    first.stop().await;
    let snapshots = count(&schema, "SELECT count(*) FROM snapshots").await;
    assert_eq!(snapshots, 1, "the instance is rebuilt from its snapshot");
    let status = store.get_status(&ids).await.expect("status");
    assert!(!status[0].state.is_finished(), "{status:?}");

    let second = start_runtime(&schema, &case, &python, &TWO_WORKERS).await;
    // Until the instance finishes (which clears its timers), the timer keeps
    // the deadline recorded first: the rebuilt instance did not start it over.
    loop {
        let rows: Vec<i64> = sqlx::query_scalar(due_at)
            .fetch_all(store.pool())
            .await
            .expect("read timers");
        assert!(rows.iter().all(|&due| due == recorded), "{rows:?}");
        if rows.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let got = outcomes(&store, &ids).await;
    second.stop().await;
    assert_eq!(got, vec![case.expected.clone()]);
    let slept_at = "SELECT (extract(epoch FROM created_at) * 1000000)::bigint FROM completions \
                    WHERE completion ? 'slept'";
    let slept: i64 = sqlx::query_scalar(slept_at)
        .fetch_one(store.pool())
        .await
        .expect("read the sleep's completion");
    assert!(
        slept >= recorded,
        "the sleep ended at its deadline, not before"
    );
}

// ------------------------------------------------------------ the binary

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_says_ready_runs_instances_and_stops_on_sigterm() {
    use std::io::BufRead;
    let Some(python) = python() else {
        eprintln!("SKIPPED: no Python with rappel: set RAPPEL_PYTHON, or run `make venv`");
        return;
    };
    let case = golden("01_sequential_actions");
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let mut child = binary()
        .env("RAPPEL_DATABASE_URL", schema_url(&schema))
        .env("RAPPEL_USER_MODULE", "case")
        .env("RAPPEL_WORKER_COUNT", "2")
        .env("RAPPEL_POLL_INTERVAL_MS", "50")
        .env("RAPPEL_PYTHON", &python)
        .env("PYTHONPATH", &case.dir)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start-workers runs");
    let stdout = child.stdout.take().expect("its stdout");
    let mut lines = std::io::BufReader::new(stdout).lines();
    let ready = lines.next().expect("a ready line").expect("UTF-8");
    let (prefix, rest) = ready.split_at("start-workers ready worker_addr=127.0.0.1:".len());
    assert_eq!(prefix, "start-workers ready worker_addr=127.0.0.1:");
    let (port, workers) = rest.split_once(' ').expect("two fields");
    assert!(port.parse::<u16>().is_ok_and(|p| p > 0), "{ready}");
    assert_eq!(workers, "workers=2");

    let ids = start_instances(&store, &case, 2).await;
    for outcome in outcomes(&store, &ids).await {
        assert_eq!(outcome, case.expected);
    }
    signal(&child, "TERM");
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .expect("join")
        .expect("wait");
    assert!(status.success(), "{status}");
    assert!(lines.next().is_none(), "one line on stdout");
}

#[test]
fn the_binary_says_what_is_missing() {
    let output = binary()
        .env("RAPPEL_DATABASE_URL", support::database_url())
        .output()
        .expect("start-workers runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("RAPPEL_USER_MODULE is not set"), "{stderr}");
}

#[test]
fn an_unreachable_database_is_retried_without_showing_the_password() {
    use std::io::BufRead;
    let mut child = binary()
        .env(
            "RAPPEL_DATABASE_URL",
            "postgresql://rappel:sekrit@127.0.0.1:1/nowhere",
        )
        .env("RAPPEL_USER_MODULE", "case")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start-workers runs");
    let stderr = child.stderr.take().expect("its stderr");
    // "waiting for Postgres at ..." (when connecting is slow), then the retry.
    let mut shown = String::new();
    for line in std::io::BufReader::new(stderr).lines() {
        let line = line.expect("UTF-8");
        shown.push_str(&line);
        shown.push('\n');
        if line.contains("retrying in") {
            break;
        }
    }
    signal(&child, "INT");
    let status = child.wait().expect("wait");
    assert!(shown.contains("127.0.0.1:1/nowhere"), "{shown}");
    assert!(shown.contains("retrying in"), "{shown}");
    assert!(!shown.contains("sekrit"), "{shown}");
    assert!(status.success(), "{status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_that_cannot_start_is_reported_and_not_restarted_in_a_tight_loop() {
    let Some(python) = python() else {
        eprintln!("SKIPPED: no Python with rappel: set RAPPEL_PYTHON, or run `make venv`");
        return;
    };
    let schema = TestSchema::new().await;
    let url = schema_url(&schema);
    tokio::task::spawn_blocking(move || cannot_start(&url, &python))
        .await
        .expect("join");
}

fn cannot_start(url: &str, python: &Path) {
    use std::io::BufRead;
    let mut child = binary()
        .env("RAPPEL_DATABASE_URL", url)
        .env("RAPPEL_USER_MODULE", "no_such_module_here")
        .env("RAPPEL_WORKER_COUNT", "1")
        .env("RAPPEL_PYTHON", python)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start-workers runs");
    let stderr = child.stderr.take().expect("its stderr");
    let (sender, received) = std::sync::mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let is_report = |line: &str| line.contains("could not start (exit status 2");
    // The first report comes once Python has failed to import the module, which a
    // loaded machine can make slow; the window that counts restarts opens there.
    let mut lines = Vec::new();
    let first_report_by = std::time::Instant::now() + Duration::from_secs(120);
    while !lines.iter().any(|line: &String| is_report(line)) {
        let left = first_report_by.saturating_duration_since(std::time::Instant::now());
        match received.recv_timeout(left) {
            Ok(line) => lines.push(line),
            Err(_) => break,
        }
    }
    // A tight loop would restart many times in this window; the backoff (2 s, then
    // doubling) allows two more at most.
    let window_ends = std::time::Instant::now() + Duration::from_secs(4);
    while let Ok(line) =
        received.recv_timeout(window_ends.saturating_duration_since(std::time::Instant::now()))
    {
        lines.push(line);
    }
    let reports = lines.iter().filter(|line| is_report(line)).count();
    signal(&child, "TERM");
    let status = child.wait().expect("wait");
    reader.join().expect("the reader");
    lines.extend(received.try_iter());
    let text = lines.join("\n");
    assert!(status.success(), "{status}\n{text}");
    assert!(
        text.contains("cannot import RAPPEL_USER_MODULE='no_such_module_here'"),
        "{text}"
    );
    assert!((1..=3).contains(&reports), "{reports} reports:\n{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_kill_9_of_the_process_group_every_instance_completes_once() {
    let Some(python) = python() else {
        eprintln!("SKIPPED: no Python with rappel: set RAPPEL_PYTHON, or run `make venv`");
        return;
    };
    let case = own_case("fault_drill");
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let runs = state_dir(&schema).join("runs.log");
    // "<step> <n>" of each run (its line goes on with who ran it).
    let lines = || {
        std::fs::read_to_string(&runs)
            .unwrap_or_default()
            .lines()
            .map(|line| line.split(' ').take(2).collect::<Vec<_>>().join(" "))
            .collect::<Vec<String>>()
    };

    let first = spawn_binary(&schema, &case, &python);
    let version = store
        .register_version(&case.workflow, &case.rrl)
        .await
        .expect("register");
    let batch: Vec<NewInstance> = (0..40)
        .map(|n| NewInstance {
            version_id: version.id,
            arguments: format!(r#"{{"dict": [["n", {n}]]}}"#),
        })
        .collect();
    let ids = store.start_instances(&batch).await.expect("start");
    // Mid-run: some steps done, most not.
    while lines().len() < 20 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let group = process_group_of(first.id());
    assert_eq!(
        group,
        first.id(),
        "start-workers leads a process group of its own"
    );
    assert!(group > 1 && group != process_group_of(std::process::id()));
    // `-s KILL -- -GROUP`: procps-ng 4.0.2 reads `kill -KILL -GROUP` as
    // `kill -KILL -<first digit>`, which for a group id starting with 1 is
    // every process there is.
    let killed = std::process::Command::new("kill")
        .args(["-s", "KILL", "--", &format!("-{group}")])
        .status()
        .expect("run kill");
    assert!(killed.success());
    let mut first = first;
    first.wait().expect("reap the killed start-workers");
    let before = store.get_status(&ids).await.expect("status");
    let unfinished = before.iter().filter(|s| !s.state.is_finished()).count();
    assert!(unfinished > 0, "the kill came mid-run");

    let mut second = spawn_binary(&schema, &case, &python);
    let statuses = store
        .wait_for_outcomes(&ids, OUTCOME_WAIT)
        .await
        .expect("every instance finishes");
    signal(&second, "TERM");
    assert!(second.wait().expect("wait").success());

    for (n, status) in statuses.iter().enumerate() {
        assert_eq!(status.state, InstanceState::Completed, "{status:?}");
        let expected = (n as i64 + 1) * 2 + 3;
        assert_eq!(
            status.outcome.as_deref(),
            Some(expected.to_string().as_str())
        );
    }
    // Every step ran; only those in flight at the kill (running, or their
    // results not yet in the log) ran twice: at most two per slot.
    let lines = lines();
    let mut counts = std::collections::HashMap::new();
    for line in &lines {
        *counts.entry(line.as_str()).or_insert(0) += 1;
    }
    assert_eq!(counts.len(), 120, "every step of every instance ran");
    assert!(counts.values().all(|&c| c <= 2), "{counts:?}");
    let twice = lines.len() - 120;
    assert!(twice <= 2 * 8, "{twice} steps ran twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_sleep_gives_its_lease_up_until_it_is_due() {
    let Some(python) = python() else {
        eprintln!("SKIPPED: no Python with rappel: set RAPPEL_PYTHON, or run `make venv`");
        return;
    };
    let case = own_case("long_sleep");
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let runtime = start_runtime(&schema, &case, &python, &TWO_WORKERS).await;
    let ids = start_instances(&store, &case, 1).await;
    // The 3 s sleep is past `park_after` (1 s): the instance sleeps in the
    // store, leased by no one, and is leased again when due.
    let parked = loop {
        let status = store.get_status(&ids).await.expect("status");
        match status[0].state {
            InstanceState::Sleeping => break true,
            state if state.is_finished() => break false,
            _ => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    };
    let got = outcomes(&store, &ids).await;
    runtime.stop().await;
    assert!(parked, "the instance slept without a lease");
    assert_eq!(got, vec![case.expected.clone()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finished_instances_are_collected_when_gc_is_on() {
    let Some(python) = python() else {
        eprintln!(
            "SKIPPED: no Python with rappel: set RAPPEL_PYTHON, or run `make venv` in the checkout"
        );
        return;
    };
    let case = golden("01_sequential_actions");
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let mut runtime = start_runtime(&schema, &case, &python, &TWO_WORKERS).await;
    // No retention: each instance goes once it finished; batches of 2 make
    // a round of several statements.
    runtime.collect_garbage(GcOptions {
        interval: Duration::from_millis(50),
        retention: Duration::ZERO,
        batch_size: 2,
    });
    let ids = start_instances(&store, &case, 5).await;
    // Those still there when looked at finished; the others went already.
    for status in store
        .wait_for_outcomes(&ids, OUTCOME_WAIT)
        .await
        .expect("every instance finishes")
    {
        assert_eq!(status.state, InstanceState::Completed, "{}", status.id);
    }
    let deadline = tokio::time::Instant::now() + OUTCOME_WAIT;
    loop {
        let left: i64 = sqlx::query_scalar("SELECT count(*) FROM instances")
            .fetch_one(store.pool())
            .await
            .expect("count instances");
        if left == 0 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "finished instances are still there"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    runtime.stop().await;
    for table in ["completions", "snapshots", "timers"] {
        let left = count(&schema, &format!("SELECT count(*) FROM {table}")).await;
        assert_eq!(left, 0, "rows left in {table}");
    }
    let versions = count(&schema, "SELECT count(*) FROM workflow_versions").await;
    assert_eq!(versions, 1, "the workflow version stays");
}

// ------------------------------------------------------------ cancellation

/// The lines of the gated case's runs.log.
fn gated_runs(schema: &TestSchema) -> Vec<String> {
    std::fs::read_to_string(state_dir(schema).join("runs.log"))
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

/// How many completions the instance's log holds.
async fn logged_completions(store: &Store, id: &InstanceId) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM completions WHERE instance_id = $1::uuid")
        .bind(id.as_str())
        .fetch_one(store.pool())
        .await
        .expect("count completions")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_instance_discards_its_in_flight_result_and_runs_nothing_more() {
    let Some(python) = python() else {
        eprintln!("SKIPPED: no Python with rappel: set RAPPEL_PYTHON, or run `make venv`");
        return;
    };
    let case = own_case("gated");
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let runtime = start_runtime(&schema, &case, &python, &TWO_WORKERS).await;
    let version = store
        .register_version(&case.workflow, &case.rrl)
        .await
        .expect("register");
    let batch: Vec<NewInstance> = ["a", "b"]
        .iter()
        .map(|key| NewInstance {
            version_id: version.id,
            arguments: format!(r#"{{"dict": [["key", "{key}"]]}}"#),
        })
        .collect();
    let ids = store.start_instances(&batch).await.expect("start");
    // Both first steps are running on a worker, held at the gate.
    let deadline = tokio::time::Instant::now() + OUTCOME_WAIT;
    loop {
        let runs = gated_runs(&schema);
        if runs.contains(&"start gate a".to_string()) && runs.contains(&"start gate b".to_string())
        {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{runs:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let cancelled = store.cancel_instances(&ids[..1]).await.expect("cancel");
    assert_eq!(cancelled, ids[..1]);
    std::fs::write(state_dir(&schema).join("gate"), "").expect("open the gate");

    let statuses = store
        .wait_for_outcomes(&ids, OUTCOME_WAIT)
        .await
        .expect("both end");
    // Stopping drains the workers and writes what they answered: every
    // result there will be has reached the dispatcher.
    runtime.stop().await;
    assert_eq!(statuses[0].state, InstanceState::Cancelled);
    assert_eq!(statuses[0].outcome, None);
    assert_eq!(
        statuses[1].state,
        InstanceState::Completed,
        "the other runs on"
    );
    assert_eq!(
        statuses[1].outcome.as_deref(),
        Some(r#""b passed, then on""#)
    );

    let runs = gated_runs(&schema);
    assert!(
        runs.contains(&"end gate a".to_string()),
        "the in-flight action finished: {runs:?}"
    );
    assert!(
        !runs.contains(&"start after a".to_string()),
        "nothing more of the cancelled instance ran: {runs:?}"
    );
    let logged = logged_completions(&store, &ids[0]).await;
    assert_eq!(logged, 0, "the in-flight result was not applied");
    let status = store.get_status(&ids).await.expect("status");
    assert_eq!(status, statuses, "nothing changed after the stop");

    // Cancelling a finished instance leaves it as it is.
    assert!(
        store
            .cancel_instances(&ids[1..])
            .await
            .expect("cancel a finished one")
            .is_empty()
    );
    assert_eq!(store.get_status(&ids).await.expect("status"), statuses);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_sleep_never_wakes() {
    let Some(python) = python() else {
        eprintln!("SKIPPED: no Python with rappel: set RAPPEL_PYTHON, or run `make venv`");
        return;
    };
    let case = own_case("long_sleep");
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let runtime = start_runtime(&schema, &case, &python, &TWO_WORKERS).await;
    let sleeper = start_instances(&store, &case, 1).await;
    // Parked: its 3 s sleep is past `park_after` (1 s).
    let deadline = tokio::time::Instant::now() + OUTCOME_WAIT;
    while store.get_status(&sleeper).await.expect("status")[0].state != InstanceState::Sleeping {
        assert!(tokio::time::Instant::now() < deadline, "never slept");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        store.cancel_instances(&sleeper).await.expect("cancel"),
        sleeper
    );
    let timers = count(&schema, "SELECT count(*) FROM timers").await;
    assert_eq!(timers, 0, "its timer is gone");
    // An instance started after the cancel sleeps as long: once it is done,
    // the cancelled sleep is past its deadline too.
    let later = start_instances(&store, &case, 1).await;
    let got = outcomes(&store, &later).await;
    runtime.stop().await;
    assert_eq!(got, vec![case.expected.clone()]);

    let status = store.get_status(&sleeper).await.expect("status");
    assert_eq!(status[0].state, InstanceState::Cancelled);
    assert_eq!(status[0].outcome, None);
    let logged = logged_completions(&store, &sleeper[0]).await;
    assert_eq!(logged, 1, "its first step only: the sleep never ended");
}
