//! Garbage collection of finished instances against a real Postgres.

mod support;

use std::time::Duration;

use rappel_store::{
    Appended, Finished, InstanceId, InstanceState, NewCompletion, NewSnapshot, Store, TimerKey,
};
use support::{TestSchema, start};

const LONG: Duration = Duration::from_secs(3600);
const RETENTION: Duration = Duration::from_secs(3600);

/// Starts `count` instances and leases them all to "a".
async fn start_leased(store: &Store, count: usize) -> Vec<InstanceId> {
    let ids = start(store, count).await;
    let leased = store.lease_instances("a", 100, LONG).await.expect("lease");
    assert_eq!(leased.len(), count);
    ids
}

/// A schema with `count` instances leased to "a", each with a completion, a
/// snapshot and a timer.
async fn leased_and_filled(count: usize) -> (TestSchema, Store, Vec<InstanceId>) {
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let ids = start_leased(&store, count).await;
    fill(&store, &ids).await;
    (schema, store, ids)
}

/// Gives each instance a completion, a snapshot and a timer.
async fn fill(store: &Store, ids: &[InstanceId]) {
    let completions: Vec<NewCompletion> = ids
        .iter()
        .map(|id| NewCompletion {
            instance_id: id.clone(),
            operation_id: "0".to_string(),
            attempt: 1,
            completion: r#"{"returned": 1}"#.to_string(),
        })
        .collect();
    let appended = store
        .append_completions("a", &completions)
        .await
        .expect("append");
    let snapshots: Vec<NewSnapshot> = ids
        .iter()
        .zip(appended)
        .map(|(id, appended)| {
            let Appended::New { seq } = appended else {
                panic!("not appended: {appended:?}");
            };
            NewSnapshot {
                instance_id: id.clone(),
                seq,
                state: r#"{"step": 1}"#.to_string(),
            }
        })
        .collect();
    let saved = store.save_snapshots("a", &snapshots).await.expect("save");
    assert_eq!(sorted(saved), sorted(ids.to_vec()));
    let timers: Vec<(TimerKey, Duration)> = ids
        .iter()
        .map(|id| {
            let key = TimerKey {
                instance_id: id.clone(),
                operation_id: "1".to_string(),
                attempt: 0,
            };
            (key, LONG)
        })
        .collect();
    assert_eq!(
        store
            .record_timers("a", &timers)
            .await
            .expect("timers")
            .len(),
        ids.len()
    );
}

async fn finish(store: &Store, ids: &[InstanceId], state: InstanceState) {
    let batch: Vec<Finished> = ids
        .iter()
        .map(|id| Finished {
            instance_id: id.clone(),
            state,
            outcome: "1".to_string(),
        })
        .collect();
    let finished = store.finish_instances("a", &batch).await.expect("finish");
    assert_eq!(sorted(finished), sorted(ids.to_vec()));
}

/// The statements return their rows in no set order.
fn sorted(mut ids: Vec<InstanceId>) -> Vec<InstanceId> {
    ids.sort();
    ids
}

/// Makes instances look last updated two retentions ago.
async fn age(store: &Store, ids: &[InstanceId]) {
    let ids: Vec<&str> = ids.iter().map(InstanceId::as_str).collect();
    sqlx::query(
        "UPDATE instances SET updated_at = now() - interval '2 hours' \
         WHERE id = ANY ($1::uuid[])",
    )
    .bind(ids)
    .execute(store.pool())
    .await
    .expect("age instances");
}

/// The instance's rows in each table it owns rows of.
async fn rows_of(store: &Store, id: &InstanceId) -> [i64; 4] {
    let mut counts = [0; 4];
    for (count, table) in counts
        .iter_mut()
        .zip(["instances", "completions", "snapshots", "timers"])
    {
        let key = if table == "instances" {
            "id"
        } else {
            "instance_id"
        };
        *count = sqlx::query_scalar(&format!(
            "SELECT count(*) FROM {table} WHERE {key} = $1::uuid"
        ))
        .bind(id.as_str())
        .fetch_one(store.pool())
        .await
        .expect("count rows");
    }
    counts
}

#[tokio::test]
async fn old_finished_instances_go_with_their_rows_and_nothing_else_does() {
    let (_schema, store, ids) = leased_and_filled(6).await;
    let [old_completed, old_failed, recent, running, sleeping, queued] = &ids[..] else {
        unreachable!()
    };
    finish(
        &store,
        std::slice::from_ref(old_completed),
        InstanceState::Completed,
    )
    .await;
    finish(
        &store,
        std::slice::from_ref(old_failed),
        InstanceState::Failed,
    )
    .await;
    finish(
        &store,
        std::slice::from_ref(recent),
        InstanceState::Completed,
    )
    .await;
    store
        .set_wake("a", &[(sleeping.clone(), LONG)])
        .await
        .expect("sleep");
    store
        .release("a", std::slice::from_ref(queued))
        .await
        .expect("release");
    let kept_old = [running, sleeping, queued];
    age(&store, &[old_completed.clone(), old_failed.clone()]).await;
    age(&store, &kept_old.map(Clone::clone)).await;

    assert_eq!(store.collect_garbage(RETENTION, 100).await.expect("gc"), 2);
    for gone in [old_completed, old_failed] {
        assert_eq!(rows_of(&store, gone).await, [0, 0, 0, 0], "{gone}");
    }
    for kept in kept_old {
        assert_eq!(rows_of(&store, kept).await, [1, 1, 1, 1], "{kept}");
    }
    // Finishing deleted its timers; the rest stays until it is old.
    assert_eq!(rows_of(&store, recent).await, [1, 1, 1, 0], "{recent}");
    let versions: i64 = sqlx::query_scalar("SELECT count(*) FROM workflow_versions")
        .fetch_one(store.pool())
        .await
        .expect("count versions");
    assert_eq!(versions, 1, "workflow versions stay");
    // Nothing more is due.
    assert_eq!(store.collect_garbage(RETENTION, 100).await.expect("gc"), 0);
    // With no retention, the recent finished one goes too, and only it.
    assert_eq!(
        store
            .collect_garbage(Duration::ZERO, 100)
            .await
            .expect("gc"),
        1
    );
    assert_eq!(rows_of(&store, recent).await, [0, 0, 0, 0]);
}

#[tokio::test]
async fn a_cycle_deletes_at_most_its_batch() {
    let (_schema, store, ids) = leased_and_filled(5).await;
    finish(&store, &ids, InstanceState::Completed).await;
    age(&store, &ids).await;

    let mut cycles = Vec::new();
    loop {
        let deleted = store.collect_garbage(RETENTION, 2).await.expect("gc");
        cycles.push(deleted);
        if deleted < 2 {
            break;
        }
    }
    assert_eq!(cycles, [2, 2, 1]);
    for id in &ids {
        assert_eq!(rows_of(&store, id).await, [0, 0, 0, 0], "{id}");
    }
}
