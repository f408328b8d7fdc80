//! Durable timers: the deadline of a sleep or of a backoff, recorded once so
//! that a restart resumes it on time.

use std::collections::HashMap;
use std::time::Duration;

use sqlx::Row;

use crate::error::Doing;
use crate::{InstanceId, Result, Store, millis};

/// A timer an instance waits on: its operation, and the attempt a backoff
/// precedes (0 for a sleep).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TimerKey {
    pub instance_id: InstanceId,
    pub operation_id: String,
    pub attempt: i64,
}

impl Store {
    /// Records each timer of instances `owner` holds as due after its delay
    /// (on the database's clock), unless it is recorded already: then it
    /// keeps its first deadline. Returns, for each timer of a held
    /// instance, the time left until it is due (zero once due).
    pub async fn record_timers(
        &self,
        owner: &str,
        batch: &[(TimerKey, Duration)],
    ) -> Result<HashMap<TimerKey, Duration>> {
        const DOING: &str = "record timers";
        if batch.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = sqlx::query(include_str!("sql/record_timers.sql"))
            .bind(owner)
            .bind(
                batch
                    .iter()
                    .map(|(k, _)| k.instance_id.as_str())
                    .collect::<Vec<_>>(),
            )
            .bind(
                batch
                    .iter()
                    .map(|(k, _)| k.operation_id.as_str())
                    .collect::<Vec<_>>(),
            )
            .bind(batch.iter().map(|(k, _)| k.attempt).collect::<Vec<_>>())
            .bind(batch.iter().map(|&(_, d)| millis(d)).collect::<Vec<_>>())
            .fetch_all(&self.pool)
            .await
            .doing(DOING)?;
        let mut left = HashMap::with_capacity(rows.len());
        for row in rows {
            let key = TimerKey {
                instance_id: InstanceId(row.try_get("instance_id").doing(DOING)?),
                operation_id: row.try_get("operation_id").doing(DOING)?,
                attempt: row.try_get("attempt").doing(DOING)?,
            };
            let ms: i64 = row.try_get("left_ms").doing(DOING)?;
            left.insert(key, Duration::from_millis(u64::try_from(ms).unwrap_or(0)));
        }
        Ok(left)
    }
}
