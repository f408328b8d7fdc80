//! The single writer: every durable write of the dispatcher goes through it,
//! collected into batches (whatever arrives within a millisecond of the
//! first, up to the batch size) and written as one statement per kind. Its
//! report goes back to the dispatcher, which feeds a completion to its
//! machine only once the report says it is in the log.

use std::collections::HashMap;
use std::time::Duration;

use rappel_store::{
    Appended, Finished, InstanceId, NewCompletion, NewSnapshot, Store, StoreError, TimerKey,
};
use rrl::exec::Completion;
use tokio::sync::mpsc;

/// How long the writer waits for more after the first write of a batch.
const COLLECT: Duration = Duration::from_millis(1);

/// One durable write.
pub enum Write {
    /// A completion for the log; `completion` is what the row encodes.
    Append {
        row: NewCompletion,
        completion: Completion,
    },
    /// A timer, due after the delay unless recorded already.
    Timer {
        key: TimerKey,
        delay: Duration,
    },
    Snapshot(NewSnapshot),
    Finish(Finished),
    /// Sleep until the delay passes, giving the lease up.
    Park {
        id: InstanceId,
        delay: Duration,
    },
}

/// What became of one batch.
#[derive(Default)]
pub struct Report {
    /// In the batch's order.
    pub appended: Vec<(InstanceId, Completion, Appended)>,
    /// Each timer and the time left until it is due; `None` when the
    /// instance's lease is gone.
    pub timers: Vec<(TimerKey, Option<Duration>)>,
    /// Snapshots written or not (a failed one only means a longer replay).
    pub snapshots: usize,
    /// Finished or parked: no longer held, whatever the store answered.
    pub released: Vec<InstanceId>,
    /// Instances whose writes failed, with the error: their state in the
    /// store is uncertain, so they are dropped and rebuilt from the log.
    pub failed: Vec<(InstanceId, String)>,
}

impl Report {
    /// The writes it answers (one per write sent), for the in-flight count.
    pub fn answered(&self) -> usize {
        self.appended.len()
            + self.timers.len()
            + self.snapshots
            + self.released.len()
            + self.failed.len()
    }
}

/// Starts the writer; it stops when the sender is dropped, after writing
/// what it holds.
pub fn spawn(
    store: Store,
    owner: String,
    batch_size: usize,
    reports: impl Fn(Report) + Send + 'static,
) -> mpsc::UnboundedSender<Write> {
    let (sender, mut writes) = mpsc::unbounded_channel::<Write>();
    tokio::spawn(async move {
        while let Some(first) = writes.recv().await {
            let mut batch = vec![first];
            let until = tokio::time::Instant::now() + COLLECT;
            while batch.len() < batch_size {
                match tokio::time::timeout_at(until, writes.recv()).await {
                    Ok(Some(write)) => batch.push(write),
                    Ok(None) | Err(_) => break,
                }
            }
            let report = write_batch(&store, &owner, batch).await;
            reports(report);
        }
    });
    sender
}

async fn write_batch(store: &Store, owner: &str, batch: Vec<Write>) -> Report {
    let mut appends = Vec::new();
    let mut timers = Vec::new();
    let mut snapshots = Vec::new();
    let mut finishes = Vec::new();
    let mut parks = Vec::new();
    for write in batch {
        match write {
            Write::Append { row, completion } => appends.push((row, completion)),
            Write::Timer { key, delay } => timers.push((key, delay)),
            Write::Snapshot(snapshot) => snapshots.push(snapshot),
            Write::Finish(finished) => finishes.push(finished),
            Write::Park { id, delay } => parks.push((id, delay)),
        }
    }
    let mut report = Report::default();
    let fail = |report: &mut Report, ids: Vec<InstanceId>, error: &StoreError| {
        eprintln!("start-workers: {error}; the instances concerned are rebuilt from their logs");
        let message = error.to_string();
        report
            .failed
            .extend(ids.into_iter().map(|id| (id, message.clone())));
    };

    if !appends.is_empty() {
        let rows: Vec<NewCompletion> = appends.iter().map(|(row, _)| row.clone()).collect();
        match store.append_completions(owner, &rows).await {
            Ok(outcomes) => {
                for ((row, completion), outcome) in appends.into_iter().zip(outcomes) {
                    report.appended.push((row.instance_id, completion, outcome));
                }
            }
            Err(error) => fail(
                &mut report,
                rows.into_iter().map(|row| row.instance_id).collect(),
                &error,
            ),
        }
    }
    if !timers.is_empty() {
        // One statement cannot write a row twice: each timer once.
        let mut seen = std::collections::HashSet::new();
        let unique: Vec<(TimerKey, Duration)> = timers
            .iter()
            .filter(|(key, _)| seen.insert(key.clone()))
            .cloned()
            .collect();
        match store.record_timers(owner, &unique).await {
            Ok(left) => {
                for (key, _) in timers {
                    let due = left.get(&key).copied();
                    report.timers.push((key, due));
                }
            }
            Err(error) => fail(
                &mut report,
                timers.into_iter().map(|(key, _)| key.instance_id).collect(),
                &error,
            ),
        }
    }
    // A snapshot only shortens replay: one that fails is not retried.
    report.snapshots = snapshots.len();
    // One statement cannot write a row twice: the latest of each instance.
    let mut latest: HashMap<InstanceId, NewSnapshot> = HashMap::new();
    for snapshot in snapshots {
        match latest.get(&snapshot.instance_id) {
            Some(kept) if kept.seq >= snapshot.seq => {}
            _ => {
                latest.insert(snapshot.instance_id.clone(), snapshot);
            }
        }
    }
    let snapshots: Vec<NewSnapshot> = latest.into_values().collect();
    if !snapshots.is_empty() {
        if let Err(error) = store.save_snapshots(owner, &snapshots).await {
            eprintln!("start-workers: {error} (replay starts from an older snapshot)");
        }
    }
    if !finishes.is_empty() {
        let ids = finishes.iter().map(|f| f.instance_id.clone()).collect();
        match store.finish_instances(owner, &finishes).await {
            Ok(finished) => {
                // Their timers are of no more use.
                if let Err(error) = store.clear_timers(&finished).await {
                    eprintln!("start-workers: {error} (their rows stay)");
                }
                report.released.extend(ids);
            }
            Err(error) => fail(&mut report, ids, &error),
        }
    }
    if !parks.is_empty() {
        let ids = parks.iter().map(|(id, _)| id.clone()).collect();
        match store.set_wake(owner, &parks).await {
            Ok(_) => report.released.extend(ids),
            Err(error) => fail(&mut report, ids, &error),
        }
    }
    report
}
