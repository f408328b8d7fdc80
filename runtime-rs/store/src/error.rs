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
