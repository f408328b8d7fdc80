//! The store against a real Postgres (tests/support: one schema per test).

mod support;

use std::collections::HashSet;
use std::time::Duration;

use rappel_store::{
    Appended, Event, Finished, InstanceId, InstanceState, NewCompletion, NewSnapshot, Store,
    StoreError, TimerKey,
};
use support::{PROGRAM, TestSchema, start};

const LONG: Duration = Duration::from_secs(60);
/// Leases and timers that run out during a test; long enough that a loaded
/// machine still makes the checks meant to fall before they do.
const SHORT: Duration = Duration::from_millis(1000);
const PAST_SHORT: Duration = Duration::from_millis(1300);

fn completion(id: &InstanceId, operation: &str, attempt: i64, value: i64) -> NewCompletion {
    NewCompletion {
        instance_id: id.clone(),
        operation_id: operation.to_string(),
        attempt,
        completion: format!(r#"{{"returned": {value}}}"#),
    }
}

#[tokio::test]
async fn migrations_apply_once_when_run_twice_and_concurrently() {
    let schema = TestSchema::new().await;
    let config = schema.config();
    let racing: Vec<_> = (0..4)
        .map(|_| tokio::spawn(Store::connect_with(config.clone())))
        .collect();
    for connecting in racing {
        connecting.await.expect("join").expect("a racing connect");
    }
    let again = schema.store().await;
    let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations")
        .fetch_one(again.pool())
        .await
        .expect("count migrations");
    // As many as migrations/ holds (src/migrate.rs embeds each of them).
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .expect("the migrations directory")
        .filter(|entry| {
            entry
                .as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql"))
        })
        .count();
    assert_eq!(
        usize::try_from(applied).expect("a count"),
        migrations,
        "each migration once"
    );
    // The schema works after all that.
    assert_eq!(start(&again, 1).await.len(), 1);
}

#[tokio::test]
async fn a_version_is_its_name_and_the_hash_of_its_text() {
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let first = store
        .register_version("Greet", PROGRAM)
        .await
        .expect("first");
    let again = store
        .register_version("Greet", PROGRAM)
        .await
        .expect("again");
    assert_eq!(first, again);
    // sha256 of the text, as `sha256sum` prints it.
    let abc = store.register_version("Abc", "abc").await.expect("abc");
    assert_eq!(
        abc.ir_hash,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    let changed = store
        .register_version("Greet", "workflow Greet(name):\n    return 1\n")
        .await
        .expect("changed");
    assert_ne!(changed.id, first.id);
    let racing: Vec<_> = (0..4)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.register_version("Racing", "x = 1\n").await })
        })
        .collect();
    let mut ids = HashSet::new();
    for registering in racing {
        ids.insert(registering.await.expect("join").expect("register").id);
    }
    assert_eq!(
        ids.len(),
        1,
        "concurrent registrations of one text: {ids:?}"
    );
    let versions = store.load_versions(&[first.id]).await.expect("load");
    assert_eq!(versions[&first.id].rrl_text, PROGRAM);
    assert_eq!(versions[&first.id].name, "Greet");
}

#[tokio::test]
async fn completing_the_same_attempt_twice_is_a_no_op() {
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let id = start(&store, 1).await.remove(0);
    store.lease_instances("a", 10, LONG).await.expect("lease");
    let first = store
        .append_completions(
            "a",
            &[completion(&id, "0", 1, 10), completion(&id, "1", 1, 11)],
        )
        .await
        .expect("append");
    assert!(matches!(
        first[..],
        [Appended::New { .. }, Appended::New { .. }]
    ));
    let second = store
        .append_completions(
            "a",
            &[
                completion(&id, "0", 1, 99),
                completion(&id, "0", 2, 12),
                completion(&id, "0", 2, 13),
            ],
        )
        .await
        .expect("append again");
    assert_eq!(second[0], Appended::Duplicate);
    assert!(matches!(second[1], Appended::New { .. }));
    assert_eq!(
        second[2],
        Appended::Duplicate,
        "the same key twice in one batch"
    );
    let record = store.load_instances(&[id]).await.expect("load").remove(0);
    let logged: Vec<(&str, i64, &str)> = record
        .completions
        .iter()
        .map(|c| (c.operation_id.as_str(), c.attempt, c.completion.as_str()))
        .collect();
    assert_eq!(
        logged,
        [
            ("0", 1, r#"{"returned": 10}"#),
            ("1", 1, r#"{"returned": 11}"#),
            ("0", 2, r#"{"returned": 12}"#),
        ]
    );
}

#[tokio::test]
async fn an_expired_lease_hands_the_instance_to_another_owner() {
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let id = start(&store, 1).await.remove(0);
    let leased = store.lease_instances("a", 10, SHORT).await.expect("lease");
    assert_eq!(leased.len(), 1);
    assert_eq!(leased[0].previous_state, InstanceState::Queued);
    assert!(
        store
            .lease_instances("b", 10, LONG)
            .await
            .expect("b")
            .is_empty()
    );

    tokio::time::sleep(PAST_SHORT).await;
    let taken = store.lease_instances("b", 10, LONG).await.expect("b again");
    assert_eq!(taken.len(), 1);
    assert_eq!(taken[0].id, id);
    assert_eq!(taken[0].previous_state, InstanceState::Running);

    // The old owner can no longer write to it.
    let late = store
        .append_completions("a", &[completion(&id, "0", 1, 1)])
        .await
        .expect("late append");
    assert_eq!(late, [Appended::NotLeased]);
    assert!(
        store
            .renew_leases("a", std::slice::from_ref(&id), LONG)
            .await
            .expect("renew")
            .is_empty()
    );
    let finish = Finished {
        instance_id: id.clone(),
        state: InstanceState::Completed,
        outcome: "1".to_string(),
    };
    assert!(
        store
            .finish_instances("a", std::slice::from_ref(&finish))
            .await
            .expect("finish")
            .is_empty()
    );
    assert!(
        store
            .release("a", std::slice::from_ref(&id))
            .await
            .expect("release")
            .is_empty()
    );
    assert_eq!(
        store
            .finish_instances("b", &[finish])
            .await
            .expect("b finishes"),
        [id]
    );
}

#[tokio::test]
async fn a_renewed_lease_is_kept_and_a_released_instance_is_runnable_again() {
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let ids = start(&store, 2).await;
    assert_eq!(
        store
            .lease_instances("a", 10, SHORT)
            .await
            .expect("lease")
            .len(),
        2
    );
    let renewed = store
        .renew_leases("a", &ids[..1], LONG)
        .await
        .expect("renew");
    assert_eq!(renewed, ids[..1]);
    tokio::time::sleep(PAST_SHORT).await;
    let taken = store.lease_instances("b", 10, LONG).await.expect("b");
    assert_eq!(taken.iter().map(|l| &l.id).collect::<Vec<_>>(), [&ids[1]]);

    assert_eq!(
        store.release("a", &ids[..1]).await.expect("release"),
        ids[..1]
    );
    let again = store.lease_instances("c", 10, LONG).await.expect("c");
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].id, ids[0]);
    assert_eq!(again[0].previous_state, InstanceState::Queued);
}

#[tokio::test]
async fn concurrent_leasers_never_lease_one_instance_twice() {
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let started: HashSet<InstanceId> = start(&store, 600).await.into_iter().collect();
    let leasers: Vec<_> = (0..4)
        .map(|leaser| {
            let store = store.clone();
            tokio::spawn(async move {
                let owner = format!("leaser {leaser}");
                let mut mine = Vec::new();
                loop {
                    let batch = store
                        .lease_instances(&owner, 16, LONG)
                        .await
                        .expect("lease");
                    if batch.is_empty() {
                        return mine;
                    }
                    mine.extend(batch.into_iter().map(|l| l.id));
                }
            })
        })
        .collect();
    let mut leased = Vec::new();
    for leaser in leasers {
        leased.extend(leaser.await.expect("join"));
    }
    let distinct: HashSet<InstanceId> = leased.iter().cloned().collect();
    assert_eq!(leased.len(), distinct.len(), "an instance was leased twice");
    assert_eq!(distinct, started);
}

#[tokio::test]
async fn a_sleeping_instance_is_runnable_when_its_timer_is_due() {
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let ids = start(&store, 2).await;
    store.lease_instances("a", 10, LONG).await.expect("lease");
    let asleep = store
        .set_wake(
            "a",
            &[
                (ids[0].clone(), SHORT),
                (ids[1].clone(), Duration::from_secs(3600)),
            ],
        )
        .await
        .expect("set wake");
    assert_eq!(asleep.len(), 2);
    let status = store.get_status(&ids).await.expect("status");
    assert!(status.iter().all(|s| s.state == InstanceState::Sleeping));
    assert!(
        store
            .lease_instances("b", 10, LONG)
            .await
            .expect("early")
            .is_empty()
    );

    tokio::time::sleep(PAST_SHORT).await;
    let woken = store.lease_instances("b", 10, LONG).await.expect("due");
    assert_eq!(woken.len(), 1, "only the due timer: {woken:?}");
    assert_eq!(woken[0].id, ids[0]);
    assert_eq!(woken[0].previous_state, InstanceState::Sleeping);
    let wake_at_ms = woken[0].wake_at_ms.expect("the timer it slept on");
    let created_at_ms = status[0].created_at_ms;
    assert!(
        wake_at_ms >= created_at_ms + 1000,
        "{wake_at_ms} vs {created_at_ms}"
    );
}

#[tokio::test]
async fn a_finish_notification_wakes_a_waiter_before_its_poll() {
    let schema = TestSchema::new().await;
    // Polling once a minute: only the notification can wake the waiter in time.
    let store = schema.store_polling_every(LONG).await;
    let id = start(&store, 1).await.remove(0);
    store.lease_instances("a", 10, LONG).await.expect("lease");

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
    let finished = Finished {
        instance_id: id.clone(),
        state: InstanceState::Failed,
        outcome: r#"{"exception": "ValueError"}"#.to_string(),
    };
    store
        .finish_instances("a", &[finished])
        .await
        .expect("finish");
    let (outcome, waited) = waiting.await.expect("join");
    let status = outcome.expect("the outcome");
    assert!(waited < Duration::from_secs(10), "woke after {waited:?}");
    assert_eq!(status[0].state, InstanceState::Failed);
    assert_eq!(
        status[0].outcome.as_deref(),
        Some(r#"{"exception": "ValueError"}"#)
    );
}

#[tokio::test]
async fn queued_work_notifies_listeners_and_waits_time_out_clearly() {
    let schema = TestSchema::new().await;
    let store = schema.store_polling_every(LONG).await;
    let mut listener = store.listen().await.expect("listen");
    let ids = start(&store, 3).await;
    let event = tokio::time::timeout(Duration::from_secs(10), listener.next())
        .await
        .expect("a notification before the poll")
        .expect("receive");
    assert_eq!(event, Event::Work);

    let quick = schema.store_polling_every(Duration::from_millis(20)).await;
    let error = quick
        .wait_for_outcomes(&ids, Duration::from_millis(200))
        .await
        .expect_err("nothing finishes");
    assert!(
        matches!(error, StoreError::WaitTimedOut { pending: 3, .. }),
        "{error}"
    );
    assert_eq!(
        error.to_string(),
        "no outcome for 3 instance(s) after 200ms"
    );
}

#[tokio::test]
async fn an_instance_is_rebuilt_from_its_snapshot_and_the_completions_after_it_in_order() {
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let ids = start(&store, 2).await;
    store.lease_instances("a", 10, LONG).await.expect("lease");

    // Completions of both instances interleaved, over several batches.
    let mut seqs = Vec::new();
    for round in 0..3 {
        let batch = [
            completion(&ids[0], &round.to_string(), 1, round),
            completion(&ids[1], &format!("9.{round}"), 1, 100 + round),
        ];
        for appended in store.append_completions("a", &batch).await.expect("append") {
            let Appended::New { seq } = appended else {
                panic!("not appended: {appended:?}");
            };
            seqs.push(seq);
        }
    }
    // The first instance's snapshot covers its first two completions.
    let saved = store
        .save_snapshots(
            "a",
            &[NewSnapshot {
                instance_id: ids[0].clone(),
                seq: seqs[2],
                state: r#"{"step": 2}"#.to_string(),
            }],
        )
        .await
        .expect("snapshot");
    assert_eq!(saved, ids[..1]);
    // An older snapshot never replaces a newer one.
    let stale = NewSnapshot {
        instance_id: ids[0].clone(),
        seq: seqs[0],
        state: r#"{"step": 1}"#.to_string(),
    };
    assert!(
        store
            .save_snapshots("a", &[stale])
            .await
            .expect("stale")
            .is_empty()
    );

    let unknown = InstanceId::parse("00000000-0000-4000-8000-000000000000").expect("an id");
    let records = store
        .load_instances(&[ids[1].clone(), unknown, ids[0].clone()])
        .await
        .expect("load");
    assert_eq!(records.len(), 2);
    let (second, first) = (&records[0], &records[1]);
    assert_eq!(first.id, ids[0]);
    assert_eq!(first.version.rrl_text, PROGRAM);
    assert_eq!(first.arguments, r#"{"name": "user 0"}"#);
    assert_eq!(first.state, InstanceState::Running);
    let snapshot = first.snapshot.as_ref().expect("a snapshot");
    assert_eq!(
        (snapshot.seq, snapshot.state.as_str()),
        (seqs[2], r#"{"step": 2}"#)
    );
    let after: Vec<&str> = first
        .completions
        .iter()
        .map(|c| c.operation_id.as_str())
        .collect();
    assert_eq!(after, ["2"]);

    assert_eq!(second.id, ids[1]);
    assert_eq!(second.arguments, r#"{"name": "user 1"}"#);
    assert!(second.snapshot.is_none());
    let log: Vec<(&str, &str)> = second
        .completions
        .iter()
        .map(|c| (c.operation_id.as_str(), c.completion.as_str()))
        .collect();
    assert_eq!(
        log,
        [
            ("9.0", r#"{"returned": 100}"#),
            ("9.1", r#"{"returned": 101}"#),
            ("9.2", r#"{"returned": 102}"#),
        ]
    );
    assert!(second.completions.windows(2).all(|w| w[0].seq < w[1].seq));
}

#[tokio::test]
async fn a_finished_instance_keeps_its_outcome_and_is_never_leased_again() {
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let ids = start(&store, 2).await;
    store
        .lease_instances("a", 10, Duration::from_millis(100))
        .await
        .expect("lease");
    let finished = store
        .finish_instances(
            "a",
            &[Finished {
                instance_id: ids[1].clone(),
                state: InstanceState::Completed,
                outcome: r#""hello""#.to_string(),
            }],
        )
        .await
        .expect("finish");
    assert_eq!(finished, ids[1..]);
    let not_final = Finished {
        instance_id: ids[0].clone(),
        state: InstanceState::Sleeping,
        outcome: "null".to_string(),
    };
    let error = store
        .finish_instances("a", &[not_final])
        .await
        .expect_err("sleeping is not an end");
    assert_eq!(
        error.to_string(),
        format!(
            "instance {} cannot finish as \"sleeping\": only completed or failed ends an instance",
            ids[0]
        )
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    let taken = store.lease_instances("b", 10, LONG).await.expect("b");
    assert_eq!(taken.iter().map(|l| &l.id).collect::<Vec<_>>(), [&ids[0]]);

    let status = store
        .get_status(&[ids[1].clone(), ids[0].clone()])
        .await
        .expect("status");
    assert_eq!(status[0].id, ids[1]);
    assert_eq!(status[0].state, InstanceState::Completed);
    assert_eq!(status[0].outcome.as_deref(), Some(r#""hello""#));
    assert!(status[0].updated_at_ms >= status[0].created_at_ms);
    assert_eq!(status[1].state, InstanceState::Running);
    assert_eq!(status[1].outcome, None);
}

#[tokio::test]
async fn a_recorded_timer_keeps_its_first_deadline() {
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let ids = start(&store, 2).await;
    store.lease_instances("a", 1, LONG).await.expect("lease");
    let held = store.get_status(&ids).await.expect("status");
    let (mine, other) = if held[0].state == InstanceState::Running {
        (&ids[0], &ids[1])
    } else {
        (&ids[1], &ids[0])
    };
    let key = |id: &InstanceId| TimerKey {
        instance_id: id.clone(),
        operation_id: "3".to_string(),
        attempt: 0,
    };
    let hour = Duration::from_secs(3600);
    let first = store
        .record_timers("a", &[(key(mine), hour), (key(other), hour)])
        .await
        .expect("record");
    assert_eq!(first.len(), 1, "only the held instance's timer: {first:?}");
    assert!(first[&key(mine)] > Duration::from_secs(3500));
    // Recorded again (a rebuilt instance issues it again): the first deadline stands.
    let again = store
        .record_timers("a", &[(key(mine), Duration::ZERO)])
        .await
        .expect("record again");
    assert!(again[&key(mine)] > Duration::from_secs(3500), "{again:?}");
    let due = TimerKey {
        attempt: 2,
        ..key(mine)
    };
    let now = store
        .record_timers("a", &[(due.clone(), Duration::ZERO)])
        .await
        .expect("record a due timer");
    assert_eq!(now[&due], Duration::ZERO);
    // Finishing the instance deletes its timers, and only its.
    let finished = Finished {
        instance_id: mine.clone(),
        state: InstanceState::Completed,
        outcome: "1".to_string(),
    };
    store
        .finish_instances("a", &[finished])
        .await
        .expect("finish");
    let left: Vec<String> = sqlx::query_scalar("SELECT instance_id::text FROM timers")
        .fetch_all(store.pool())
        .await
        .expect("read timers");
    assert!(left.is_empty(), "{left:?}");
}
