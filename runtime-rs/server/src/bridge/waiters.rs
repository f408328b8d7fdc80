//! Wakes the bridge's waiting clients when their instance finishes, with one
//! notification listener (one connection) for all of them: a connection per
//! waiter would not survive thousands of clients waiting at once. A sweep
//! each poll interval reads the status of every watched instance in one
//! query, so a notification lost while the listener reconnects delays a
//! waiter by one interval at most.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rappel_store::{Event, InstanceId, Listener, Store};
use tokio::sync::{broadcast, watch};
use tokio::time::Instant;

/// Room for finish events between a waiter's looks; one that falls behind
/// just looks again.
const CHANNEL_CAPACITY: usize = 4096;
/// The most ids one sweep reads in one query.
const SWEEP_CHUNK: usize = 5000;

#[derive(Clone)]
pub(super) struct Waiters {
    finished: broadcast::Sender<InstanceId>,
    /// How many waiters watch each instance.
    watched: Arc<Mutex<HashMap<InstanceId, usize>>>,
}

impl Waiters {
    /// Starts the listening task; it ends when `stopping` turns true.
    pub(super) fn start(store: Store, stopping: watch::Receiver<bool>) -> Waiters {
        let (finished, _) = broadcast::channel(CHANNEL_CAPACITY);
        let waiters = Waiters {
            finished,
            watched: Arc::new(Mutex::new(HashMap::new())),
        };
        tokio::spawn(waiters.clone().listen(store, stopping));
        waiters
    }

    fn watched(&self) -> MutexGuard<'_, HashMap<InstanceId, usize>> {
        self.watched.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Watch `id` until the returned guard drops.
    pub(super) fn watch(&self, id: &InstanceId) -> Watch {
        let receiver = self.finished.subscribe();
        *self.watched().entry(id.clone()).or_insert(0) += 1;
        Watch {
            id: id.clone(),
            receiver,
            waiters: self.clone(),
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
                Some(Ok(Event::Finished(id))) => {
                    let _ = self.finished.send(id);
                }
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
                    let _ = self.finished.send(status.id);
                }
            }
        }
    }
}

/// A waiter's interest in one instance.
pub(super) struct Watch {
    id: InstanceId,
    receiver: broadcast::Receiver<InstanceId>,
    waiters: Waiters,
}

impl Watch {
    /// Returns when the instance may have finished: look at its status then.
    pub(super) async fn finished(&mut self) {
        loop {
            match self.receiver.recv().await {
                Ok(id) if id == self.id => return,
                Ok(_) => {}
                // Events were dropped: this one may be among them.
                Err(broadcast::error::RecvError::Lagged(_)) => return,
                // The listening task ended (the bridge stops): never wake;
                // the caller's deadline or stop signal ends the wait.
                Err(broadcast::error::RecvError::Closed) => std::future::pending().await,
            }
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let mut watched = self.waiters.watched();
        if let Some(count) = watched.get_mut(&self.id) {
            *count -= 1;
            if *count == 0 {
                watched.remove(&self.id);
            }
        }
    }
}
