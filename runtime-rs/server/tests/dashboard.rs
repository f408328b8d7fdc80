//! The web dashboard in-process on an ephemeral port, over a real Postgres
//! (a schema per test): instances made and advanced through the store's own
//! API as a runtime would, pages fetched with a plain HTTP/1.1 request.

mod harness;
#[path = "../../store/tests/support/mod.rs"]
mod support;

use std::net::SocketAddr;
use std::time::Duration;

use rappel_server::dashboard;
use rappel_server::dispatcher::{LiveStats, WorkerStats};
use rappel_server::health::{HttpResponse, request};
use rappel_server::program::stored_arguments;
use rappel_store::dashboard::Reader;
use rappel_store::{Finished, InstanceId, InstanceState, NewCompletion, NewInstance, Store};
use serde_json::{Value as Json, json};
use support::TestSchema;
use tokio::sync::{oneshot, watch};

const TEXT_STATS: &str =
    include_str!("../../../golden/run/01_sequential_actions/TextStatsWorkflow.rrl");
const GREET: &str = "rrl 1\n\nworkflow Greet(name: str) -> str:\n    return name\n";
const OWNER: &str = "test-runtime";

/// A store with instances in several states, and the dashboard on it.
struct Served {
    _schema: TestSchema,
    _store: Store,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    /// TextStatsWorkflow, its first action answered, its second pending.
    stats: InstanceId,
    /// Greet instances: completed, failed, queued (oldest first).
    greets: Vec<InstanceId>,
}

fn arguments(pairs: Json) -> String {
    stored_arguments(pairs.as_object().expect("an object of names to values"))
}

async fn start(store: &Store, version_id: i64, arguments: String) -> InstanceId {
    let ids = store
        .start_instances(&[NewInstance {
            version_id,
            arguments,
        }])
        .await
        .expect("start");
    ids.into_iter().next().expect("one id")
}

async fn lease_all(store: &Store) {
    store
        .lease_instances(OWNER, 100, Duration::from_secs(60))
        .await
        .expect("lease");
}

impl Served {
    async fn start(live: Option<watch::Receiver<LiveStats>>) -> Served {
        let schema = TestSchema::new().await;
        let store = schema.store().await;
        let stats_version = store
            .register_version("TextStatsWorkflow", TEXT_STATS)
            .await
            .expect("register");
        let greet_version = store
            .register_version("Greet", GREET)
            .await
            .expect("register");

        let stats = start(
            &store,
            stats_version.id,
            arguments(json!({ "text": "<script>alert('owned')</script>" })),
        )
        .await;
        lease_all(&store).await;
        let appended = store
            .append_completions(
                OWNER,
                &[NewCompletion {
                    instance_id: stats.clone(),
                    operation_id: "0".to_string(),
                    attempt: 1,
                    completion:
                        json!({ "returned": { "attempt": 1, "id": "0", "value": "<b>bold</b>" } })
                            .to_string(),
                }],
            )
            .await
            .expect("append");
        assert!(matches!(appended[0], rappel_store::Appended::New { .. }));

        let mut greets = Vec::new();
        for (name, outcome) in [
            ("Ada", Some((InstanceState::Completed, json!("Ada")))),
            (
                "Bob",
                Some((
                    InstanceState::Failed,
                    json!({ "exception": {
                        "class": ["builtins:ValueError"], "message": "bad <name>",
                        "args": ["bad <name>"], "attributes": [], "cause": null,
                    } }),
                )),
            ),
            ("Cy", None),
        ] {
            let id = start(&store, greet_version.id, arguments(json!({ "name": name }))).await;
            if let Some((state, outcome)) = outcome {
                lease_all(&store).await;
                store
                    .finish_instances(
                        OWNER,
                        &[Finished {
                            instance_id: id.clone(),
                            state,
                            outcome: outcome.to_string(),
                        }],
                    )
                    .await
                    .expect("finish");
            }
            greets.push(id);
        }

        let listener = dashboard::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("bind the dashboard");
        let addr = listener.local_addr().expect("its address");
        let reader = Reader::connect_lazy(&schema.config()).expect("a reader");
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(dashboard::serve(listener, reader, live, async {
            let _ = stopped.await;
        }));
        Served {
            _schema: schema,
            _store: store,
            addr,
            stop: Some(stop),
            stats,
            greets,
        }
    }

    async fn get(&self, path: &str) -> HttpResponse {
        let (addr, path) = (self.addr, path.to_string());
        tokio::task::spawn_blocking(move || {
            request(addr, "GET", &path, None, Duration::from_secs(20)).expect("an HTTP answer")
        })
        .await
        .expect("the request's thread")
    }

    async fn page(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status, 200, "GET {path}: {}", response.body);
        response.body
    }

    async fn api(&self, path: &str) -> Json {
        serde_json::from_str(&self.page(path).await).expect("JSON")
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_overview_counts_instances_by_version_and_state() {
    let live = LiveStats {
        held_instances: 3,
        attempts_queued: 2,
        attempts_running: 1,
        attempts_returned: 40,
        attempts_raised: 1,
        attempts_timed_out: 0,
        workers: vec![WorkerStats {
            id: "w1<x>".to_string(),
            slots: 10,
            running: 1,
            dispatched: 41,
            draining: false,
        }],
    };
    let (_live_sender, live_receiver) = watch::channel(live);
    let served = Served::start(Some(live_receiver)).await;

    let page = served.page("/").await;
    assert!(page.contains("TextStatsWorkflow"), "{page}");
    assert!(
        page.contains("href=\"/instances?workflow=Greet&amp;version="),
        "{page}"
    );
    assert!(page.contains("&amp;state=failed\">1</a>"), "{page}");
    // The worker's id is escaped like every value.
    assert!(
        page.contains("w1&lt;x&gt;") && !page.contains("w1<x>"),
        "{page}"
    );

    let overview = served.api("/api/overview").await;
    let greet = overview["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .find(|v| v["workflow"] == "Greet")
        .expect("Greet");
    assert_eq!(
        greet["counts"],
        json!({ "queued": 1, "completed": 1, "failed": 1 })
    );
    // Cy is queued, and runnable now.
    assert_eq!(overview["runnable_now"], 1);
    assert_eq!(overview["process"]["workers"][0]["dispatched"], 41);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_instance_list_filters_and_pages_newest_first() {
    let served = Served::start(None).await;
    let ids = |body: &Json| -> Vec<String> {
        body["instances"]
            .as_array()
            .expect("instances")
            .iter()
            .map(|i| i["instance_id"].as_str().expect("an id").to_string())
            .collect()
    };
    let greets: Vec<String> = served
        .greets
        .iter()
        .rev()
        .map(|id| id.to_string())
        .collect();

    let all = served.api("/api/instances").await;
    assert_eq!(ids(&all).len(), 4);
    assert_eq!(ids(&all)[..3], greets[..]);
    assert_eq!(ids(&all)[3], served.stats.to_string());

    let failed = served.api("/api/instances?state=failed").await;
    assert_eq!(ids(&failed), vec![served.greets[1].to_string()]);
    let finished = served
        .api("/api/instances?workflow=Greet&state=completed,failed")
        .await;
    assert_eq!(ids(&finished), greets[1..]);
    let stats = served
        .api("/api/instances?workflow=TextStatsWorkflow")
        .await;
    assert_eq!(ids(&stats), vec![served.stats.to_string()]);
    assert!(ids(&served.api("/api/instances?workflow=Nobody").await).is_empty());

    // Keyset pages of two: the second continues after the first's last.
    let first = served.api("/api/instances?limit=2").await;
    assert_eq!(ids(&first), greets[..2]);
    let after = first["next_after"].as_str().expect("a next page");
    let second = served
        .api(&format!("/api/instances?limit=2&after={after}"))
        .await;
    assert_eq!(
        ids(&second),
        vec![greets[2].clone(), served.stats.to_string()]
    );
    assert_eq!(second["next_after"], Json::Null);

    let page = served.page("/instances?limit=2").await;
    assert!(
        page.contains(&format!("/instances?limit=2&amp;after={after}")),
        "{page}"
    );
    // Arguments are previewed, escaped.
    let page = served.page("/instances?workflow=TextStatsWorkflow").await;
    assert!(page.contains("&lt;script&gt;"), "{page}");
    assert!(!page.contains("<script>"), "{page}");

    let refused = served.get("/instances?state=done").await;
    assert_eq!(refused.status, 400);
    assert!(
        refused
            .body
            .contains("state=&quot;done&quot; is not a state"),
        "{}",
        refused.body
    );
    let refused = served.get("/api/instances?limit=9999").await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("from 1 to 500"), "{}", refused.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_page_shows_its_input_outcome_and_actions_escaped() {
    let served = Served::start(None).await;

    let page = served.page(&format!("/instances/{}", served.stats)).await;
    // The input, as Python's repr and as the codec's JSON, escaped.
    assert!(
        page.contains("&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;")
            || page.contains("&lt;script&gt;alert('owned')&lt;/script&gt;"),
        "{page}"
    );
    assert!(!page.contains("<script>"), "{page}");
    // Its first action answered, named by replay; its second is pending.
    assert!(
        page.contains("golden_run_01_sequential_actions.normalize"),
        "{page}"
    );
    assert!(page.contains("&lt;b&gt;bold&lt;/b&gt;"), "{page}");
    assert!(
        page.contains("golden_run_01_sequential_actions.tokenize"),
        "{page}"
    );
    assert!(page.contains("waiting (queued or running"), "{page}");
    assert!(
        page.contains("workflow TextStatsWorkflow(text: str)"),
        "{page}"
    );

    let body = served
        .api(&format!("/api/instances/{}", served.stats))
        .await;
    assert_eq!(body["state"], "running");
    assert_eq!(
        body["steps"][0]["action"],
        "golden_run_01_sequential_actions.normalize"
    );
    assert_eq!(
        body["steps"][0]["outcome"],
        json!({ "returned": "'<b>bold</b>'" })
    );
    assert_eq!(
        body["pending"][0]["action"],
        "golden_run_01_sequential_actions.tokenize"
    );

    let failed = served
        .page(&format!("/instances/{}", served.greets[1]))
        .await;
    assert!(failed.contains("Error"), "{failed}");
    assert!(failed.contains("bad &lt;name&gt;"), "{failed}");
    let body = served
        .api(&format!("/api/instances/{}", served.greets[0]))
        .await;
    assert_eq!(
        (&body["state"], &body["value"]),
        (&json!("completed"), &json!("Ada"))
    );

    // Unknown and malformed ids, unknown pages.
    let unknown = served
        .get("/instances/2f1c0e7a-6c5b-4f0e-9a51-3d2b1c0a9e8f")
        .await;
    assert_eq!(unknown.status, 404);
    assert!(
        unknown
            .body
            .contains("no instance 2f1c0e7a-6c5b-4f0e-9a51-3d2b1c0a9e8f"),
        "{}",
        unknown.body
    );
    let unknown = served
        .get("/api/instances/2f1c0e7a-6c5b-4f0e-9a51-3d2b1c0a9e8f")
        .await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.body.starts_with("{\"error\":"), "{}", unknown.body);
    assert_eq!(served.get("/instances/42").await.status, 400);
    assert_eq!(served.get("/versions/999999").await.status, 404);
    let nowhere = served.get("/nowhere").await;
    assert_eq!(nowhere.status, 404);
    assert!(
        nowhere.body.contains("no page /nowhere"),
        "{}",
        nowhere.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_says_whether_the_store_answers() {
    let served = Served::start(None).await;
    let page = served.page("/health").await;
    assert!(page.contains("answers"), "{page}");
    let health = served.api("/api/health").await;
    assert_eq!(health["store"], "ok");
    assert_eq!(health["migration"], 7);

    // A store that does not answer: 503, saying why.
    let listener = dashboard::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("its address");
    let closed = rappel_store::StoreConfig::new("postgresql://postgres@127.0.0.1:1/nothing");
    let reader = Reader::connect_lazy(&closed).expect("a lazy reader");
    tokio::spawn(dashboard::serve(
        listener,
        reader,
        None,
        std::future::pending(),
    ));
    let answer = tokio::task::spawn_blocking(move || {
        request(addr, "GET", "/api/health", None, Duration::from_secs(20)).expect("an answer")
    })
    .await
    .expect("the request's thread");
    assert_eq!(answer.status, 503, "{}", answer.body);
    assert!(
        answer.body.contains("\"store\":\"unavailable\""),
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn an_address_in_use_is_a_clear_error() {
    let taken = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = taken.local_addr().expect("its address");
    let error = dashboard::bind(addr).await.expect_err("in use");
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "cannot serve the web dashboard on {addr} (RAPPEL_WEBAPP_ADDR):"
        )),
        "{message}"
    );
    assert!(
        message.contains("set RAPPEL_WEBAPP_ENABLED=false"),
        "{message}"
    );
}

/// A free port on 127.0.0.1 (bound, then let go).
fn free_addr() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
}

#[test]
fn start_workers_with_its_dashboard_address_taken_stops_at_once() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("its address");
    let output = harness::binary()
        .env(
            "RAPPEL_DATABASE_URL",
            "postgresql://postgres@127.0.0.1:1/nothing",
        )
        .env("RAPPEL_USER_MODULE", "case")
        .env("RAPPEL_WEBAPP_ENABLED", "true")
        .env("RAPPEL_WEBAPP_ADDR", addr.to_string())
        .stdout(std::process::Stdio::null())
        .output()
        .expect("start-workers runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "start-workers: error: cannot serve the web dashboard on {addr} (RAPPEL_WEBAPP_ADDR): "
        )),
        "{stderr}"
    );
}

/// The real start-workers with RAPPEL_WEBAPP_ENABLED: its workers and the
/// instances it ran show on its dashboard.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_workers_serves_its_dashboard() {
    let Some(python) = harness::python() else {
        eprintln!(
            "SKIPPED: no Python with rappel: set RAPPEL_PYTHON, or run `make venv` in the checkout"
        );
        return;
    };
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let case = harness::golden("01_sequential_actions");
    let addr = free_addr();
    let mut child = harness::binary_for(&schema, &case, &python)
        .env("RAPPEL_WEBAPP_ENABLED", "true")
        .env("RAPPEL_WEBAPP_ADDR", addr.to_string())
        .spawn()
        .expect("start-workers runs");
    let ids = harness::start_instances(&store, &case, 3).await;
    store
        .wait_for_outcomes(&ids, Duration::from_secs(60))
        .await
        .expect("the instances finish");

    let get = |path: String| {
        tokio::task::spawn_blocking(move || {
            let answer = request(addr, "GET", &path, None, Duration::from_secs(20));
            let answer = answer.expect("an answer");
            assert_eq!(answer.status, 200, "GET {path}: {}", answer.body);
            serde_json::from_str::<Json>(&answer.body).expect("JSON")
        })
    };
    // The dispatcher publishes what it holds every quarter second while
    // it works, and at least every lease renewal (3⅓ s).
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let overview = loop {
        let overview = get("/api/overview".to_string()).await.expect("a thread");
        let returned = overview["process"]["attempts_returned"]
            .as_u64()
            .unwrap_or(0);
        if returned >= 9 || std::time::Instant::now() > deadline {
            break overview;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let detail = get(format!("/api/instances/{}", ids[0]))
        .await
        .expect("a thread");
    harness::signal(&child, "TERM");
    let status = child.wait().expect("start-workers exits");
    assert!(status.success(), "{status}");

    assert_eq!(overview["process"]["attempts_returned"], 9, "{overview}");
    assert_eq!(
        overview["process"]["workers"].as_array().map(Vec::len),
        Some(2),
        "{overview}"
    );
    assert_eq!(
        overview["versions"][0]["workflow"], "TextStatsWorkflow",
        "{overview}"
    );
    assert_eq!(
        overview["versions"][0]["counts"],
        json!({ "completed": 3 }),
        "{overview}"
    );
    // Its log, replayed: each step named by its action, in order.
    let actions: Vec<&str> = detail["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|step| step["action"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(
        actions,
        ["case.normalize", "case.tokenize", "case.count_letters"],
        "{detail}"
    );
    assert_eq!(detail["value"], case.expected["result"], "{detail}");
}
