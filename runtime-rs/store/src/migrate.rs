//! The numbered migrations in `migrations/`, compiled into the binary so
//! that a deployed runtime needs no files beside it.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};

/// Every migration, in order: (version, description, SQL).
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "store", include_str!("../migrations/0001_store.sql")),
    (2, "timers", include_str!("../migrations/0002_timers.sql")),
    (
        3,
        "idempotency keys",
        include_str!("../migrations/0003_idempotency_keys.sql"),
    ),
    (
        4,
        "instance records",
        include_str!("../migrations/0004_instance_records.sql"),
    ),
    (
        5,
        "cancelled instances",
        include_str!("../migrations/0005_cancelled.sql"),
    ),
    (
        6,
        "index plans",
        include_str!("../migrations/0006_index_plans.sql"),
    ),
    (
        7,
        "dashboard",
        include_str!("../migrations/0007_dashboard.sql"),
    ),
];

#[derive(Debug)]
struct Embedded;

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(
        self,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, BoxDynError>> + Send + 's>> {
        Box::pin(async {
            Ok(MIGRATIONS
                .iter()
                .map(|&(version, description, sql)| {
                    Migration::new(
                        version,
                        Cow::Borrowed(description),
                        MigrationType::Simple,
                        Cow::Borrowed(sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

/// The migrator: it holds a Postgres advisory lock while it runs, so
/// processes starting together apply each migration once.
pub(crate) async fn migrator() -> Result<Migrator, sqlx::migrate::MigrateError> {
    Migrator::new(Embedded).await
}
