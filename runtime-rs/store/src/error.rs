//! The store's errors: each says what the store was doing, never the
//! password of the database URL.

use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{variable}: {message}")]
    Config {
        variable: &'static str,
        message: String,
    },
    #[error("cannot connect to Postgres at {target}: {source}")]
    Connect {
        /// host:port/database, without credentials.
        target: String,
        source: sqlx::Error,
    },
    #[error("applying the store's migrations failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("the store failed to {doing}: {source}")]
    Query {
        doing: &'static str,
        source: sqlx::Error,
    },
    #[error("{0:?} is not an instance id (a UUID such as 2f1c0e7a-6c5b-4f0e-9a51-3d2b1c0a9e8f)")]
    BadInstanceId(String),
    #[error("the store returned {value:?} as an instance state")]
    UnknownState { value: String },
    #[error("registering the version of {name:?} found neither a new nor an existing row")]
    VersionVanished { name: String },
    #[error("instance {id} cannot finish as {state:?}: only completed or failed ends an instance")]
    NotFinal {
        id: crate::InstanceId,
        state: &'static str,
    },
    #[error("no outcome for {pending} instance(s) after {waited:?}")]
    WaitTimedOut { pending: usize, waited: Duration },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Names what failed for `?` on a query.
pub(crate) trait Doing<T> {
    fn doing(self, doing: &'static str) -> Result<T>;
}

impl<T> Doing<T> for std::result::Result<T, sqlx::Error> {
    fn doing(self, doing: &'static str) -> Result<T> {
        self.map_err(|source| StoreError::Query { doing, source })
    }
}

impl StoreError {
    /// A failure of the connection rather than of the statement (Postgres
    /// restarting, unreachable, out of connections): the same statement may
    /// succeed once it is back, so it is worth retrying.
    pub fn is_transient(&self) -> bool {
        let (StoreError::Query { source, .. } | StoreError::Connect { source, .. }) = self else {
            return false;
        };
        match source {
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::WorkerCrashed => true,
            // Class 08: connection exceptions; 57P01-57P03: the server is
            // shutting down or starting up; 53300: too many connections.
            sqlx::Error::Database(error) => error.code().is_some_and(|code| {
                code.starts_with("08") || code.starts_with("57P") || code == "53300"
            }),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_connection_failures_are_transient() {
        let query = |source| StoreError::Query {
            doing: "test",
            source,
        };
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert!(query(sqlx::Error::Io(refused)).is_transient());
        assert!(query(sqlx::Error::PoolTimedOut).is_transient());
        assert!(!query(sqlx::Error::RowNotFound).is_transient());
        assert!(!query(sqlx::Error::PoolClosed).is_transient());
        assert!(!StoreError::BadInstanceId("x".into()).is_transient());
    }
}
