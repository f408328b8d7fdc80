//! What the web dashboard reads (docs/operations.md, "The web dashboard"),
//! through a pool of its own: read-only connections with a statement
//! timeout, so a person browsing never takes a connection the runtime needs
//! nor holds a lock, and no read runs long.
//!
//! Every read is bounded whatever the number of instances: counts stop at a
//! cap, pages are keyset ranges of `instances_by_version_state`
//! (migration 0007), an instance's log is read up to a limit.

use std::time::{Duration, Instant};

use sqlx::Row;
use sqlx::postgres::{PgPool, PgPoolOptions, PgRow};

use crate::error::Doing;
use crate::{InstanceId, InstanceState, Result, StoreConfig, Version};

/// The dashboard's connections to the store.
#[derive(Clone, Debug)]
pub struct Reader {
    pool: PgPool,
}

/// Connections the dashboard keeps at most.
pub const READER_CONNECTIONS: u32 = 2;

/// The longest a dashboard statement may run before Postgres cancels it.
pub const STATEMENT_TIMEOUT: Duration = Duration::from_secs(5);

/// Workflow versions the overview and the instance list look at, newest
/// first (each costs one index probe per state).
pub const MAX_VERSIONS: i64 = 500;

/// The instances of one workflow version in one state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateCount {
    pub state: InstanceState,
    /// Exact below the overview's cap; the cap means "at least".
    pub count: i64,
}

/// One workflow version and its instances by state (only states it has).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionCounts {
    pub version_id: i64,
    pub workflow: String,
    pub ir_hash: String,
    pub created_at_ms: i64,
    pub counts: Vec<StateCount>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overview {
    /// By workflow name, then newest version first.
    pub versions: Vec<VersionCounts>,
    /// Where counting stops: a count equal to it means at least that many.
    pub cap: i64,
    /// Versions registered (the overview shows the newest `MAX_VERSIONS`).
    pub versions_registered: i64,
    /// Instances a leaser may take now (capped too).
    pub runnable_now: i64,
    /// Since when the longest-waiting of those waits (ms since the epoch).
    pub oldest_runnable_ms: Option<i64>,
    /// The database's clock when it answered.
    pub now_ms: i64,
}

/// Which instances a page lists.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InstanceFilter {
    pub workflow: Option<String>,
    pub version_id: Option<i64>,
    /// Empty: every state.
    pub states: Vec<InstanceState>,
}

/// A row of the instance list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceSummary {
    pub id: InstanceId,
    pub version_id: i64,
    pub workflow: String,
    pub state: InstanceState,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    /// The start of its arguments' JSON (160 characters at most).
    pub arguments_preview: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstancePage {
    pub instances: Vec<InstanceSummary>,
    /// The id the next page continues after; `None` on the last page.
    pub next: Option<InstanceId>,
}

/// One entry of an instance's completion log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    pub seq: i64,
    pub operation_id: String,
    pub attempt: i64,
    /// The executor's completion, JSON.
    pub completion: String,
    pub created_at_ms: i64,
}

/// A durable timer of an instance: a sleep (attempt 0) or a backoff.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimerEntry {
    pub operation_id: String,
    pub attempt: i64,
    pub due_at_ms: i64,
}

/// Everything the store holds of one instance, its log up to a limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceDetail {
    pub id: InstanceId,
    pub version_id: i64,
    pub workflow: String,
    pub state: InstanceState,
    /// Codec JSON.
    pub arguments: String,
    /// The result (completed) or the exception (failed), codec JSON.
    pub outcome: Option<String>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    pub lease_owner: Option<String>,
    pub lease_expires_at_ms: Option<i64>,
    pub wake_at_ms: Option<i64>,
    /// The log position its latest snapshot covers.
    pub snapshot_seq: Option<i64>,
    /// Its log from the start, in order, at most the limit asked.
    pub log: Vec<LogEntry>,
    /// The log goes on past `log`.
    pub log_truncated: bool,
    pub timers: Vec<TimerEntry>,
}

/// What the store answered to the health check.
#[derive(Clone, Debug, PartialEq)]
pub struct StoreHealth {
    /// `None` when the store answered; else why not.
    pub error: Option<String>,
    /// The round trip of the check's statement.
    pub latency: Duration,
    pub server_version: Option<String>,
    /// The last migration applied.
    pub migration: Option<i64>,
    pub database_bytes: Option<i64>,
    /// The planner's estimate (`pg_class.reltuples`), not a count.
    pub instances_estimate: Option<i64>,
    /// The dashboard pool's connections, open and idle.
    pub pool_size: u32,
    pub pool_idle: usize,
}

impl Reader {
    /// A read-only pool of `READER_CONNECTIONS` on the store of `config`.
    /// Connects on first use, so a dashboard starts (and shows the store's
    /// health) while Postgres is away.
    pub fn connect_lazy(config: &StoreConfig) -> Result<Reader> {
        let (options, _) = config.connect_options()?;
        let timeout_ms = STATEMENT_TIMEOUT.as_millis().to_string();
        let options = options.application_name("rappel-dashboard").options([
            ("default_transaction_read_only", "on"),
            ("statement_timeout", timeout_ms.as_str()),
            // The capped counts are estimated as costly as whole scans,
            // which makes Postgres compile them (150 ms of JIT for a
            // 50 ms query on 500k instances).
            ("jit", "off"),
        ]);
        let pool = PgPoolOptions::new()
            .max_connections(READER_CONNECTIONS)
            .acquire_timeout(STATEMENT_TIMEOUT)
            .connect_lazy_with(options);
        Ok(Reader { pool })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Instances by workflow version and state, each count stopping at
    /// `cap`; the queue of runnable instances.
    pub async fn overview(&self, cap: i64) -> Result<Overview> {
        const DOING: &str = "read the overview";
        let cap = cap.max(1);
        let rows = sqlx::query(include_str!("sql/dashboard/overview_counts.sql"))
            .bind(cap)
            .bind(MAX_VERSIONS)
            .fetch_all(&self.pool)
            .await
            .doing(DOING)?;
        let mut versions: Vec<VersionCounts> = Vec::new();
        for row in rows {
            let version_id: i64 = row.try_get("version_id").doing(DOING)?;
            let count = StateCount {
                state: InstanceState::parse(row.try_get("state").doing(DOING)?)?,
                count: row.try_get("count").doing(DOING)?,
            };
            match versions.last_mut() {
                Some(last) if last.version_id == version_id => last.counts.push(count),
                _ => versions.push(VersionCounts {
                    version_id,
                    workflow: row.try_get("name").doing(DOING)?,
                    ir_hash: row.try_get("ir_hash").doing(DOING)?,
                    created_at_ms: row.try_get("created_at_ms").doing(DOING)?,
                    counts: vec![count],
                }),
            }
        }
        let queue = sqlx::query(include_str!("sql/dashboard/overview_queue.sql"))
            .bind(cap)
            .fetch_one(&self.pool)
            .await
            .doing(DOING)?;
        Ok(Overview {
            versions,
            cap,
            versions_registered: queue.try_get("versions").doing(DOING)?,
            runnable_now: queue.try_get("runnable_now").doing(DOING)?,
            oldest_runnable_ms: queue.try_get("oldest_runnable_ms").doing(DOING)?,
            now_ms: queue.try_get("now_ms").doing(DOING)?,
        })
    }

    /// A page of `limit` instances matching `filter`, newest first,
    /// continuing after instance `after` (from the newest when `None`).
    pub async fn list_instances(
        &self,
        filter: &InstanceFilter,
        after: Option<&InstanceId>,
        limit: usize,
    ) -> Result<InstancePage> {
        const DOING: &str = "list instances";
        let limit = limit.max(1);
        let states = if filter.states.is_empty() {
            InstanceState::ALL.to_vec()
        } else {
            filter.states.clone()
        };
        let states: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
        // One more than the page: whether a next page exists.
        let fetch = i64::try_from(limit + 1).unwrap_or(i64::MAX);
        let rows = sqlx::query(include_str!("sql/dashboard/list_instances.sql"))
            .bind(filter.workflow.as_deref())
            .bind(filter.version_id)
            .bind(states)
            .bind(after.map(InstanceId::as_str))
            .bind(fetch)
            .bind(MAX_VERSIONS)
            .fetch_all(&self.pool)
            .await
            .doing(DOING)?;
        let mut instances = rows
            .iter()
            .map(|row| -> Result<InstanceSummary> {
                Ok(InstanceSummary {
                    id: InstanceId(row.try_get("id").doing(DOING)?),
                    version_id: row.try_get("version_id").doing(DOING)?,
                    workflow: row.try_get("name").doing(DOING)?,
                    state: InstanceState::parse(row.try_get("state").doing(DOING)?)?,
                    created_at_ms: row.try_get("created_at_ms").doing(DOING)?,
                    updated_at_ms: row.try_get("updated_at_ms").doing(DOING)?,
                    arguments_preview: row.try_get("arguments_preview").doing(DOING)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let next = if instances.len() > limit {
            instances.truncate(limit);
            instances.last().map(|last| last.id.clone())
        } else {
            None
        };
        Ok(InstancePage { instances, next })
    }

    /// One instance with its log (at most `max_log` entries from the
    /// start) and timers, read in one snapshot of the database; `None` for
    /// an unknown id.
    pub async fn instance(
        &self,
        id: &InstanceId,
        max_log: usize,
    ) -> Result<Option<InstanceDetail>> {
        const DOING: &str = "read an instance";
        let mut tx = self.pool.begin().await.doing(DOING)?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            .execute(&mut *tx)
            .await
            .doing(DOING)?;
        let Some(row) = sqlx::query(include_str!("sql/dashboard/instance.sql"))
            .bind(id.as_str())
            .fetch_optional(&mut *tx)
            .await
            .doing(DOING)?
        else {
            return Ok(None);
        };
        let fetch = i64::try_from(max_log.saturating_add(1)).unwrap_or(i64::MAX);
        let mut log = sqlx::query(include_str!("sql/dashboard/instance_log.sql"))
            .bind(id.as_str())
            .bind(fetch)
            .fetch_all(&mut *tx)
            .await
            .doing(DOING)?
            .iter()
            .map(log_entry)
            .collect::<Result<Vec<_>>>()?;
        let log_truncated = log.len() > max_log;
        log.truncate(max_log);
        let timers = sqlx::query(include_str!("sql/dashboard/instance_timers.sql"))
            .bind(id.as_str())
            .fetch_all(&mut *tx)
            .await
            .doing(DOING)?
            .iter()
            .map(|row| -> Result<TimerEntry> {
                Ok(TimerEntry {
                    operation_id: row.try_get("operation_id").doing(DOING)?,
                    attempt: row.try_get("attempt").doing(DOING)?,
                    due_at_ms: row.try_get("due_at_ms").doing(DOING)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        tx.commit().await.doing(DOING)?;
        Ok(Some(InstanceDetail {
            id: InstanceId(row.try_get("id").doing(DOING)?),
            version_id: row.try_get("version_id").doing(DOING)?,
            workflow: row.try_get("name").doing(DOING)?,
            state: InstanceState::parse(row.try_get("state").doing(DOING)?)?,
            arguments: row.try_get("arguments").doing(DOING)?,
            outcome: row.try_get("outcome").doing(DOING)?,
            created_at_ms: row.try_get("created_at_ms").doing(DOING)?,
            updated_at_ms: row.try_get("updated_at_ms").doing(DOING)?,
            lease_owner: row.try_get("lease_owner").doing(DOING)?,
            lease_expires_at_ms: row.try_get("lease_expires_at_ms").doing(DOING)?,
            wake_at_ms: row.try_get("wake_at_ms").doing(DOING)?,
            snapshot_seq: row.try_get("snapshot_seq").doing(DOING)?,
            log,
            log_truncated,
            timers,
        }))
    }

    /// A workflow version with its `.rrl` text; `None` for an unknown id.
    pub async fn version(&self, id: i64) -> Result<Option<Version>> {
        const DOING: &str = "read a workflow version";
        let row = sqlx::query(include_str!("sql/load_versions.sql"))
            .bind(vec![id])
            .fetch_optional(&self.pool)
            .await
            .doing(DOING)?;
        row.map(|row| -> Result<Version> {
            Ok(Version {
                id: row.try_get("id").doing(DOING)?,
                name: row.try_get("name").doing(DOING)?,
                ir_hash: row.try_get("ir_hash").doing(DOING)?,
                rrl_text: row.try_get("rrl_text").doing(DOING)?,
            })
        })
        .transpose()
    }

    /// Whether the store answers, how fast, and what it is; never an error.
    pub async fn health(&self) -> StoreHealth {
        const DOING: &str = "check the store's health";
        let began = Instant::now();
        let answer = sqlx::query(include_str!("sql/dashboard/health.sql"))
            .fetch_one(&self.pool)
            .await
            .doing(DOING);
        let latency = began.elapsed();
        let mut health = StoreHealth {
            error: None,
            latency,
            server_version: None,
            migration: None,
            database_bytes: None,
            instances_estimate: None,
            pool_size: self.pool.size(),
            pool_idle: self.pool.num_idle(),
        };
        let read = |row: &PgRow, health: &mut StoreHealth| -> Result<()> {
            health.server_version = row.try_get("server_version").doing(DOING)?;
            health.migration = row.try_get("migration").doing(DOING)?;
            health.database_bytes = row.try_get("database_bytes").doing(DOING)?;
            health.instances_estimate = row.try_get("instances_estimate").doing(DOING)?;
            Ok(())
        };
        let read = answer.and_then(|row| read(&row, &mut health));
        if let Err(error) = read {
            health.error = Some(error.to_string());
        }
        health
    }
}

fn log_entry(row: &PgRow) -> Result<LogEntry> {
    const DOING: &str = "read an instance's log";
    Ok(LogEntry {
        seq: row.try_get("seq").doing(DOING)?,
        operation_id: row.try_get("operation_id").doing(DOING)?,
        attempt: row.try_get("attempt").doing(DOING)?,
        completion: row.try_get("completion").doing(DOING)?,
        created_at_ms: row.try_get("created_at_ms").doing(DOING)?,
    })
}
