//! Wakes the bridge's waiting clients when their instance finishes, with one
//! notification listener (one connection) for all of them: a connection per
//! waiter would not survive thousands of clients waiting at once. A finish
//! wakes only the waiters of that instance (one map lookup), so thousands of
//! waiters cost nothing per finish of another instance. A sweep each poll
//! interval reads the status of every watched instance in one query, so a
//! notification lost while the listener reconnects delays a waiter by one
//! interval at most. A wait for many instances at once (`watch_all`) is told
//! which of them may have finished through one channel, rather than holding a
//! signal per instance.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rappel_store::{Event, InstanceId, Listener, Store};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

/// The most ids one sweep reads in one query.
const SWEEP_CHUNK: usize = 5000;

/// The waiters of one instance: a signal they all see, and how many they
/// are; and the waits for many instances that include it, each told its id.
struct Watched {
    signal: watch::Sender<()>,
    count: usize,
    groups: Vec<(u64, mpsc::UnboundedSender<InstanceId>)>,
}

impl Watched {
    fn new() -> Watched {
        Watched {
            signal: watch::Sender::new(()),
            count: 0,
            groups: Vec::new(),
        }
    }

    fn unused(&self) -> bool {
        self.count == 0 && self.groups.is_empty()
    }
}

#[derive(Clone)]
pub(super) struct Waiters {
    watched: Arc<Mutex<HashMap<InstanceId, Watched>>>,
    next_group: Arc<AtomicU64>,
}

impl Waiters {
    /// Starts the listening task; it ends when `stopping` turns true.
    pub(super) fn start(store: Store, stopping: watch::Receiver<bool>) -> Waiters {
        let waiters = Waiters {
            watched: Arc::new(Mutex::new(HashMap::new())),
            next_group: Arc::new(AtomicU64::new(1)),
        };
        tokio::spawn(waiters.clone().listen(store, stopping));
        waiters
    }

    fn watched(&self) -> MutexGuard<'_, HashMap<InstanceId, Watched>> {
        self.watched.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Watch `id` until the returned guard drops.
    pub(super) fn watch(&self, id: &InstanceId) -> Watch {
        let mut watched = self.watched();
        let entry = watched.entry(id.clone()).or_insert_with(Watched::new);
        entry.count += 1;
        // Subscribing marks the current signal seen: only a later one wakes.
        let receiver = entry.signal.subscribe();
        Watch {
            id: id.clone(),
            receiver,
            waiters: self.clone(),
        }
    }

    /// Watch every one of `ids` until the returned guard drops: the id of
    /// each that may have finished arrives on the guard's channel (look at
    /// its status then), once per wake.
    pub(super) fn watch_all(&self, ids: &[InstanceId]) -> WatchAll {
        let key = self.next_group.fetch_add(1, Ordering::Relaxed);
        let (sender, woken) = mpsc::unbounded_channel();
        let mut watched = self.watched();
        for id in ids {
            let entry = watched.entry(id.clone()).or_insert_with(Watched::new);
            entry.groups.push((key, sender.clone()));
        }
        WatchAll {
            key,
            ids: ids.to_vec(),
            woken,
            waiters: self.clone(),
        }
    }

    /// Wakes the waiters of `id`, if it has any.
    fn wake(&self, id: &InstanceId) {
        if let Some(entry) = self.watched().get(id) {
            entry.signal.send_replace(());
            for (_, group) in &entry.groups {
                let _ = group.send(id.clone());
            }
        }
    }

    async fn listen(self, store: Store, mut stopping: watch::Receiver<bool>) {
        let poll = store.poll_interval();
        let mut listener: Option<Listener> = None;
        let mut next_sweep = Instant::now() + poll;
        let mut reported_outage = false;
        loop {
            if super::is_stopping(&stopping) {
                return;
            }
            let woke = match listener.as_mut() {
                Some(open) => tokio::select! {
                    event = open.next_before(next_sweep) => Some(event),
                    _ = stopping.wait_for(|stop| *stop) => None,
                },
                None => match store.listen().await {
                    Ok(open) => {
                        if reported_outage {
                            eprintln!("rappel-bridge: listening for finished instances again");
                            reported_outage = false;
                        }
                        listener = Some(open);
                        // Anything that finished while no one listened.
                        self.sweep(&store).await;
                        next_sweep = Instant::now() + poll;
                        continue;
                    }
                    Err(error) => {
                        if !reported_outage {
                            eprintln!(
                                "rappel-bridge: cannot listen for finished instances ({error}); \
                                 waiting clients are woken by polling until it works again"
                            );
                            reported_outage = true;
                        }
                        tokio::select! {
                            () = tokio::time::sleep(poll.max(Duration::from_millis(500))) => {}
                            _ = stopping.wait_for(|stop| *stop) => {}
                        }
                        None
                    }
                },
            };
            match woke {
                Some(Ok(Event::Finished(id))) => self.wake(&id),
                Some(Ok(Event::Work | Event::Poll)) | None => {}
                Some(Err(error)) => {
                    eprintln!(
                        "rappel-bridge: the notification listener failed ({error}); reconnecting"
                    );
                    reported_outage = true;
                    listener = None;
                }
            }
            if Instant::now() >= next_sweep {
                self.sweep(&store).await;
                next_sweep = Instant::now() + poll;
            }
        }
    }

    /// Wakes the waiters of every watched instance that has finished.
    async fn sweep(&self, store: &Store) {
        let ids: Vec<InstanceId> = self.watched().keys().cloned().collect();
        for chunk in ids.chunks(SWEEP_CHUNK) {
            // A failed sweep is retried at the next interval.
            let Ok(statuses) = store.get_status(chunk).await else {
                return;
            };
            for status in statuses {
                if status.state.is_finished() {
                    self.wake(&status.id);
                }
            }
        }
    }
}

/// A waiter's interest in one instance.
pub(super) struct Watch {
    id: InstanceId,
    receiver: watch::Receiver<()>,
    waiters: Waiters,
}

impl Watch {
    /// Returns when the instance may have finished: look at its status then.
    pub(super) async fn finished(&mut self) {
        // The sender lives in the map as long as this watch does, so this
        // only ends with a signal.
        if self.receiver.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let mut watched = self.waiters.watched();
        if let Some(entry) = watched.get_mut(&self.id) {
            entry.count -= 1;
            if entry.unused() {
                watched.remove(&self.id);
            }
        }
    }
}

/// A wait's interest in many instances.
pub(super) struct WatchAll {
    key: u64,
    ids: Vec<InstanceId>,
    woken: mpsc::UnboundedReceiver<InstanceId>,
    waiters: Waiters,
}

impl WatchAll {
    /// The ids that may have finished since the last call: at least one
    /// (this waits for it), and whatever else was woken meanwhile.
    pub(super) async fn finished(&mut self) -> Vec<InstanceId> {
        // The guard holds a sender in the map as long as it lives, so this
        // only ends with an id.
        let Some(first) = self.woken.recv().await else {
            return std::future::pending().await;
        };
        let mut ids = vec![first];
        while let Ok(id) = self.woken.try_recv() {
            ids.push(id);
        }
        ids
    }
}

impl Drop for WatchAll {
    fn drop(&mut self) {
        let mut watched = self.waiters.watched();
        for id in &self.ids {
            if let Some(entry) = watched.get_mut(id) {
                entry.groups.retain(|(key, _)| *key != self.key);
                if entry.unused() {
                    watched.remove(id);
                }
            }
        }
    }
}
