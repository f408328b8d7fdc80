//! Fault drills (issue 9, §4): a batch of instances of tests/cases/fault_drill
//! runs through start-workers while something fails — Postgres restarts, a
//! worker freezes or is killed, start-workers is killed or told to stop,
//! workers are recycled, two runtimes share the database. Each drill checks
//! at the end that every instance finished with the right result, nothing was
//! lost, and a step ran more than once only where it was in flight at the
//! fault (the steps append to runs.log when they run, with the process that
//! ran them). The drills that strike at random moments draw them from a
//! seeded generator and print the seed: `RAPPEL_DRILL_SEED=<seed>` replays
//! the same moments.

mod harness;
#[path = "../../store/tests/support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use harness::*;
use rappel_server::dispatcher::Options;
use rappel_server::start_workers::StartWorkers;
use rappel_server::supervisor::WorkerSpec;
use rappel_store::{InstanceId, InstanceState, InstanceStatus, NewInstance, Store, StoreConfig};
use support::TestSchema;

/// Instances per drill, three steps each.
const INSTANCES: usize = 40;
const STEPS: usize = 3 * INSTANCES;
const OUTCOME_WAIT: Duration = Duration::from_secs(90);

fn skip_without_python() -> Option<PathBuf> {
    let python = python();
    if python.is_none() {
        eprintln!("SKIPPED: no Python with rappel: set RAPPEL_PYTHON, or run `make venv`");
    }
    python
}

/// Short leases, so that the drills see expiries within seconds.
fn drill_options(name: &str, max_held: usize) -> Options {
    Options {
        owner: format!("drill-{name}-{}", rand_suffix()),
        batch_size: 10,
        max_held,
        lease: Duration::from_secs(3),
        snapshot_every: 8,
        max_action_lifecycle: None,
        timeout_grace: Duration::from_millis(200),
        park_after: Duration::from_secs(60),
        drain_timeout: Duration::from_secs(20),
    }
}

/// start-workers over `store` named `runtime` (which its steps log), with
/// `workers` workers of 4 slots and at most `max_held` instances held.
async fn start_runtime(
    store: Store,
    case: &Case,
    python: &Path,
    state: &Path,
    (runtime, workers, max_held): (&str, usize, usize),
) -> StartWorkers {
    let options = drill_options(runtime, max_held);
    start_runtime_with(store, case, python, state, (runtime, workers), options).await
}

/// `start_runtime` with these options.
async fn start_runtime_with(
    store: Store,
    case: &Case,
    python: &Path,
    state: &Path,
    (runtime, workers): (&str, usize),
    options: Options,
) -> StartWorkers {
    let spec = WorkerSpec {
        python: python.to_path_buf(),
        worker_addr: ([127, 0, 0, 1], 0).into(),
        user_module: "case".to_string(),
        concurrent_per_worker: 4,
        count: workers,
        env: vec![
            ("PYTHONPATH".to_string(), case.dir.display().to_string()),
            ("CASE_STATE_DIR".to_string(), state.display().to_string()),
            ("DRILL_RUNTIME".to_string(), runtime.to_string()),
        ],
    };
    StartWorkers::start(store, options, None, spec)
        .await
        .expect("start-workers starts")
}

/// Instance n runs with n = 0, 1, ... and returns (n + 1) * 2 + 3.
async fn start_drill(store: &Store, case: &Case) -> Vec<InstanceId> {
    start_batch(store, case, INSTANCES).await
}

/// `count` instances, n = 0, 1, ...
async fn start_batch(store: &Store, case: &Case, count: usize) -> Vec<InstanceId> {
    let version = store
        .register_version(&case.workflow, &case.rrl)
        .await
        .expect("register");
    let batch: Vec<NewInstance> = (0..count)
        .map(|n| NewInstance {
            version_id: version.id,
            arguments: format!(r#"{{"dict": [["n", {n}]]}}"#),
        })
        .collect();
    store.start_instances(&batch).await.expect("start")
}

/// One run of a step: "<step> <n> <runtime> <pid>".
struct Run {
    step: String,
    runtime: String,
    pid: u32,
}

/// runs.log of a drill of `steps` steps.
struct Runs {
    log: PathBuf,
    steps: usize,
}

impl Runs {
    fn new(state: &Path) -> Runs {
        Runs::of(state, INSTANCES)
    }

    /// The log of a drill of `instances` instances.
    fn of(state: &Path, instances: usize) -> Runs {
        Runs {
            log: state.join("runs.log"),
            steps: 3 * instances,
        }
    }

    /// starts.log: each step's runs as they started (runs.log has those
    /// that finished), of a drill of `instances` instances.
    fn started(state: &Path, instances: usize) -> Runs {
        Runs {
            log: state.join("starts.log"),
            steps: 3 * instances,
        }
    }

    fn all(&self) -> Vec<Run> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|line| {
                let fields: Vec<&str> = line.split(' ').collect();
                assert_eq!(fields.len(), 4, "{line:?}");
                Run {
                    step: format!("{} {}", fields[0], fields[1]),
                    runtime: fields[2].to_string(),
                    pid: fields[3].parse().expect("a pid"),
                }
            })
            .collect()
    }

    async fn wait_for(&self, count: usize) {
        while self.all().len() < count {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// The runs of each step; every step of every instance ran.
    fn by_step(&self) -> HashMap<String, Vec<Run>> {
        let mut steps: HashMap<String, Vec<Run>> = HashMap::new();
        for run in self.all() {
            steps.entry(run.step.clone()).or_default().push(run);
        }
        assert_eq!(steps.len(), self.steps, "every step of every instance ran");
        steps
    }

    /// A step ran more than once only where it was in flight at a fault: of
    /// each step's runs, every one but the last was in a process that
    /// `struck` says the fault took down (its result then never reached the
    /// log). The number of runs past the first.
    fn reruns_only_where_struck(&self, struck: impl Fn(&Run) -> bool) -> usize {
        let mut again = 0;
        for (step, runs) in self.by_step() {
            again += runs.len() - 1;
            let (_, before) = runs.split_last().expect("a run");
            let unexplained: Vec<String> = before
                .iter()
                .filter(|run| !struck(run))
                .map(|run| format!("{} pid {}", run.runtime, run.pid))
                .collect();
            assert!(
                unexplained.is_empty(),
                "{step} ran {} times; runs other than its last outside the fault: {unexplained:?}",
                runs.len()
            );
        }
        again
    }

    /// Every step ran exactly once.
    fn each_once(&self) {
        let twice: Vec<String> = self
            .by_step()
            .into_iter()
            .filter(|(_, runs)| runs.len() > 1)
            .map(|(step, _)| step)
            .collect();
        assert!(twice.is_empty(), "steps that ran more than once: {twice:?}");
    }
}

/// Every instance's status once all have finished; a query that fails (the
/// database restarting) is asked again.
async fn wait_finished(store: &Store, ids: &[InstanceId]) -> Vec<InstanceStatus> {
    let deadline = tokio::time::Instant::now() + OUTCOME_WAIT;
    loop {
        let statuses = store.get_status(ids).await;
        if let Ok(statuses) = &statuses {
            if statuses.iter().all(|s| s.state.is_finished()) {
                return statuses.clone();
            }
        }
        if tokio::time::Instant::now() > deadline {
            let left = statuses.map(|all| {
                all.into_iter()
                    .filter(|s| !s.state.is_finished())
                    .collect::<Vec<_>>()
            });
            panic!("unfinished after {OUTCOME_WAIT:?}: {left:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Instance n completed with (n + 1) * 2 + 3.
fn check_results(statuses: &[InstanceStatus]) {
    for (n, status) in statuses.iter().enumerate() {
        assert_eq!(status.state, InstanceState::Completed, "{status:?}");
        let expected = (n as i64 + 1) * 2 + 3;
        assert_eq!(
            status.outcome.as_deref(),
            Some(expected.to_string().as_str()),
            "instance {n}"
        );
    }
}

async fn unfinished(store: &Store, ids: &[InstanceId]) -> usize {
    let statuses = store.get_status(ids).await.expect("status");
    statuses.iter().filter(|s| !s.state.is_finished()).count()
}

async fn scalar(store: &Store, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(store.pool())
        .await
        .expect(sql)
}

/// Completions of this kind ("returned", "timed_out", ...).
async fn completions_of(store: &Store, kind: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM completions WHERE completion ? $1")
        .bind(kind)
        .fetch_one(store.pool())
        .await
        .expect("count completions")
}

/// Completions of attempts after the first (and of backoffs before them).
async fn retried_attempts(store: &Store) -> i64 {
    scalar(store, "SELECT count(*) FROM completions WHERE attempt <> 1").await
}

fn kill(signal: &str, pid: u32) {
    let status = std::process::Command::new("kill")
        .args(["-s", signal, "--", &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -s {signal} {pid}");
}

/// The moments of a drill that strikes at random: splitmix64, seeded from
/// `RAPPEL_DRILL_SEED` when set (to replay a failure), else from the clock;
/// the seed is printed, and shown with the output of a failing test.
struct Moments(u64);

impl Moments {
    fn seeded(drill: &str) -> Moments {
        let seed = match std::env::var("RAPPEL_DRILL_SEED") {
            Ok(text) => text
                .parse()
                .unwrap_or_else(|_| panic!("RAPPEL_DRILL_SEED={text:?} is not a number")),
            Err(_) => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64),
        };
        eprintln!("{drill}: seed {seed} (replay with RAPPEL_DRILL_SEED={seed})");
        Moments(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `range`.
    fn within(&mut self, range: std::ops::Range<usize>) -> usize {
        range.start + (self.next() % (range.end - range.start) as u64) as usize
    }

    /// `count` moments, counted in finished steps, in increasing order: the
    /// i-th falls in the i-th of `count` equal parts of `range`.
    fn spread(&mut self, count: usize, range: std::ops::Range<usize>) -> Vec<usize> {
        let part = (range.end - range.start) / count;
        (0..count)
            .map(|i| {
                let start = range.start + i * part;
                self.within(start..start + part)
            })
            .collect()
    }
}

/// What a drill on the shared Postgres works with.
struct Drill {
    python: PathBuf,
    case: Case,
    schema: TestSchema,
    store: Store,
    state: PathBuf,
    runs: Runs,
}

impl Drill {
    /// `None` (the drill is skipped) without a Python with rappel.
    async fn on_a_test_schema() -> Option<Drill> {
        let python = skip_without_python()?;
        let schema = TestSchema::new().await;
        let store = schema.store().await;
        let state = state_dir(&schema);
        Some(Drill {
            python,
            case: own_case("fault_drill"),
            runs: Runs::new(&state),
            schema,
            store,
            state,
        })
    }

    /// A step started, and finished, more than once only where `struck`
    /// says a process the fault took down had it; how many steps started
    /// again.
    fn reruns_only_where_struck(&self, struck: impl Fn(&Run) -> bool) -> usize {
        self.runs.reruns_only_where_struck(&struck);
        Runs::started(&self.state, INSTANCES).reruns_only_where_struck(&struck)
    }

    /// The start-workers binary on the drill's schema, named `runtime`, in
    /// a process group of its own.
    fn spawn_binary(&self, runtime: &str) -> std::process::Child {
        binary_for(&self.schema, &self.case, &self.python)
            .env("DRILL_RUNTIME", runtime)
            .spawn()
            .expect("start-workers runs")
    }

    /// start-workers on the drill's schema named `runtime`, with `workers`
    /// workers of 4 slots.
    async fn runtime(&self, (runtime, workers): (&str, usize), options: Options) -> StartWorkers {
        let store = self.schema.store().await;
        let (case, python, state) = (&self.case, &self.python, &self.state);
        start_runtime_with(store, case, python, state, (runtime, workers), options).await
    }
}

// ------------------------------------------------------------ Postgres restart

/// A Postgres cluster of the drill's own (never the shared one), in a temp
/// directory, on a free port, trust auth; stopped and removed on drop.
struct Cluster {
    root: PathBuf,
    bin: PathBuf,
    port: u16,
    /// Postgres refuses to run as root: as root, its programs run as this.
    user: Option<String>,
    /// The server's options (port, address, socket directory).
    options: String,
}

impl Cluster {
    /// The directory holding initdb: the system's newest, else pgserver's.
    fn binaries() -> Option<PathBuf> {
        let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path().join("bin"))
            .filter(|bin| bin.join("initdb").is_file())
            .collect();
        found.sort_by_key(|bin| {
            let version = bin.parent().and_then(|p| p.file_name());
            version.and_then(|v| v.to_str()?.parse::<u32>().ok())
        });
        if let Some(bin) = found.pop() {
            return Some(bin);
        }
        let lib = checkout().join(".venv/lib");
        std::fs::read_dir(lib)
            .into_iter()
            .flatten()
            .flatten()
            .map(|python| python.path().join("site-packages/pgserver/pginstall/bin"))
            .find(|bin| bin.join("initdb").is_file())
    }

    fn start(name: &str) -> Result<Cluster, String> {
        let bin = Cluster::binaries().ok_or(
            "no initdb in /usr/lib/postgresql/*/bin nor in the venv's pgserver: install \
             PostgreSQL's server binaries",
        )?;
        let root_user = std::process::Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0");
        let user = if root_user {
            let exists = std::process::Command::new("id")
                .arg("postgres")
                .output()
                .is_ok_and(|out| out.status.success());
            if !exists {
                return Err(
                    "running as root and there is no postgres user to run initdb as".into(),
                );
            }
            Some("postgres".to_string())
        } else {
            None
        };
        let root = std::env::temp_dir().join(format!("rappel-drill-{name}-{}", rand_suffix()));
        std::fs::create_dir_all(&root).map_err(|e| format!("{}: {e}", root.display()))?;
        // The server's user writes its data directory and socket here.
        let status = std::process::Command::new("chmod")
            .arg("777")
            .arg(&root)
            .status();
        assert!(
            status.is_ok_and(|s| s.success()),
            "chmod {}",
            root.display()
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let options = format!(
            "-p {port} -c listen_addresses=127.0.0.1 -k {} -c fsync=off",
            root.display()
        );
        let cluster = Cluster {
            root,
            bin,
            port,
            user,
            options,
        };
        cluster.run(
            "initdb",
            &[
                "-D",
                &cluster.data(),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
            ],
        );
        cluster.start_server();
        Ok(cluster)
    }

    fn data(&self) -> String {
        self.root.join("data").display().to_string()
    }

    fn url(&self) -> String {
        format!("postgresql://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// A program of the cluster's binaries, run as the server's user.
    fn command(&self, program: &str) -> std::process::Command {
        let program = self.bin.join(program);
        match &self.user {
            Some(user) => {
                let mut command = std::process::Command::new("runuser");
                command.args(["-u", user, "--"]).arg(&program);
                command
            }
            None => std::process::Command::new(&program),
        }
    }

    fn run(&self, program: &str, args: &[&str]) {
        let output = self
            .command(program)
            .args(args)
            .output()
            .expect("run a Postgres program");
        assert!(
            output.status.success(),
            "{program} {args:?}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// What an operator's `pg_ctl restart -m immediate` does: every
    /// connection is cut, and the server recovers before it answers again.
    fn restart_immediately(&self) {
        let log = self.log();
        let (data, options) = (self.data(), &self.options);
        // With its log (else the server writes to, and holds open, our pipe).
        let args = [
            "restart",
            "-w",
            "-m",
            "immediate",
            "-D",
            &data,
            "-l",
            &log,
            "-o",
            options,
        ];
        self.run("pg_ctl", &args);
    }

    /// An outage: down at once, back after `down`.
    fn crash_for(&self, down: Duration) {
        self.run(
            "pg_ctl",
            &["stop", "-w", "-m", "immediate", "-D", &self.data()],
        );
        std::thread::sleep(down);
        self.start_server();
    }

    fn log(&self) -> String {
        self.root.join("log").display().to_string()
    }

    fn start_server(&self) {
        let log = self.log();
        let data = self.data();
        self.run(
            "pg_ctl",
            &["start", "-w", "-D", &data, "-l", &log, "-o", &self.options],
        );
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data();
        let _ = self
            .command("pg_ctl")
            .args(["stop", "-m", "immediate", "-D", &data])
            .output();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restarting_mid_run_loses_nothing() {
    let Some(python) = skip_without_python() else {
        return;
    };
    let cluster = match tokio::task::spawn_blocking(|| Cluster::start("restart"))
        .await
        .expect("join")
    {
        Ok(cluster) => cluster,
        Err(why) => {
            eprintln!("SKIPPED: no Postgres cluster of the drill's own: {why}");
            return;
        }
    };
    let case = own_case("fault_drill");
    let state = scratch_dir(&format!("drill-restart-{}", rand_suffix()));
    let runs = Runs::new(&state);
    let config = StoreConfig {
        max_connections: 4,
        poll_interval: Duration::from_millis(50),
        ..StoreConfig::new(cluster.url())
    };
    let store = Store::connect_with(config.clone())
        .await
        .expect("connect to the drill's cluster");
    let runtime_store = Store::connect_with(config).await.expect("connect");
    let runtime = start_runtime(runtime_store, &case, &python, &state, ("restart", 2, 100)).await;
    let ids = start_drill(&store, &case).await;
    runs.wait_for(STEPS / 4).await;
    assert!(
        unfinished(&store, &ids).await > 0,
        "the restart comes mid-run"
    );
    let cluster = tokio::task::spawn_blocking(move || {
        cluster.restart_immediately();
        cluster
    })
    .await
    .expect("join");
    // Then down for longer than a lease (3 s) and than the pool waits for a
    // connection (10 s): leases run out, queries fail, writes are retried.
    runs.wait_for(STEPS / 2).await;
    assert!(
        unfinished(&store, &ids).await > 0,
        "the outage comes mid-run"
    );
    let cluster = tokio::task::spawn_blocking(move || {
        cluster.crash_for(Duration::from_secs(12));
        cluster
    })
    .await
    .expect("join");

    let statuses = wait_finished(&store, &ids).await;
    runtime.stop().await;
    check_results(&statuses);
    // The workers never touch Postgres and every result they sent was kept
    // and retried until written: nothing ran twice.
    runs.each_once();
    drop(cluster);
}

// ------------------------------------------------------------ frozen worker

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_worker_times_out_and_its_late_results_are_discarded() {
    let Some(drill) = Drill::on_a_test_schema().await else {
        return;
    };
    let runtime = drill
        .runtime(("frozen", 2), drill_options("frozen", 100))
        .await;
    let ids = start_drill(&drill.store, &drill.case).await;
    drill.runs.wait_for(STEPS / 6).await;
    let frozen = drill.runs.all().last().expect("a run").pid;
    kill("STOP", frozen);
    // Past the steps' 3 s timeout and the lease: its attempts time out and
    // run again on the other worker meanwhile.
    tokio::time::sleep(Duration::from_secs(5)).await;
    kill("CONT", frozen);

    let statuses = wait_finished(&drill.store, &ids).await;
    runtime.stop().await;
    check_results(&statuses);
    let timed_out = completions_of(&drill.store, "timed_out").await;
    assert!(timed_out > 0, "the frozen worker's attempts timed out");
    // A timed-out attempt's late result never reaches the log: each step
    // has one result, of the attempt after its timeouts.
    let late = scalar(
        &drill.store,
        "SELECT count(*) FROM completions AS r WHERE r.completion ? 'returned' AND EXISTS \
         (SELECT 1 FROM completions AS t WHERE t.instance_id = r.instance_id \
          AND t.operation_id = r.operation_id AND t.attempt >= r.attempt \
          AND t.completion ? 'timed_out')",
    )
    .await;
    assert_eq!(late, 0, "a result of a timed-out attempt was applied");
    let returned = completions_of(&drill.store, "returned").await;
    assert_eq!(returned, STEPS as i64, "one result per step");
    // A step ran twice only when the frozen worker had it.
    for (step, runs) in drill.runs.by_step() {
        assert!(runs.len() <= 2, "{step} ran {} times", runs.len());
        if runs.len() == 2 {
            assert!(
                runs.iter().any(|run| run.pid == frozen),
                "{step} ran twice, neither time on the frozen worker"
            );
        }
    }
}

// ------------------------------------------------------------ two runtimes

/// Two runtimes, "a" and "b", each with `workers` workers and `options`,
/// run `instances` instances on one database: every step ran once, both
/// ran steps, and no step was dispatched twice.
async fn two_runtimes_share(
    drill: &Drill,
    instances: usize,
    workers: usize,
    options: impl Fn(&str) -> Options,
) {
    let runs = Runs::of(&drill.state, instances);
    let mut runtimes = Vec::new();
    for name in ["a", "b"] {
        runtimes.push(drill.runtime((name, workers), options(name)).await);
    }
    let ids = start_batch(&drill.store, &drill.case, instances).await;
    let statuses = wait_finished(&drill.store, &ids).await;
    for runtime in runtimes {
        runtime.stop().await;
    }
    check_results(&statuses);
    runs.each_once();
    Runs::started(&drill.state, instances).each_once();
    let mut per_runtime: HashMap<String, usize> = HashMap::new();
    for run in runs.all() {
        *per_runtime.entry(run.runtime).or_default() += 1;
    }
    assert_eq!(
        per_runtime.len(),
        2,
        "both runtimes ran steps: {per_runtime:?}"
    );
    let retried = retried_attempts(&drill.store).await;
    assert_eq!(retried, 0, "no step was dispatched twice");
    let logged = scalar(&drill.store, "SELECT count(*) FROM completions").await;
    assert_eq!(logged, 3 * instances as i64, "one completion per step");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_runtimes_on_one_database_share_the_work_and_run_each_step_once() {
    let Some(drill) = Drill::on_a_test_schema().await else {
        return;
    };
    // Neither may hold more than a few instances: both must lease.
    two_runtimes_share(&drill, INSTANCES, 1, |name| drill_options(name, 6)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_runtimes_under_load_dispatch_no_step_twice() {
    let Some(drill) = Drill::on_a_test_schema().await else {
        return;
    };
    // Three times the usual batch, on 2 × 2 workers; each runtime holds
    // few instances at once, so the two lease against each other all along.
    two_runtimes_share(&drill, 3 * INSTANCES, 2, |name| Options {
        batch_size: 4,
        ..drill_options(name, 12)
    })
    .await;
}

// ------------------------------------------------------------ SIGTERM

/// Waits for start-workers to exit; its exit status.
async fn exited(child: std::process::Child) -> std::process::ExitStatus {
    tokio::task::spawn_blocking(move || {
        let mut child = child;
        child.wait()
    })
    .await
    .expect("join")
    .expect("wait")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_drains_releases_and_exits_0() {
    let Some(drill) = Drill::on_a_test_schema().await else {
        return;
    };
    let spawn = |name: &str| drill.spawn_binary(name);
    let ids = start_drill(&drill.store, &drill.case).await;
    // The first is sent SIGTERM alone (as by `kill PID`), the second with its
    // workers (its process group, as by Ctrl-C in a shell or a service
    // manager): either way it drains, releases and exits 0.
    for (name, group, done) in [("first", false, STEPS / 4), ("second", true, STEPS / 2)] {
        let child = spawn(name);
        drill.runs.wait_for(done).await;
        let target = if group {
            format!("-{}", child.id())
        } else {
            child.id().to_string()
        };
        let status = std::process::Command::new("kill")
            .args(["-s", "TERM", "--", &target])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -s TERM -- {target}");
        let status = exited(child).await;
        assert!(
            status.success(),
            "{name}: start-workers exits 0 on SIGTERM: {status}"
        );
        assert!(
            unfinished(&drill.store, &ids).await > 0,
            "{name}: the stop came mid-run"
        );
        let leased = scalar(
            &drill.store,
            "SELECT count(*) FROM instances WHERE lease_owner IS NOT NULL",
        )
        .await;
        assert_eq!(
            leased, 0,
            "{name}: the stopped runtime released every lease"
        );
    }

    let third = spawn("third");
    let statuses = wait_finished(&drill.store, &ids).await;
    kill("TERM", third.id());
    let status = exited(third).await;
    assert!(status.success(), "{status}");
    check_results(&statuses);
    // In-flight steps finished before each exit and their results were
    // written: nothing ran twice.
    drill.runs.each_once();
    let runtimes: std::collections::HashSet<String> = drill
        .runs
        .all()
        .into_iter()
        .map(|run| run.runtime)
        .collect();
    assert_eq!(runtimes.len(), 3, "every runtime ran steps: {runtimes:?}");
}

// ------------------------------------------------------------ workers killed

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workers_killed_at_random_moments_lose_nothing() {
    let Some(drill) = Drill::on_a_test_schema().await else {
        return;
    };
    let mut moments = Moments::seeded("workers_killed_at_random_moments_lose_nothing");
    let runtime = drill
        .runtime(("kill-worker", 2), drill_options("kill-worker", 100))
        .await;
    let ids = start_drill(&drill.store, &drill.case).await;
    let mut killed = std::collections::HashSet::new();
    for moment in moments.spread(3, STEPS / 10..STEPS * 3 / 4) {
        drill.runs.wait_for(moment).await;
        // The worker that ran the latest step is alive (none but those
        // killed here die) and likely holds more.
        let victim = drill
            .runs
            .all()
            .iter()
            .rev()
            .map(|run| run.pid)
            .find(|pid| !killed.contains(pid))
            .expect("a live worker");
        eprintln!("kill -9 of worker {victim} after {moment} steps");
        kill("KILL", victim);
        killed.insert(victim);
    }
    assert!(
        unfinished(&drill.store, &ids).await > 0,
        "the kills came mid-run"
    );

    let statuses = wait_finished(&drill.store, &ids).await;
    runtime.stop().await;
    check_results(&statuses);
    // Each step started again only where a killed worker had started it,
    // and finished again only where one had finished it unreported.
    let again = drill.reruns_only_where_struck(|run| killed.contains(&run.pid));
    eprintln!("{again} steps started again, each one a killed worker had");
    // A killed worker's attempts count as timed out and are retried; each
    // step has one result in the log.
    let returned = completions_of(&drill.store, "returned").await;
    assert_eq!(returned, STEPS as i64, "one result per step");
    let failed = scalar(
        &drill.store,
        "SELECT count(*) FROM completions WHERE NOT (completion ? 'returned' OR completion ? 'timed_out')",
    )
    .await;
    assert_eq!(failed, 0, "every attempt returned or was cut by a kill");
    let cut = completions_of(&drill.store, "timed_out").await;
    assert!(cut > 0, "the kills cut attempts in flight");
    eprintln!("{cut} attempts cut by the kills and run again");
}

// ------------------------------------------------------------ start-workers killed

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_workers_killed_at_random_moments_loses_nothing() {
    let Some(drill) = Drill::on_a_test_schema().await else {
        return;
    };
    let mut moments = Moments::seeded("start_workers_killed_at_random_moments_loses_nothing");
    let spawn = |name: &str| drill.spawn_binary(name);
    let ids = start_drill(&drill.store, &drill.case).await;
    // Each start-workers (but the last) is killed with its workers once it
    // ran a random number of steps; the next waits out its leases (10 s).
    let mut killed = Vec::new();
    for round in 0..2 {
        let name = format!("killed-{round}");
        let child = spawn(&name);
        let done = drill.runs.all().len();
        let moment = done + moments.within(1..STEPS / 4);
        drill.runs.wait_for(moment).await;
        let group = child.id();
        eprintln!("kill -9 of start-workers {name} (group {group}) after {moment} steps");
        let status = std::process::Command::new("kill")
            .args(["-s", "KILL", "--", &format!("-{group}")])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -s KILL -- -{group}");
        exited(child).await;
        assert!(
            unfinished(&drill.store, &ids).await > 0,
            "{name}: the kill came mid-run"
        );
        killed.push(name);
    }
    let last = spawn("last");
    let statuses = wait_finished(&drill.store, &ids).await;
    kill("TERM", last.id());
    let status = exited(last).await;
    assert!(status.success(), "{status}");
    check_results(&statuses);
    let again = drill.reruns_only_where_struck(|run| killed.contains(&run.runtime));
    eprintln!("{again} steps started again, each one a killed start-workers had");
}

// ------------------------------------------------------------ recycling

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recycling_under_load_loses_nothing_and_runs_nothing_twice() {
    let Some(drill) = Drill::on_a_test_schema().await else {
        return;
    };
    const LIFECYCLE: u64 = 8;
    let options = Options {
        max_action_lifecycle: Some(LIFECYCLE),
        ..drill_options("recycle", 100)
    };
    let runtime = drill.runtime(("recycle", 2), options).await;
    let ids = start_drill(&drill.store, &drill.case).await;
    let statuses = wait_finished(&drill.store, &ids).await;
    runtime.stop().await;
    check_results(&statuses);
    drill.runs.each_once();
    Runs::started(&drill.state, INSTANCES).each_once();
    let mut per_worker: HashMap<u32, u64> = HashMap::new();
    for run in drill.runs.all() {
        *per_worker.entry(run.pid).or_default() += 1;
    }
    assert!(
        per_worker.values().all(|&ran| ran <= LIFECYCLE),
        "a worker ran more than {LIFECYCLE} actions: {per_worker:?}"
    );
    assert!(
        per_worker.len() >= STEPS / LIFECYCLE as usize,
        "workers were recycled: {per_worker:?}"
    );
    let retried = retried_attempts(&drill.store).await;
    assert_eq!(retried, 0, "no attempt was cut by the recycling");
}
