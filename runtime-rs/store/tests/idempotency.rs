//! Idempotent start against a real Postgres (tests/support: one schema per test).

mod support;

use std::collections::HashSet;

use rappel_store::{KeyedStart, NewInstance, Store};
use support::TestSchema;

const GREET: &str = "workflow Greet(name):\n    return name\n";
const GREET_V2: &str = "workflow Greet(name):\n    return [name]\n";
const WAVE: &str = "workflow Wave(name):\n    return name\n";

fn keyed(version_id: i64, name: &str, key: Option<&str>) -> KeyedStart {
    KeyedStart {
        instance: NewInstance {
            version_id,
            arguments: format!(r#"{{"name": "{name}"}}"#),
        },
        idempotency_key: key.map(str::to_string),
    }
}

async fn instance_count(store: &Store) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM instances")
        .fetch_one(store.pool())
        .await
        .expect("count instances")
}

#[tokio::test]
async fn the_same_key_twice_starts_one_instance_even_across_versions() {
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let v1 = store.register_version("Greet", GREET).await.expect("v1");
    let first = store
        .start_keyed(&[keyed(v1.id, "ada", Some("order-1"))])
        .await
        .expect("first start");
    assert!(!first[0].existing);
    // A redeploy (a new version of the same workflow) and other arguments:
    // still the key's instance.
    let v2 = store.register_version("Greet", GREET_V2).await.expect("v2");
    let again = store
        .start_keyed(&[keyed(v2.id, "bob", Some("order-1"))])
        .await
        .expect("second start");
    assert_eq!(again[0].id, first[0].id);
    assert!(again[0].existing);
    assert_eq!(instance_count(&store).await, 1);
}

#[tokio::test]
async fn a_batch_mixes_keyed_unkeyed_and_repeated_keys_in_order() {
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let v = store.register_version("Greet", GREET).await.expect("v");
    let started = store
        .start_keyed(&[
            keyed(v.id, "a", Some("k")),
            keyed(v.id, "b", None),
            keyed(v.id, "c", Some("k")),
            keyed(v.id, "d", None),
        ])
        .await
        .expect("start");
    let existing: Vec<bool> = started.iter().map(|s| s.existing).collect();
    assert_eq!(existing, [false, false, true, false]);
    assert_eq!(started[0].id, started[2].id);
    let distinct: HashSet<_> = started.iter().map(|s| s.id.clone()).collect();
    assert_eq!(distinct.len(), 3);
    assert_eq!(instance_count(&store).await, 3);
    // The key's instance is the first start's, with its arguments.
    let records = store
        .load_instances(std::slice::from_ref(&started[0].id))
        .await
        .expect("load");
    assert!(records[0].arguments.contains("\"a\""), "{records:?}");
}

#[tokio::test]
async fn different_workflows_may_share_a_key() {
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let greet = store.register_version("Greet", GREET).await.expect("greet");
    let wave = store.register_version("Wave", WAVE).await.expect("wave");
    let started = store
        .start_keyed(&[
            keyed(greet.id, "a", Some("shared")),
            keyed(wave.id, "a", Some("shared")),
        ])
        .await
        .expect("start");
    assert_ne!(started[0].id, started[1].id);
    assert!(started.iter().all(|s| !s.existing));
}

#[tokio::test]
async fn concurrent_starts_with_one_key_make_one_instance() {
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let v = store.register_version("Greet", GREET).await.expect("v");
    let racing: Vec<_> = (0..8)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .start_keyed(&[keyed(v.id, &format!("racer {i}"), Some("race"))])
                    .await
                    .expect("racing start")
                    .remove(0)
            })
        })
        .collect();
    let mut ids = HashSet::new();
    let mut new = 0;
    for start in racing {
        let started = start.await.expect("join");
        new += usize::from(!started.existing);
        ids.insert(started.id);
    }
    assert_eq!(ids.len(), 1, "every racer got the one instance");
    assert_eq!(new, 1, "exactly one racer made it");
    assert_eq!(instance_count(&store).await, 1);
}
