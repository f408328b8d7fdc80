//! The supervisor: it keeps RAPPEL_WORKER_COUNT Python workers
//! (`<python> -m rappel.worker`) running. A worker that dies is restarted
//! after a backoff; one that cannot even start (exit status 2: a bad module
//! or setting, its message on stderr) is reported and retried slowly. A
//! worker that ran its last action (RAPPEL_MAX_ACTION_LIFECYCLE) is
//! replaced: the replacement starts first, then the old one is drained and
//! exits on its own.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use tokio::process::Command;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use crate::dispatcher::{Input, Recycler};

/// What the workers run with.
#[derive(Clone, Debug)]
pub struct WorkerSpec {
    pub python: PathBuf,
    pub worker_addr: SocketAddr,
    pub user_module: String,
    pub concurrent_per_worker: usize,
    pub count: usize,
    /// More environment for the children, on top of this process's.
    pub env: Vec<(String, String)>,
}

/// The Python that runs the workers: `$RAPPEL_PYTHON`, else the `python`
/// beside this executable (a virtualenv's bin/), else `python3` on PATH.
pub fn python() -> PathBuf {
    if let Some(python) = std::env::var_os("RAPPEL_PYTHON").filter(|p| !p.is_empty()) {
        return PathBuf::from(python);
    }
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("python")));
    match beside {
        Some(path) if path.is_file() => path,
        _ => PathBuf::from("python3"),
    }
}

enum Order {
    Recycle(String),
    Shutdown(Duration),
}

/// Talks to the supervisor's task.
#[derive(Clone)]
pub struct Supervisor {
    orders: mpsc::UnboundedSender<Order>,
}

impl Recycler for Supervisor {
    fn recycle(&self, worker_id: &str) {
        let _ = self.orders.send(Order::Recycle(worker_id.to_string()));
    }
}

impl Supervisor {
    /// Starts the workers; `dispatcher` is told which to drain once its
    /// replacement started. The task ends after `shutdown` once every
    /// worker exited.
    pub fn start(
        spec: WorkerSpec,
        dispatcher: mpsc::UnboundedSender<Input>,
    ) -> (Supervisor, tokio::task::JoinHandle<()>) {
        let (orders, receiver) = mpsc::unbounded_channel();
        let task = tokio::spawn(supervise(spec, dispatcher, receiver));
        (Supervisor { orders }, task)
    }

    /// No more restarts; the workers (drained by the dispatcher) have
    /// `grace` to exit before they are killed.
    pub fn shutdown(&self, grace: Duration) {
        let _ = self.orders.send(Order::Shutdown(grace));
    }
}

struct Exit {
    slot: usize,
    id: String,
    status: std::io::Result<ExitStatus>,
    lived: Duration,
}

#[derive(Default)]
struct Slot {
    generation: u32,
    /// The worker this slot runs now, by id.
    current: Option<String>,
    backoff: Option<Duration>,
    restart_at: Option<Instant>,
}

/// Restart delays: a crash restarts fast, a worker that cannot start slowly.
const CRASH_BACKOFF: (Duration, Duration) = (Duration::from_millis(200), Duration::from_secs(10));
const START_BACKOFF: (Duration, Duration) = (Duration::from_secs(2), Duration::from_secs(60));
/// A worker that lived this long starts its backoff afresh.
const HEALTHY: Duration = Duration::from_secs(30);

async fn supervise(
    spec: WorkerSpec,
    dispatcher: mpsc::UnboundedSender<Input>,
    mut orders: mpsc::UnboundedReceiver<Order>,
) {
    let (exits_tx, mut exits) = mpsc::unbounded_channel::<Exit>();
    let mut slots: Vec<Slot> = (0..spec.count).map(|_| Slot::default()).collect();
    // Every live child, by id: its kill switch.
    let mut alive: HashMap<String, oneshot::Sender<()>> = HashMap::new();
    let mut stopping: Option<Instant> = None;
    for (index, slot) in slots.iter_mut().enumerate() {
        start(&spec, index, slot, &mut alive, &exits_tx);
    }
    loop {
        if stopping.is_some() && alive.is_empty() {
            return;
        }
        let restart = slots.iter().filter_map(|s| s.restart_at).min();
        let wake = match (restart, stopping) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        tokio::select! {
            order = orders.recv() => match order {
                Some(Order::Recycle(id)) => {
                    let Some(index) = slots.iter().position(|s| s.current.as_deref() == Some(id.as_str())) else {
                        continue;
                    };
                    if stopping.is_none() {
                        // Its exit is expected now; the slot runs the replacement.
                        start(&spec, index, &mut slots[index], &mut alive, &exits_tx);
                    }
                    let _ = dispatcher.send(Input::Drain(id));
                }
                Some(Order::Shutdown(grace)) => {
                    stopping.get_or_insert(Instant::now() + grace);
                    for slot in &mut slots {
                        slot.restart_at = None;
                    }
                }
                None => stopping = stopping.or(Some(Instant::now())),
            },
            Some(exit) = exits.recv() => {
                alive.remove(&exit.id);
                let slot = &mut slots[exit.slot];
                if slot.current.as_deref() != Some(exit.id.as_str()) {
                    eprintln!("start-workers: worker {} exited after draining", exit.id);
                    continue;
                }
                slot.current = None;
                if stopping.is_some() {
                    continue;
                }
                let (why, cannot_start) = describe(&exit);
                let (first, max) = if cannot_start { START_BACKOFF } else { CRASH_BACKOFF };
                let delay = match slot.backoff {
                    Some(last) if exit.lived < HEALTHY => (last * 2).clamp(first, max),
                    _ => first,
                };
                slot.backoff = Some(delay);
                slot.restart_at = Some(Instant::now() + delay);
                eprintln!("start-workers: worker {} {why}; starting another in {delay:?}", exit.id);
            }
            () = sleep_until(wake) => {
                let now = Instant::now();
                if stopping.is_some_and(|at| now >= at) {
                    for (id, kill) in alive.drain() {
                        eprintln!("start-workers: worker {id} did not exit in time: killing it");
                        let _ = kill.send(());
                    }
                    return;
                }
                for (index, slot) in slots.iter_mut().enumerate() {
                    if slot.restart_at.is_some_and(|at| now >= at) {
                        slot.restart_at = None;
                        start(&spec, index, slot, &mut alive, &exits_tx);
                    }
                }
            }
        }
    }
}

async fn sleep_until(wake: Option<Instant>) {
    match wake {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

fn describe(exit: &Exit) -> (String, bool) {
    match &exit.status {
        Err(error) => (format!("could not be waited for ({error})"), false),
        Ok(status) => match status.code() {
            Some(2) => (
                "could not start (exit status 2; its error is above: check RAPPEL_USER_MODULE, \
                 the worker's environment and that the rappel package is installed for its Python)"
                    .to_string(),
                true,
            ),
            Some(code) => (format!("exited with status {code}"), false),
            None => (format!("was killed ({status})"), false),
        },
    }
}

/// Spawns the next worker of `slot`; a spawn that fails is retried as a
/// worker that cannot start.
fn start(
    spec: &WorkerSpec,
    index: usize,
    slot: &mut Slot,
    alive: &mut HashMap<String, oneshot::Sender<()>>,
    exits: &mpsc::UnboundedSender<Exit>,
) {
    slot.generation += 1;
    let id = if slot.generation == 1 {
        format!("w{}", index + 1)
    } else {
        format!("w{}.{}", index + 1, slot.generation)
    };
    let mut command = Command::new(&spec.python);
    command
        .args(["-m", "rappel.worker"])
        .envs(spec.env.iter().map(|(k, v)| (k, v)))
        .env("RAPPEL_WORKER_ADDR", spec.worker_addr.to_string())
        .env("RAPPEL_WORKER_ID", &id)
        .env("RAPPEL_USER_MODULE", &spec.user_module)
        .env(
            "RAPPEL_CONCURRENT_PER_WORKER",
            spec.concurrent_per_worker.to_string(),
        )
        .stdin(Stdio::null())
        // Our stdout carries the ready line: what the user's code prints
        // goes to stderr with the logs.
        .stdout(Stdio::from(std::io::stderr()))
        .kill_on_drop(true);
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(error) => {
            let delay = slot.backoff.map_or(START_BACKOFF.0, |d| {
                (d * 2).clamp(START_BACKOFF.0, START_BACKOFF.1)
            });
            eprintln!(
                "start-workers: cannot run {} -m rappel.worker: {error} (set RAPPEL_PYTHON to the \
                 Python that has rappel installed); trying again in {delay:?}",
                spec.python.display()
            );
            slot.current = None;
            slot.backoff = Some(delay);
            slot.restart_at = Some(Instant::now() + delay);
            return;
        }
    };
    let (kill, killed) = oneshot::channel::<()>();
    alive.insert(id.clone(), kill);
    slot.current = Some(id.clone());
    let exits = exits.clone();
    let started = Instant::now();
    tokio::spawn(async move {
        let status = tokio::select! {
            status = child.wait() => status,
            Ok(()) = killed => {
                let _ = child.start_kill();
                child.wait().await
            }
        };
        let _ = exits.send(Exit {
            slot: index,
            id,
            status,
            lived: started.elapsed(),
        });
    });
}
