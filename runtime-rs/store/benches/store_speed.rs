//! The Postgres cost per action of the two ways to run instances
//! (docs/architecture.md, "Runtime storage"). Needs a Postgres on this
//! machine (RAPPEL_DATABASE_URL, else the local test database) and permission
//! to read its backends' /proc entries; works in a schema of its own, dropped
//! at the end. Not part of `make test`:
//!
//!     cd runtime-rs && cargo bench -p rappel-store --bench store_speed
//!
//! (a) lease: clients lease 64 instances, append one completion per instance
//!     per step in batches of 64 (STEPS steps), then finish the 64.
//! (b) queue: clients claim 64 queued action rows (`FOR UPDATE SKIP LOCKED`)
//!     in one transaction and complete the 64 in another;
//! (c) the same, the completing transaction also enqueuing each action's
//!     successor, as a queue that runs workflows must.
//!
//! Per action: rows/s over the run, and CPU per row of the Postgres backends
//! serving the clients (from /proc, so other load on the machine does not
//! count; the WAL writer and checkpointer are not counted either), and of the
//! whole machine (/proc/stat, which does count other load).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rappel_store::{Finished, InstanceState, NewCompletion, NewInstance, Store, StoreConfig};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::{Connection, Executor};

const BATCH: usize = 64;
const APPLICATION: &str = "rappel_store_bench";

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn database_url() -> String {
    std::env::var("RAPPEL_DATABASE_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
        .unwrap_or_else(|| "postgresql://postgres@127.0.0.1:5432/test".to_string())
}

fn with_application_name(url: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}application_name={APPLICATION}")
}

/// Clock ticks of CPU used by the processes `pids` (user + system).
fn process_ticks(pids: &[i32]) -> u64 {
    pids.iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/stat")).ok())
        .filter_map(|stat| {
            // Fields after the command name (which may hold spaces): utime is
            // the 14th field of the line, stime the 15th.
            let rest = &stat[stat.rfind(')')? + 2..];
            let fields: Vec<&str> = rest.split_whitespace().collect();
            Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
        })
        .sum()
}

/// (busy, total) clock ticks of the whole machine.
fn machine_ticks() -> (u64, u64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let Some(line) = stat.lines().next() else {
        return (0, 0);
    };
    let values: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    let total: u64 = values.iter().take(8).sum();
    let idle = values.get(3).copied().unwrap_or(0) + values.get(4).copied().unwrap_or(0);
    (total - idle, total)
}

/// Linux reports CPU time in USER_HZ ticks, 100 a second.
const TICKS_PER_SECOND: f64 = 100.0;

async fn backend_pids(pool: &PgPool) -> Vec<i32> {
    sqlx::query_scalar(
        "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()",
    )
    .bind(APPLICATION)
    .fetch_all(pool)
    .await
    .expect("read the backends' pids")
}

struct Measured {
    rows: u64,
    seconds: f64,
    backend_cpu_seconds: f64,
    machine_busy_cores: f64,
}

impl Measured {
    fn report(&self, label: &str) {
        let rate = self.rows as f64 / self.seconds;
        println!(
            "{label}: {} actions in {:.1} s = {:.0} actions/s; Postgres backends {:.1} µs CPU/action; \
             machine {:.2} cores busy = {:.1} µs/action",
            self.rows,
            self.seconds,
            rate,
            self.backend_cpu_seconds * 1e6 / self.rows as f64,
            self.machine_busy_cores,
            self.machine_busy_cores * 1e6 / rate,
        );
    }
}

/// Runs `clients` copies of `work` (each returning the actions it did, or
/// 0 when nothing is left) for a warm-up and then `seconds`, measuring the
/// second part.
async fn measure<F, Fut>(pool: &PgPool, clients: usize, seconds: u64, work: F) -> Measured
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = u64> + Send,
{
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let work = Arc::new(work);
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (done, stop, work) = (done.clone(), stop.clone(), work.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let rows = work().await;
                    if rows == 0 {
                        break;
                    }
                    done.fetch_add(rows, Ordering::Relaxed);
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let pids = backend_pids(pool).await;
    let (rows_before, ticks_before, machine_before) = (
        done.load(Ordering::Relaxed),
        process_ticks(&pids),
        machine_ticks(),
    );
    let began = Instant::now();
    let deadline = began + Duration::from_secs(seconds);
    while Instant::now() < deadline && tasks.iter().any(|t| !t.is_finished()) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (rows_after, ticks_after, machine_after) = (
        done.load(Ordering::Relaxed),
        process_ticks(&pids),
        machine_ticks(),
    );
    let elapsed = began.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        task.await.expect("a bench client");
    }
    let machine_total = (machine_after.1 - machine_before.1).max(1) as f64;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    Measured {
        rows: rows_after - rows_before,
        seconds: elapsed,
        backend_cpu_seconds: (ticks_after - ticks_before) as f64 / TICKS_PER_SECOND,
        machine_busy_cores: (machine_after.0 - machine_before.0) as f64 / machine_total * cores,
    }
}

async fn lease_design(store: &Store, clients: usize, seconds: u64, instances: u64, steps: u64) {
    let version = store
        .register_version("Bench", "workflow Bench():\n    return 1\n")
        .await
        .expect("register");
    let batch: Vec<NewInstance> = (0..1000)
        .map(|_| NewInstance {
            version_id: version.id,
            arguments: r#"{"n": 1}"#.to_string(),
        })
        .collect();
    for _ in 0..instances.div_ceil(1000) {
        store.start_instances(&batch).await.expect("seed instances");
    }
    analyze(store.pool()).await;
    let next_owner = Arc::new(AtomicU64::new(0));
    let client_store = store.clone();
    let measured = measure(store.pool(), clients, seconds, move || {
        let store = client_store.clone();
        let owner = format!("bench-{}", next_owner.fetch_add(1, Ordering::Relaxed));
        async move {
            let leased = store
                .lease_instances(&owner, BATCH, Duration::from_secs(300))
                .await
                .expect("lease");
            if leased.is_empty() {
                return 0;
            }
            for step in 0..steps {
                let completions: Vec<NewCompletion> = leased
                    .iter()
                    .map(|l| NewCompletion {
                        instance_id: l.id.clone(),
                        operation_id: step.to_string(),
                        attempt: 1,
                        completion: r#"{"returned": {"ok": true, "n": 12345678}}"#.to_string(),
                    })
                    .collect();
                store
                    .append_completions(&owner, &completions)
                    .await
                    .expect("append");
            }
            let finished: Vec<Finished> = leased
                .iter()
                .map(|l| Finished {
                    instance_id: l.id.clone(),
                    state: InstanceState::Completed,
                    outcome: "1".to_string(),
                })
                .collect();
            store
                .finish_instances(&owner, &finished)
                .await
                .expect("finish");
            leased.len() as u64 * steps
        }
    })
    .await;
    measured.report(&format!(
        "(a) lease {BATCH} instances, append {steps} batches of {BATCH} completions, finish"
    ));
}

async fn queue_design(
    pool: &PgPool,
    clients: usize,
    seconds: u64,
    actions: u64,
    enqueue_successors: bool,
) {
    pool.execute("DROP TABLE IF EXISTS actions")
        .await
        .expect("drop the previous queue");
    pool.execute(
        "CREATE TABLE actions (id bigserial PRIMARY KEY, instance_id uuid NOT NULL, \
         operation_id text NOT NULL, status smallint NOT NULL DEFAULT 0, payload jsonb NOT NULL, \
         result jsonb, lease_until timestamptz, created_at timestamptz NOT NULL DEFAULT now()); \
         CREATE INDEX actions_queued ON actions (id) WHERE status = 0",
    )
    .await
    .expect("create the queue");
    sqlx::query(
        "INSERT INTO actions (instance_id, operation_id, payload) \
         SELECT gen_random_uuid(), (g % 8)::text, '{\"kwargs\": {\"n\": 1}}' \
         FROM generate_series(1, $1) AS g",
    )
    .bind(actions as i64)
    .execute(pool)
    .await
    .expect("seed the queue");
    analyze(pool).await;
    let client_pool = pool.clone();
    let measured = measure(pool, clients, seconds, move || {
        let pool = client_pool.clone();
        async move {
            let claimed: Vec<i64> = sqlx::query_scalar(
                "WITH c AS (SELECT id FROM actions WHERE status = 0 ORDER BY id LIMIT $1 \
                 FOR UPDATE SKIP LOCKED) \
                 UPDATE actions a SET status = 1, lease_until = now() + interval '300 seconds' \
                 FROM c WHERE a.id = c.id RETURNING a.id",
            )
            .bind(BATCH as i64)
            .fetch_all(&pool)
            .await
            .expect("claim");
            if claimed.is_empty() {
                return 0;
            }
            let complete = "UPDATE actions a SET status = 2, result = $2::jsonb, lease_until = NULL \
                 FROM unnest($1::bigint[]) AS c (id) WHERE a.id = c.id AND a.status = 1 \
                 RETURNING a.instance_id, a.operation_id";
            // What a queue pays to run a workflow: each completion enqueues
            // the action that follows it, in the same transaction.
            let complete_and_enqueue = "WITH done AS (UPDATE actions a SET status = 2, \
                 result = $2::jsonb, lease_until = NULL FROM unnest($1::bigint[]) AS c (id) \
                 WHERE a.id = c.id AND a.status = 1 RETURNING a.instance_id, a.operation_id) \
                 INSERT INTO actions (instance_id, operation_id, payload) \
                 SELECT instance_id, operation_id || '.next', '{\"kwargs\": {\"n\": 1}}' FROM done";
            sqlx::query(if enqueue_successors { complete_and_enqueue } else { complete })
                .bind(&claimed)
                .bind(r#"{"returned": {"ok": true, "n": 12345678}}"#)
                .execute(&pool)
                .await
                .expect("complete");
            claimed.len() as u64
        }
    })
    .await;
    measured.report(&if enqueue_successors {
        format!(
            "(c) queue: claim {BATCH} actions (SKIP LOCKED), complete {BATCH} and enqueue their successors"
        )
    } else {
        format!("(b) queue: claim {BATCH} actions (SKIP LOCKED), complete {BATCH}")
    });
}

async fn analyze(pool: &PgPool) {
    pool.execute("VACUUM ANALYZE").await.expect("vacuum");
    // Needs a superuser; without one, the run just starts with dirtier buffers.
    let _ = pool.execute("CHECKPOINT").await;
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let clients = setting("BENCH_CLIENTS", 8) as usize;
        let seconds = setting("BENCH_SECONDS", 10);
        let steps = setting("BENCH_STEPS", 8);
        let instances = setting("BENCH_INSTANCES", 40_000);
        let url = database_url();
        let schema = format!("rappel_bench_{}", std::process::id());
        let mut admin = sqlx::PgConnection::connect(&url)
            .await
            .unwrap_or_else(|error| panic!("the bench needs a PostgreSQL at {url}: {error}"));
        admin
            .execute(format!("CREATE SCHEMA \"{schema}\"").as_str())
            .await
            .expect("create the bench schema");

        println!(
            "{clients} clients, batches of {BATCH}, {seconds} s after a 2 s warm-up; \
             {} CPUs on the machine",
            std::thread::available_parallelism().map_or(1, |n| n.get())
        );
        let store = Store::connect_with(StoreConfig {
            schema: Some(schema.clone()),
            max_connections: clients as u32,
            ..StoreConfig::new(with_application_name(&url))
        })
        .await
        .expect("connect the store");
        lease_design(&store, clients, seconds, instances, steps).await;
        store.close().await;

        let pool = PgPoolOptions::new()
            .max_connections(clients as u32)
            .after_connect({
                let schema = schema.clone();
                move |connection, _| {
                    let schema = schema.clone();
                    Box::pin(async move {
                        connection
                            .execute(format!("SET search_path TO \"{schema}\"").as_str())
                            .await
                            .map(|_| ())
                    })
                }
            })
            .connect(&with_application_name(&url))
            .await
            .expect("connect the queue's pool");
        queue_design(&pool, clients, seconds, instances * steps, false).await;
        queue_design(&pool, clients, seconds, instances * steps, true).await;
        pool.close().await;

        admin
            .execute(format!("DROP SCHEMA \"{schema}\" CASCADE").as_str())
            .await
            .expect("drop the bench schema");
    });
}
