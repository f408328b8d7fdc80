//! The dispatcher: it leases whole instances, rebuilds each from its
//! snapshot and completion log, hands the actions they dispatch to worker
//! slots, and feeds the answers back once they are in the log
//! (docs/architecture.md, "The runtime: start-workers").
//!
//! One task owns every machine and every piece of state; the worker
//! streams, the store's notifications, the writer and the lease queries
//! report to it as `Input`s. Nothing it holds is durable except through the
//! writer, so a crash loses only work that is re-done from the log.

mod completions;
mod programs;
pub mod writer;

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::time::Duration;

use rappel_store::{
    Appended, Finished, InstanceId, InstanceRecord, InstanceState, NewCompletion, NewSnapshot,
    Store, StoreError, TimerKey,
};
use rrl::exec::{Command, Completion, Machine, Program};
use rrl::value::{Value, codec};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use crate::program::{logged_completion, started_machine};
use crate::proto::runtime_message::Kind as Outbound;
use crate::proto::{Dispatch as DispatchMessage, DispatchBatch, Drain, RuntimeMessage};
use crate::worker_stream::{MAX_MESSAGE_BYTES, StreamKey, WorkerEvent};
use completions::{decode_result, kwargs_text, outcome_of, rappel_error, row_of};
use programs::Programs;
use writer::{Report, Then, Write};

/// How the dispatcher runs; `Options::from_config` reads the settings.
#[derive(Clone, Debug)]
pub struct Options {
    /// Names this process's leases.
    pub owner: String,
    /// Instances leased per query, and completions per write.
    pub batch_size: usize,
    /// At most this many instances held at once.
    pub max_held: usize,
    /// How long a lease lasts; renewed every third of it.
    pub lease: Duration,
    /// A snapshot after this many completions of an instance.
    pub snapshot_every: u32,
    /// Actions a worker runs before it is recycled.
    pub max_action_lifecycle: Option<u64>,
    /// Past an attempt's timeout, how long the worker has to report the
    /// timeout itself before the runtime counts it as timed out.
    pub timeout_grace: Duration,
    /// An instance waiting only on timers further away than this gives its
    /// lease up until the first is due.
    pub park_after: Duration,
    /// On shutdown, how long workers have to finish their attempts.
    pub drain_timeout: Duration,
}

impl Options {
    pub fn from_config(config: &crate::config::Config) -> Options {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        Options {
            owner: format!("start-workers:{}:{nanos:08x}", std::process::id()),
            batch_size: config.batch_size,
            max_held: (config.batch_size * 10).max(100),
            // Short, so that instances of a killed process continue soon
            // elsewhere; renewing every held lease each third of it is one
            // statement.
            lease: Duration::from_secs(10),
            snapshot_every: 32,
            max_action_lifecycle: config.max_action_lifecycle,
            timeout_grace: Duration::from_secs(1),
            park_after: Duration::from_secs(5),
            drain_timeout: Duration::from_secs(60),
        }
    }
}

/// What the dispatcher reacts to.
pub enum Input {
    Worker(WorkerEvent),
    /// The supervisor started this worker's replacement: drain it.
    Drain(String),
    /// There may be work to lease (a notification, or the poll interval).
    Work,
    /// This instance finished (a notification): if it is held here and
    /// not finishing here, it was cancelled (or another runtime took and
    /// finished it), so it is dropped. Lost notifications are covered by
    /// the writes and renewals, which find it no longer running.
    Finished(InstanceId),
    Leased(Result<Vec<InstanceRecord>, StoreError>, usize),
    Renewed(Vec<InstanceId>, Result<Vec<InstanceId>, StoreError>),
    Written(Report),
    /// Stop leasing, drain the workers, write what is pending, release
    /// the leases, return.
    Shutdown,
}

/// What the supervisor is asked to do.
pub trait Recycler {
    /// `worker_id` ran its last action: start its replacement, then have
    /// the dispatcher drain it (`Input::Drain`).
    fn recycle(&self, worker_id: &str);
}

/// An attempt the dispatcher has not had answered yet.
struct Attempt {
    instance: InstanceId,
    operation: String,
    attempt: u64,
    message: DispatchMessage,
    /// Once sent: the worker running it, and its deadline's key in `dues`.
    running: Option<(StreamKey, DueKey)>,
}

/// A held instance.
struct Held {
    machine: Machine<'static>,
    /// Its attempts not yet answered.
    attempts: usize,
    /// Its writes not yet reported.
    writes: usize,
    /// Recorded timers, and when each is due.
    timers: HashMap<TimerKey, Instant>,
    since_snapshot: u32,
    last_seq: i64,
    /// Finished or parking: it issues nothing more here.
    leaving: bool,
}

struct Worker {
    id: String,
    outbox: mpsc::UnboundedSender<RuntimeMessage>,
    slots: usize,
    /// Attempts sent and not reported back, answered or not.
    running: HashSet<String>,
    dispatched: u64,
    draining: bool,
}

enum Due {
    Timer(TimerKey),
    Deadline(String),
}

/// When something is due, and a number that keeps keys apart.
type DueKey = (Instant, u64);

pub struct Dispatcher {
    store: Store,
    options: Options,
    inputs: mpsc::UnboundedSender<Input>,
    writer: mpsc::UnboundedSender<Write>,
    recycler: Box<dyn Recycler + Send>,
    programs: Programs,
    held: HashMap<InstanceId, Held>,
    attempts: HashMap<String, Attempt>,
    queue: VecDeque<String>,
    workers: HashMap<StreamKey, Worker>,
    dues: BTreeMap<DueKey, Due>,
    counter: u64,
    writes_in_flight: usize,
    /// Lease queries in flight.
    leasing: usize,
    /// The last lease filled its batch: the queue is deep, so the next
    /// lease may go before it comes back.
    deep: bool,
    renewing: bool,
    more_work: bool,
    shutdown_at: Option<Instant>,
    /// After a failed lease query, the next waits until then.
    lease_paused_until: Option<Instant>,
    /// The pause after the next failed lease query: doubled by each failure
    /// in a row, up to `MAX_LEASE_RETRY`.
    lease_retry: Duration,
    /// Answers counted for `LiveStats`, and where they are published.
    answered: AnswerCounts,
    live: watch::Sender<LiveStats>,
    live_at: Instant,
}

#[derive(Clone, Copy, Debug, Default)]
struct AnswerCounts {
    returned: u64,
    raised: u64,
    timed_out: u64,
}

/// What this dispatcher holds and has done, for the web dashboard:
/// published through a `watch` channel at most every `LIVE_EVERY`.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct LiveStats {
    /// Instances leased and held here.
    pub held_instances: usize,
    /// Attempts waiting for a worker's free slot.
    pub attempts_queued: usize,
    /// Attempts sent to a worker and not answered yet.
    pub attempts_running: usize,
    /// Answers since the process started, by kind.
    pub attempts_returned: u64,
    pub attempts_raised: u64,
    pub attempts_timed_out: u64,
    /// The workers attached to this process, by id.
    pub workers: Vec<WorkerStats>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct WorkerStats {
    pub id: String,
    pub slots: usize,
    /// Attempts it holds (sent, not reported back).
    pub running: usize,
    /// Attempts sent to it since it attached.
    pub dispatched: u64,
    /// Finishing what it holds before it exits (recycling, shutdown).
    pub draining: bool,
}

/// How often the dispatcher publishes its `LiveStats` at most.
const LIVE_EVERY: Duration = Duration::from_millis(250);

/// A dispatch batch holds about this much of kwargs at most.
const MAX_BATCH_BYTES: usize = 4 << 20;

/// Lease queries in flight at most.
const LEASES_IN_FLIGHT: usize = 2;

/// How long leasing pauses after a failed lease query, at first and at most.
const LEASE_RETRY: Duration = Duration::from_millis(250);
const MAX_LEASE_RETRY: Duration = Duration::from_secs(8);

impl Dispatcher {
    /// A dispatcher reading `inputs` (give its sender to the worker
    /// streams, the supervisor and the notification listener).
    pub fn new(
        store: Store,
        options: Options,
        recycler: Box<dyn Recycler + Send>,
        inputs: mpsc::UnboundedSender<Input>,
    ) -> Dispatcher {
        let reports = inputs.clone();
        let writer = writer::spawn(
            store.clone(),
            options.owner.clone(),
            options.batch_size.max(1),
            move |report| {
                let _ = reports.send(Input::Written(report));
            },
        );
        Dispatcher {
            store,
            options,
            inputs,
            writer,
            recycler,
            programs: Programs::default(),
            held: HashMap::new(),
            attempts: HashMap::new(),
            queue: VecDeque::new(),
            workers: HashMap::new(),
            dues: BTreeMap::new(),
            counter: 0,
            writes_in_flight: 0,
            leasing: 0,
            deep: false,
            renewing: false,
            more_work: true,
            shutdown_at: None,
            lease_paused_until: None,
            lease_retry: LEASE_RETRY,
            answered: AnswerCounts::default(),
            live: watch::Sender::new(LiveStats::default()),
            live_at: Instant::now(),
        }
    }

    /// What this dispatcher holds and has done, refreshed while it runs.
    pub fn live_stats(&self) -> watch::Receiver<LiveStats> {
        self.live.subscribe()
    }

    /// Publishes `LiveStats` when `LIVE_EVERY` has passed since the last.
    fn publish_live(&mut self, now: Instant) {
        if now < self.live_at + LIVE_EVERY || self.live.is_closed() {
            return;
        }
        self.live_at = now;
        let running = self
            .attempts
            .values()
            .filter(|attempt| attempt.running.is_some())
            .count();
        let mut workers: Vec<WorkerStats> = self
            .workers
            .values()
            .map(|worker| WorkerStats {
                id: worker.id.clone(),
                slots: worker.slots,
                running: worker.running.len(),
                dispatched: worker.dispatched,
                draining: worker.draining,
            })
            .collect();
        workers.sort_by(|a, b| a.id.cmp(&b.id));
        let stats = LiveStats {
            held_instances: self.held.len(),
            attempts_queued: self.attempts.len() - running,
            attempts_running: running,
            attempts_returned: self.answered.returned,
            attempts_raised: self.answered.raised,
            attempts_timed_out: self.answered.timed_out,
            workers,
        };
        self.live.send_if_modified(|old| {
            let changed = *old != stats;
            if changed {
                *old = stats;
            }
            changed
        });
    }

    /// Runs until `Input::Shutdown` has been carried out (or every sender
    /// is gone).
    pub async fn run(mut self, mut inputs: mpsc::UnboundedReceiver<Input>) {
        let renew_every = self.options.lease / 3;
        let mut renew_at = Instant::now() + renew_every;
        loop {
            if self.stopped() {
                break;
            }
            let mut wake = self.dues.keys().next().map_or(renew_at, |&(at, _)| at);
            wake = wake.min(renew_at);
            if let Some(at) = self.shutdown_at {
                wake = wake.min(at);
            }
            if let Some(at) = self.lease_paused_until {
                if self.more_work && at > Instant::now() {
                    wake = wake.min(at);
                }
            }
            tokio::select! {
                input = inputs.recv() => match input {
                    Some(input) => self.handle(input),
                    None => break,
                },
                () = tokio::time::sleep_until(wake) => {}
            }
            // Take whatever else is ready before dispatching, so that one
            // pass sends it in batches.
            for _ in 0..1024 {
                match inputs.try_recv() {
                    Ok(input) => self.handle(input),
                    Err(_) => break,
                }
            }
            let now = Instant::now();
            self.fire_due(now);
            if now >= renew_at {
                renew_at = now + renew_every;
                self.renew();
            }
            self.pump();
            self.lease_more();
            self.publish_live(now);
        }
        self.release_all().await;
    }

    fn stopped(&self) -> bool {
        let Some(deadline) = self.shutdown_at else {
            return false;
        };
        let drained = self.workers.is_empty() || Instant::now() >= deadline;
        drained && self.writes_in_flight == 0 && self.leasing == 0
    }

    async fn release_all(&mut self) {
        let ids: Vec<InstanceId> = self.held.keys().cloned().collect();
        if !ids.is_empty() {
            if let Err(error) = self.store.release(&self.options.owner, &ids).await {
                eprintln!(
                    "start-workers: {error}; {} instance(s) run again once their leases run out",
                    ids.len()
                );
            }
        }
        for worker in self.workers.values() {
            let _ = worker.outbox.send(drain());
        }
    }

    fn handle(&mut self, input: Input) {
        match input {
            Input::Worker(event) => self.worker_event(event),
            Input::Drain(worker_id) => {
                if let Some(worker) = self.workers.values_mut().find(|w| w.id == worker_id) {
                    worker.draining = true;
                    let _ = worker.outbox.send(drain());
                }
            }
            Input::Work => self.more_work = true,
            Input::Finished(id) => {
                if self.held.get(&id).is_some_and(|h| !h.leaving) {
                    eprintln!(
                        "start-workers: instance {id} was cancelled (or finished elsewhere): \
                         dropping it here; results of its actions still running are discarded"
                    );
                    self.forget(&id);
                }
            }
            Input::Leased(result, asked) => {
                self.leasing -= 1;
                match result {
                    Ok(records) => {
                        self.lease_retry = LEASE_RETRY;
                        // A full batch: there may be more (a notification
                        // that came meanwhile has said so already).
                        self.deep = records.len() >= asked;
                        self.more_work |= self.deep;
                        for record in records {
                            self.adopt(record);
                        }
                    }
                    Err(error) => {
                        let pause = self.lease_retry;
                        eprintln!("start-workers: {error}; leasing again in {pause:?}");
                        self.deep = false;
                        self.lease_paused_until = Some(Instant::now() + pause);
                        self.lease_retry = (pause * 2).min(MAX_LEASE_RETRY);
                        // Nothing else may wake the loop when the pause ends.
                        self.more_work = true;
                    }
                }
            }
            Input::Renewed(asked, result) => {
                self.renewing = false;
                match result {
                    Ok(kept) => {
                        let kept: HashSet<InstanceId> = kept.into_iter().collect();
                        for id in asked.iter().filter(|id| !kept.contains(id)) {
                            if self.held.get(id).is_some_and(|h| !h.leaving) {
                                eprintln!(
                                    "start-workers: the lease of instance {id} was lost \
                                     (another runtime holds it now): dropping it here"
                                );
                                self.forget(id);
                            }
                        }
                    }
                    Err(error) => eprintln!("start-workers: {error}; renewing again shortly"),
                }
            }
            Input::Written(report) => self.written(report),
            Input::Shutdown => {
                if self.shutdown_at.is_none() {
                    self.shutdown_at = Some(Instant::now() + self.options.drain_timeout);
                    for worker in self.workers.values_mut() {
                        worker.draining = true;
                        let _ = worker.outbox.send(drain());
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------ workers

    fn worker_event(&mut self, event: WorkerEvent) {
        match event {
            WorkerEvent::Joined { key, hello, outbox } => {
                let draining = self.shutdown_at.is_some();
                if draining {
                    let _ = outbox.send(drain());
                }
                eprintln!(
                    "start-workers: worker {} (pid {}) attached with {} slots and {} actions",
                    hello.worker_id,
                    hello.pid,
                    hello.slots,
                    hello.actions.len()
                );
                self.workers.insert(
                    key,
                    Worker {
                        id: hello.worker_id,
                        outbox,
                        slots: usize::try_from(hello.slots).unwrap_or(1).max(1),
                        running: HashSet::new(),
                        dispatched: 0,
                        draining,
                    },
                );
            }
            WorkerEvent::Results { key, results } => {
                for result in results {
                    if let Some(worker) = self.workers.get_mut(&key) {
                        worker.running.remove(&result.attempt_id);
                    }
                    self.worker_answered(result);
                }
            }
            WorkerEvent::Left { key, error } => {
                let Some(worker) = self.workers.remove(&key) else {
                    return;
                };
                let lost: Vec<String> = worker
                    .running
                    .into_iter()
                    .filter(|id| {
                        self.attempts
                            .get(id)
                            .is_some_and(|a| a.running.is_some_and(|(k, _)| k == key))
                    })
                    .collect();
                let expected = worker.draining || self.shutdown_at.is_some();
                if !lost.is_empty() || error.is_some() || !expected {
                    let why = error.map_or_else(String::new, |e| format!(" ({e})"));
                    eprintln!(
                        "start-workers: worker {}'s stream ended{why}: its {} attempt(s) in flight \
                         count as timed out",
                        worker.id,
                        lost.len()
                    );
                }
                for attempt_id in lost {
                    self.time_out(&attempt_id);
                }
            }
        }
    }

    fn worker_answered(&mut self, result: crate::proto::Result) {
        let Some(attempt) = self.attempts.get(&result.attempt_id) else {
            return; // answered already (timed out) or its instance is gone
        };
        if attempt.running.is_none() {
            return;
        }
        let Some(held) = self.held.get(&attempt.instance) else {
            return;
        };
        let classes = held.machine.program().evaluator().resolver();
        let (id, number) = (attempt.operation.clone(), attempt.attempt);
        let label = format!("{}.{}", attempt.message.module, attempt.message.name);
        let (completion, row) = decode_result(result.outcome, &id, number, &label, classes);
        self.answer(&result.attempt_id, completion, row);
    }

    fn time_out(&mut self, attempt_id: &str) {
        let Some(attempt) = self.attempts.get(attempt_id) else {
            return;
        };
        let completion = Completion::TimedOut {
            id: attempt.operation.clone(),
            attempt: attempt.attempt,
        };
        let row = row_of(&completion);
        self.answer(attempt_id, completion, row);
    }

    /// The attempt is answered: its completion goes to the log.
    fn answer(&mut self, attempt_id: &str, completion: Completion, row: String) {
        let Some(attempt) = self.attempts.remove(attempt_id) else {
            return;
        };
        if let Some((_, due)) = attempt.running {
            self.dues.remove(&due);
        }
        if let Some(held) = self.held.get_mut(&attempt.instance) {
            held.attempts -= 1;
        }
        match &completion {
            Completion::Returned { .. } => self.answered.returned += 1,
            Completion::Raised { .. } => self.answered.raised += 1,
            Completion::TimedOut { .. } => self.answered.timed_out += 1,
            _ => {}
        }
        self.append_answer(attempt.instance, completion, row);
    }

    /// An answer for the log. When nothing else of its instance is in
    /// flight (no attempt, timer or write), nothing can reach the machine
    /// before this completion is in the log, so the machine is fed now and
    /// what it answers waits for the append: a finish then travels with its
    /// completion in one statement instead of two commits in a row. Should
    /// the append not go in, the instance is dropped and rebuilt from its log.
    fn append_answer(&mut self, instance: InstanceId, completion: Completion, row: String) {
        let Some(held) = self.held.get_mut(&instance) else {
            return;
        };
        let alone =
            held.attempts == 0 && held.writes == 0 && held.timers.is_empty() && !held.leaving;
        if !alone {
            return self.append(instance, completion, row);
        }
        let row = NewCompletion {
            instance_id: instance.clone(),
            operation_id: completion.id().to_string(),
            attempt: log_attempt(&completion),
            completion: row,
        };
        let commands = held.machine.complete(completion).unwrap_or_else(|error| {
            eprintln!("start-workers: instance {instance}: {error}");
            Vec::new()
        });
        held.writes += 1;
        match <[Command; 1]>::try_from(commands) {
            Ok([Command::Finish(finish)]) => {
                held.leaving = true;
                let finished = finished_of(&instance, &finish);
                self.write(Write::Finish {
                    finished,
                    last: Some(row),
                });
            }
            Ok(one) => self.write(Write::Append {
                row,
                then: Then::Issue(one.into()),
            }),
            Err(commands) => self.write(Write::Append {
                row,
                then: Then::Issue(commands),
            }),
        }
    }

    fn append(&mut self, instance: InstanceId, completion: Completion, row: String) {
        let Some(held) = self.held.get_mut(&instance) else {
            return;
        };
        held.writes += 1;
        let row = NewCompletion {
            instance_id: instance,
            operation_id: completion.id().to_string(),
            attempt: log_attempt(&completion),
            completion: row,
        };
        self.write(Write::Append {
            row,
            then: Then::Feed(completion),
        });
    }

    fn write(&mut self, write: Write) {
        self.writes_in_flight += 1;
        if self.writer.send(write).is_err() {
            eprintln!("start-workers: the writer stopped; nothing more is written");
        }
    }

    /// Sends queued attempts to the workers' free slots, one batch each.
    fn pump(&mut self) {
        if self.queue.is_empty() {
            return;
        }
        let mut keys: Vec<StreamKey> = self.workers.keys().copied().collect();
        keys.sort_by_key(|key| {
            let worker = &self.workers[key];
            std::cmp::Reverse(worker.slots.saturating_sub(worker.running.len()))
        });
        let now = Instant::now();
        for key in keys {
            let Some(worker) = self.workers.get_mut(&key) else {
                continue;
            };
            if worker.draining {
                continue;
            }
            let mut free = worker.slots.saturating_sub(worker.running.len());
            if let Some(max) = self.options.max_action_lifecycle {
                let left = max.saturating_sub(worker.dispatched);
                free = free.min(usize::try_from(left).unwrap_or(usize::MAX));
            }
            let mut batch = Vec::new();
            let mut bytes = 0;
            let mut sent = 0;
            while sent + batch.len() < free {
                let Some(attempt_id) = self.queue.pop_front() else {
                    break;
                };
                let Some(attempt) = self.attempts.get_mut(&attempt_id) else {
                    continue; // its instance was dropped
                };
                self.counter += 1;
                let deadline = now
                    + Duration::try_from_secs_f64(attempt.message.timeout_seconds)
                        .unwrap_or(Duration::from_secs(u32::MAX.into()))
                    + self.options.timeout_grace;
                let due = (deadline, self.counter);
                attempt.running = Some((key, due));
                self.dues.insert(due, Due::Deadline(attempt_id.clone()));
                worker.running.insert(attempt_id);
                bytes += attempt.message.kwargs.len();
                batch.push(attempt.message.clone());
                // Big arguments go in several messages, each under the limit.
                if bytes >= MAX_BATCH_BYTES {
                    sent += batch.len();
                    send_dispatches(&worker.outbox, std::mem::take(&mut batch));
                    bytes = 0;
                }
            }
            sent += batch.len();
            if sent == 0 {
                continue;
            }
            send_dispatches(&worker.outbox, batch);
            worker.dispatched += sent as u64;
            if self
                .options
                .max_action_lifecycle
                .is_some_and(|max| worker.dispatched >= max)
            {
                // No more for it; it drains once its replacement started.
                worker.draining = true;
                self.recycler.recycle(&worker.id);
            }
            if self.queue.is_empty() {
                break;
            }
        }
    }

    fn fire_due(&mut self, now: Instant) {
        while let Some(entry) = self.dues.first_entry() {
            if entry.key().0 > now {
                break;
            }
            match entry.remove() {
                // An answered attempt's deadline is gone from `dues`.
                Due::Deadline(attempt_id) => self.time_out(&attempt_id),
                Due::Timer(key) => {
                    let Some(held) = self.held.get_mut(&key.instance_id) else {
                        continue;
                    };
                    if held.leaving || held.timers.remove(&key).is_none() {
                        continue;
                    }
                    let completion = if key.attempt == 0 {
                        Completion::Slept {
                            id: key.operation_id.clone(),
                        }
                    } else {
                        Completion::BackedOff {
                            id: key.operation_id.clone(),
                            attempt: u64::try_from(key.attempt).unwrap_or(1),
                        }
                    };
                    let row = row_of(&completion);
                    self.append(key.instance_id, completion, row);
                }
            }
        }
    }

    // ------------------------------------------------------------ instances

    /// Leases while there is work and room, keeping up to
    /// `LEASES_IN_FLIGHT` lease queries in flight when the queue is deep, so
    /// that one's wait for its commit overlaps the next.
    fn lease_more(&mut self) {
        while self.leasing < LEASES_IN_FLIGHT && self.more_work && self.lease_one() {}
    }

    /// Sends one lease query if there is room; says whether it did.
    fn lease_one(&mut self) -> bool {
        let leasing = self.leasing * self.options.batch_size;
        let room = self
            .options
            .max_held
            .saturating_sub(self.held.len() + leasing);
        if self.shutdown_at.is_some() || room == 0 {
            return false;
        }
        if self
            .lease_paused_until
            .is_some_and(|until| Instant::now() < until)
        {
            return false;
        }
        // Enough queued for every free slot already: lease when it drains.
        let free: usize = self
            .workers
            .values()
            .filter(|w| !w.draining)
            .map(|w| w.slots.saturating_sub(w.running.len()))
            .sum();
        if self.queue.len() + leasing > free + self.options.batch_size {
            return false;
        }
        self.leasing += 1;
        self.more_work = self.deep;
        let limit = room.min(self.options.batch_size.max(1));
        let store = self.store.clone();
        let owner = self.options.owner.clone();
        let lease = self.options.lease;
        let inputs = self.inputs.clone();
        tokio::spawn(async move {
            let result = store
                .lease_instances(&owner, limit, lease)
                .await
                .map(|leased| leased.into_iter().map(|l| l.record).collect());
            let _ = inputs.send(Input::Leased(result, limit));
        });
        true
    }

    fn renew(&mut self) {
        if self.renewing || self.held.is_empty() {
            return;
        }
        self.renewing = true;
        let ids: Vec<InstanceId> = self.held.keys().cloned().collect();
        let store = self.store.clone();
        let owner = self.options.owner.clone();
        let lease = self.options.lease;
        let inputs = self.inputs.clone();
        tokio::spawn(async move {
            let result = store.renew_leases(&owner, &ids, lease).await;
            let _ = inputs.send(Input::Renewed(ids, result));
        });
    }

    /// Rebuilds a leased instance and issues what it waits for.
    fn adopt(&mut self, record: InstanceRecord) {
        let id = record.id.clone();
        // Cancelled between its lease and its load: nothing of it may run.
        if self.held.contains_key(&id) || record.state != InstanceState::Running {
            return;
        }
        let program = match self.programs.get(&record.version) {
            Ok(program) => program,
            Err(error) => {
                let message = format!(
                    "the runtime cannot run version {} of workflow {}: {error}",
                    record.version.id, record.version.name
                );
                return self.fail_unrunnable(id, &message);
            }
        };
        let last_seq = record.snapshot.as_ref().map_or(0, |s| s.seq);
        match rebuild(program, &record) {
            Ok((machine, last_seq_replayed)) => {
                // What it still waits for is issued again, as new.
                let commands = match machine.outcome() {
                    Some(finish) => vec![Command::Finish(finish.clone())],
                    None => machine.outstanding(),
                };
                self.held.insert(
                    id.clone(),
                    Held {
                        machine,
                        attempts: 0,
                        writes: 0,
                        timers: HashMap::new(),
                        since_snapshot: 0,
                        last_seq: last_seq_replayed.max(last_seq),
                        leaving: false,
                    },
                );
                self.issue(&id, commands);
            }
            Err(error) => {
                let message = format!("the runtime cannot rebuild instance {id}: {error}");
                self.fail_unrunnable(id, &message);
            }
        }
    }

    /// An instance that can never run here fails, saying why (left queued,
    /// it would be leased again and again). It is not held meanwhile: the
    /// writer's report of the finish finds nothing to drop.
    fn fail_unrunnable(&mut self, id: InstanceId, message: &str) {
        eprintln!("start-workers: {message}");
        let exception = rappel_error(message);
        let outcome = codec::dumps(&Value::Exception(exception)).unwrap_or_default();
        self.write(Write::Finish {
            finished: Finished {
                instance_id: id,
                state: InstanceState::Failed,
                outcome,
            },
            last: None,
        });
    }

    /// Acts on what the machine of `id` issued.
    fn issue(&mut self, id: &InstanceId, commands: Vec<Command>) {
        for command in commands {
            let Some(held) = self.held.get_mut(id) else {
                return;
            };
            match command {
                Command::Dispatch(dispatch) => {
                    let attempt_id = format!("{id}/{}/{}", dispatch.id, dispatch.attempt);
                    let kwargs = kwargs_text(&dispatch.kwargs).and_then(|text| {
                        let limit = MAX_MESSAGE_BYTES - (1 << 20);
                        if text.len() > limit {
                            Err(format!(
                                "they take {} bytes, more than the {limit} a dispatch may carry",
                                text.len()
                            ))
                        } else {
                            Ok(text)
                        }
                    });
                    let kwargs = match kwargs {
                        Ok(kwargs) => kwargs,
                        Err(error) => {
                            let completion = Completion::Raised {
                                id: dispatch.id.clone(),
                                attempt: dispatch.attempt,
                                exception: rappel_error(&format!(
                                    "the arguments of action {}.{} cannot be sent to a worker: {error}",
                                    dispatch.module, dispatch.action
                                )),
                            };
                            let row = row_of(&completion);
                            self.append(id.clone(), completion, row);
                            continue;
                        }
                    };
                    held.attempts += 1;
                    let message = DispatchMessage {
                        attempt_id: attempt_id.clone(),
                        module: dispatch.module.to_string(),
                        name: dispatch.action.to_string(),
                        kwargs: kwargs.into_bytes(),
                        attempt: u32::try_from(dispatch.attempt).unwrap_or(u32::MAX),
                        timeout_seconds: dispatch.timeout,
                    };
                    self.attempts.insert(
                        attempt_id.clone(),
                        Attempt {
                            instance: id.clone(),
                            operation: dispatch.id,
                            attempt: dispatch.attempt,
                            message,
                            running: None,
                        },
                    );
                    self.queue.push_back(attempt_id);
                }
                Command::Sleep {
                    id: operation,
                    seconds,
                } => {
                    self.timer(id, operation, 0, seconds);
                }
                Command::Backoff {
                    id: operation,
                    attempt,
                    seconds,
                } => {
                    self.timer(
                        id,
                        operation,
                        i64::try_from(attempt).unwrap_or(i64::MAX),
                        seconds,
                    );
                }
                Command::Finish(finish) => {
                    held.leaving = true;
                    held.writes += 1;
                    let finished = finished_of(id, &finish);
                    self.write(Write::Finish {
                        finished,
                        last: None,
                    });
                }
            }
        }
    }

    fn timer(&mut self, id: &InstanceId, operation: String, attempt: i64, seconds: f64) {
        let Some(held) = self.held.get_mut(id) else {
            return;
        };
        held.writes += 1;
        // An infinite delay (a backoff past its float range) waits a century.
        let delay = Duration::try_from_secs_f64(seconds.max(0.0))
            .unwrap_or(Duration::from_secs(100 * 365 * 86_400))
            .min(Duration::from_secs(100 * 365 * 86_400));
        let key = TimerKey {
            instance_id: id.clone(),
            operation_id: operation,
            attempt,
        };
        self.write(Write::Timer { key, delay });
    }

    fn written(&mut self, report: Report) {
        self.writes_in_flight = self.writes_in_flight.saturating_sub(report.answered());
        for (id, _message) in report.failed {
            self.forget(&id);
        }
        for id in report.released {
            self.forget(&id);
        }
        let now = Instant::now();
        for (key, left) in report.timers {
            let Some(held) = self.held.get_mut(&key.instance_id) else {
                continue;
            };
            // Saturating: a write sent before the instance was dropped and
            // leased again is reported to its new incarnation.
            held.writes = held.writes.saturating_sub(1);
            match left {
                Some(left) => {
                    self.counter += 1;
                    held.timers.insert(key.clone(), now + left);
                    self.dues
                        .insert((now + left, self.counter), Due::Timer(key.clone()));
                    self.park_if_idle(&key.instance_id);
                }
                None => self.lost(&key.instance_id),
            }
        }
        // Snapshot (and park) once per instance after the whole report: a
        // fan-out's answers come back hundreds in one report, and a snapshot
        // every `snapshot_every` of them was saved and then superseded within
        // the same write batch.
        let mut fed: Vec<InstanceId> = Vec::new();
        for (id, then, appended) in report.appended {
            let Some(held) = self.held.get_mut(&id) else {
                continue;
            };
            held.writes = held.writes.saturating_sub(1);
            match appended {
                Appended::New { seq } => {
                    let commands = match then {
                        Then::Issue(commands) => commands,
                        Then::Feed(completion) => match held.machine.complete(completion) {
                            Ok(commands) => commands,
                            Err(error) => {
                                eprintln!("start-workers: instance {id}: {error}");
                                continue;
                            }
                        },
                    };
                    held.last_seq = held.last_seq.max(seq);
                    held.since_snapshot += 1;
                    self.issue(&id, commands);
                    if fed.last() != Some(&id) {
                        fed.push(id);
                    }
                }
                // A late answer: the log has one (an instance whose machine
                // was fed it ahead is in `report.reread`).
                Appended::Duplicate => {}
                Appended::NotLeased => self.lost(&id),
            }
        }
        fed.sort_unstable();
        fed.dedup();
        for id in &fed {
            self.snapshot_if_due(id);
            self.park_if_idle(id);
        }
        if !report.reread.is_empty() {
            self.reread(report.reread);
        }
    }

    /// Instances whose machines may lag their logs are dropped and given
    /// back to the queue: leased again (here or elsewhere), each is rebuilt
    /// from its log, so no completion is applied twice or missed.
    fn reread(&mut self, ids: Vec<InstanceId>) {
        for id in &ids {
            eprintln!(
                "start-workers: instance {id}: a retried write found its log ahead; \
                 rebuilding it from the log"
            );
            self.forget(id);
        }
        let store = self.store.clone();
        let owner = self.options.owner.clone();
        tokio::spawn(async move {
            if let Err(error) = store.release(&owner, &ids).await {
                eprintln!(
                    "start-workers: {error}; {} instance(s) run again once their leases run out",
                    ids.len()
                );
            }
        });
    }

    fn lost(&mut self, id: &InstanceId) {
        if self.held.get(id).is_some_and(|h| !h.leaving) {
            eprintln!("start-workers: instance {id} is no longer leased here: dropping it");
        }
        self.forget(id);
    }

    fn snapshot_if_due(&mut self, id: &InstanceId) {
        let Some(held) = self.held.get_mut(id) else {
            return;
        };
        if held.leaving || held.since_snapshot < self.options.snapshot_every {
            return;
        }
        held.since_snapshot = 0;
        match held.machine.save() {
            Ok(state) => {
                let snapshot = NewSnapshot {
                    instance_id: id.clone(),
                    seq: held.last_seq,
                    state,
                };
                self.write(Write::Snapshot(snapshot));
            }
            Err(error) => eprintln!(
                "start-workers: instance {id} cannot be snapshotted ({error}); it replays its log"
            ),
        }
    }

    /// An instance waiting only on distant timers gives its lease up until
    /// the first is due.
    fn park_if_idle(&mut self, id: &InstanceId) {
        let Some(held) = self.held.get_mut(id) else {
            return;
        };
        if held.leaving || held.attempts > 0 || held.writes > 0 || self.shutdown_at.is_some() {
            return;
        }
        let Some(first) = held.timers.values().min().copied() else {
            return;
        };
        let left = first.saturating_duration_since(Instant::now());
        if left <= self.options.park_after {
            return;
        }
        held.leaving = true;
        held.writes += 1;
        self.write(Write::Park {
            id: id.clone(),
            delay: left,
        });
    }

    /// Drops an instance and whatever of it is queued or running: answers
    /// that come for it later are discarded.
    fn forget(&mut self, id: &InstanceId) {
        let Some(held) = self.held.remove(id) else {
            return;
        };
        if held.attempts > 0 {
            let dues = &mut self.dues;
            self.attempts.retain(|_, attempt| {
                let keep = &attempt.instance != id;
                if let (false, Some((_, due))) = (keep, attempt.running) {
                    dues.remove(&due);
                }
                keep
            });
        }
    }
}

/// The store's record of a machine's outcome.
fn finished_of(id: &InstanceId, finish: &rrl::exec::Finish) -> Finished {
    let (completed, outcome) = outcome_of(finish);
    Finished {
        instance_id: id.clone(),
        state: if completed {
            InstanceState::Completed
        } else {
            InstanceState::Failed
        },
        outcome,
    }
}

/// The attempt that keys a completion in the log: a sleep answers none
/// (0), a backoff precedes attempt n and is keyed -n, apart from the
/// answer of attempt n itself.
fn log_attempt(completion: &Completion) -> i64 {
    let attempt = completion
        .attempt()
        .map_or(0, |a| i64::try_from(a).unwrap_or(i64::MAX));
    match completion {
        Completion::BackedOff { .. } => -attempt,
        _ => attempt,
    }
}

fn send_dispatches(outbox: &mpsc::UnboundedSender<RuntimeMessage>, batch: Vec<DispatchMessage>) {
    if !batch.is_empty() {
        let message = RuntimeMessage {
            kind: Some(Outbound::Dispatches(DispatchBatch { dispatches: batch })),
        };
        let _ = outbox.send(message);
    }
}

fn drain() -> RuntimeMessage {
    RuntimeMessage {
        kind: Some(Outbound::Drain(Drain {})),
    }
}

/// The machine of a record: its snapshot (or a fresh start on its
/// arguments) with the completions after it applied in order; and the last
/// log position applied.
fn rebuild(
    program: &'static Program,
    record: &InstanceRecord,
) -> Result<(Machine<'static>, i64), String> {
    let mut machine = match &record.snapshot {
        Some(snapshot) => Machine::load(program, &snapshot.state)
            .map_err(|error| format!("its snapshot at {}: {error}", snapshot.seq))?,
        None => started_machine(program, &record.arguments)?.0,
    };
    let mut last_seq = 0;
    for logged in &record.completions {
        let completion = logged_completion(program, &logged.completion)
            .map_err(|error| format!("completion {}: {error}", logged.seq))?;
        machine
            .complete(completion)
            .map_err(|error| format!("completion {}: {error}", logged.seq))?;
        last_seq = logged.seq;
    }
    Ok((machine, last_seq))
}
