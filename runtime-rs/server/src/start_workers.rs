//! `start-workers` assembled: the WorkerBridge listener, the supervisor and
//! its workers, the dispatcher and the store's notifications, and the
//! garbage collection of finished instances when it is on.

use std::net::SocketAddr;
use std::time::Duration;

use rappel_store::{Event, Store};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;
use tonic::transport::server::TcpIncoming;

use crate::dispatcher::{Dispatcher, Input, LiveStats, Options};
use crate::supervisor::{Supervisor, WorkerSpec};
use crate::worker_stream::WorkerStreams;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(
        "cannot listen for workers on {addr} (RAPPEL_WORKER_ADDR): {source}; pick a free port, or \
         unset it for one the system picks"
    )]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// How long drained workers have to exit once the dispatcher stopped.
const EXIT_GRACE: Duration = Duration::from_secs(10);

/// The garbage collection of finished instances (RAPPEL_GC_*).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GcOptions {
    /// The pause after a round that left nothing due.
    pub interval: Duration,
    /// Finished instances last updated longer ago than this go.
    pub retention: Duration,
    /// Instances deleted per statement.
    pub batch_size: usize,
}

impl GcOptions {
    /// `None` when RAPPEL_GC_INTERVAL_MS is unset: no collection.
    pub fn from_config(config: &crate::config::Config) -> Option<GcOptions> {
        config.gc_interval.map(|interval| GcOptions {
            interval,
            retention: config.gc_retention,
            batch_size: config.gc_batch_size,
        })
    }
}

/// A running `start-workers`.
pub struct StartWorkers {
    /// Where the WorkerBridge listens.
    pub worker_addr: SocketAddr,
    inputs: mpsc::UnboundedSender<Input>,
    /// How long the workers have to finish their attempts on a stop.
    drain_timeout: Duration,
    supervisor: Supervisor,
    dispatcher: JoinHandle<()>,
    supervisor_task: JoinHandle<()>,
    listener: JoinHandle<()>,
    server: JoinHandle<()>,
    stop_server: oneshot::Sender<()>,
    store: Store,
    gc: Option<JoinHandle<()>>,
    live: watch::Receiver<LiveStats>,
}

impl StartWorkers {
    /// Binds `worker_addr` (127.0.0.1 on a free port when `None`), starts
    /// the dispatcher over `store` and the workers of `spec` (its
    /// `worker_addr` is set here).
    pub async fn start(
        store: Store,
        options: Options,
        worker_addr: Option<SocketAddr>,
        mut spec: WorkerSpec,
    ) -> Result<StartWorkers, StartError> {
        let addr = worker_addr.unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
        let tcp = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| StartError::Bind { addr, source })?;
        let worker_addr = tcp
            .local_addr()
            .map_err(|source| StartError::Bind { addr, source })?;
        spec.worker_addr = worker_addr;

        let (inputs, receiver) = mpsc::unbounded_channel();
        let (events, mut worker_events) = mpsc::unbounded_channel();
        let forward = inputs.clone();
        let (stop_server, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let forwarding = async move {
                while let Some(event) = worker_events.recv().await {
                    let _ = forward.send(Input::Worker(event));
                }
            };
            let serving = tonic::transport::Server::builder()
                .add_service(WorkerStreams::new(events).into_server())
                .serve_with_incoming_shutdown(
                    TcpIncoming::from(tcp).with_nodelay(Some(true)),
                    async {
                        let _ = stopped.await;
                    },
                );
            tokio::select! {
                result = serving => {
                    if let Err(error) = result {
                        eprintln!("start-workers: the WorkerBridge server failed: {error}");
                    }
                }
                () = forwarding => {}
            }
        });

        let drain_timeout = options.drain_timeout;
        let (supervisor, supervisor_task) = Supervisor::start(spec, inputs.clone());
        let dispatcher = Dispatcher::new(
            store.clone(),
            options,
            Box::new(supervisor.clone()),
            inputs.clone(),
        );
        let live = dispatcher.live_stats();
        let dispatcher = tokio::spawn(dispatcher.run(receiver));
        let listener = tokio::spawn(listen(store.clone(), inputs.clone()));
        Ok(StartWorkers {
            worker_addr,
            inputs,
            drain_timeout,
            supervisor,
            dispatcher,
            supervisor_task,
            listener,
            server,
            stop_server,
            store,
            gc: None,
            live,
        })
    }

    /// What the dispatcher holds and has done (for the web dashboard).
    pub fn live_stats(&self) -> watch::Receiver<LiveStats> {
        self.live.clone()
    }

    /// Collects finished instances from now until the stop (replacing a
    /// collection started before).
    pub fn collect_garbage(&mut self, options: GcOptions) {
        if let Some(previous) = self.gc.take() {
            previous.abort();
        }
        self.gc = Some(tokio::spawn(collect_garbage(self.store.clone(), options)));
    }

    /// The graceful stop: no more leases or restarts, the workers drain,
    /// pending writes are written, the leases released, the workers exit.
    pub async fn stop(self) {
        // A deletion cut short rolls back whole: nothing is half deleted.
        if let Some(gc) = &self.gc {
            gc.abort();
        }
        // No more restarts from now; a worker still there once its attempts
        // had their time to finish (and the grace to exit) is killed.
        self.supervisor.shutdown(self.drain_timeout + EXIT_GRACE);
        let _ = self.inputs.send(Input::Shutdown);
        let _ = self.dispatcher.await;
        self.listener.abort();
        let _ = self.stop_server.send(());
        let _ = self.supervisor_task.await;
        let _ = tokio::time::timeout(Duration::from_secs(2), self.server).await;
    }
}

/// Wakes the dispatcher on the store's work notifications, and every poll
/// interval (timers coming due notify nothing); tells it of finished
/// instances (a cancelled one it holds is dropped at once).
async fn listen(store: Store, inputs: mpsc::UnboundedSender<Input>) {
    loop {
        match store.listen().await {
            Ok(mut listener) => loop {
                match listener.next().await {
                    Ok(Event::Work | Event::Poll) => {
                        if inputs.send(Input::Work).is_err() {
                            return;
                        }
                    }
                    Ok(Event::Finished(id)) => {
                        if inputs.send(Input::Finished(id)).is_err() {
                            return;
                        }
                    }
                    Err(error) => {
                        eprintln!("start-workers: {error}; listening again");
                        break;
                    }
                }
            },
            Err(error) => eprintln!("start-workers: {error}; polling meanwhile"),
        }
        tokio::time::sleep(store.poll_interval()).await;
        if inputs.send(Input::Work).is_err() {
            return;
        }
    }
}

/// Deletes finished instances past the retention, a batch per statement
/// until a batch comes back short, then pauses for the interval.
async fn collect_garbage(store: Store, options: GcOptions) {
    loop {
        let mut deleted = 0;
        loop {
            match store
                .collect_garbage(options.retention, options.batch_size)
                .await
            {
                Ok(count) => {
                    deleted += count;
                    if count < options.batch_size {
                        break;
                    }
                }
                Err(error) => {
                    eprintln!(
                        "start-workers: garbage collection: {error}; trying again in {:?}",
                        options.interval
                    );
                    break;
                }
            }
        }
        if deleted > 0 {
            eprintln!(
                "start-workers: garbage collection deleted {deleted} finished instance(s) \
                 older than {}s",
                options.retention.as_secs()
            );
        }
        tokio::time::sleep(options.interval).await;
    }
}
