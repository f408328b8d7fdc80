//! The benchmark tools as a user runs them: clear argument errors, exact
//! percentiles from a fixed log, and tiny runs on a real Postgres (in a
//! database of their own, dropped after) with real Python workers.

#[path = "../../store/tests/support/mod.rs"]
#[allow(dead_code)]
mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value as Json;

const BENCH: &str = env!("CARGO_BIN_EXE_bench");
const BENCH_INSTANCES: &str = env!("CARGO_BIN_EXE_bench_instances");
const PARSE: &str = env!("CARGO_BIN_EXE_parse_bench_logs");

/// The Python with rappel installed: $RAPPEL_PYTHON, else the checkout's venv.
fn python() -> Option<PathBuf> {
    if let Some(python) = std::env::var_os("RAPPEL_PYTHON").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(python));
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python");
    venv.is_file().then_some(venv)
}

fn run(command: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("the tool runs");
    (
        status.code().unwrap_or(-1),
        String::from_utf8(stdout).expect("UTF-8"),
        String::from_utf8(stderr).expect("UTF-8"),
    )
}

fn parse_logs(log: &str, args: &[&str]) -> (i32, String, String) {
    let mut child = Command::new(PARSE)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("parse_bench_logs runs");
    child
        .stdin
        .take()
        .expect("its stdin")
        .write_all(log.as_bytes())
        .expect("write the log");
    let output = child.wait_with_output().expect("it ends");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).expect("UTF-8"),
        String::from_utf8(output.stderr).expect("UTF-8"),
    )
}

#[test]
fn argument_errors_are_clear() {
    let (code, _, stderr) = run(Command::new(BENCH).args(["--messages", "none"]));
    assert_eq!(code, 2);
    assert_eq!(
        stderr.trim(),
        "bench: --messages takes a whole number of at least 1, not \"none\"; see `bench --help`"
    );
    let (code, _, stderr) = run(Command::new(BENCH_INSTANCES).args(["--messages", "5"]));
    assert_eq!(code, 2);
    assert_eq!(
        stderr.trim(),
        "bench_instances: unknown option --messages; see `bench_instances --help`"
    );
    let (code, _, stderr) = run(Command::new(BENCH).env_remove("RAPPEL_DATABASE_URL"));
    assert_eq!(code, 1);
    assert!(
        stderr.contains("RAPPEL_DATABASE_URL is not set") && stderr.contains("rappel.devdb url"),
        "{stderr}"
    );
    let (code, stdout, _) = run(Command::new(BENCH).arg("--help"));
    assert_eq!(code, 0);
    assert!(stdout.contains("one-action workflow instance"), "{stdout}");
    let (code, _, stderr) = run(Command::new(PARSE).arg("no/such/log"));
    assert_eq!(code, 1);
    assert!(stderr.contains("cannot read no/such/log"), "{stderr}");
}

#[test]
fn parse_bench_logs_gives_exact_percentiles() {
    let mut log = String::from("cargo noise\n");
    for latency in (1..=200).rev() {
        log.push_str(&format!(
            "{{\"tool\":\"bench\",\"kind\":\"sample\",\"latency_ms\":{latency}.5}}\n"
        ));
    }
    log.push_str(
        "{\"tool\":\"bench\",\"kind\":\"summary\",\"workflow\":\"NoopWorkflow\",\"instances\":200,\
         \"actions\":200,\"seconds\":0.25,\"instances_per_s\":800.0,\"actions_per_s\":800.0,\
         \"concurrency\":16,\"workers\":2,\"dispatchers\":1}\n",
    );
    let (code, stdout, stderr) = parse_logs(&log, &["--json"]);
    assert_eq!(code, 0, "{stderr}");
    let runs: Json = serde_json::from_str(&stdout).expect("JSON");
    let run = &runs[0];
    assert_eq!(run["samples"], 200);
    assert_eq!(run["p50_ms"], 100.5);
    assert_eq!(run["p95_ms"], 190.5);
    assert_eq!(run["p99_ms"], 198.5);
    assert_eq!(run["max_ms"], 200.5);
    assert_eq!(run["actions_per_s"], 800.0);

    let (code, stdout, _) = parse_logs(&log, &[]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains(
            "| bench | 1 × 2 | 16 | 200 | 200 | 0.25 | 800 | 800 | 100.5 | 190.5 | 198.5 | 200.5 |"
        ),
        "{stdout}"
    );
    let (code, _, stderr) = parse_logs("nothing here\n", &[]);
    assert_eq!(code, 1);
    assert!(stderr.contains("no benchmark summary"), "{stderr}");
}

/// The scratch databases a run of process `pid` left behind.
async fn leftovers(pid: u32) -> Vec<String> {
    use sqlx::Connection;
    let mut admin = sqlx::postgres::PgConnection::connect(&support::database_url())
        .await
        .expect("connect");
    sqlx::query_scalar("SELECT datname::text FROM pg_database WHERE datname LIKE $1")
        .bind(format!("rappel_bench_{pid}_%"))
        .fetch_all(&mut admin)
        .await
        .expect("list databases")
}

/// Runs `tool` to the end and checks its log: a sample per instance, one
/// summary with the counts given. Returns the log's lines and its table (none
/// when skipped).
async fn tiny_run(
    tool: &str,
    args: &[&str],
    expected: [(&str, u64); 3],
) -> Option<(Vec<Json>, String)> {
    let Some(python) = python() else {
        eprintln!("SKIPPED: no Python with rappel: set RAPPEL_PYTHON, or run `make venv`");
        return None;
    };
    let child = Command::new(tool)
        .args(args)
        .env("RAPPEL_DATABASE_URL", support::database_url())
        .env("RAPPEL_PYTHON", python)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the tool runs");
    let pid = child.id();
    let output = child.wait_with_output().expect("it ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(leftovers(pid).await, Vec::<String>::new());
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    let (code, table, stderr) = parse_logs(&stdout, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(table.contains("| p50 ms |"), "{table}");

    let lines: Vec<Json> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    let of_kind = |kind: &str| lines.iter().filter(|line| line["kind"] == kind).count();
    let instances = expected[0].1;
    assert_eq!(of_kind("sample") as u64, instances);
    assert_eq!(of_kind("summary"), 1);
    let summary = lines.last().expect("a summary last");
    for (name, value) in expected {
        assert_eq!(summary[name], Json::from(value), "{name} in {summary}");
    }
    assert!(
        summary["wal_bytes_per_action"].as_f64().unwrap_or(0.0) > 0.0,
        "{summary}"
    );
    Some((lines, table))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tiny_bench_completes_in_its_own_database() {
    let args = [
        "--messages",
        "50",
        "--concurrency",
        "8",
        "--batch-size",
        "4",
    ];
    let expected = [("instances", 50), ("actions", 50), ("dispatchers", 1)];
    tiny_run(BENCH, &args, expected).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tiny_sequential_run_logs_every_step_to_step_latency() {
    let args = [
        "--workflow",
        "sequential",
        "--steps",
        "6",
        "--instances",
        "2",
    ];
    let expected = [("instances", 2), ("actions", 12), ("steps", 6)];
    let Some((lines, table)) = tiny_run(BENCH_INSTANCES, &args, expected).await else {
        return;
    };
    // Five gaps between the six completions of each instance.
    let steps: Vec<&Json> = lines.iter().filter(|line| line["kind"] == "step").collect();
    assert_eq!(steps.len(), 10);
    assert!(
        steps
            .iter()
            .all(|step| step["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0))
    );
    assert!(
        table.contains("| bench_instances SequentialWorkflow | 2 | 10 |"),
        "{table}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tiny_fanout_instance_completes() {
    let args = ["--workflow", "fanout", "--fanout", "40", "--workers", "1"];
    let expected = [("instances", 1), ("actions", 40), ("width", 40)];
    let Some((lines, _)) = tiny_run(BENCH_INSTANCES, &args, expected).await else {
        return;
    };
    assert!(!lines.iter().any(|line| line["kind"] == "step"));
}

#[test]
fn an_unknown_workflow_is_named() {
    let (code, _, stderr) = run(Command::new(BENCH_INSTANCES).args(["--workflow", "loop"]));
    assert_eq!(code, 2);
    assert_eq!(
        stderr.trim(),
        "bench_instances: --workflow takes three-step, sequential or fanout, not \"loop\"; \
         see `bench_instances --help`"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_start_workers_share_tiny_three_step_instances() {
    let args = [
        "--instances",
        "30",
        "--concurrency",
        "10",
        "--workers",
        "1",
        "--start-workers",
        "2",
        "--payload-size",
        "1000",
    ];
    let expected = [("instances", 30), ("actions", 90), ("dispatchers", 2)];
    tiny_run(BENCH_INSTANCES, &args, expected).await;
}
