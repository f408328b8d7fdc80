//! The single writer: every durable write of the dispatcher goes through it,
//! collected into batches (whatever arrives within a millisecond of the
//! first, up to the batch size; without the wait when the last batch was a
//! single write) and written as one statement per kind. Its
//! report goes back to the dispatcher, which feeds a completion to its
//! machine only once the report says it is in the log.
//!
//! A write that fails because the connection did (Postgres restarting, a
//! network blip) is kept and retried with backoff, for up to `RETRY_FOR`:
//! a result a worker sent is not lost to a dropped connection.

use std::collections::HashMap;
use std::time::Duration;

use rappel_store::{
    Appended, Finished, InstanceId, NewCompletion, NewSnapshot, Store, StoreError, TimerKey,
};
use rrl::exec::{Command, Completion};
use tokio::sync::mpsc;

/// How long the writer waits for more after the first write of a batch,
/// unless the last batch was a single write: then a lone instance's step
/// (a sequential workflow) is written at once, not a millisecond (or, on a
/// busy machine, several) later. What is already queued is always taken.
const COLLECT: Duration = Duration::from_millis(1);

/// How long a write failing for a transient reason is retried; past that,
/// its instances are dropped and rebuilt from their logs later.
const RETRY_FOR: Duration = Duration::from_secs(60);

/// The first pause between retries, doubled each time up to `MAX_PAUSE`.
const FIRST_PAUSE: Duration = Duration::from_millis(50);
const MAX_PAUSE: Duration = Duration::from_secs(2);

/// What the dispatcher does with a completion once it is in the log.
pub enum Then {
    /// Feed it to the machine (`completion` is what the row encodes).
    Feed(Completion),
    /// The machine was fed already (nothing else of the instance was in
    /// flight, so nothing could come between): issue what it answered.
    Issue(Vec<Command>),
}

/// One durable write.
pub enum Write {
    /// A completion for the log.
    Append {
        row: NewCompletion,
        then: Then,
    },
    /// A timer, due after the delay unless recorded already.
    Timer {
        key: TimerKey,
        delay: Duration,
    },
    Snapshot(NewSnapshot),
    /// The outcome, with the completion that led to it when the machine was
    /// fed that one ahead of its log: both are written by one statement.
    Finish {
        finished: Finished,
        last: Option<NewCompletion>,
    },
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
    pub appended: Vec<(InstanceId, Then, Appended)>,
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
    /// Instances whose append was retried and found rows already in the
    /// log (the try that failed may have written them, so their machines
    /// may lag the log), or whose machine was fed a completion the log had
    /// already. Each is also in `appended`; it is dropped, released and
    /// rebuilt from the log, never fed the same completion twice.
    pub reread: Vec<InstanceId>,
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
        let mut last_batch = 0;
        while let Some(first) = writes.recv().await {
            let mut batch = vec![first];
            let collect = if last_batch > 1 {
                COLLECT
            } else {
                Duration::ZERO
            };
            let until = tokio::time::Instant::now() + collect;
            while batch.len() < batch_size {
                // No wait takes only what is queued: a tokio timer, even one
                // due now, fires at the next millisecond of its wheel, which
                // made every step of a sequential workflow a millisecond late.
                let next = if collect.is_zero() {
                    writes.try_recv().ok()
                } else {
                    tokio::time::timeout_at(until, writes.recv())
                        .await
                        .ok()
                        .flatten()
                };
                match next {
                    Some(write) => batch.push(write),
                    None => break,
                }
            }
            last_batch = batch.len();
            let report = write_batch(&store, &owner, batch).await;
            reports(report);
        }
    });
    sender
}

async fn write_batch(store: &Store, owner: &str, batch: Vec<Write>) -> Report {
    let mut appends = Vec::new();
    let mut lasts = Vec::new();
    let mut timers = Vec::new();
    let mut snapshots = Vec::new();
    let mut finishes = Vec::new();
    let mut parks = Vec::new();
    for write in batch {
        match write {
            Write::Append { row, then } => appends.push((row, then)),
            Write::Timer { key, delay } => timers.push((key, delay)),
            Write::Snapshot(snapshot) => snapshots.push(snapshot),
            Write::Finish { finished, last } => {
                lasts.extend(last);
                finishes.push(finished);
            }
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

    // Appends and finishes: one statement, one commit.
    if !appends.is_empty() || !finishes.is_empty() {
        let mut rows: Vec<NewCompletion> = appends.iter().map(|(row, _)| row.clone()).collect();
        rows.extend(lasts);
        let (result, retried) = retrying(|| store.write_log(owner, &rows, &finishes)).await;
        match result {
            // The finishing completions, after the others, need no report:
            // their instances leave whatever became of them.
            Ok((outcomes, _finished)) => {
                for ((row, then), outcome) in appends.into_iter().zip(outcomes) {
                    let ahead = retried || matches!(then, Then::Issue(_));
                    if ahead
                        && outcome == Appended::Duplicate
                        && !report.reread.contains(&row.instance_id)
                    {
                        report.reread.push(row.instance_id.clone());
                    }
                    report.appended.push((row.instance_id, then, outcome));
                }
                report
                    .released
                    .extend(finishes.into_iter().map(|f| f.instance_id));
            }
            Err(error) => {
                let ids = appends
                    .into_iter()
                    .map(|(row, _)| row.instance_id)
                    .chain(finishes.into_iter().map(|f| f.instance_id))
                    .collect();
                fail(&mut report, ids, &error);
            }
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
        match retrying(|| store.record_timers(owner, &unique)).await.0 {
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
        if let Err(error) = retrying(|| store.save_snapshots(owner, &snapshots)).await.0 {
            eprintln!("start-workers: {error} (replay starts from an older snapshot)");
        }
    }
    if !parks.is_empty() {
        let ids = parks.iter().map(|(id, _)| id.clone()).collect();
        match retrying(|| store.set_wake(owner, &parks)).await.0 {
            Ok(_) => report.released.extend(ids),
            Err(error) => fail(&mut report, ids, &error),
        }
    }
    report
}

/// Runs `call` until it succeeds, fails for good, or has failed
/// transiently for `RETRY_FOR`; says whether it was retried. A statement
/// retried here may have taken effect on a try whose answer was lost: each
/// one the writer sends is idempotent or tells the caller (a completion
/// already in the log comes back `Duplicate`).
async fn retrying<T, F, Fut>(mut call: F) -> (Result<T, StoreError>, bool)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, StoreError>>,
{
    let started = tokio::time::Instant::now();
    let mut pause = FIRST_PAUSE;
    let mut retried = false;
    loop {
        match call().await {
            Err(error) if error.is_transient() && started.elapsed() < RETRY_FOR => {
                if !retried {
                    eprintln!("start-workers: {error}; retrying the write until Postgres answers");
                }
                retried = true;
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(MAX_PAUSE);
            }
            result => {
                if retried && result.is_ok() {
                    eprintln!("start-workers: Postgres answers again; the write went through");
                }
                return (result, retried);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn dropped() -> StoreError {
        StoreError::Query {
            doing: "append completions",
            source: sqlx::Error::Io(std::io::ErrorKind::ConnectionReset.into()),
        }
    }

    #[tokio::test]
    async fn a_write_failing_for_a_connection_reason_is_retried_until_it_goes_through() {
        let tries = AtomicUsize::new(0);
        let (result, retried) = retrying(|| async {
            match tries.fetch_add(1, Ordering::SeqCst) {
                0 | 1 => Err(dropped()),
                n => Ok(n),
            }
        })
        .await;
        assert_eq!(result.expect("the third try"), 2);
        assert!(retried);
    }

    #[tokio::test]
    async fn any_other_failure_is_not_retried() {
        let tries = AtomicUsize::new(0);
        let (result, retried) = retrying(|| async {
            tries.fetch_add(1, Ordering::SeqCst);
            Err::<(), _>(StoreError::BadInstanceId("x".into()))
        })
        .await;
        assert!(result.is_err());
        assert!(!retried);
        assert_eq!(tries.load(Ordering::SeqCst), 1);
        let (result, retried) = retrying(|| async { Ok::<_, StoreError>(1) }).await;
        assert_eq!((result.expect("first try"), retried), (1, false));
    }
}
