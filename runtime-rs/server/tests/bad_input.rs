//! Bad input at the worker boundary, on the real runtime (the start-workers
//! binary, real Python workers, a real Postgres): an action no worker has, a
//! result the codec cannot encode, an exception with arguments it cannot
//! encode, a result or an exception over the payload limit. Each fails its own instance at once with an error naming the
//! action and what to do; the other instances and the workers carry on.

mod harness;
#[path = "../../store/tests/support/mod.rs"]
mod support;

use std::time::Duration;

use harness::*;
use rappel_store::{InstanceState, NewInstance};
use serde_json::Value as Json;
use support::TestSchema;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_answers_fail_their_own_instance_at_once_with_a_clear_error() {
    let Some(python) = python() else {
        eprintln!("SKIPPED: no Python with rappel: set RAPPEL_PYTHON, or run `make venv`");
        return;
    };
    let case = own_case("bad_results");
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let mut runtime = spawn_binary(&schema, &case, &python);
    let version = store
        .register_version(&case.workflow, &case.rrl)
        .await
        .expect("register");
    let which = [
        "retired",
        "connection",
        "unencodable_error",
        "huge",
        "huge_error",
        "healthy",
    ];
    let batch: Vec<NewInstance> = which
        .iter()
        .map(|which| NewInstance {
            version_id: version.id,
            arguments: format!(r#"{{"dict": [["which", "{which}"]]}}"#),
        })
        .collect();
    let ids = store.start_instances(&batch).await.expect("start");
    let statuses = store
        .wait_for_outcomes(&ids, Duration::from_secs(60))
        .await
        .expect("every instance finishes");
    let retried: i64 = sqlx::query_scalar("SELECT count(*) FROM completions WHERE attempt > 1")
        .fetch_one(store.pool())
        .await
        .expect("count retries");
    signal(&runtime, "TERM");
    assert!(runtime.wait().expect("wait").success());

    let outcome = |n: usize| -> Json {
        serde_json::from_str(statuses[n].outcome.as_deref().expect("an outcome")).unwrap()
    };
    let failure = |n: usize, class: &str, says: &[&str]| {
        assert_eq!(statuses[n].state, InstanceState::Failed, "{}", which[n]);
        let exception = &outcome(n)["exception"];
        assert_eq!(exception["class"][0], class, "{}: {exception}", which[n]);
        let message = exception["message"].as_str().expect("a message");
        for part in says {
            assert!(message.contains(part), "{}: {message}", which[n]);
        }
        assert!(
            message.len() < 10_000,
            "{}: {} bytes",
            which[n],
            message.len()
        );
    };
    failure(
        0,
        "rappel:ActionNotFound",
        &[
            "this worker cannot run action case.retired_action()",
            "module 'case' defines no action named 'retired_action'",
            "RAPPEL_USER_MODULE='case' and has actions from case",
            "Deploy the code that defines the action to the workers",
        ],
    );
    failure(
        1,
        "rappel:CodecError",
        &[
            "the result of action case.returns_connection() cannot be encoded",
            "result is a case.Connection, which the codec cannot encode",
            "docs/language.md",
        ],
    );
    // The exception itself reaches the caller: an argument the codec cannot
    // encode crosses as its repr().
    failure(
        2,
        "case:HeldLock",
        &["the lock is held", "_thread.lock object"],
    );
    failure(
        3,
        "rappel:CodecError",
        &[
            "the result of action case.returns_huge() is 5.0 MiB encoded, over the 4 MiB limit",
            "return a reference to it",
        ],
    );
    failure(
        4,
        "rappel:RappelError",
        &[
            "action case.raises_huge() raised ValueError: yyyy",
            "over the 4 MiB limit",
        ],
    );
    assert_eq!(statuses[5].state, InstanceState::Completed);
    assert_eq!(outcome(5), Json::from("healthy ok"));
    assert_eq!(
        retried, 0,
        "no attempt was retried: the action no worker has allows 50 attempts"
    );
}

/// A database URL the binaries cannot use stops them at start, with a
/// message that names the variable and never shows the password.
#[test]
fn a_bad_database_url_stops_both_binaries_without_showing_the_password() {
    let bridge = || {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_rappel-bridge"));
        for (name, _) in std::env::vars() {
            if name.starts_with("RAPPEL_") {
                command.env_remove(name);
            }
        }
        command.env("RAPPEL_HTTP_ADDR", "127.0.0.1:0");
        command
    };
    for url in [
        "mysql://app:s3cret@127.0.0.1:1/rappel",
        "postgresql://app:s3cret@127.0.0.1:notaport/rappel",
    ] {
        for (name, mut command) in [("start-workers", binary()), ("rappel-bridge", bridge())] {
            let output = command
                .env("RAPPEL_DATABASE_URL", url)
                .env("RAPPEL_USER_MODULE", "case")
                .stdout(std::process::Stdio::null())
                .output()
                .expect("the binary runs");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(!output.status.success(), "{name} {url}: {stderr}");
            assert!(
                stderr.contains("RAPPEL_DATABASE_URL"),
                "{name} {url}: {stderr}"
            );
            assert!(!stderr.contains("s3cret"), "{name} {url}: {stderr}");
        }
    }
}
