//! Concurrent requests merged into one store call: the starts of many
//! `StartWorkflow` calls into one transaction, the status reads of many
//! waits into one query. A request waits only while `IN_FLIGHT` earlier
//! calls are running, so one alone goes straight through; under load each
//! call carries more requests instead of queueing for the pool's connections
//! (each start otherwise pays a commit, each wait a query of its own).

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::Arc;

use rappel_store::{InstanceId, InstanceStatus, KeyedStart, Started, Store, StoreError};
use tokio::sync::{Semaphore, mpsc, oneshot};

/// Store calls of one kind running at once (the bridge's pool has 8
/// connections, one of them the listener's).
const IN_FLIGHT: usize = 3;
/// The most starts merged into one transaction.
const MAX_MERGED_STARTS: usize = 10_000;
/// The most ids merged into one status query.
const MAX_MERGED_READS: usize = 5_000;

/// Why a merged call failed, as each of its requests receives it: the
/// store's error, said.
#[derive(Clone, Debug)]
pub(super) struct Failed(pub(super) String);

impl From<StoreError> for Failed {
    fn from(error: StoreError) -> Failed {
        Failed(error.to_string())
    }
}

type StartReply = oneshot::Sender<Result<Vec<Started>, Failed>>;
type ReadReply = oneshot::Sender<Result<Option<InstanceStatus>, Failed>>;

#[derive(Clone)]
pub(super) struct Batching {
    starts: mpsc::UnboundedSender<(Vec<KeyedStart>, StartReply)>,
    reads: mpsc::UnboundedSender<(InstanceId, ReadReply)>,
}

impl Batching {
    /// Starts the two merging tasks; they end when every sender is dropped.
    pub(super) fn start(store: Store) -> Batching {
        let (starts, start_queue) = mpsc::unbounded_channel();
        let (reads, read_queue) = mpsc::unbounded_channel();
        tokio::spawn(merge(
            store.clone(),
            start_queue,
            MAX_MERGED_STARTS,
            |(batch, _): &(Vec<KeyedStart>, StartReply)| batch.len(),
            |store, jobs| async move { start_jobs(&store, jobs).await },
        ));
        tokio::spawn(merge(
            store,
            read_queue,
            MAX_MERGED_READS,
            |_| 1,
            |store, jobs| async move { read_jobs(&store, jobs).await },
        ));
        Batching { starts, reads }
    }

    /// `store.start_keyed(batch)`, maybe in one transaction with other
    /// requests' starts: all of this batch or none of it.
    pub(super) async fn start_keyed(&self, batch: Vec<KeyedStart>) -> Result<Vec<Started>, Failed> {
        let (reply, answer) = oneshot::channel();
        self.starts.send((batch, reply)).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// The status of `id` (None: no such instance), maybe read in one query
    /// with other requests' ids.
    pub(super) async fn status(&self, id: &InstanceId) -> Result<Option<InstanceStatus>, Failed> {
        let (reply, answer) = oneshot::channel();
        self.reads
            .send((id.clone(), reply))
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn stopped() -> Failed {
    Failed("rappel-bridge is stopping: call again on the next one".to_string())
}

/// Takes a queued job, then whatever else is queued already, up to `max`
/// (counted by `size`), and runs them as one store call (`run`), with at
/// most `IN_FLIGHT` calls at once.
async fn merge<J, Run, Done>(
    store: Store,
    mut queue: mpsc::UnboundedReceiver<J>,
    max: usize,
    size: fn(&J) -> usize,
    run: Run,
) where
    J: Send + 'static,
    Run: Fn(Store, Vec<J>) -> Done,
    Done: Future<Output = ()> + Send + 'static,
{
    let slots = Arc::new(Semaphore::new(IN_FLIGHT));
    while let Some(first) = queue.recv().await {
        let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
            return;
        };
        // Whatever queued while the slot was awaited goes in the same call.
        let mut total = size(&first);
        let mut jobs = vec![first];
        while total < max {
            match queue.try_recv() {
                Ok(job) => {
                    total += size(&job);
                    jobs.push(job);
                }
                Err(_) => break,
            }
        }
        let call = run(store.clone(), jobs);
        tokio::spawn(async move {
            call.await;
            drop(slot);
        });
    }
}

async fn start_jobs(store: &Store, jobs: Vec<(Vec<KeyedStart>, StartReply)>) {
    let merged: Vec<KeyedStart> = jobs
        .iter()
        .flat_map(|(batch, _)| batch.iter().cloned())
        .collect();
    match store.start_keyed(&merged).await {
        Ok(started) => {
            let mut started = started.into_iter();
            for (batch, reply) in jobs {
                let _ = reply.send(Ok(started.by_ref().take(batch.len()).collect()));
            }
        }
        // A failure that is not the connection's might be one request's
        // doing: then each request goes alone, so that it fails no other.
        Err(error) if jobs.len() > 1 && !error.is_transient() => {
            for (batch, reply) in jobs {
                let _ = reply.send(store.start_keyed(&batch).await.map_err(Failed::from));
            }
        }
        Err(error) => {
            let failed = Failed::from(error);
            for (_, reply) in jobs {
                let _ = reply.send(Err(failed.clone()));
            }
        }
    }
}

async fn read_jobs(store: &Store, jobs: Vec<(InstanceId, ReadReply)>) {
    let mut seen = HashSet::new();
    let ids: Vec<InstanceId> = jobs
        .iter()
        .filter(|(id, _)| seen.insert(id))
        .map(|(id, _)| id.clone())
        .collect();
    match store.get_status(&ids).await {
        Ok(statuses) => {
            let found: HashMap<InstanceId, InstanceStatus> =
                statuses.into_iter().map(|s| (s.id.clone(), s)).collect();
            for (id, reply) in jobs {
                let _ = reply.send(Ok(found.get(&id).cloned()));
            }
        }
        Err(error) => {
            let failed = Failed::from(error);
            for (_, reply) in jobs {
                let _ = reply.send(Err(failed.clone()));
            }
        }
    }
}
