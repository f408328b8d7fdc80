//! The runtime benchmarks `bench` and `bench_instances` (docs/benchmarks.md,
//! "Runtime throughput"): their options, a scratch database of their own, the
//! run itself through `StartWorkers` with real Python workers, and the JSON
//! lines they log, which `parse_bench_logs` summarises.

pub mod args;
pub mod report;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use rappel_store::{Event, NewInstance, Store, StoreConfig};
use sqlx::postgres::PgConnection;
use sqlx::{Connection, Row};

use crate::dispatcher::Options;
use crate::start_workers::{StartError, StartWorkers};
use crate::supervisor::WorkerSpec;

/// The benchmark's actions and workflows, written where the workers import
/// them for the run, so an installed binary needs no checkout.
const ACTIONS_MODULE: &str = "rappel_bench_actions";
const ACTIONS_SOURCE: &str = include_str!("rappel_bench_actions.py");
pub const NOOP_WORKFLOW: (&str, &str) = ("NoopWorkflow", include_str!("NoopWorkflow.rrl"));
pub const THREE_STEP_WORKFLOW: (&str, &str) =
    ("ThreeStepWorkflow", include_str!("ThreeStepWorkflow.rrl"));
/// `steps` no-op actions awaited in turn: the step-to-step latency.
pub const SEQUENTIAL_WORKFLOW: (&str, &str) =
    ("SequentialWorkflow", include_str!("SequentialWorkflow.rrl"));
/// `width` no-op actions gathered at once: the fan-out's wall time.
pub const FANOUT_WORKFLOW: (&str, &str) = ("FanoutWorkflow", include_str!("FanoutWorkflow.rrl"));

#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error(
        "RAPPEL_DATABASE_URL is not set: the benchmark creates (and then drops) a database of \
         its own on that server. Set it to a PostgreSQL URL, e.g. \
         `export RAPPEL_DATABASE_URL=$(python -m rappel.devdb url)`"
    )]
    NoDatabaseUrl,
    #[error("RAPPEL_DATABASE_URL {0:?} is not a postgresql:// URL")]
    BadDatabaseUrl(String),
    #[error("cannot {doing} on the server of RAPPEL_DATABASE_URL: {source}")]
    Database { doing: String, source: sqlx::Error },
    #[error(transparent)]
    Store(#[from] rappel_store::StoreError),
    #[error(transparent)]
    Start(#[from] StartError),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error("cannot write the benchmark's action module to {path}: {source}")]
    Scratch {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{failed} of {total} instances failed; the first: {outcome}")]
    Failed {
        failed: usize,
        total: usize,
        outcome: String,
    },
    #[error(
        "no instance finished for {0:?}: are the Python workers starting? (RAPPEL_PYTHON \
         names the Python with rappel installed)"
    )]
    Stalled(Duration),
    #[error(
        "--backlog {backlog} is too small: the run needs {needed} queued instances (the ones it \
         measures, plus a warm-up of one batch per worker); raise --backlog or lower the count"
    )]
    BacklogTooSmall { backlog: usize, needed: usize },
}

fn database(doing: impl Into<String>) -> impl FnOnce(sqlx::Error) -> BenchError {
    let doing = doing.into();
    move |source| BenchError::Database { doing, source }
}

/// RAPPEL_DATABASE_URL, required.
pub fn database_url() -> Result<String, BenchError> {
    std::env::var("RAPPEL_DATABASE_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
        .ok_or(BenchError::NoDatabaseUrl)
}

/// `url` naming database `name` instead of its own; the query (a socket
/// directory, say) is kept.
pub fn with_database(url: &str, name: &str) -> Result<String, BenchError> {
    let bad = || BenchError::BadDatabaseUrl(url.to_string());
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let rest = base
        .strip_prefix("postgresql://")
        .or_else(|| base.strip_prefix("postgres://"))
        .ok_or_else(bad)?;
    let scheme = &base[..base.len() - rest.len()];
    let authority = rest
        .split_once('/')
        .map_or(rest, |(authority, _)| authority);
    let mut out = format!("{scheme}{authority}/{name}");
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    Ok(out)
}

/// A database created for one run on RAPPEL_DATABASE_URL's server, dropped
/// by `drop` unless kept.
pub struct ScratchDatabase {
    admin_url: String,
    pub name: String,
    pub url: String,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl ScratchDatabase {
    pub async fn create(admin_url: &str) -> Result<ScratchDatabase, BenchError> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "rappel_bench_{}_{}_{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let url = with_database(admin_url, &name)?;
        let mut admin = PgConnection::connect(admin_url)
            .await
            .map_err(database("connect"))?;
        sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut admin)
            .await
            .map_err(database(format!("create the database {name}")))?;
        Ok(ScratchDatabase {
            admin_url: admin_url.to_string(),
            name,
            url,
        })
    }

    pub async fn drop(self) -> Result<(), BenchError> {
        let mut admin = PgConnection::connect(&self.admin_url)
            .await
            .map_err(database("connect"))?;
        sqlx::query(&format!("DROP DATABASE \"{}\" WITH (FORCE)", self.name))
            .execute(&mut admin)
            .await
            .map_err(database(format!("drop the database {}", self.name)))?;
        Ok(())
    }
}

/// One benchmark run.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The tool's name, on every log line.
    pub tool: &'static str,
    /// (workflow name, its .rrl text)
    pub workflow: (&'static str, &'static str),
    /// The workflow's size argument, if it takes one: `steps` of a
    /// sequential workflow, `width` of a fan-out.
    pub size: Option<(&'static str, usize)>,
    pub actions_per_instance: usize,
    /// Actions one instance runs at once (its fan-out), for the workers'
    /// slots.
    pub parallel_actions: usize,
    /// Log the time between an instance's consecutive completions.
    pub step_latencies: bool,
    pub instances: usize,
    /// Instances started per call, and leased per query.
    pub batch_size: usize,
    /// Instances in flight at once: a closed loop starts one for each that
    /// finishes.
    pub concurrency: usize,
    pub payload_bytes: usize,
    pub workers: usize,
    /// start-workers processes (each with `workers` workers) sharing the
    /// database.
    pub dispatchers: usize,
    pub log_interval: Duration,
    pub python: PathBuf,
    /// When not 0: this many instances are queued before the runtime
    /// starts, and the run measures how fast the first `instances` of them
    /// (after a warm-up) drain from a queue that deep, instead of a closed
    /// loop.
    pub backlog: usize,
}

/// Writes one JSON line to stdout.
pub fn log(line: &serde_json::Value) {
    println!("{line}");
}

/// Runs `plan` against the database at `url` (empty, migrated here).
pub async fn run(plan: &Plan, url: &str) -> Result<(), BenchError> {
    let scratch = std::env::temp_dir().join(format!(
        "rappel-bench-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let module = scratch.join(format!("{ACTIONS_MODULE}.py"));
    std::fs::create_dir_all(&scratch)
        .and_then(|()| std::fs::write(&module, ACTIONS_SOURCE))
        .map_err(|source| BenchError::Scratch {
            path: module.clone(),
            source,
        })?;
    let outcome = run_in(plan, url, &scratch).await;
    let _ = std::fs::remove_dir_all(&scratch);
    outcome
}

async fn connect(url: &str, max_connections: u32) -> Result<Store, BenchError> {
    Ok(Store::connect_with(StoreConfig {
        max_connections,
        ..StoreConfig::new(url)
    })
    .await?)
}

async fn run_in(plan: &Plan, url: &str, module_dir: &Path) -> Result<(), BenchError> {
    let store = connect(url, 4).await?;
    if plan.backlog > 0 {
        seed_backlog(plan, &store).await?;
    }
    let slots = (plan.concurrency.min(plan.instances) * plan.parallel_actions)
        .div_ceil(plan.workers * plan.dispatchers)
        .max(1);
    let batch = plan.batch_size;
    let defaults = crate::config::Config::from_lookup(|_| None)?;
    let mut running = Vec::new();
    for n in 0..plan.dispatchers {
        // start-workers' own settings, but for the batch and what is held.
        let options = Options {
            owner: format!("{}-{}-{n}", plan.tool, std::process::id()),
            batch_size: batch,
            max_held: (plan.workers * slots * 2).max(100),
            ..Options::from_config(&defaults)
        };
        let spec = WorkerSpec {
            python: plan.python.clone(),
            worker_addr: ([127, 0, 0, 1], 0).into(),
            user_module: ACTIONS_MODULE.to_string(),
            concurrent_per_worker: slots,
            count: plan.workers,
            env: vec![("PYTHONPATH".to_string(), python_path(module_dir))],
        };
        running.push(StartWorkers::start(connect(url, 8).await?, options, None, spec).await?);
    }
    let outcome = if plan.backlog > 0 {
        measure_backlog(plan, &store).await
    } else {
        measure(plan, &store).await
    };
    for each in running {
        each.stop().await;
    }
    store.close().await;
    outcome
}

fn python_path(module_dir: &Path) -> String {
    match std::env::var_os("PYTHONPATH").filter(|p| !p.is_empty()) {
        Some(existing) => format!("{}:{}", module_dir.display(), existing.to_string_lossy()),
        None => module_dir.display().to_string(),
    }
}

fn arguments(payload_bytes: usize, size: Option<(&str, usize)>) -> String {
    let payload = "x".repeat(payload_bytes);
    let mut names = serde_json::Map::new();
    names.insert("payload".to_string(), serde_json::Value::String(payload));
    if let Some((name, value)) = size {
        names.insert(name.to_string(), serde_json::Value::from(value));
    }
    crate::program::stored_arguments(&names)
}

/// No progress for this long means the run is stuck, not slow.
const STALL: Duration = Duration::from_secs(120);

async fn measure(plan: &Plan, store: &Store) -> Result<(), BenchError> {
    let (name, rrl) = plan.workflow;
    let version = store.register_version(name, rrl).await?;
    let new = NewInstance {
        version_id: version.id,
        arguments: arguments(plan.payload_bytes, plan.size),
    };

    // Warm-up: the workers attach and import, so the measured run starts hot
    // (small instances: a few steps, a narrow fan-out).
    let small = NewInstance {
        version_id: version.id,
        arguments: arguments(
            plan.payload_bytes,
            plan.size.map(|(name, n)| (name, n.min(4))),
        ),
    };
    let warm: Vec<NewInstance> = vec![small; plan.workers * plan.dispatchers];
    let ids = store.start_instances(&warm).await?;
    store.wait_for_outcomes(&ids, STALL).await?;
    let (measured_from, wal_from): (f64, String) =
        sqlx::query_as("SELECT extract(epoch FROM now())::float8, pg_current_wal_lsn()::text")
            .fetch_one(store.pool())
            .await
            .map_err(database("read the clock and the WAL position"))?;

    let mut listener = store.listen().await?;
    let started = Instant::now();
    let mut started_count = 0usize;
    let mut polled = 0usize;
    let mut finished = std::collections::HashSet::new();
    let mut duplicates = 0usize;
    let mut done = 0usize;
    let mut last_progress = started;
    let mut logged_done = 0usize;
    let mut next_log = started + plan.log_interval;
    while done < plan.instances {
        let in_flight = started_count - done;
        let room = plan.concurrency.saturating_sub(in_flight);
        let left = plan.instances - started_count;
        // Start in whole batches (or what is left, or what may be in flight).
        if room > 0 && left > 0 && room >= plan.batch_size.min(left).min(plan.concurrency) {
            let count = room.min(left).min(plan.batch_size.max(1));
            store.start_instances(&vec![new.clone(); count]).await?;
            started_count += count;
            continue;
        }
        let deadline = tokio::time::Instant::from_std(next_log);
        match listener.next_before(deadline).await? {
            Event::Finished(id) => {
                if !finished.insert(id) {
                    duplicates += 1;
                }
            }
            // A notification may be lost: count, and take the larger (a
            // later notification may be one this count already saw).
            Event::Poll => polled = finished_count(store).await?.saturating_sub(warm.len()),
            Event::Work => {}
        }
        let mut seen = finished.len().max(polled);
        if seen >= plan.instances {
            // The count in the database has the last word.
            polled = finished_count(store).await?.saturating_sub(warm.len());
            seen = polled;
        }
        if seen > done {
            done = seen.min(started_count);
            last_progress = Instant::now();
        } else if last_progress.elapsed() > STALL {
            return Err(BenchError::Stalled(STALL));
        }
        if Instant::now() >= next_log {
            let elapsed = started.elapsed().as_secs_f64();
            log(&serde_json::json!({
                "tool": plan.tool,
                "kind": "progress",
                "elapsed_s": round(elapsed),
                "done": done,
                "per_s": round(done as f64 / elapsed),
                "interval_per_s": round((done - logged_done) as f64 / plan.log_interval.as_secs_f64()),
            }));
            logged_done = done;
            next_log += plan.log_interval;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    // The whole server's WAL since the start: exact when the run is alone on
    // its server.
    let wal_bytes: f64 =
        sqlx::query_scalar("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::float8")
            .bind(&wal_from)
            .fetch_one(store.pool())
            .await
            .map_err(database("read the WAL position"))?;

    let rows = sqlx::query(
        "SELECT state::text AS state, outcome::text AS outcome, \
                (extract(epoch FROM updated_at - created_at) * 1000)::float8 AS latency_ms \
         FROM instances WHERE created_at >= to_timestamp($1) ORDER BY updated_at",
    )
    .bind(measured_from)
    .fetch_all(store.pool())
    .await
    .map_err(database("read the instances' timings"))?;
    let mut failed = Vec::new();
    for row in &rows {
        let state: String = row.try_get("state").map_err(database("read a row"))?;
        if state != "completed" {
            failed.push(row.try_get::<Option<String>, _>("outcome").ok().flatten());
            continue;
        }
        let latency: f64 = row.try_get("latency_ms").map_err(database("read a row"))?;
        log(&serde_json::json!({
            "tool": plan.tool, "kind": "sample", "latency_ms": round(latency),
        }));
    }
    if let Some(first) = failed.first() {
        return Err(BenchError::Failed {
            failed: failed.len(),
            total: rows.len(),
            outcome: first
                .clone()
                .unwrap_or_else(|| "(still running)".to_string()),
        });
    }
    if plan.step_latencies {
        log_step_latencies(plan, store, measured_from).await?;
    }
    let actions = (plan.instances * plan.actions_per_instance) as f64;
    let mut summary = summary(plan, seconds);
    summary["duplicate_finish_notifications"] = duplicates.into();
    summary["wal_bytes"] = wal_bytes.into();
    summary["wal_bytes_per_action"] = round(wal_bytes / actions).into();
    if let Some((name, value)) = plan.size {
        summary[name] = serde_json::Value::from(value);
    }
    log(&summary);
    Ok(())
}

/// The `summary` line's fields every run has: what ran, how fast, with what.
fn summary(plan: &Plan, seconds: f64) -> serde_json::Value {
    let instances = plan.instances as f64;
    let actions = instances * plan.actions_per_instance as f64;
    serde_json::json!({
        "tool": plan.tool,
        "kind": "summary",
        "workflow": plan.workflow.0,
        "instances": plan.instances,
        "actions": plan.instances * plan.actions_per_instance,
        "seconds": round(seconds),
        "instances_per_s": round(instances / seconds),
        "actions_per_s": round(actions / seconds),
        "concurrency": plan.concurrency,
        "batch_size": plan.batch_size,
        "payload_bytes": plan.payload_bytes,
        "workers": plan.workers,
        "dispatchers": plan.dispatchers,
    })
}

/// One `step` line per completion after an instance's first: the time from
/// the previous completion's append to this one's (each append's statement
/// start, `now()`), that is one step's dispatch, run in a worker, answer and
/// durable append.
async fn log_step_latencies(
    plan: &Plan,
    store: &Store,
    measured_from: f64,
) -> Result<(), BenchError> {
    let gaps: Vec<f64> = sqlx::query_scalar(
        "SELECT gap_ms FROM ( \
             SELECT (extract(epoch FROM c.created_at - lag(c.created_at) \
                        OVER (PARTITION BY c.instance_id ORDER BY c.seq)) * 1000)::float8 AS gap_ms \
             FROM completions AS c JOIN instances AS i ON i.id = c.instance_id \
             WHERE i.created_at >= to_timestamp($1)) AS steps \
         WHERE gap_ms IS NOT NULL",
    )
    .bind(measured_from)
    .fetch_all(store.pool())
    .await
    .map_err(database("read the completions' timings"))?;
    for gap in gaps {
        log(&serde_json::json!({"tool": plan.tool, "kind": "step", "latency_ms": round(gap)}));
    }
    Ok(())
}

/// Instances per statement when seeding a backlog.
const SEED_BATCH: usize = 5000;

/// Queues `plan.backlog` instances, then has Postgres analyse the table, as
/// autovacuum would for a queue that stayed this deep.
async fn seed_backlog(plan: &Plan, store: &Store) -> Result<(), BenchError> {
    let (name, rrl) = plan.workflow;
    let version = store.register_version(name, rrl).await?;
    let new = NewInstance {
        version_id: version.id,
        arguments: arguments(plan.payload_bytes, plan.size),
    };
    let started = Instant::now();
    let mut seeded = 0;
    while seeded < plan.backlog {
        let count = SEED_BATCH.min(plan.backlog - seeded);
        store.start_instances(&vec![new.clone(); count]).await?;
        seeded += count;
    }
    sqlx::query("ANALYZE instances")
        .execute(store.pool())
        .await
        .map_err(database("analyse the seeded backlog"))?;
    log(&serde_json::json!({
        "tool": plan.tool,
        "kind": "backlog",
        "queued": seeded,
        "seconds": round(started.elapsed().as_secs_f64()),
    }));
    Ok(())
}

/// Backlog mode: the first `warm` instances to finish warm the runtime up;
/// then the clock runs while `plan.instances` more finish, the queue still
/// holding the rest. No latency samples: an instance's latency here is
/// mostly the time it queued behind the backlog.
async fn measure_backlog(plan: &Plan, store: &Store) -> Result<(), BenchError> {
    let warm = plan.workers * plan.dispatchers * plan.batch_size;
    if warm + plan.instances > plan.backlog {
        return Err(BenchError::BacklogTooSmall {
            backlog: plan.backlog,
            needed: warm + plan.instances,
        });
    }
    let mut listener = store.listen().await?;
    let mut finished = 0usize;
    let mut started: Option<Instant> = None;
    let mut last_progress = Instant::now();
    let mut logged_done = 0usize;
    let mut next_log = Instant::now() + plan.log_interval;
    loop {
        let before = finished;
        match listener
            .next_before(tokio::time::Instant::from_std(next_log))
            .await?
        {
            Event::Finished(_) => finished += 1,
            // A notification may be lost: the database's count has the last word.
            Event::Poll => finished = finished.max(finished_count(store).await?),
            Event::Work => {}
        }
        if finished > before {
            last_progress = Instant::now();
        } else if last_progress.elapsed() > STALL {
            return Err(BenchError::Stalled(STALL));
        }
        let Some(since) = started else {
            if finished >= warm {
                started = Some(Instant::now());
                next_log = Instant::now() + plan.log_interval;
            }
            continue;
        };
        let done = (finished - warm).min(plan.instances);
        if Instant::now() >= next_log {
            let elapsed = since.elapsed().as_secs_f64();
            log(&serde_json::json!({
                "tool": plan.tool,
                "kind": "progress",
                "elapsed_s": round(elapsed),
                "done": done,
                "queued": plan.backlog - finished,
                "per_s": round(done as f64 / elapsed),
                "interval_per_s": round((done - logged_done) as f64 / plan.log_interval.as_secs_f64()),
            }));
            logged_done = done;
            next_log += plan.log_interval;
        }
        if done >= plan.instances {
            break;
        }
    }
    let seconds = started.map_or(0.0, |since| since.elapsed().as_secs_f64());
    let failed: i64 = sqlx::query_scalar("SELECT count(*) FROM instances WHERE state = 'failed'")
        .fetch_one(store.pool())
        .await
        .map_err(database("count the failed instances"))?;
    if failed > 0 {
        return Err(BenchError::Failed {
            failed: usize::try_from(failed).unwrap_or(0),
            total: finished,
            outcome: "(see the instances' outcomes with --keep)".to_string(),
        });
    }
    let mut summary = summary(plan, seconds);
    summary["backlog"] = plan.backlog.into();
    log(&summary);
    Ok(())
}

async fn finished_count(store: &Store) -> Result<usize, BenchError> {
    let count: i64 =
        sqlx::query_scalar("SELECT count(*) FROM instances WHERE state IN ('completed', 'failed')")
            .fetch_one(store.pool())
            .await
            .map_err(database("count the finished instances"))?;
    Ok(usize::try_from(count).unwrap_or(0))
}

fn round(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// `bench` and `bench_instances`: the one command line both share, but for
/// their names and defaults.
pub fn main(tool: &'static str, argv: impl IntoIterator<Item = String>) -> std::process::ExitCode {
    use args::Flag;
    use std::process::ExitCode;

    let instances_tool = tool == "bench_instances";
    let (about, count_flag, payload_flag) = if instances_tool {
        (
            "Runs N workflow instances end to end through start-workers with W real Python \
             workers (`python -m rappel.worker`, from RAPPEL_PYTHON), keeping C instances in \
             flight. --workflow picks them: three-step (three no-op actions awaited in turn), \
             sequential (--steps actions in turn: also logs the step-to-step latency) or fanout \
             (--fanout actions gathered at once: an instance's latency is the fan-out's wall \
             time). Works in a database of its own, created on RAPPEL_DATABASE_URL's server and \
             dropped after. Prints JSON lines: progress every interval, one latency sample per \
             instance (start to durable finish), a summary; `parse_bench_logs` tabulates them.",
            "--instances",
            "--payload-size",
        )
    } else {
        (
            "Runs N no-op actions through start-workers with W real Python workers \
             (`python -m rappel.worker`, from RAPPEL_PYTHON), keeping C in flight, and measures \
             dequeue -> execute in a worker -> durable ack. Rappel leases whole instances, not \
             action rows, so each message is a one-action workflow instance: its latency is \
             start to durable finish. Works in a database of its own, created on \
             RAPPEL_DATABASE_URL's server and dropped after. Prints JSON lines: progress every \
             interval, one latency sample per message, a summary; `parse_bench_logs` tabulates \
             them.",
            "--messages",
            "--payload",
        )
    };
    let mut flags = vec![
        Flag {
            name: count_flag,
            // bench_instances: by --workflow (5000 three-step, 1 otherwise).
            default: Some(if instances_tool { "" } else { "10000" }),
            help: if instances_tool {
                "workflow instances to run [default: 5000 three-step, 1 sequential or fanout]"
            } else {
                "no-op actions (one-action instances) to run"
            },
        },
        Flag {
            name: "--batch-size",
            default: Some("64"),
            help: "instances started per call, and leased (and written) per query",
        },
        Flag {
            name: payload_flag,
            default: Some("64"),
            help: "bytes of the string argument each action gets",
        },
        Flag {
            name: "--concurrency",
            default: Some("512"),
            help: "instances in flight at once (slots are shared out over the workers)",
        },
        Flag {
            name: "--workers",
            default: Some("2"),
            help: "Python worker processes per start-workers",
        },
        Flag {
            name: "--start-workers",
            default: Some("1"),
            help: "start-workers dispatchers sharing the database, each with its workers",
        },
        Flag {
            name: "--log-interval",
            default: Some("1"),
            help: "seconds between progress lines",
        },
        Flag {
            name: "--backlog",
            default: Some("0"),
            help: "queue this many instances before the runtime starts, then measure how fast \
                   the first N of them drain (after a warm-up of one batch per worker) instead \
                   of a closed loop",
        },
        Flag {
            name: "--keep",
            default: None,
            help: "keep the benchmark's database (its URL is printed on stderr)",
        },
    ];
    if instances_tool {
        flags.extend([
            Flag {
                name: "--workflow",
                default: Some("three-step"),
                help: "three-step, sequential or fanout",
            },
            Flag {
                name: "--steps",
                default: Some("300"),
                help: "actions in turn per sequential instance",
            },
            Flag {
                name: "--fanout",
                default: Some("1000"),
                help: "actions at once per fanout instance",
            },
        ]);
    }
    let plan = args::parse(tool, about, &flags, argv, false).and_then(|parsed| {
        let shape = if instances_tool {
            Shape::parse(&parsed)?
        } else {
            Shape::Noop
        };
        let instances = match parsed.text(count_flag) {
            "" => shape.default_instances(),
            _ => parsed.number(count_flag, 1)?,
        };
        let plan = Plan {
            tool,
            workflow: shape.workflow(),
            size: shape.size(),
            actions_per_instance: shape.actions_per_instance(),
            parallel_actions: shape.parallel_actions(),
            step_latencies: matches!(shape, Shape::Sequential(_)),
            instances,
            batch_size: parsed.number("--batch-size", 1)?,
            concurrency: parsed.number("--concurrency", 1)?,
            payload_bytes: parsed.number(payload_flag, 0)?,
            workers: parsed.number("--workers", 1)?,
            dispatchers: parsed.number("--start-workers", 1)?,
            log_interval: parsed.seconds("--log-interval")?,
            python: crate::supervisor::python(),
            backlog: parsed.number("--backlog", 0)?,
        };
        Ok((plan, parsed.switch("--keep")))
    });
    let (plan, keep) = match plan {
        Ok(plan) => plan,
        Err(error) => return error.report(),
    };
    match crate::process::block_on(tool, run_fresh(&plan, keep)) {
        None => ExitCode::FAILURE,
        Some(Ok(())) => ExitCode::SUCCESS,
        Some(Err(error)) => {
            eprintln!("{tool}: error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The workflow a run's instances run.
enum Shape {
    Noop,
    ThreeStep,
    Sequential(usize),
    Fanout(usize),
}

impl Shape {
    fn parse(parsed: &args::Parsed) -> Result<Shape, args::ArgError> {
        match parsed.text("--workflow") {
            "three-step" => Ok(Shape::ThreeStep),
            "sequential" => Ok(Shape::Sequential(parsed.number("--steps", 1)?)),
            "fanout" => Ok(Shape::Fanout(parsed.number("--fanout", 1)?)),
            other => Err(parsed.usage(format!(
                "--workflow takes three-step, sequential or fanout, not {other:?}"
            ))),
        }
    }

    fn workflow(&self) -> (&'static str, &'static str) {
        match self {
            Shape::Noop => NOOP_WORKFLOW,
            Shape::ThreeStep => THREE_STEP_WORKFLOW,
            Shape::Sequential(_) => SEQUENTIAL_WORKFLOW,
            Shape::Fanout(_) => FANOUT_WORKFLOW,
        }
    }

    fn size(&self) -> Option<(&'static str, usize)> {
        match *self {
            Shape::Sequential(steps) => Some(("steps", steps)),
            Shape::Fanout(width) => Some(("width", width)),
            Shape::Noop | Shape::ThreeStep => None,
        }
    }

    fn actions_per_instance(&self) -> usize {
        match *self {
            Shape::Noop => 1,
            Shape::ThreeStep => 3,
            Shape::Sequential(n) | Shape::Fanout(n) => n,
        }
    }

    fn parallel_actions(&self) -> usize {
        match *self {
            Shape::Fanout(width) => width,
            _ => 1,
        }
    }

    fn default_instances(&self) -> usize {
        match self {
            Shape::Noop | Shape::ThreeStep => 5000,
            Shape::Sequential(_) | Shape::Fanout(_) => 1,
        }
    }
}

/// `plan` in a scratch database, dropped after unless `keep`.
pub async fn run_fresh(plan: &Plan, keep: bool) -> Result<(), BenchError> {
    let admin = database_url()?;
    let scratch = ScratchDatabase::create(&admin).await?;
    let outcome = run(plan, &scratch.url).await;
    if keep {
        eprintln!("{}: kept the database {}", plan.tool, scratch.url);
        return outcome;
    }
    let dropped = scratch.drop().await;
    outcome.and(dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scratch_url_names_its_database_and_keeps_the_rest() {
        let name = |url| with_database(url, "scratch").unwrap();
        assert_eq!(
            name("postgresql://postgres@127.0.0.1:5432/test"),
            "postgresql://postgres@127.0.0.1:5432/scratch"
        );
        assert_eq!(
            name("postgres://u:p@db/main?host=/tmp/sock&sslmode=disable"),
            "postgres://u:p@db/scratch?host=/tmp/sock&sslmode=disable"
        );
        assert_eq!(
            name("postgresql://localhost"),
            "postgresql://localhost/scratch"
        );
        assert!(matches!(
            with_database("mysql://x/y", "scratch"),
            Err(BenchError::BadDatabaseUrl(_))
        ));
    }
}
