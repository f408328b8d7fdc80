//! Cancelling instances in the store (tests/support: one schema per test):
//! an unfinished instance ends `Cancelled` whoever holds it, its holder's
//! writes find it gone, and a finished one is left as it was.

mod support;

use std::time::Duration;

use rappel_store::{
    Appended, Finished, InstanceId, InstanceState, KeyedStart, NewCompletion, NewInstance,
    NewSnapshot, TimerKey,
};
use support::{PROGRAM, TestSchema, start};

const LONG: Duration = Duration::from_secs(60);

fn completion(id: &InstanceId, operation: &str) -> NewCompletion {
    NewCompletion {
        instance_id: id.clone(),
        operation_id: operation.to_string(),
        attempt: 1,
        completion: r#"{"returned": 1}"#.to_string(),
    }
}

#[tokio::test]
async fn cancelling_ends_queued_running_and_sleeping_instances_and_leaves_finished_ones() {
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    // queued, running (held by "a"), sleeping, completed
    let ids = start(&store, 4).await;
    let (queued, running, sleeping, completed) = (&ids[0], &ids[1], &ids[2], &ids[3]);
    store.lease_instances("a", 10, LONG).await.expect("lease");
    store
        .release("a", std::slice::from_ref(queued))
        .await
        .expect("release");
    let timer = TimerKey {
        instance_id: sleeping.clone(),
        operation_id: "3".to_string(),
        attempt: 0,
    };
    store
        .record_timers("a", &[(timer, Duration::from_secs(3600))])
        .await
        .expect("a timer");
    store
        .set_wake("a", &[(sleeping.clone(), Duration::from_secs(3600))])
        .await
        .expect("sleep");
    store
        .finish_instances(
            "a",
            &[Finished {
                instance_id: completed.clone(),
                state: InstanceState::Completed,
                outcome: "7".to_string(),
            }],
        )
        .await
        .expect("finish");
    let before: Vec<InstanceState> = store
        .get_status(&ids)
        .await
        .expect("status")
        .iter()
        .map(|s| s.state)
        .collect();
    assert_eq!(
        before,
        [
            InstanceState::Queued,
            InstanceState::Running,
            InstanceState::Sleeping,
            InstanceState::Completed
        ]
    );

    let mut cancelled = store.cancel_instances(&ids).await.expect("cancel");
    cancelled.sort();
    let mut expected = vec![queued.clone(), running.clone(), sleeping.clone()];
    expected.sort();
    assert_eq!(cancelled, expected, "the three unfinished ones");

    let after = store.get_status(&ids).await.expect("status");
    for status in &after[..3] {
        assert_eq!(status.state, InstanceState::Cancelled, "{status:?}");
        assert!(status.state.is_finished());
        assert_eq!(status.outcome, None);
    }
    assert_eq!(after[3].state, InstanceState::Completed);
    assert_eq!(after[3].outcome.as_deref(), Some("7"));
    let timers: i64 = sqlx::query_scalar("SELECT count(*) FROM timers")
        .fetch_one(store.pool())
        .await
        .expect("count timers");
    assert_eq!(timers, 0, "a cancelled instance's timers go with it");

    // Again: nothing more to cancel, nothing changes.
    assert!(
        store
            .cancel_instances(&ids)
            .await
            .expect("cancel again")
            .is_empty()
    );
    assert_eq!(store.get_status(&ids).await.expect("status"), after);
    // An unknown id is simply not cancelled.
    let unknown = InstanceId::parse("2f1c0e7a-6c5b-4f0e-9a51-3d2b1c0a9e8f").expect("a uuid");
    assert!(
        store
            .cancel_instances(&[unknown])
            .await
            .expect("cancel unknown")
            .is_empty()
    );
}

#[tokio::test]
async fn the_holder_of_a_cancelled_instance_can_write_nothing_more_to_it() {
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let ids = start(&store, 2).await;
    store.lease_instances("a", 10, LONG).await.expect("lease");
    let (gone, kept) = (&ids[0], &ids[1]);
    store
        .cancel_instances(std::slice::from_ref(gone))
        .await
        .expect("cancel");

    // The in-flight result of the cancelled instance is not applied; the
    // other instance of the same batch is.
    let appended = store
        .append_completions("a", &[completion(gone, "1"), completion(kept, "1")])
        .await
        .expect("append");
    assert_eq!(appended[0], Appended::NotLeased);
    assert!(matches!(appended[1], Appended::New { .. }), "{appended:?}");
    let logged: i64 =
        sqlx::query_scalar("SELECT count(*) FROM completions WHERE instance_id = $1::uuid")
            .bind(gone.as_str())
            .fetch_one(store.pool())
            .await
            .expect("count completions");
    assert_eq!(logged, 0);

    let timer = TimerKey {
        instance_id: gone.clone(),
        operation_id: "2".to_string(),
        attempt: 0,
    };
    assert!(
        store
            .record_timers("a", &[(timer, Duration::from_secs(1))])
            .await
            .expect("timers")
            .is_empty()
    );
    let snapshot = NewSnapshot {
        instance_id: gone.clone(),
        seq: 1,
        state: "{}".to_string(),
    };
    assert!(
        store
            .save_snapshots("a", &[snapshot])
            .await
            .expect("snapshot")
            .is_empty()
    );
    let finish = Finished {
        instance_id: gone.clone(),
        state: InstanceState::Completed,
        outcome: "1".to_string(),
    };
    assert!(
        store
            .finish_instances("a", &[finish])
            .await
            .expect("finish")
            .is_empty()
    );
    assert!(
        store
            .set_wake("a", &[(gone.clone(), Duration::from_secs(1))])
            .await
            .expect("park")
            .is_empty()
    );
    assert!(
        store
            .release("a", std::slice::from_ref(gone))
            .await
            .expect("release")
            .is_empty()
    );
    let renewed = store.renew_leases("a", &ids, LONG).await.expect("renew");
    assert_eq!(
        renewed,
        std::slice::from_ref(kept),
        "the lease of a cancelled one is gone"
    );
    // Never leased again, by anyone.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        store
            .lease_instances("b", 10, Duration::from_millis(1))
            .await
            .expect("lease")
            .is_empty()
    );
    let status = store
        .get_status(std::slice::from_ref(gone))
        .await
        .expect("status");
    assert_eq!(status[0].state, InstanceState::Cancelled);
    assert_eq!(status[0].outcome, None);

    // Cancelled is not an outcome a runtime may finish with.
    let error = store
        .finish_instances(
            "a",
            &[Finished {
                instance_id: kept.clone(),
                state: InstanceState::Cancelled,
                outcome: "null".to_string(),
            }],
        )
        .await
        .expect_err("cancelled is not a finish");
    assert!(
        error.to_string().contains("cannot finish as \"cancelled\""),
        "{error}"
    );
}

#[tokio::test]
async fn a_cancel_wakes_a_waiter_before_its_poll() {
    let schema = TestSchema::new().await;
    // Polling once a minute: only the notification can wake the waiter in time.
    let store = schema.store_polling_every(LONG).await;
    let id = start(&store, 1).await.remove(0);
    let waiting = {
        let store = store.clone();
        let id = id.clone();
        tokio::spawn(async move {
            let began = tokio::time::Instant::now();
            let outcome = store.wait_for_outcomes(&[id], LONG).await;
            (outcome, began.elapsed())
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    store
        .cancel_instances(std::slice::from_ref(&id))
        .await
        .expect("cancel");
    let (outcome, waited) = waiting.await.expect("join");
    let status = outcome.expect("the outcome");
    assert!(waited < Duration::from_secs(30), "woke after {waited:?}");
    assert_eq!(status[0].state, InstanceState::Cancelled);
}

#[tokio::test]
async fn cancelled_instances_are_collected_like_finished_ones() {
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let ids = start(&store, 2).await;
    store.cancel_instances(&ids[..1]).await.expect("cancel");
    let deleted = store
        .collect_garbage(Duration::ZERO, 10)
        .await
        .expect("collect");
    assert_eq!(deleted, 1);
    let left = store.get_status(&ids).await.expect("status");
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].id, ids[1]);
    assert_eq!(left[0].state, InstanceState::Queued);
}

#[tokio::test]
async fn a_cancelled_instance_keeps_its_idempotency_key() {
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let version = store
        .register_version("Greet", PROGRAM)
        .await
        .expect("register");
    let keyed = |key: &str| KeyedStart {
        instance: NewInstance {
            version_id: version.id,
            arguments: r#"{"name": "ada"}"#.to_string(),
        },
        idempotency_key: Some(key.to_string()),
    };
    let first = store.start_keyed(&[keyed("order-1")]).await.expect("start");
    let id = first[0].id.clone();
    store
        .cancel_instances(std::slice::from_ref(&id))
        .await
        .expect("cancel");
    let again = store.start_keyed(&[keyed("order-1")]).await.expect("again");
    assert_eq!((&again[0].id, again[0].existing), (&id, true));
    let fresh = store
        .start_keyed(&[keyed("order-2")])
        .await
        .expect("new key");
    assert!(!fresh[0].existing);
    let status = store
        .get_status(&[id, fresh[0].id.clone()])
        .await
        .expect("status");
    assert_eq!(status[0].state, InstanceState::Cancelled);
    assert_eq!(status[1].state, InstanceState::Queued);
}
