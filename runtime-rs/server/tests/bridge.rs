//! The bridge in-process on ephemeral ports, over a real Postgres (a schema
//! per test): a tonic client and plain HTTP requests, instances finished
//! through the store's own API as a runtime would.

#[path = "../../store/tests/support/mod.rs"]
mod store_support;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rappel_server::bridge::BridgeServer;
use rappel_server::health::{HttpResponse, request};
use rappel_server::proto::instance_status::{Outcome, State};
use rappel_server::proto::workflows_client::WorkflowsClient;
use rappel_server::proto::{
    CancelWorkflowRequest, CancelWorkflowResponse, GetStatusRequest, InstanceStatus,
    RegisterWorkflowRequest, StartWorkflowRequest, StartWorkflowsRequest, WaitForResultRequest,
    WaitForResultsRequest,
};
use rappel_server::registry::register_ir_dir;
use rappel_store::{Finished, InstanceId, InstanceState, Store};
use serde_json::{Value as Json, json};
use store_support::TestSchema;
use tonic::Code;
use tonic::transport::Channel;

const GREET: &str = "rrl 1\n\nworkflow Greet(name: str, punctuation: str = \"!\") -> str:\n    return name + punctuation\n";

fn ephemeral() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

/// A bridge on its own schema, with a gRPC client.
struct Running {
    _schema: TestSchema,
    store: Store,
    server: Option<BridgeServer>,
    client: WorkflowsClient<Channel>,
}

impl Running {
    async fn start() -> Running {
        let schema = TestSchema::new().await;
        let store = schema.store().await;
        let server = BridgeServer::bind(store.clone(), ephemeral(), ephemeral())
            .await
            .expect("bind the bridge");
        let client = WorkflowsClient::connect(format!("http://{}", server.grpc_addr))
            .await
            .expect("connect to the bridge");
        Running {
            _schema: schema,
            store,
            server: Some(server),
            client,
        }
    }

    /// A bridge with Greet registered and one instance of it started:
    /// the version and the instance ids.
    async fn with_ada() -> (Running, String, String) {
        let mut bridge = Running::start().await;
        let version = bridge.register("Greet", GREET).await.expect("register");
        let id = bridge
            .start_one(&version, r#"{"dict": [["name", "Ada"]]}"#)
            .await
            .expect("start");
        (bridge, version, id)
    }

    /// A WaitForResult on a client of its own, running in a task.
    fn wait_in_background(
        &self,
        id: &str,
        timeout_seconds: f64,
    ) -> tokio::task::JoinHandle<Result<InstanceStatus, tonic::Status>> {
        let mut client = self.client.clone();
        let request = WaitForResultRequest {
            instance_id: id.to_string(),
            timeout_seconds,
        };
        tokio::spawn(async move {
            client
                .wait_for_result(request)
                .await
                .map(tonic::Response::into_inner)
        })
    }

    fn http_addr(&self) -> SocketAddr {
        self.server.as_ref().expect("running").http_addr
    }

    async fn http(&self, method: &str, path: &str, body: Option<Json>) -> (u16, Json) {
        let addr = self.http_addr();
        let (method, path) = (method.to_string(), path.to_string());
        let HttpResponse { status, body } = tokio::task::spawn_blocking(move || {
            let body = body.map(|b| b.to_string());
            request(
                addr,
                &method,
                &path,
                body.as_deref(),
                Duration::from_secs(60),
            )
        })
        .await
        .expect("join")
        .expect("an HTTP answer");
        let data = serde_json::from_str(&body).unwrap_or_else(|_| panic!("not JSON: {body}"));
        (status, data)
    }

    async fn register(&mut self, workflow: &str, rrl: &str) -> Result<String, tonic::Status> {
        self.client
            .register_workflow(RegisterWorkflowRequest {
                workflow: workflow.to_string(),
                rrl: rrl.to_string(),
            })
            .await
            .map(|r| r.into_inner().version_id)
    }

    async fn start_one(&mut self, version: &str, arguments: &str) -> Result<String, tonic::Status> {
        self.client
            .start_workflow(StartWorkflowRequest {
                version_id: version.to_string(),
                arguments: arguments.as_bytes().to_vec(),
                idempotency_key: None,
            })
            .await
            .map(|r| r.into_inner().instance_id)
    }

    async fn status(&mut self, id: &str) -> Result<InstanceStatus, tonic::Status> {
        self.client
            .get_status(GetStatusRequest {
                instance_id: id.to_string(),
            })
            .await
            .map(tonic::Response::into_inner)
    }

    async fn cancel(&mut self, id: &str) -> Result<CancelWorkflowResponse, tonic::Status> {
        self.client
            .cancel_workflow(CancelWorkflowRequest {
                instance_id: id.to_string(),
            })
            .await
            .map(tonic::Response::into_inner)
    }

    async fn count_instances(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM instances")
            .fetch_one(self.store.pool())
            .await
            .expect("count instances")
    }

    /// Finishes every runnable instance as a runtime would: lease, then
    /// record the outcome.
    async fn finish_all(&self, state: InstanceState, outcome: &str) -> Vec<InstanceId> {
        let leased = self
            .store
            .lease_instances("test-runtime", 100, Duration::from_secs(60))
            .await
            .expect("lease");
        let batch: Vec<Finished> = leased
            .iter()
            .map(|l| Finished {
                instance_id: l.id.clone(),
                state,
                outcome: outcome.to_string(),
            })
            .collect();
        self.store
            .finish_instances("test-runtime", &batch)
            .await
            .expect("finish")
    }

    async fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await.expect("a clean stop");
        }
    }
}

fn golden_programs() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../golden/run");
    let mut programs = Vec::new();
    for case in std::fs::read_dir(&root).expect("golden/run") {
        let case = case.expect("a case").path();
        for file in std::fs::read_dir(&case).expect("a case dir") {
            let file = file.expect("a file").path();
            let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if let Some(workflow) = name.strip_suffix(".rrl") {
                if !workflow.contains('.') {
                    programs.push((workflow.to_string(), file.clone()));
                }
            }
        }
    }
    programs.sort();
    programs
}

fn assert_code(result: Result<impl std::fmt::Debug, tonic::Status>, code: Code, says: &str) {
    match result {
        Ok(value) => panic!("expected {code:?} saying {says:?}, got {value:?}"),
        Err(status) => {
            assert_eq!(status.code(), code, "{}", status.message());
            assert!(
                status.message().contains(says),
                "{:?} does not say {says:?}",
                status.message()
            );
        }
    }
}

#[tokio::test]
async fn every_golden_program_registers_once() {
    let mut bridge = Running::start().await;
    let programs = golden_programs();
    assert!(programs.len() > 50, "golden/run has its programs");
    let mut versions = Vec::new();
    for (workflow, file) in &programs {
        let text = std::fs::read_to_string(file).expect("read");
        let response = bridge
            .client
            .register_workflow(RegisterWorkflowRequest {
                workflow: workflow.clone(),
                rrl: text.clone(),
            })
            .await
            .unwrap_or_else(|e| panic!("{}: {}", file.display(), e.message()))
            .into_inner();
        assert_eq!(response.ir_hash.len(), 64, "a hex SHA-256");
        // The same text again is the same version.
        let again = bridge.register(workflow, &text).await.expect("again");
        assert_eq!(again, response.version_id);
        versions.push(response.version_id);
    }
    versions.sort();
    versions.dedup();
    assert_eq!(versions.len(), programs.len());
    bridge.stop().await;
}

#[tokio::test]
async fn a_program_that_cannot_run_is_refused_with_its_diagnostics() {
    let mut bridge = Running::start().await;
    assert_code(
        bridge.register("W", "workflow W(:\n").await,
        Code::InvalidArgument,
        "the program of workflow W does not parse",
    );
    assert_code(
        bridge.register("Other", GREET).await,
        Code::InvalidArgument,
        "the program defines no workflow named Other (it defines: Greet)",
    );
    assert_code(
        bridge.register("", GREET).await,
        Code::InvalidArgument,
        "the workflow name is empty",
    );
    assert_code(
        bridge
            .register(
                "Bad",
                "rrl 1\n\nworkflow Bad() -> int:\n    return missing\n",
            )
            .await,
        Code::InvalidArgument,
        "missing",
    );
    let nul = bridge
        .register("W", "rrl 1\n\nworkflow W() -> str:\n    return \"\0\"\n")
        .await;
    assert_code(
        nul,
        Code::InvalidArgument,
        "contains U+0000 (NUL) on line 4",
    );
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM workflow_versions")
        .fetch_one(bridge.store.pool())
        .await
        .expect("count versions");
    assert_eq!(stored, 0, "nothing refused is stored");
    bridge.stop().await;
}

#[tokio::test]
async fn starts_queue_instances_alone_and_in_batches() {
    let (mut bridge, version, one) = Running::with_ada().await;
    let status = bridge.status(&one).await.expect("status");
    assert_eq!(status.state(), State::Queued);
    assert_eq!(status.outcome, None);

    let starts: Vec<StartWorkflowRequest> = (0..5)
        .map(|i| StartWorkflowRequest {
            version_id: version.clone(),
            arguments: format!(r#"{{"dict": [["name", "user {i}"], ["punctuation", "?"]]}}"#)
                .into_bytes(),
            idempotency_key: None,
        })
        .collect();
    let ids = bridge
        .client
        .start_workflows(StartWorkflowsRequest { starts })
        .await
        .expect("a batch")
        .into_inner()
        .instance_ids;
    assert_eq!(ids.len(), 5);
    // In the request's order: each id holds its own arguments.
    let parsed: Vec<InstanceId> = ids
        .iter()
        .map(|id| InstanceId::parse(id).unwrap())
        .collect();
    let records = bridge.store.load_instances(&parsed).await.expect("load");
    for (i, record) in records.iter().enumerate() {
        let arguments: Json = serde_json::from_str(&record.arguments).unwrap();
        assert_eq!(
            arguments,
            json!({"dict": [["name", format!("user {i}")], ["punctuation", "?"]]})
        );
    }

    // What is stored is the value encoded again: canonical, and a NUL in a
    // plain string tagged as Postgres needs.
    let nul = bridge
        .start_one(&version, "{\"dict\": [[\"name\", \"a\\u0000b\"]]}")
        .await
        .expect("a NUL in a string");
    let record = bridge
        .store
        .load_instances(&[InstanceId::parse(&nul).unwrap()])
        .await
        .expect("load");
    let stored: Json = serde_json::from_str(&record[0].arguments).unwrap();
    assert_eq!(stored, json!({"dict": [["name", {"str": ["a", "b"]}]]}));

    // One bad start refuses the whole batch, naming it.
    let before = bridge.count_instances().await;
    let starts = vec![
        StartWorkflowRequest {
            version_id: version.clone(),
            arguments: br#"{"dict": [["name", "ok"]]}"#.to_vec(),
            idempotency_key: None,
        },
        StartWorkflowRequest {
            version_id: version.clone(),
            arguments: br#"{"dict": [["nom", "bad"]]}"#.to_vec(),
            idempotency_key: None,
        },
    ];
    assert_code(
        bridge
            .client
            .start_workflows(StartWorkflowsRequest { starts })
            .await,
        Code::InvalidArgument,
        "starts[1]: Greet.run() got unexpected keyword argument(s) 'nom'",
    );
    assert_eq!(bridge.count_instances().await, before);
    let empty = bridge
        .client
        .start_workflows(StartWorkflowsRequest { starts: vec![] })
        .await
        .expect("an empty batch");
    assert!(empty.into_inner().instance_ids.is_empty());
    bridge.stop().await;
}

#[tokio::test]
async fn an_idempotency_key_starts_one_instance_over_grpc_and_http() {
    let mut bridge = Running::start().await;
    let version = bridge.register("Greet", GREET).await.expect("register");
    let keyed = |name: &str, key: &str| StartWorkflowRequest {
        version_id: version.clone(),
        arguments: format!(r#"{{"dict": [["name", "{name}"]]}}"#).into_bytes(),
        idempotency_key: Some(key.to_string()),
    };
    let first = bridge
        .client
        .start_workflow(keyed("Ada", "order-7"))
        .await
        .expect("first")
        .into_inner();
    assert!(!first.existing);
    // Other arguments, same key: the key's instance, not a second one.
    let again = bridge
        .client
        .start_workflow(keyed("Bob", "order-7"))
        .await
        .expect("again")
        .into_inner();
    assert_eq!(
        (again.instance_id.as_str(), again.existing),
        (first.instance_id.as_str(), true)
    );

    let batch = bridge
        .client
        .start_workflows(StartWorkflowsRequest {
            starts: vec![
                keyed("Cy", "order-7"),
                keyed("Di", "order-8"),
                keyed("Ed", "order-8"),
            ],
        })
        .await
        .expect("a batch")
        .into_inner();
    assert_eq!(batch.existing, [true, false, true]);
    assert_eq!(batch.instance_ids[0], first.instance_id);
    assert_eq!(batch.instance_ids[1], batch.instance_ids[2]);

    let body = json!({
        "version_id": version,
        "arguments": {"dict": [["name", "Fay"]]},
        "idempotency_key": "order-8",
    });
    let (status, data) = bridge.http("POST", "/v1/instances", Some(body)).await;
    assert_eq!(status, 200, "{data}");
    assert_eq!(data["instance_id"], json!(batch.instance_ids[1]));
    assert_eq!(data["existing"], json!(true));
    assert_eq!(bridge.count_instances().await, 2);

    assert_code(
        bridge.client.start_workflow(keyed("Gil", "")).await,
        Code::InvalidArgument,
        "the idempotency key is 0 bytes; give 1 to 256",
    );
    bridge.stop().await;
}

#[tokio::test]
async fn bad_arguments_are_refused_before_postgres_saying_what_is_wrong() {
    let mut bridge = Running::start().await;
    let version = bridge.register("Greet", GREET).await.expect("register");
    let cases: &[(&str, &str)] = &[
        ("not json", "the arguments are not JSON"),
        (
            r#"{"name": "Ada"}"#,
            "the arguments do not decode: arguments has the unknown tag 'name'",
        ),
        (r#"["Ada"]"#, "the arguments decode to a list, not a dict"),
        (
            r#"{"dict": [[1, "Ada"]]}"#,
            "the arguments have a key of type int",
        ),
        (
            r#"{"dict": [["name", "Ada"], ["nmae", 1], ["extra", 2]]}"#,
            "Greet.run() got unexpected keyword argument(s) 'nmae', 'extra'; its parameters are 'name', 'punctuation'",
        ),
        (
            r#"{"dict": [["punctuation", "."]]}"#,
            "Greet.run() is missing required argument(s) 'name'",
        ),
        (
            r#"{"dict": [["name", {"float": "one"}]]}"#,
            "arguments['name']",
        ),
    ];
    for (arguments, says) in cases {
        assert_code(
            bridge.start_one(&version, arguments).await,
            Code::InvalidArgument,
            says,
        );
    }
    let huge = format!(
        r#"{{"dict": [["name", "{}"]]}}"#,
        "x".repeat(rappel_server::bridge::MAX_ARGUMENTS_BYTES)
    );
    assert_code(
        bridge.start_one(&version, &huge).await,
        Code::InvalidArgument,
        "the most is 4194304 (4 MiB)",
    );
    assert_code(
        bridge.start_one("4242", r#"{"dict": []}"#).await,
        Code::NotFound,
        "no workflow version 4242",
    );
    assert_code(
        bridge.start_one("v1", r#"{"dict": []}"#).await,
        Code::InvalidArgument,
        "\"v1\" is not a version id",
    );
    assert_eq!(bridge.count_instances().await, 0);
    bridge.stop().await;
}

#[tokio::test]
async fn a_wait_wakes_when_the_instance_finishes() {
    let (mut bridge, version, id) = Running::with_ada().await;

    // A wait that ends first answers the status so far, without an outcome.
    let early = bridge
        .client
        .wait_for_result(WaitForResultRequest {
            instance_id: id.clone(),
            timeout_seconds: 0.2,
        })
        .await
        .expect("a short wait")
        .into_inner();
    assert_eq!(early.state(), State::Queued);
    assert_eq!(early.outcome, None);

    let waiting = bridge.wait_in_background(&id, 120.0);
    let finished = bridge
        .finish_all(InstanceState::Completed, r#""Ada!""#)
        .await;
    assert_eq!(finished.len(), 1);
    let done = waiting.await.expect("join").expect("the wait");
    assert_eq!(done.instance_id, id);
    assert_eq!(done.state(), State::Completed);
    assert_eq!(done.outcome, Some(Outcome::Value(br#""Ada!""#.to_vec())));
    assert_eq!(bridge.status(&id).await.expect("status"), done);

    // A failed instance's outcome is its exception.
    let failing = bridge
        .start_one(&version, r#"{"dict": [["name", "Bob"]]}"#)
        .await
        .expect("start");
    let exception = r#"{"exception": {"class": ["builtins:ValueError"], "message": "no"}}"#;
    bridge.finish_all(InstanceState::Failed, exception).await;
    let failed = bridge
        .client
        .wait_for_result(WaitForResultRequest {
            instance_id: failing,
            timeout_seconds: 30.0,
        })
        .await
        .expect("the wait")
        .into_inner();
    assert_eq!(failed.state(), State::Failed);
    assert_eq!(
        failed.outcome,
        Some(Outcome::Exception(exception.as_bytes().to_vec()))
    );

    let unknown = "2f1c0e7a-6c5b-4f0e-9a51-3d2b1c0a9e8f";
    assert_code(bridge.status(unknown).await, Code::NotFound, "no instance");
    assert_code(
        bridge
            .client
            .wait_for_result(WaitForResultRequest {
                instance_id: unknown.to_string(),
                timeout_seconds: 1.0,
            })
            .await,
        Code::NotFound,
        "no instance 2f1c0e7a",
    );
    assert_code(
        bridge.status("42").await,
        Code::InvalidArgument,
        "is not an instance id",
    );
    bridge.stop().await;
}

/// Concurrent starts share transactions and concurrent waits share status
/// queries (`bridge/batching.rs`): each request still gets its own answer.
#[tokio::test]
async fn concurrent_starts_and_waits_each_get_their_own_answer() {
    let mut bridge = Running::start().await;
    let version = bridge.register("Greet", GREET).await.expect("register");
    let starts: Vec<_> = (0..120)
        .map(|i| {
            let mut client = bridge.client.clone();
            let version = version.clone();
            tokio::spawn(async move {
                let arguments = if i == 7 {
                    r#"{"dict": [["nom", "x"]]}"#.to_string()
                } else {
                    format!(r#"{{"dict": [["name", "n{i}"]]}}"#)
                };
                // Two requests with one key: one instance between them.
                let idempotency_key = (i == 3 || i == 4).then(|| "shared-key".to_string());
                client
                    .start_workflow(StartWorkflowRequest {
                        version_id: version,
                        arguments: arguments.into_bytes(),
                        idempotency_key,
                    })
                    .await
                    .map(tonic::Response::into_inner)
            })
        })
        .collect();
    let mut ids = Vec::new();
    for (i, start) in starts.into_iter().enumerate() {
        let answer = start.await.expect("join");
        if i == 7 {
            assert_code(
                answer,
                Code::InvalidArgument,
                "unexpected keyword argument(s) 'nom'",
            );
        } else {
            ids.push(answer.expect("a start").instance_id);
        }
    }
    assert_eq!(ids[3], ids[4], "one key, one instance");
    let distinct: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), 118);
    assert_eq!(bridge.count_instances().await, 118);

    let waits: Vec<_> = ids
        .iter()
        .map(|id| (id.clone(), bridge.wait_in_background(id, 120.0)))
        .collect();
    let unknown = bridge.wait_in_background("2f1c0e7a-6c5b-4f0e-9a51-3d2b1c0a9e8f", 5.0);
    let mut finished = 0;
    while finished < 118 {
        finished += bridge
            .finish_all(InstanceState::Completed, r#""done""#)
            .await
            .len();
    }
    for (id, wait) in waits {
        let done = wait.await.expect("join").expect("the wait");
        assert_eq!(done.instance_id, id);
        assert_eq!(done.state(), State::Completed);
    }
    assert_code(
        unknown.await.expect("join"),
        Code::NotFound,
        "no instance 2f1c0e7a",
    );
    bridge.stop().await;
}

#[tokio::test]
async fn a_finish_nothing_notified_still_wakes_the_wait() {
    let (mut bridge, _, id) = Running::with_ada().await;
    let waiting = bridge.wait_in_background(&id, 120.0);
    // As if the notification were lost: the outcome lands without NOTIFY.
    sqlx::query("UPDATE instances SET state = 'completed', outcome = '42' WHERE id = $1::uuid")
        .bind(&id)
        .execute(bridge.store.pool())
        .await
        .expect("finish behind the bridge's back");
    let done = waiting.await.expect("join").expect("the wait");
    assert_eq!(done.state(), State::Completed);
    assert_eq!(done.outcome, Some(Outcome::Value(b"42".to_vec())));
    bridge.stop().await;
}

#[tokio::test]
async fn stopping_ends_waits_with_the_status_so_far() {
    let (mut bridge, _, id) = Running::with_ada().await;
    let waiting = bridge.wait_in_background(&id, 600.0);
    // The wait is in the bridge once the watch is registered; give it a moment.
    tokio::time::sleep(Duration::from_millis(300)).await;
    bridge.stop().await;
    let answered = waiting
        .await
        .expect("join")
        .expect("an answer before the stop");
    assert_eq!(answered.state(), State::Queued);
}

#[tokio::test]
async fn the_http_mirror_answers_json() {
    let mut bridge = Running::start().await;
    let server = bridge.server.as_ref().expect("running");
    let (http_port, grpc_port) = (server.http_addr.port(), server.grpc_addr.port());
    let (code, health) = bridge.http("GET", "/healthz", None).await;
    assert_eq!(code, 200);
    assert_eq!(
        health,
        json!({"service": "rappel-bridge", "http_port": http_port, "grpc_port": grpc_port})
    );

    let (code, registered) = bridge
        .http(
            "POST",
            "/v1/workflows",
            Some(json!({"workflow": "Greet", "rrl": GREET})),
        )
        .await;
    assert_eq!(code, 200, "{registered}");
    let version = registered["version_id"]
        .as_str()
        .expect("a version id")
        .to_string();
    assert_eq!(
        bridge.register("Greet", GREET).await.expect("gRPC"),
        version
    );

    let (code, started) = bridge
        .http(
            "POST",
            "/v1/instances",
            Some(json!({"version_id": version, "arguments": {"dict": [["name", "Ada"]]}})),
        )
        .await;
    assert_eq!(code, 200, "{started}");
    let id = started["instance_id"].as_str().expect("an id").to_string();
    let (code, status) = bridge
        .http("GET", &format!("/v1/instances/{id}"), None)
        .await;
    assert_eq!(code, 200);
    assert_eq!(status, json!({"instance_id": id, "state": "queued"}));
    let (_, early) = bridge
        .http(
            "GET",
            &format!("/v1/instances/{id}/result?timeout=0.1"),
            None,
        )
        .await;
    assert_eq!(early["state"], "queued");

    bridge
        .finish_all(InstanceState::Completed, r#"{"dict": [["n", 1]]}"#)
        .await;
    let (code, result) = bridge
        .http(
            "GET",
            &format!("/v1/instances/{id}/result?timeout=30"),
            None,
        )
        .await;
    assert_eq!(code, 200);
    assert_eq!(
        result,
        json!({"instance_id": id, "state": "completed", "value": {"dict": [["n", 1]]}})
    );

    let refusals: Vec<(&str, String, Option<Json>, u16, &str)> = vec![
        (
            "POST",
            "/v1/workflows".into(),
            Some(json!({"workflow": "W"})),
            400,
            "missing field `rrl`",
        ),
        (
            "POST",
            "/v1/workflows".into(),
            Some(json!({"workflow": "W", "rrl": "workflow W(:\n"})),
            400,
            "does not parse",
        ),
        (
            "POST",
            "/v1/instances".into(),
            Some(json!({"version_id": version, "arguments": {"dict": [["x", 1]]}})),
            400,
            "unexpected keyword argument(s) 'x'",
        ),
        (
            "POST",
            "/v1/instances".into(),
            Some(json!({"version_id": 999, "arguments": {"dict": []}})),
            404,
            "no workflow version 999",
        ),
        (
            "GET",
            "/v1/instances/2f1c0e7a-6c5b-4f0e-9a51-3d2b1c0a9e8f".into(),
            None,
            404,
            "no instance",
        ),
        (
            "GET",
            "/v1/instances/nope".into(),
            None,
            400,
            "is not an instance id",
        ),
        (
            "GET",
            format!("/v1/instances/{id}/result?timeout=soon"),
            None,
            400,
            "not a number of seconds",
        ),
        (
            "GET",
            "/v2/anything".into(),
            None,
            404,
            "no endpoint GET /v2/anything",
        ),
        (
            "DELETE",
            "/healthz".into(),
            None,
            404,
            "no endpoint DELETE /healthz",
        ),
    ];
    for (method, path, body, want, says) in refusals {
        let (code, answer) = bridge.http(method, &path, body).await;
        assert_eq!(code, want, "{method} {path}: {answer}");
        let error = answer["error"]
            .as_str()
            .unwrap_or_else(|| panic!("{answer}"));
        assert!(
            error.contains(says),
            "{method} {path}: {error:?} does not say {says:?}"
        );
    }
    bridge.stop().await;
}

#[tokio::test]
async fn an_ir_dir_registers_every_program_and_refuses_a_malformed_one() {
    let schema = TestSchema::new().await;
    let store = schema.store().await;
    let dir = tempfile::tempdir().expect("a temp dir");
    let golden = golden_programs();
    let (first, first_file) = &golden[0];
    let (second, second_file) = &golden[1];
    let first_text = std::fs::read_to_string(first_file).unwrap();
    std::fs::write(dir.path().join(format!("{first}.rrl")), &first_text).unwrap();
    std::fs::copy(second_file, dir.path().join(format!("{second}.rrl"))).unwrap();
    std::fs::write(
        dir.path().join("Broken.rrl"),
        "rrl 1\n\nworkflow Broken(:\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("Greet.rrl"), GREET).unwrap();
    std::fs::write(dir.path().join("Nul.rrl"), GREET.replace('!', "\0")).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not IR").unwrap();
    // The manifest vouches for the first two; the second's hash is stale.
    let sha = |text: &str| {
        use sha2::Digest;
        sha2::Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let manifest = json!({
        "version": 1,
        "workflows": {
            first: {"rrl": format!("{first}.rrl"), "sha256": sha(&first_text)},
            second: {"rrl": format!("{second}.rrl"), "sha256": sha("something else")},
            "Gone": {"rrl": "Gone.rrl", "sha256": sha("")},
        }
    });
    std::fs::write(dir.path().join("manifest.json"), manifest.to_string()).unwrap();

    let report = register_ir_dir(&store, dir.path()).await.expect("a report");
    let registered: Vec<&str> = report
        .registered
        .iter()
        .map(|r| r.workflow.as_str())
        .collect();
    let mut want = vec![first.as_str(), "Greet"];
    want.sort();
    let mut got = registered.clone();
    got.sort();
    assert_eq!(got, want, "{report}");
    let refused: Vec<String> = report
        .refused
        .iter()
        .map(|r| r.file.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let mut refused_sorted = refused.clone();
    refused_sorted.sort();
    let mut want_refused = vec![
        "Broken.rrl".to_string(),
        "Gone.rrl".to_string(),
        "Nul.rrl".to_string(),
        format!("{second}.rrl"),
    ];
    want_refused.sort();
    assert_eq!(refused_sorted, want_refused, "{report}");
    let text = report.to_string();
    assert!(
        text.contains("Broken.rrl: the program of workflow Broken does not parse"),
        "{text}"
    );
    assert!(text.contains("changed after `rappel compile`"), "{text}");
    assert!(text.contains("no such .rrl file"), "{text}");
    assert!(
        text.contains("Nul.rrl: the program of workflow Nul contains U+0000"),
        "{text}"
    );

    // Registered versions are the store's: starting from one works.
    let greet = report
        .registered
        .iter()
        .find(|r| r.workflow == "Greet")
        .unwrap();
    let again = store.register_version("Greet", GREET).await.unwrap();
    assert_eq!(again.id, greet.version_id);

    // A manifest that is not one is refused; the files still load by name.
    std::fs::write(dir.path().join("manifest.json"), "{\"workflows\": 3}").unwrap();
    let report = register_ir_dir(&store, dir.path()).await.expect("a report");
    assert!(
        report
            .refused
            .iter()
            .any(|r| r.file.ends_with("manifest.json")
                && r.reason
                    .contains("not the manifest `rappel compile` writes")),
        "{report}"
    );
    assert_eq!(report.registered.len(), 3, "{report}");

    let missing = register_ir_dir(&store, &dir.path().join("absent")).await;
    let error = missing.expect_err("no such directory").to_string();
    assert!(error.contains("cannot read the IR directory"), "{error}");
}

#[tokio::test]
async fn a_cancel_ends_an_unfinished_instance_and_answers_its_waiters() {
    let (mut bridge, version, id) = Running::with_ada().await;
    let waiting = bridge.wait_in_background(&id, 120.0);
    // The wait is in the bridge once the watch is registered; give it a moment.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let answer = bridge.cancel(&id).await.expect("cancel");
    assert!(answer.cancelled);
    let status = answer.status.expect("a status");
    assert_eq!(status.state(), State::Cancelled);
    assert_eq!(status.outcome, None, "a cancelled instance has no outcome");
    let woken = waiting.await.expect("join").expect("the wait");
    assert_eq!(woken, status, "the waiter got the cancel");
    assert_eq!(bridge.status(&id).await.expect("status"), status);
    // A runtime finds nothing to lease.
    assert!(
        bridge
            .finish_all(InstanceState::Completed, "1")
            .await
            .is_empty()
    );

    // Cancelling again, or cancelling a finished instance, changes nothing.
    let again = bridge.cancel(&id).await.expect("cancel again");
    assert!(!again.cancelled);
    assert_eq!(again.status, Some(status));
    let done = bridge
        .start_one(&version, r#"{"dict": [["name", "Bob"]]}"#)
        .await
        .expect("start");
    bridge
        .finish_all(InstanceState::Completed, r#""Bob!""#)
        .await;
    let finished = bridge.cancel(&done).await.expect("cancel a finished one");
    assert!(!finished.cancelled);
    let kept = finished.status.expect("a status");
    assert_eq!(kept.state(), State::Completed);
    assert_eq!(kept.outcome, Some(Outcome::Value(br#""Bob!""#.to_vec())));

    let unknown = "2f1c0e7a-6c5b-4f0e-9a51-3d2b1c0a9e8f";
    assert_code(
        bridge.cancel(unknown).await,
        Code::NotFound,
        "no instance 2f1c0e7a",
    );
    assert_code(
        bridge.cancel("42").await,
        Code::InvalidArgument,
        "is not an instance id",
    );

    // The HTTP mirror.
    let other = bridge
        .start_one(&version, r#"{"dict": [["name", "Cy"]]}"#)
        .await
        .expect("start");
    let (code, body) = bridge
        .http("POST", &format!("/v1/instances/{other}/cancel"), None)
        .await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(
        body,
        json!({"instance_id": other, "state": "cancelled", "cancelled": true})
    );
    let (code, body) = bridge
        .http("POST", &format!("/v1/instances/{done}/cancel"), None)
        .await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(
        body,
        json!({"instance_id": done, "state": "completed", "value": "Bob!", "cancelled": false})
    );
    let (code, body) = bridge
        .http(
            "GET",
            &format!("/v1/instances/{other}/result?timeout=1"),
            None,
        )
        .await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(body, json!({"instance_id": other, "state": "cancelled"}));
    let (code, body) = bridge
        .http("POST", &format!("/v1/instances/{unknown}/cancel"), None)
        .await;
    assert_eq!(code, 404, "{body}");
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("no instance")),
        "{body}"
    );
    bridge.stop().await;
}

/// One WaitForResults call for many instances: those finished already come
/// first, the others as they finish, each once; the stream ends when all are
/// sent, or at its timeout with the rest unsent. A bad or unknown id fails the
/// call before anything is sent, naming it.
#[tokio::test]
async fn one_wait_for_many_sends_each_status_once_as_it_finishes() {
    let mut bridge = Running::start().await;
    let version = bridge.register("Greet", GREET).await.expect("register");
    let mut ids = Vec::new();
    for i in 0..30 {
        let arguments = format!(r#"{{"dict": [["name", "n{i}"]]}}"#);
        ids.push(bridge.start_one(&version, &arguments).await.expect("start"));
    }
    let mut finished_first = bridge
        .finish_all(InstanceState::Completed, r#""early""#)
        .await;
    finished_first.sort();
    let mut later = Vec::new();
    for i in 0..20 {
        let arguments = format!(r#"{{"dict": [["name", "m{i}"]]}}"#);
        later.push(bridge.start_one(&version, &arguments).await.expect("start"));
    }
    let mut asked: Vec<String> = ids.iter().chain(&later).cloned().collect();
    asked.push(ids[0].clone()); // asked twice, sent once

    let mut client = bridge.client.clone();
    let request = WaitForResultsRequest {
        instance_ids: asked,
        timeout_seconds: 120.0,
    };
    let mut stream = client
        .wait_for_results(request)
        .await
        .expect("the wait")
        .into_inner();
    let first = stream
        .message()
        .await
        .expect("a message")
        .expect("not the end");
    let mut early: Vec<InstanceId> = first
        .statuses
        .iter()
        .map(|s| InstanceId::parse(&s.instance_id).expect("an id"))
        .collect();
    early.sort();
    assert_eq!(early, finished_first, "the finished ones, in one message");
    assert!(first.statuses.iter().all(|s| s.state() == State::Completed
        && s.outcome == Some(Outcome::Value(br#""early""#.to_vec()))));

    let finished_later = bridge
        .finish_all(InstanceState::Completed, r#""late""#)
        .await;
    assert_eq!(finished_later.len(), 20);
    let mut sent: Vec<String> = Vec::new();
    while let Some(message) = stream.message().await.expect("a message") {
        for status in message.statuses {
            assert_eq!(status.outcome, Some(Outcome::Value(br#""late""#.to_vec())));
            sent.push(status.instance_id);
        }
    }
    sent.sort();
    let mut expected = later.clone();
    expected.sort();
    assert_eq!(sent, expected, "each later one once, then the end");

    // Time up: the stream ends with the unfinished one unsent.
    let waiting = bridge
        .start_one(&version, r#"{"dict": [["name", "Zed"]]}"#)
        .await
        .expect("start");
    let mut stream = client
        .wait_for_results(WaitForResultsRequest {
            instance_ids: vec![waiting, ids[1].clone()],
            timeout_seconds: 0.3,
        })
        .await
        .expect("the wait")
        .into_inner();
    let message = stream.message().await.expect("a message").expect("one");
    assert_eq!(message.statuses.len(), 1);
    assert_eq!(message.statuses[0].instance_id, ids[1]);
    assert!(stream.message().await.expect("the end").is_none());

    let unknown = "2f1c0e7a-6c5b-4f0e-9a51-3d2b1c0a9e8f";
    for (instance_ids, code, says) in [
        (
            vec![ids[2].clone(), unknown.to_string()],
            Code::NotFound,
            "instance_ids[1]: no instance 2f1c0e7a",
        ),
        (
            vec!["42".to_string()],
            Code::InvalidArgument,
            "instance_ids[0]: ",
        ),
    ] {
        let mut stream = client
            .wait_for_results(WaitForResultsRequest {
                instance_ids,
                timeout_seconds: 5.0,
            })
            .await
            .expect("the call")
            .into_inner();
        assert_code(stream.message().await, code, says);
    }
    bridge.stop().await;
}
