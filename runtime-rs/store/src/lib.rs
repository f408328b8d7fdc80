//! Rappel's Postgres store (docs/architecture.md, "Runtime storage").
//!
//! The runtime leases whole instances, advances them in memory with the
//! executor and appends each completion to the instance's log; an instance is
//! rebuilt from its version's `.rrl` text, its arguments, its latest snapshot
//! and the completions after it, in order. Values (arguments, completions,
//! outcomes, snapshots) are JSON text the store does not read.
//!
//! Every write that can be a batch takes a slice. A batch groups rows of many
//! instances into one statement for its cost only: no row of one instance
//! depends on another's, so a batch splits by instance id without changing
//! its meaning.

pub mod dashboard;
mod error;
mod listen;
mod migrate;
mod timers;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use sqlx::Row;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use error::Doing;
pub use error::{Result, StoreError};
pub use listen::{Event, Listener};
pub use timers::TimerKey;

/// What `Store::connect_with` needs; `from_env` reads the environment.
#[derive(Clone, Debug)]
pub struct StoreConfig {
    pub url: String,
    /// The schema that holds the tables (it must exist); the URL's default
    /// search path when `None`.
    pub schema: Option<String>,
    pub max_connections: u32,
    /// How often waiters look again when no notification came.
    pub poll_interval: Duration,
}

pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_millis(100);

impl StoreConfig {
    pub fn new(url: impl Into<String>) -> Self {
        StoreConfig {
            url: url.into(),
            schema: None,
            max_connections: 8,
            poll_interval: DEFAULT_POLL_INTERVAL,
        }
    }

    /// `RAPPEL_DATABASE_URL` (required) and `RAPPEL_POLL_INTERVAL_MS`
    /// (default 100).
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let url = lookup("RAPPEL_DATABASE_URL")
            .filter(|url| !url.trim().is_empty())
            .ok_or(StoreError::Config {
                variable: "RAPPEL_DATABASE_URL",
                message: "is not set; give a PostgreSQL URL such as \
                          postgresql://user:pass@localhost:5432/rappel"
                    .to_string(),
            })?;
        let mut config = StoreConfig::new(url);
        if let Some(raw) = lookup("RAPPEL_POLL_INTERVAL_MS") {
            let millis =
                raw.trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|&ms| ms > 0)
                    .ok_or(StoreError::Config {
                        variable: "RAPPEL_POLL_INTERVAL_MS",
                        message: format!("{raw:?} is not a positive number of milliseconds"),
                    })?;
            config.poll_interval = Duration::from_millis(millis);
        }
        Ok(config)
    }
}

impl StoreConfig {
    /// The options of every connection to the store, and where it connects
    /// (`host:port/database`, never the password) for messages.
    pub(crate) fn connect_options(&self) -> Result<(PgConnectOptions, String)> {
        let mut options: PgConnectOptions = self.url.parse().map_err(|_| StoreError::Config {
            variable: "RAPPEL_DATABASE_URL",
            message: "is not a PostgreSQL URL (postgresql://user:pass@host:port/database)"
                .to_string(),
        })?;
        let target = format!(
            "{}:{}/{}",
            options.get_host(),
            options.get_port(),
            options.get_database().unwrap_or("")
        );
        if let Some(schema) = &self.schema {
            options = options.options([("search_path", schema.as_str())]);
        }
        // Each execution is planned for its own values and the tables as
        // they are. A connection's cached generic plan is made once, from the
        // sizes of that moment: made while the tables are young (a fresh
        // deployment, a table the collector has just emptied), it scans
        // `instances` whole for every batch, and keeps doing so as the table
        // grows until autovacuum next analyzes it (tests/plans.rs).
        // Planning a batch's statement costs a fraction of a millisecond.
        options = options.options([("plan_cache_mode", "force_custom_plan")]);
        Ok((options, target))
    }
}

/// An instance id: a UUID in its text form.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InstanceId(String);

impl InstanceId {
    /// Checks the form (8-4-4-4-12 hex digits), so that a bad id from a
    /// client is a clear error rather than a failed query.
    pub fn parse(text: &str) -> Result<Self> {
        let groups: Vec<&str> = text.split('-').collect();
        let lengths_match = groups.len() == 5
            && groups
                .iter()
                .zip([8, 4, 4, 4, 12])
                .all(|(group, length)| group.len() == length);
        if lengths_match && groups.concat().chars().all(|c| c.is_ascii_hexdigit()) {
            Ok(InstanceId(text.to_ascii_lowercase()))
        } else {
            Err(StoreError::BadInstanceId(text.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for InstanceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A registered workflow version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionRef {
    pub id: i64,
    /// Hex SHA-256 of the `.rrl` text.
    pub ir_hash: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub id: i64,
    pub name: String,
    pub ir_hash: String,
    pub rrl_text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InstanceState {
    Queued,
    Running,
    Sleeping,
    Completed,
    Failed,
    /// Stopped by `cancel_instances` before it finished: no outcome.
    Cancelled,
}

impl InstanceState {
    pub fn as_str(self) -> &'static str {
        match self {
            InstanceState::Queued => "queued",
            InstanceState::Running => "running",
            InstanceState::Sleeping => "sleeping",
            InstanceState::Completed => "completed",
            InstanceState::Failed => "failed",
            InstanceState::Cancelled => "cancelled",
        }
    }

    /// Completed, failed or cancelled: it changes no more.
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            InstanceState::Completed | InstanceState::Failed | InstanceState::Cancelled
        )
    }

    /// Every state, in the order of the lifecycle.
    pub const ALL: [InstanceState; 6] = [
        InstanceState::Queued,
        InstanceState::Running,
        InstanceState::Sleeping,
        InstanceState::Completed,
        InstanceState::Failed,
        InstanceState::Cancelled,
    ];

    /// The state `as_str` names.
    pub fn named(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == name)
    }

    fn parse(value: &str) -> Result<Self> {
        Self::named(value).ok_or_else(|| StoreError::UnknownState {
            value: value.to_string(),
        })
    }
}

/// An instance to start: its version and its arguments (codec JSON).
#[derive(Clone, Debug)]
pub struct NewInstance {
    pub version_id: i64,
    pub arguments: String,
}

/// A start that may carry an idempotency key: at most one instance per
/// (workflow name, key), whatever the version or the arguments.
#[derive(Clone, Debug)]
pub struct KeyedStart {
    pub instance: NewInstance,
    pub idempotency_key: Option<String>,
}

/// What a keyed start gave: the instance, and whether it already existed
/// (an earlier start with the same key made it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Started {
    pub id: InstanceId,
    pub existing: bool,
}

/// An instance a lease handed over, why it was runnable, and what rebuilds
/// it (read in the same statement).
#[derive(Clone, Debug)]
pub struct Leased {
    pub id: InstanceId,
    pub version_id: i64,
    /// `Queued` (never run, or released), `Sleeping` (its timer is due) or
    /// `Running` (its previous owner's lease ran out).
    pub previous_state: InstanceState,
    /// The timer it slept on, in milliseconds since the Unix epoch.
    pub wake_at_ms: Option<i64>,
    pub record: InstanceRecord,
}

/// One completion for the log: the executor's completion as JSON, named by
/// its operation id and attempt (0 for one that answers no attempt).
#[derive(Clone, Debug)]
pub struct NewCompletion {
    pub instance_id: InstanceId,
    pub operation_id: String,
    pub attempt: i64,
    pub completion: String,
}

/// What became of one completion given to `append_completions`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Appended {
    /// New in the log at this position.
    New { seq: i64 },
    /// The log already answers this (operation, attempt): nothing changed.
    Duplicate,
    /// The caller does not hold the instance's lease: nothing changed.
    NotLeased,
}

/// A completion in the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedCompletion {
    pub seq: i64,
    pub operation_id: String,
    pub attempt: i64,
    pub completion: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotRecord {
    /// The last log position the state covers.
    pub seq: i64,
    pub state: String,
}

/// What rebuilds an instance: replay `completions` (in order) over
/// `snapshot`, or over a fresh start with `arguments` when there is none.
#[derive(Clone, Debug)]
pub struct InstanceRecord {
    pub id: InstanceId,
    pub version: Arc<Version>,
    pub arguments: String,
    pub state: InstanceState,
    pub snapshot: Option<SnapshotRecord>,
    pub completions: Vec<LoggedCompletion>,
}

#[derive(Clone, Debug)]
pub struct NewSnapshot {
    pub instance_id: InstanceId,
    pub seq: i64,
    pub state: String,
}

#[derive(Clone, Debug)]
pub struct Finished {
    pub instance_id: InstanceId,
    /// `Completed` or `Failed`.
    pub state: InstanceState,
    /// The result or the exception, codec JSON.
    pub outcome: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceStatus {
    pub id: InstanceId,
    pub version_id: i64,
    pub state: InstanceState,
    pub outcome: Option<String>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// A pool of connections to the store's database.
#[derive(Clone, Debug)]
pub struct Store {
    pool: PgPool,
    channels: Channels,
    poll_interval: Duration,
    /// Workflow versions already read: they are immutable, so a lease
    /// reads each once per process.
    versions: Arc<std::sync::Mutex<HashMap<i64, Arc<Version>>>>,
}

/// The notification channels, named after the schema so that stores in
/// different schemas of one database do not wake each other.
#[derive(Clone, Debug)]
pub(crate) struct Channels {
    pub(crate) work: String,
    pub(crate) finished: String,
}

impl Store {
    /// Connects and applies the migrations.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_with(StoreConfig::new(url)).await
    }

    pub async fn connect_with(config: StoreConfig) -> Result<Self> {
        let (options, target) = config.connect_options()?;
        let pool = PgPoolOptions::new()
            .max_connections(config.max_connections.max(1))
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Connect { target, source })?;
        migrate::migrator().await?.run(&pool).await?;
        let schema: String = sqlx::query_scalar("SELECT current_schema()::text")
            .fetch_one(&pool)
            .await
            .doing("read the current schema")?;
        Ok(Store {
            pool,
            channels: Channels {
                work: format!("rappel_work.{schema}"),
                finished: format!("rappel_finished.{schema}"),
            },
            poll_interval: config.poll_interval,
            versions: Arc::default(),
        })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub fn poll_interval(&self) -> Duration {
        self.poll_interval
    }

    /// Closes the pool's connections.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Registers the `.rrl` text of a workflow; the same text again is the
    /// same version.
    pub async fn register_version(&self, name: &str, rrl_text: &str) -> Result<VersionRef> {
        // A concurrent first registration makes the insert wait, then skip,
        // while this statement's snapshot cannot see the winner's row yet:
        // the next statement can.
        for _ in 0..2 {
            let row = sqlx::query(include_str!("sql/register_version.sql"))
                .bind(name)
                .bind(rrl_text)
                .fetch_optional(&self.pool)
                .await
                .doing("register a workflow version")?;
            if let Some(row) = row {
                return Ok(VersionRef {
                    id: row.try_get("id").doing("read a version id")?,
                    ir_hash: row.try_get("ir_hash").doing("read a version hash")?,
                });
            }
        }
        Err(StoreError::VersionVanished {
            name: name.to_string(),
        })
    }

    /// Starts instances, queued to run now; their ids in the batch's order.
    pub async fn start_instances(&self, batch: &[NewInstance]) -> Result<Vec<InstanceId>> {
        let keyed: Vec<KeyedStart> = batch
            .iter()
            .map(|instance| KeyedStart {
                instance: instance.clone(),
                idempotency_key: None,
            })
            .collect();
        let started = self.start_keyed(&keyed).await?;
        Ok(started.into_iter().map(|s| s.id).collect())
    }

    /// Starts instances, in one statement; a start whose key its workflow
    /// already used gets that key's instance instead of a new one (also
    /// when the earlier start is concurrent or earlier in this batch).
    pub async fn start_keyed(&self, batch: &[KeyedStart]) -> Result<Vec<Started>> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let versions: Vec<i64> = batch.iter().map(|s| s.instance.version_id).collect();
        let arguments: Vec<&str> = batch
            .iter()
            .map(|s| s.instance.arguments.as_str())
            .collect();
        let keys: Vec<Option<&str>> = batch.iter().map(|s| s.idempotency_key.as_deref()).collect();
        let rows: Vec<(String, bool)> = sqlx::query_as(include_str!("sql/start_instances.sql"))
            .bind(versions)
            .bind(arguments)
            .bind(keys)
            .bind(&self.channels.work)
            .fetch_all(&self.pool)
            .await
            .doing("start instances")?;
        Ok(rows
            .into_iter()
            .map(|(id, existing)| Started {
                id: InstanceId(id),
                existing,
            })
            .collect())
    }

    /// Leases up to `limit` runnable instances to `owner` for `lease`, with
    /// what rebuilds each, in one statement.
    pub async fn lease_instances(
        &self,
        owner: &str,
        limit: usize,
        lease: Duration,
    ) -> Result<Vec<Leased>> {
        const DOING: &str = "lease instances";
        let rows = sqlx::query(include_str!("sql/lease_instances.sql"))
            .bind(owner)
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .bind(millis(lease))
            .fetch_all(&self.pool)
            .await
            .doing(DOING)?;
        let mut leased = Vec::with_capacity(rows.len());
        for row in &rows {
            let previous_state = InstanceState::parse(row.try_get("previous_state").doing(DOING)?)?;
            let wake_at_ms = row.try_get("wake_at_ms").doing(DOING)?;
            leased.push((previous_state, wake_at_ms, RecordRow::read(row)?));
        }
        let versions = self
            .versions_of(leased.iter().map(|(_, _, r)| r.version_id))
            .await?;
        Ok(leased
            .into_iter()
            .filter_map(|(previous_state, wake_at_ms, row)| {
                let version = versions.get(&row.version_id)?;
                Some(Leased {
                    id: row.id.clone(),
                    version_id: row.version_id,
                    previous_state,
                    wake_at_ms,
                    record: row.into_record(Arc::clone(version)),
                })
            })
            .collect())
    }

    /// Extends `owner`'s leases; returns the instances it still holds.
    pub async fn renew_leases(
        &self,
        owner: &str,
        ids: &[InstanceId],
        lease: Duration,
    ) -> Result<Vec<InstanceId>> {
        let renewed: Vec<String> = sqlx::query_scalar(include_str!("sql/renew_leases.sql"))
            .bind(owner)
            .bind(strs(ids))
            .bind(millis(lease))
            .fetch_all(&self.pool)
            .await
            .doing("renew leases")?;
        Ok(renewed.into_iter().map(InstanceId).collect())
    }

    /// Appends completions to the logs of instances `owner` holds, in the
    /// batch's order; says for each what became of it.
    pub async fn append_completions(
        &self,
        owner: &str,
        batch: &[NewCompletion],
    ) -> Result<Vec<Appended>> {
        Ok(self.write_log(owner, batch, &[]).await?.0)
    }

    /// In one statement (one commit): appends completions to the logs of
    /// instances `owner` holds, in the batch's order, and finishes
    /// instances it holds (`finish_instances`). An instance's last
    /// completion and its finish may be in the same call. Returns what
    /// became of each completion, and the instances finished.
    pub async fn write_log(
        &self,
        owner: &str,
        appends: &[NewCompletion],
        finishes: &[Finished],
    ) -> Result<(Vec<Appended>, Vec<InstanceId>)> {
        const DOING: &str = "write completions and outcomes";
        if let Some(unfinished) = finishes.iter().find(|f| !f.state.is_finished()) {
            return Err(StoreError::NotFinal {
                id: unfinished.instance_id.clone(),
                state: unfinished.state.as_str(),
            });
        }
        if appends.is_empty() && finishes.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        let rows = sqlx::query(include_str!("sql/write_log.sql"))
            .bind(owner)
            .bind(
                appends
                    .iter()
                    .map(|c| c.instance_id.as_str())
                    .collect::<Vec<_>>(),
            )
            .bind(
                appends
                    .iter()
                    .map(|c| c.operation_id.as_str())
                    .collect::<Vec<_>>(),
            )
            .bind(appends.iter().map(|c| c.attempt).collect::<Vec<_>>())
            .bind(
                appends
                    .iter()
                    .map(|c| c.completion.as_str())
                    .collect::<Vec<_>>(),
            )
            .bind(
                finishes
                    .iter()
                    .map(|f| f.instance_id.as_str())
                    .collect::<Vec<_>>(),
            )
            .bind(
                finishes
                    .iter()
                    .map(|f| f.state.as_str())
                    .collect::<Vec<_>>(),
            )
            .bind(
                finishes
                    .iter()
                    .map(|f| f.outcome.as_str())
                    .collect::<Vec<_>>(),
            )
            .bind(&self.channels.finished)
            .fetch_all(&self.pool)
            .await
            .doing(DOING)?;
        let mut outcomes = vec![Appended::NotLeased; appends.len()];
        let mut finished = Vec::new();
        let mut taken_seqs = std::collections::HashSet::new();
        for row in rows {
            if let Some(id) = row.try_get::<Option<String>, _>("finished").doing(DOING)? {
                finished.push(InstanceId(id));
                continue;
            }
            let position: i64 = row.try_get("n").doing(DOING)?;
            let seq: Option<i64> = row.try_get("seq").doing(DOING)?;
            let Some(slot) = usize::try_from(position - 1)
                .ok()
                .and_then(|index| outcomes.get_mut(index))
            else {
                continue;
            };
            // The same key twice in one batch: only its first is new.
            *slot = match seq {
                Some(seq) if taken_seqs.insert(seq) => Appended::New { seq },
                _ => Appended::Duplicate,
            };
        }
        Ok((outcomes, finished))
    }

    /// What rebuilds each instance, in the order asked; an unknown id is
    /// left out.
    pub async fn load_instances(&self, ids: &[InstanceId]) -> Result<Vec<InstanceRecord>> {
        let rows = sqlx::query(include_str!("sql/load_instances.sql"))
            .bind(strs(ids))
            .fetch_all(&self.pool)
            .await
            .doing(RecordRow::DOING)?;
        let mut found = HashMap::new();
        for row in &rows {
            let row = RecordRow::read(row)?;
            found.insert(row.id.clone(), row);
        }
        let versions = self
            .versions_of(found.values().map(|r| r.version_id))
            .await?;
        Ok(ids
            .iter()
            .filter_map(|id| {
                let row = found.remove(id)?;
                let version = versions.get(&row.version_id)?;
                Some(row.into_record(Arc::clone(version)))
            })
            .collect())
    }

    /// The versions of these ids, read from the database only the first
    /// time.
    async fn versions_of(
        &self,
        ids: impl Iterator<Item = i64>,
    ) -> Result<HashMap<i64, Arc<Version>>> {
        let mut found = HashMap::new();
        let mut missing = Vec::new();
        {
            let cache = self.versions.lock().unwrap_or_else(|e| e.into_inner());
            for id in ids {
                match cache.get(&id) {
                    Some(version) => {
                        found.insert(id, Arc::clone(version));
                    }
                    None => missing.push(id),
                }
            }
        }
        if !missing.is_empty() {
            missing.sort_unstable();
            missing.dedup();
            let loaded = self.load_versions(&missing).await?;
            let mut cache = self.versions.lock().unwrap_or_else(|e| e.into_inner());
            for (id, version) in loaded {
                cache.insert(id, Arc::clone(&version));
                found.insert(id, version);
            }
        }
        Ok(found)
    }

    /// Workflow versions by id.
    pub async fn load_versions(&self, ids: &[i64]) -> Result<HashMap<i64, Arc<Version>>> {
        const DOING: &str = "load workflow versions";
        let rows = sqlx::query(include_str!("sql/load_versions.sql"))
            .bind(ids)
            .fetch_all(&self.pool)
            .await
            .doing(DOING)?;
        let mut versions = HashMap::new();
        for row in rows {
            let version = Version {
                id: row.try_get("id").doing(DOING)?,
                name: row.try_get("name").doing(DOING)?,
                ir_hash: row.try_get("ir_hash").doing(DOING)?,
                rrl_text: row.try_get("rrl_text").doing(DOING)?,
            };
            versions.insert(version.id, Arc::new(version));
        }
        Ok(versions)
    }

    /// Saves snapshots of instances `owner` holds; returns those saved (a
    /// snapshot older than the one stored is not).
    pub async fn save_snapshots(
        &self,
        owner: &str,
        batch: &[NewSnapshot],
    ) -> Result<Vec<InstanceId>> {
        let saved: Vec<String> = sqlx::query_scalar(include_str!("sql/save_snapshots.sql"))
            .bind(owner)
            .bind(
                batch
                    .iter()
                    .map(|s| s.instance_id.as_str())
                    .collect::<Vec<_>>(),
            )
            .bind(batch.iter().map(|s| s.seq).collect::<Vec<_>>())
            .bind(batch.iter().map(|s| s.state.as_str()).collect::<Vec<_>>())
            .fetch_all(&self.pool)
            .await
            .doing("save snapshots")?;
        Ok(saved.into_iter().map(InstanceId).collect())
    }

    /// Records the outcome of instances `owner` holds, ends their leases,
    /// deletes their timers and notifies waiters; returns those finished.
    pub async fn finish_instances(
        &self,
        owner: &str,
        batch: &[Finished],
    ) -> Result<Vec<InstanceId>> {
        // Cancelling is not a finish: it is `cancel_instances`, by anyone.
        let outcome_state =
            |state| matches!(state, InstanceState::Completed | InstanceState::Failed);
        if let Some(unfinished) = batch.iter().find(|f| !outcome_state(f.state)) {
            return Err(StoreError::NotFinal {
                id: unfinished.instance_id.clone(),
                state: unfinished.state.as_str(),
            });
        }
        Ok(self.write_log(owner, &[], batch).await?.1)
    }

    /// Cancels the instances that have not finished, whoever holds them:
    /// each becomes `Cancelled` (no outcome, no lease, no timers) and its
    /// waiters are notified. Returns those cancelled by this call; an
    /// instance missing from the answer had finished already (or is
    /// unknown): it is left as it was. A lease holder learns of it at its
    /// next write, which finds the instance no longer running.
    pub async fn cancel_instances(&self, ids: &[InstanceId]) -> Result<Vec<InstanceId>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let cancelled: Vec<String> = sqlx::query_scalar(include_str!("sql/cancel_instances.sql"))
            .bind(strs(ids))
            .bind(&self.channels.finished)
            .fetch_all(&self.pool)
            .await
            .doing("cancel instances")?;
        Ok(cancelled.into_iter().map(InstanceId).collect())
    }

    /// Puts instances `owner` holds to sleep, each for its delay (measured on
    /// the database's clock), releasing their leases; returns those asleep.
    pub async fn set_wake(
        &self,
        owner: &str,
        batch: &[(InstanceId, Duration)],
    ) -> Result<Vec<InstanceId>> {
        let asleep: Vec<String> = sqlx::query_scalar(include_str!("sql/set_wake.sql"))
            .bind(owner)
            .bind(batch.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>())
            .bind(
                batch
                    .iter()
                    .map(|&(_, delay)| millis(delay))
                    .collect::<Vec<_>>(),
            )
            .fetch_all(&self.pool)
            .await
            .doing("set timers")?;
        Ok(asleep.into_iter().map(InstanceId).collect())
    }

    /// Gives instances `owner` holds back to the queue; returns those released.
    pub async fn release(&self, owner: &str, ids: &[InstanceId]) -> Result<Vec<InstanceId>> {
        let released: Vec<String> = sqlx::query_scalar(include_str!("sql/release.sql"))
            .bind(owner)
            .bind(strs(ids))
            .bind(&self.channels.work)
            .fetch_all(&self.pool)
            .await
            .doing("release instances")?;
        Ok(released.into_iter().map(InstanceId).collect())
    }

    /// Deletes up to `batch` finished (completed, failed or cancelled) instances last
    /// updated more than `retention` ago, with their completions, snapshots
    /// and timers; unfinished instances and workflow versions stay. Returns
    /// how many instances went: fewer than `batch` when no more are due.
    pub async fn collect_garbage(&self, retention: Duration, batch: usize) -> Result<usize> {
        let deleted: i64 = sqlx::query_scalar(include_str!("sql/collect_garbage.sql"))
            .bind(millis(retention))
            .bind(i64::try_from(batch).unwrap_or(i64::MAX))
            .fetch_one(&self.pool)
            .await
            .doing("collect finished instances")?;
        Ok(usize::try_from(deleted).unwrap_or(0))
    }

    /// The status of each known instance, in the order asked.
    pub async fn get_status(&self, ids: &[InstanceId]) -> Result<Vec<InstanceStatus>> {
        const DOING: &str = "read instance status";
        let rows = sqlx::query(include_str!("sql/get_status.sql"))
            .bind(strs(ids))
            .fetch_all(&self.pool)
            .await
            .doing(DOING)?;
        let mut found = HashMap::new();
        for row in rows {
            let status = InstanceStatus {
                id: InstanceId(row.try_get("id").doing(DOING)?),
                version_id: row.try_get("version_id").doing(DOING)?,
                state: InstanceState::parse(row.try_get("state").doing(DOING)?)?,
                outcome: row.try_get("outcome").doing(DOING)?,
                created_at_ms: row.try_get("created_at_ms").doing(DOING)?,
                updated_at_ms: row.try_get("updated_at_ms").doing(DOING)?,
            };
            found.insert(status.id.clone(), status);
        }
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    /// A listener on this store's channels: finished instances and new work.
    pub async fn listen(&self) -> Result<Listener> {
        Listener::connect(&self.pool, &self.channels, self.poll_interval).await
    }

    /// Waits until every instance in `ids` has finished (or is unknown),
    /// woken by notifications and looking again every poll interval;
    /// returns their final status.
    pub async fn wait_for_outcomes(
        &self,
        ids: &[InstanceId],
        timeout: Duration,
    ) -> Result<Vec<InstanceStatus>> {
        // Listen before looking, so a finish between the two is not missed.
        let mut listener = self.listen().await?;
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let statuses = self.get_status(ids).await?;
            let pending = statuses.iter().filter(|s| !s.state.is_finished()).count();
            if pending == 0 {
                return Ok(statuses);
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return Err(StoreError::WaitTimedOut {
                    pending,
                    waited: timeout,
                });
            }
            // Any finish (or the poll interval, or the deadline) means look again.
            listener.next_before(deadline).await?;
        }
    }
}

/// A row of `instance_records` (migrations/0004), before its version is
/// attached.
struct RecordRow {
    id: InstanceId,
    version_id: i64,
    arguments: String,
    state: InstanceState,
    snapshot: Option<SnapshotRecord>,
    completions: Vec<LoggedCompletion>,
}

impl RecordRow {
    const DOING: &'static str = "load instances";

    fn read(row: &sqlx::postgres::PgRow) -> Result<RecordRow> {
        const DOING: &str = RecordRow::DOING;
        let snapshot_seq: Option<i64> = row.try_get("snapshot_seq").doing(DOING)?;
        let snapshot_state: Option<String> = row.try_get("snapshot_state").doing(DOING)?;
        let seqs: Option<Vec<i64>> = row.try_get("seqs").doing(DOING)?;
        let operation_ids: Option<Vec<String>> = row.try_get("operation_ids").doing(DOING)?;
        let attempts: Option<Vec<i64>> = row.try_get("attempts").doing(DOING)?;
        let completions: Option<Vec<String>> = row.try_get("completions").doing(DOING)?;
        let completions = seqs
            .unwrap_or_default()
            .into_iter()
            .zip(operation_ids.unwrap_or_default())
            .zip(attempts.unwrap_or_default())
            .zip(completions.unwrap_or_default())
            .map(
                |(((seq, operation_id), attempt), completion)| LoggedCompletion {
                    seq,
                    operation_id,
                    attempt,
                    completion,
                },
            )
            .collect();
        Ok(RecordRow {
            id: InstanceId(row.try_get("id").doing(DOING)?),
            version_id: row.try_get("version_id").doing(DOING)?,
            arguments: row.try_get("arguments").doing(DOING)?,
            state: InstanceState::parse(row.try_get("state").doing(DOING)?)?,
            snapshot: snapshot_seq
                .zip(snapshot_state)
                .map(|(seq, state)| SnapshotRecord { seq, state }),
            completions,
        })
    }

    fn into_record(self, version: Arc<Version>) -> InstanceRecord {
        InstanceRecord {
            id: self.id,
            version,
            arguments: self.arguments,
            state: self.state,
            snapshot: self.snapshot,
            completions: self.completions,
        }
    }
}

fn strs(ids: &[InstanceId]) -> Vec<&str> {
    ids.iter().map(InstanceId::as_str).collect()
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_ids_are_uuids() {
        let id = InstanceId::parse("2F1C0E7A-6c5b-4f0e-9a51-3d2b1c0a9e8f").expect("a uuid");
        assert_eq!(id.as_str(), "2f1c0e7a-6c5b-4f0e-9a51-3d2b1c0a9e8f");
        for bad in [
            "",
            "42",
            "2f1c0e7a6c5b4f0e9a513d2b1c0a9e8f",
            "2f1c0e7a-6c5b-4f0e-9a51-3d2b1c0a9e8g",
        ] {
            let error = InstanceId::parse(bad).expect_err(bad);
            assert!(
                error.to_string().contains("is not an instance id"),
                "{error}"
            );
        }
    }

    #[test]
    fn configuration_names_the_variable_at_fault() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| value.to_string())
            }
        };
        let missing = StoreConfig::from_lookup(env(&[])).expect_err("no url");
        assert!(
            missing
                .to_string()
                .starts_with("RAPPEL_DATABASE_URL: is not set")
        );
        let bad_poll = StoreConfig::from_lookup(env(&[
            ("RAPPEL_DATABASE_URL", "postgresql://db/x"),
            ("RAPPEL_POLL_INTERVAL_MS", "soon"),
        ]))
        .expect_err("bad poll interval");
        assert_eq!(
            bad_poll.to_string(),
            "RAPPEL_POLL_INTERVAL_MS: \"soon\" is not a positive number of milliseconds"
        );
        let config = StoreConfig::from_lookup(env(&[
            ("RAPPEL_DATABASE_URL", "postgresql://db/x"),
            ("RAPPEL_POLL_INTERVAL_MS", "250"),
        ]))
        .expect("a good configuration");
        assert_eq!(config.poll_interval, Duration::from_millis(250));
        assert_eq!(
            StoreConfig::from_lookup(env(&[("RAPPEL_DATABASE_URL", "postgresql://db/x")]))
                .expect("defaults")
                .poll_interval,
            DEFAULT_POLL_INTERVAL
        );
    }
}
