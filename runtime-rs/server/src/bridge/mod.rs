//! The client bridge (`rappel-bridge`): registers workflow versions, starts
//! instances, answers their status and waits for their outcome, over gRPC
//! (`rappel.v1.Workflows`, `grpc.rs`) and a JSON mirror over HTTP
//! (`http.rs`). Both sides call the same `Bridge`, which checks every request
//! before it reaches Postgres.

mod batching;
mod grpc;
mod http;
mod waiters;

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rappel_store::{
    InstanceId, InstanceState, InstanceStatus, KeyedStart, NewInstance, Started, Store, StoreError,
};
use rrl::exec::Program;
use rrl::value::{Value, codec};
use serde_json::Value as Json;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};

use crate::program::{load_program, unstorable};
use batching::{Batching, Failed};
use waiters::Waiters;

/// The largest encoded arguments of one instance.
pub const MAX_ARGUMENTS_BYTES: usize = crate::MAX_PAYLOAD_BYTES;
/// The most starts one `StartWorkflows` request may carry.
pub const MAX_BATCH: usize = 10_000;
/// The largest gRPC message the bridge reads (a batch of starts, a program).
pub const MAX_GRPC_MESSAGE_BYTES: usize = 64 << 20;
/// The largest HTTP request body the bridge reads.
pub const MAX_HTTP_BODY_BYTES: usize = 16 << 20;
/// The longest one wait for a result lasts; a client waiting longer calls again.
pub const MAX_WAIT: Duration = Duration::from_secs(600);
/// The most instances one `WaitForResults` call waits for.
pub const MAX_WAITED: usize = 10_000;
/// The most statuses read in one query.
const READ_CHUNK: usize = 5_000;

/// Where `Bridge::wait_all` sends the statuses of finished instances (those
/// read together in one batch), and its error if it fails.
pub type StatusSender = mpsc::UnboundedSender<Result<Vec<InstanceStatus>>>;

/// Why a request was refused; each maps to a gRPC code and an HTTP status.
#[derive(Debug, thiserror::Error)]
pub enum BridgeError {
    #[error("{0}")]
    InvalidArgument(String),
    #[error("{0}")]
    NotFound(String),
    /// A stored version this runtime cannot run.
    #[error("{0}")]
    FailedPrecondition(String),
    #[error("{0}")]
    Store(#[from] StoreError),
    /// A store call shared with other requests failed (`batching.rs`).
    #[error("{0}")]
    Unavailable(String),
}

impl From<Failed> for BridgeError {
    fn from(failed: Failed) -> BridgeError {
        BridgeError::Unavailable(failed.0)
    }
}

impl BridgeError {
    /// The same error about one item of a batch.
    fn at(self, index: usize) -> BridgeError {
        match self {
            BridgeError::InvalidArgument(m) => {
                BridgeError::InvalidArgument(format!("starts[{index}]: {m}"))
            }
            BridgeError::NotFound(m) => BridgeError::NotFound(format!("starts[{index}]: {m}")),
            BridgeError::FailedPrecondition(m) => {
                BridgeError::FailedPrecondition(format!("starts[{index}]: {m}"))
            }
            other => other,
        }
    }
}

type Result<T, E = BridgeError> = std::result::Result<T, E>;

/// A registered version made runnable, kept for its parameters and classes.
struct Loaded {
    workflow: String,
    program: Program,
}

/// What both the gRPC and the HTTP side serve.
pub struct Bridge {
    store: Store,
    /// Versions are immutable, so a loaded one stays valid for good.
    programs: Mutex<HashMap<i64, Arc<Loaded>>>,
    waiters: Waiters,
    batching: Batching,
    stopping: watch::Receiver<bool>,
}

/// One start of a batch: a version id as the client wrote it and the
/// arguments' codec JSON data.
pub struct StartRequest<'a> {
    pub version_id: &'a str,
    pub arguments: Arguments<'a>,
    pub idempotency_key: Option<&'a str>,
}

/// The longest idempotency key, in bytes.
pub const MAX_IDEMPOTENCY_KEY_BYTES: usize = 256;

/// The arguments as they came: bytes over gRPC, parsed JSON over HTTP.
pub enum Arguments<'a> {
    Bytes(&'a [u8]),
    Json(&'a Json),
}

impl Bridge {
    /// A bridge over `store`; waits end early once `stopping` turns true.
    pub fn new(store: Store, stopping: watch::Receiver<bool>) -> Arc<Bridge> {
        let waiters = Waiters::start(store.clone(), stopping.clone());
        let batching = Batching::start(store.clone());
        Arc::new(Bridge {
            store,
            programs: Mutex::new(HashMap::new()),
            waiters,
            batching,
            stopping,
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Stores a version whose program loads; the same text again is the same
    /// version.
    pub async fn register(
        &self,
        workflow: &str,
        rrl_text: &str,
    ) -> Result<rappel_store::VersionRef> {
        if workflow.trim().is_empty() {
            return Err(BridgeError::InvalidArgument(
                "the workflow name is empty: give the name of the workflow the program runs"
                    .to_string(),
            ));
        }
        if let Some(problem) = unstorable(workflow, rrl_text) {
            return Err(BridgeError::InvalidArgument(problem));
        }
        let program = load_program(workflow, rrl_text)
            .map_err(|error| BridgeError::InvalidArgument(error.to_string()))?;
        let version = self.store.register_version(workflow, rrl_text).await?;
        self.cache().insert(
            version.id,
            Arc::new(Loaded {
                workflow: workflow.to_string(),
                program,
            }),
        );
        Ok(version)
    }

    /// Queues instances, all or none, in one store call (shared with the
    /// starts of concurrent requests); their ids in order, each saying
    /// whether its idempotency key named an existing instance.
    pub async fn start(&self, starts: &[StartRequest<'_>]) -> Result<Vec<Started>> {
        if starts.len() > MAX_BATCH {
            return Err(BridgeError::InvalidArgument(format!(
                "{} starts in one request; the most is {MAX_BATCH}: split the batch",
                starts.len()
            )));
        }
        let mut batch = Vec::with_capacity(starts.len());
        for (index, start) in starts.iter().enumerate() {
            let prepared = self.prepare(start).await;
            batch.push(if starts.len() == 1 {
                prepared?
            } else {
                prepared.map_err(|error| error.at(index))?
            });
        }
        Ok(self.batching.start_keyed(batch).await?)
    }

    /// One start checked: its version exists and loads, its arguments decode
    /// to run()'s keyword arguments.
    async fn prepare(&self, start: &StartRequest<'_>) -> Result<KeyedStart> {
        if let Some(key) = start.idempotency_key
            && (key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY_BYTES)
        {
            return Err(BridgeError::InvalidArgument(format!(
                "the idempotency key is {} bytes; give 1 to {MAX_IDEMPOTENCY_KEY_BYTES} \
                 (a request or order id, not the payload)",
                key.len()
            )));
        }
        let size = match start.arguments {
            Arguments::Bytes(bytes) => bytes.len(),
            Arguments::Json(json) => serde_json::to_string(json).map_or(0, |text| text.len()),
        };
        if size > MAX_ARGUMENTS_BYTES {
            return Err(BridgeError::InvalidArgument(format!(
                "the arguments are {size} bytes encoded; the most is {MAX_ARGUMENTS_BYTES} \
                 (4 MiB): pass large data by reference (a key, a URL) instead"
            )));
        }
        let version_id = parse_version_id(start.version_id)?;
        let loaded = self.program(version_id).await?;
        let parsed;
        let data = match start.arguments {
            Arguments::Json(json) => json,
            Arguments::Bytes(bytes) => {
                parsed = serde_json::from_slice::<Json>(bytes).map_err(|error| {
                    BridgeError::InvalidArgument(format!("the arguments are not JSON: {error}"))
                })?;
                &parsed
            }
        };
        Ok(KeyedStart {
            instance: NewInstance {
                version_id,
                arguments: check_arguments(&loaded, data)?,
            },
            idempotency_key: start.idempotency_key.map(str::to_string),
        })
    }

    /// The loaded program of a stored version.
    async fn program(&self, version_id: i64) -> Result<Arc<Loaded>> {
        if let Some(loaded) = self.cache().get(&version_id) {
            return Ok(Arc::clone(loaded));
        }
        let versions = self.store.load_versions(&[version_id]).await?;
        let Some(version) = versions.get(&version_id) else {
            return Err(BridgeError::NotFound(format!(
                "no workflow version {version_id}: register the workflow first \
                 (RegisterWorkflow returns its version id)"
            )));
        };
        let program = load_program(&version.name, &version.rrl_text).map_err(|error| {
            BridgeError::FailedPrecondition(format!(
                "version {version_id} is stored but this runtime cannot run it: {error}"
            ))
        })?;
        let loaded = Arc::new(Loaded {
            workflow: version.name.clone(),
            program,
        });
        self.cache().insert(version_id, Arc::clone(&loaded));
        Ok(loaded)
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<Loaded>>> {
        // A panic while holding the lock left the map whole: keep using it.
        self.programs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub async fn status(&self, instance_id: &str) -> Result<InstanceStatus> {
        self.status_of(&parse_instance_id(instance_id)?).await
    }

    /// The status of a known instance; `NotFound` for any other. Concurrent
    /// reads share one query (`batching`).
    async fn status_of(&self, id: &InstanceId) -> Result<InstanceStatus> {
        self.batching
            .status(id)
            .await?
            .ok_or_else(|| unknown_instance(id))
    }

    /// Cancels an instance that has not finished; says whether this call
    /// cancelled it, with its status (`Cancelled`, or the final state it
    /// had reached before). An unknown instance is `NotFound`. The status is
    /// read on its own, after the cancel committed, never from a shared read
    /// that may have started before it.
    pub async fn cancel(&self, instance_id: &str) -> Result<(bool, InstanceStatus)> {
        let id = parse_instance_id(instance_id)?;
        let cancelled = !self
            .store
            .cancel_instances(std::slice::from_ref(&id))
            .await?
            .is_empty();
        let status = self
            .store
            .get_status(std::slice::from_ref(&id))
            .await?
            .pop()
            .ok_or_else(|| unknown_instance(&id))?;
        Ok((cancelled, status))
    }

    /// The status once the instance finished, or when `timeout_seconds`
    /// (at most `MAX_WAIT`) pass or the bridge stops, whichever comes first.
    pub async fn wait(&self, instance_id: &str, timeout_seconds: f64) -> Result<InstanceStatus> {
        let id = parse_instance_id(instance_id)?;
        let deadline = wait_deadline(timeout_seconds)?;
        // Watch before looking, so a finish between the two is not missed.
        let mut watch = self.waiters.watch(&id);
        let mut stopping = self.stopping.clone();
        loop {
            let status = self.status_of(&id).await?;
            if status.state.is_finished()
                || tokio::time::Instant::now() >= deadline
                || is_stopping(&stopping)
            {
                return Ok(status);
            }
            tokio::select! {
                () = watch.finished() => {}
                () = tokio::time::sleep_until(deadline) => {}
                _ = stopping.wait_for(|stop| *stop) => {}
            }
        }
    }

    /// Waits for many instances: sends the statuses of those that have
    /// finished, then of the others as they finish, each once, until all are
    /// sent, `timeout_seconds` (at most `MAX_WAIT`) pass, the bridge stops or
    /// the receiver is gone. A bad or unknown id is an error sent before any
    /// status. One wake reads the statuses of every instance it names in one
    /// query, so a thousand waits cost one query a round, not a thousand.
    pub async fn wait_all(
        &self,
        instance_ids: &[String],
        timeout_seconds: f64,
        send: StatusSender,
    ) {
        if let Err(error) = self
            .wait_all_or_fail(instance_ids, timeout_seconds, &send)
            .await
        {
            let _ = send.send(Err(error));
        }
    }

    async fn wait_all_or_fail(
        &self,
        instance_ids: &[String],
        timeout_seconds: f64,
        send: &StatusSender,
    ) -> Result<()> {
        if instance_ids.len() > MAX_WAITED {
            return Err(BridgeError::InvalidArgument(format!(
                "{} instances in one wait; the most is {MAX_WAITED}: split them",
                instance_ids.len()
            )));
        }
        let deadline = wait_deadline(timeout_seconds)?;
        let mut ids = Vec::with_capacity(instance_ids.len());
        let mut left = HashSet::with_capacity(instance_ids.len());
        for (index, text) in instance_ids.iter().enumerate() {
            let id = parse_instance_id(text).map_err(|error| {
                BridgeError::InvalidArgument(format!("instance_ids[{index}]: {error}"))
            })?;
            if left.insert(id.clone()) {
                ids.push(id);
            }
        }
        // Watch before looking, so a finish between the two is not missed.
        let mut watch = self.waiters.watch_all(&ids);
        let mut stopping = self.stopping.clone();
        let mut read = self.read_statuses(&ids).await?;
        if read.len() < ids.len() {
            let found: HashSet<&InstanceId> = read.iter().map(|status| &status.id).collect();
            if let Some(index) = instance_ids
                .iter()
                .position(|text| parse_instance_id(text).is_ok_and(|id| !found.contains(&id)))
            {
                return Err(BridgeError::NotFound(format!(
                    "instance_ids[{index}]: no instance {}",
                    instance_ids[index].trim()
                )));
            }
        }
        loop {
            let finished: Vec<InstanceStatus> = read
                .into_iter()
                .filter(|status| status.state.is_finished() && left.remove(&status.id))
                .collect();
            if !finished.is_empty() && send.send(Ok(finished)).is_err() {
                return Ok(());
            }
            if left.is_empty() || is_stopping(&stopping) {
                return Ok(());
            }
            let woken = tokio::select! {
                woken = watch.finished() => woken,
                () = tokio::time::sleep_until(deadline) => return Ok(()),
                _ = stopping.wait_for(|stop| *stop) => return Ok(()),
                () = send.closed() => return Ok(()),
            };
            let mut woken: Vec<InstanceId> =
                woken.into_iter().filter(|id| left.contains(id)).collect();
            woken.sort_unstable();
            woken.dedup();
            read = self.read_statuses(&woken).await?;
        }
    }

    /// The statuses of the known ones of `ids`, in queries of `READ_CHUNK`.
    async fn read_statuses(&self, ids: &[InstanceId]) -> Result<Vec<InstanceStatus>> {
        let mut statuses = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(READ_CHUNK) {
            statuses.extend(self.store.get_status(chunk).await?);
        }
        Ok(statuses)
    }
}

/// When a wait of `timeout_seconds` (at most `MAX_WAIT`) ends.
fn wait_deadline(timeout_seconds: f64) -> Result<tokio::time::Instant> {
    if timeout_seconds.is_nan() {
        return Err(BridgeError::InvalidArgument(
            "timeout_seconds is NaN: give a number of seconds".to_string(),
        ));
    }
    let timeout = Duration::from_secs_f64(timeout_seconds.clamp(0.0, MAX_WAIT.as_secs_f64()));
    Ok(tokio::time::Instant::now() + timeout)
}

/// Told to stop, or the server that would tell it is gone.
pub(crate) fn is_stopping(stopping: &watch::Receiver<bool>) -> bool {
    *stopping.borrow() || stopping.has_changed().is_err()
}

fn parse_version_id(text: &str) -> Result<i64> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|&id| id > 0)
        .ok_or_else(|| {
            BridgeError::InvalidArgument(format!(
                "{text:?} is not a version id (the number RegisterWorkflow returns)"
            ))
        })
}

fn parse_instance_id(text: &str) -> Result<InstanceId> {
    InstanceId::parse(text.trim()).map_err(|error| BridgeError::InvalidArgument(error.to_string()))
}

fn unknown_instance(id: &InstanceId) -> BridgeError {
    BridgeError::NotFound(format!("no instance {id}"))
}

/// The arguments are the codec encoding of a dict from run()'s parameter
/// names to values the program's classes can hold, with every parameter
/// without a default present. Returns the value encoded again, canonical and
/// storable (a U+0000 a client sent in a plain JSON string is tagged, as
/// Postgres requires).
fn check_arguments(loaded: &Loaded, data: &Json) -> Result<String> {
    const SHAPE: &str = "the arguments must be the codec encoding of a dict of run()'s keyword \
                         arguments, such as {\"dict\": [[\"name\", \"Ada\"]]}";
    let value = codec::decode(data, loaded.program.evaluator().resolver()).map_err(|error| {
        BridgeError::InvalidArgument(format!(
            "the arguments do not decode: {} {}; {SHAPE}",
            error.location("arguments"),
            error.reason()
        ))
    })?;
    let Value::Dict(dict) = &value else {
        return Err(BridgeError::InvalidArgument(format!(
            "the arguments decode to a {}, not a dict; {SHAPE}",
            value.type_of().name()
        )));
    };
    let params = &loaded.program.dag().params;
    let workflow = &loaded.workflow;
    let mut names = Vec::with_capacity(dict.len());
    for key in dict.keys() {
        match key {
            Value::Str(name) => names.push(name.as_ref()),
            other => {
                return Err(BridgeError::InvalidArgument(format!(
                    "the arguments have a key of type {}: keyword argument names are strings; \
                     {SHAPE}",
                    other.type_of().name()
                )));
            }
        }
    }
    let quoted = |list: &[&str]| {
        list.iter()
            .map(|name| format!("'{name}'"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let parameters = if params.is_empty() {
        "it takes none".to_string()
    } else {
        let all: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
        format!("its parameters are {}", quoted(&all))
    };
    let unknown: Vec<&str> = names
        .iter()
        .copied()
        .filter(|name| !params.iter().any(|p| p.name == *name))
        .collect();
    if !unknown.is_empty() {
        return Err(BridgeError::InvalidArgument(format!(
            "{workflow}.run() got unexpected keyword argument(s) {}; {parameters}",
            quoted(&unknown)
        )));
    }
    let missing: Vec<&str> = params
        .iter()
        .filter(|p| p.default.is_none() && !names.contains(&p.name.as_str()))
        .map(|p| p.name.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(BridgeError::InvalidArgument(format!(
            "{workflow}.run() is missing required argument(s) {}; {parameters}",
            quoted(&missing)
        )));
    }
    codec::dumps(&value).map_err(|error| {
        BridgeError::InvalidArgument(format!(
            "the arguments cannot be encoded again: {} {}",
            error.location("arguments"),
            error.reason()
        ))
    })
}

/// The wire name of a state (the HTTP mirror's `state`).
pub fn state_name(state: InstanceState) -> &'static str {
    state.as_str()
}

/// Where a running bridge listens, and how to stop it.
pub struct BridgeServer {
    pub http_addr: SocketAddr,
    pub grpc_addr: SocketAddr,
    stop: watch::Sender<bool>,
    serving: tokio::task::JoinHandle<Result<(), ServeError>>,
}

/// Why the bridge could not listen or serve.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(
        "cannot listen for {what} on {addr}: {source}; set {variable} to a free host:port \
         (port 0 lets the system pick one)"
    )]
    Bind {
        what: &'static str,
        variable: &'static str,
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the bridge's {what} server failed: {message}")]
    Serve { what: &'static str, message: String },
}

/// A listener on `addr`, and the address it got (the port of port 0).
async fn listen(
    addr: SocketAddr,
    what: &'static str,
    variable: &'static str,
) -> Result<(TcpListener, SocketAddr), ServeError> {
    let error = |source| ServeError::Bind {
        what,
        variable,
        addr,
        source,
    };
    let listener = TcpListener::bind(addr).await.map_err(error)?;
    let bound = listener.local_addr().map_err(error)?;
    Ok((listener, bound))
}

impl BridgeServer {
    /// Binds both listeners (HTTP first: it is the one clients find) and
    /// serves until `stop`.
    pub async fn bind(
        store: Store,
        http_addr: SocketAddr,
        grpc_addr: SocketAddr,
    ) -> Result<BridgeServer, ServeError> {
        let (http, http_addr) = listen(http_addr, "HTTP", "RAPPEL_HTTP_ADDR").await?;
        let (grpc, grpc_addr) = listen(grpc_addr, "gRPC", "RAPPEL_GRPC_ADDR").await?;
        let (stop, stopping) = watch::channel(false);
        let bridge = Bridge::new(store, stopping.clone());
        let ports = http::Ports {
            http: http_addr.port(),
            grpc: grpc_addr.port(),
        };
        let serving = tokio::spawn(async move {
            let signal = |mut stopping: watch::Receiver<bool>| async move {
                let _ = stopping.wait_for(|stop| *stop).await;
            };
            let grpc_server = grpc::serve(Arc::clone(&bridge), grpc, signal(stopping.clone()));
            let http_server = http::serve(bridge, ports, http, signal(stopping));
            let (grpc_result, http_result) = tokio::join!(grpc_server, http_server);
            let failed = |what| {
                move |error: std::io::Error| ServeError::Serve {
                    what,
                    message: error.to_string(),
                }
            };
            grpc_result.map_err(failed("gRPC"))?;
            http_result.map_err(failed("HTTP"))
        });
        Ok(BridgeServer {
            http_addr,
            grpc_addr,
            stop,
            serving,
        })
    }

    /// The line the contract says the binary prints when ready.
    pub fn ready_line(&self) -> String {
        format!(
            "rappel-bridge ready http={} grpc={}",
            self.http_addr, self.grpc_addr
        )
    }

    /// Stops taking requests, ends waits (they answer the status so far),
    /// and returns once both servers closed.
    pub async fn stop(self) -> Result<(), ServeError> {
        let _ = self.stop.send(true);
        self.join().await
    }

    /// Serves until `signal`, then stops.
    pub async fn run_until(self, signal: impl Future<Output = ()>) -> Result<(), ServeError> {
        signal.await;
        self.stop().await
    }

    async fn join(self) -> Result<(), ServeError> {
        self.serving.await.unwrap_or_else(|error| {
            Err(ServeError::Serve {
                what: "gRPC and HTTP",
                message: error.to_string(),
            })
        })
    }
}
