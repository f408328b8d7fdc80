//! A fresh schema of a real Postgres for each test, dropped when the test
//! ends (passing or not), so tests run in parallel and leave nothing behind.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use rappel_store::{InstanceId, NewInstance, Store, StoreConfig};
use sqlx::Connection;
use sqlx::postgres::PgConnection;

/// A one-line workflow for tests that need instances, not what they run.
// Not every test crate that shares this module starts instances.
#[allow(dead_code)]
pub const PROGRAM: &str = "workflow Greet(name):\n    return name\n";

/// Starts `count` instances of `PROGRAM`.
#[allow(dead_code)]
pub async fn start(store: &Store, count: usize) -> Vec<InstanceId> {
    let version = store
        .register_version("Greet", PROGRAM)
        .await
        .expect("register");
    let batch: Vec<NewInstance> = (0..count)
        .map(|i| NewInstance {
            version_id: version.id,
            arguments: format!(r#"{{"name": "user {i}"}}"#),
        })
        .collect();
    store.start_instances(&batch).await.expect("start")
}

pub const DEFAULT_URL: &str = "postgresql://postgres@127.0.0.1:5432/test";

pub fn database_url() -> String {
    std::env::var("RAPPEL_DATABASE_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_URL.to_string())
}

async fn admin_connection(url: &str) -> PgConnection {
    match PgConnection::connect(url).await {
        Ok(connection) => connection,
        Err(error) => panic!(
            "the store's tests need a real PostgreSQL and none answered at {url}: {error}\n\
             Start one there, or set RAPPEL_DATABASE_URL to a database the tests may create \
             schemas in (`make test-rust` uses the local server when it is reachable)."
        ),
    }
}

/// A schema of its own, dropped with it.
pub struct TestSchema {
    pub url: String,
    pub name: String,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestSchema {
    pub async fn new() -> Self {
        let url = database_url();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "rappel_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            nanos
        );
        let mut admin = admin_connection(&url).await;
        sqlx::query(&format!("CREATE SCHEMA \"{name}\""))
            .execute(&mut admin)
            .await
            .expect("create the test schema");
        TestSchema { url, name }
    }

    pub fn config(&self) -> StoreConfig {
        StoreConfig {
            schema: Some(self.name.clone()),
            max_connections: 4,
            ..StoreConfig::new(self.url.clone())
        }
    }

    pub async fn store(&self) -> Store {
        self.store_polling_every(Duration::from_millis(50)).await
    }

    pub async fn store_polling_every(&self, poll_interval: Duration) -> Store {
        Store::connect_with(StoreConfig {
            poll_interval,
            ..self.config()
        })
        .await
        .expect("connect the store")
    }
}

impl Drop for TestSchema {
    fn drop(&mut self) {
        let url = self.url.clone();
        let name = self.name.clone();
        // Drop runs inside the test's runtime, which cannot block on itself.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime to drop the test schema");
            runtime.block_on(async {
                let mut admin = admin_connection(&url).await;
                sqlx::query(&format!("DROP SCHEMA \"{name}\" CASCADE"))
                    .execute(&mut admin)
                    .await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(_))) && !std::thread::panicking() {
            panic!("could not drop the test schema {}", self.name);
        }
    }
}
