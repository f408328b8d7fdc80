//! The bridge over HTTP: `/healthz` (how clients and `boot-rappel-singleton`
//! find the bridge and its gRPC port) and a JSON mirror of the gRPC API for
//! people and curl (docs/operations.md, "The client bridge"). Bodies are read
//! as bytes and parsed here, so that every refusal is `{"error": "..."}`.

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use rappel_store::{InstanceState, InstanceStatus};
use serde::Deserialize;
use serde_json::{Value as Json, json};
use tokio::net::TcpListener;

use super::{Arguments, Bridge, BridgeError, MAX_HTTP_BODY_BYTES, StartRequest};

/// What `/healthz` reports.
#[derive(Clone, Copy)]
pub(super) struct Ports {
    pub http: u16,
    pub grpc: u16,
}

#[derive(Clone)]
struct AppState {
    bridge: Arc<Bridge>,
    ports: Ports,
}

/// The wait of `/result` when the request gives no `timeout`.
const DEFAULT_WAIT_SECONDS: f64 = 30.0;

pub(super) async fn serve(
    bridge: Arc<Bridge>,
    ports: Ports,
    listener: TcpListener,
    signal: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = Router::new()
        .route("/healthz", get(healthz))
        .route("/v1/workflows", post(register))
        .route("/v1/instances", post(start))
        .route("/v1/instances/{id}", get(status))
        .route("/v1/instances/{id}/result", get(result))
        .route("/v1/instances/{id}/cancel", post(cancel))
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_HTTP_BODY_BYTES))
        .with_state(AppState { bridge, ports });
    axum::serve(listener, app)
        .with_graceful_shutdown(signal)
        .await
}

fn reply(status: StatusCode, body: &Json) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        format!("{body}\n"),
    )
        .into_response()
}

fn refuse(status: StatusCode, message: impl Into<String>) -> Response {
    reply(status, &json!({ "error": message.into() }))
}

impl IntoResponse for BridgeError {
    fn into_response(self) -> Response {
        let status = match self {
            BridgeError::InvalidArgument(_) => StatusCode::BAD_REQUEST,
            BridgeError::NotFound(_) => StatusCode::NOT_FOUND,
            BridgeError::FailedPrecondition(_) => StatusCode::CONFLICT,
            BridgeError::Store(_) | BridgeError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        };
        refuse(status, self.to_string())
    }
}

/// The JSON body of a request.
fn body<T: for<'de> Deserialize<'de>>(bytes: &Bytes, expected: &str) -> Result<T, BridgeError> {
    serde_json::from_slice(bytes).map_err(|error| {
        BridgeError::InvalidArgument(format!("the request body is not {expected}: {error}"))
    })
}

async fn healthz(State(state): State<AppState>) -> Response {
    reply(
        StatusCode::OK,
        &json!({
            "service": "rappel-bridge",
            "http_port": state.ports.http,
            "grpc_port": state.ports.grpc,
        }),
    )
}

#[derive(Deserialize)]
struct RegisterBody {
    workflow: String,
    rrl: String,
}

async fn register(State(state): State<AppState>, bytes: Bytes) -> Response {
    let request: RegisterBody = match body(&bytes, r#"{"workflow": "<name>", "rrl": "<text>"}"#) {
        Ok(request) => request,
        Err(error) => return error.into_response(),
    };
    match state.bridge.register(&request.workflow, &request.rrl).await {
        Ok(version) => reply(
            StatusCode::OK,
            &json!({ "version_id": version.id.to_string(), "ir_hash": version.ir_hash }),
        ),
        Err(error) => error.into_response(),
    }
}

#[derive(Deserialize)]
struct StartBody {
    /// A string, as gRPC has it, or a number.
    version_id: Json,
    arguments: Json,
    #[serde(default)]
    idempotency_key: Option<String>,
}

async fn start(State(state): State<AppState>, bytes: Bytes) -> Response {
    let request: StartBody = match body(
        &bytes,
        r#"{"version_id": "<id>", "arguments": {"dict": [["<name>", <value>], ...]}, "idempotency_key": "<optional key>"}"#,
    ) {
        Ok(request) => request,
        Err(error) => return error.into_response(),
    };
    let version_id = match &request.version_id {
        Json::String(text) => text.clone(),
        Json::Number(number) => number.to_string(),
        other => {
            return refuse(
                StatusCode::BAD_REQUEST,
                format!("version_id is {other}: give the id RegisterWorkflow returned"),
            );
        }
    };
    let start = StartRequest {
        version_id: &version_id,
        arguments: Arguments::Json(&request.arguments),
        idempotency_key: request.idempotency_key.as_deref(),
    };
    match state.bridge.start(std::slice::from_ref(&start)).await {
        Ok(started) => match started.first() {
            Some(s) => reply(
                StatusCode::OK,
                &json!({ "instance_id": s.id.to_string(), "existing": s.existing }),
            ),
            None => refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the store started no instance",
            ),
        },
        Err(error) => error.into_response(),
    }
}

/// An instance's status as JSON: its outcome as codec JSON once finished,
/// under `value` or `exception`.
fn status_json(status: &InstanceStatus) -> Json {
    let mut body = json!({
        "instance_id": status.id.to_string(),
        "state": status.state.as_str(),
    });
    if let Some(outcome) = &status.outcome {
        let key = if status.state == InstanceState::Failed {
            "exception"
        } else {
            "value"
        };
        // The store holds JSON text it wrote itself; keep it as text if not.
        let value = serde_json::from_str(outcome).unwrap_or_else(|_| Json::String(outcome.clone()));
        body[key] = value;
    }
    body
}

async fn status(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match state.bridge.status(&id).await {
        Ok(status) => reply(StatusCode::OK, &status_json(&status)),
        Err(error) => error.into_response(),
    }
}

/// The status after the cancel, with `"cancelled"`: whether this request
/// cancelled the instance (false: it had finished before).
async fn cancel(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match state.bridge.cancel(&id).await {
        Ok((cancelled, status)) => {
            let mut body = status_json(&status);
            body["cancelled"] = Json::Bool(cancelled);
            reply(StatusCode::OK, &body)
        }
        Err(error) => error.into_response(),
    }
}

async fn result(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let mut timeout = DEFAULT_WAIT_SECONDS;
    for pair in query.as_deref().unwrap_or("").split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        match name {
            "" => {}
            "timeout" => match value.parse::<f64>() {
                Ok(seconds) if seconds.is_finite() => timeout = seconds,
                _ => {
                    return refuse(
                        StatusCode::BAD_REQUEST,
                        format!("timeout={value:?} is not a number of seconds"),
                    );
                }
            },
            other => {
                return refuse(
                    StatusCode::BAD_REQUEST,
                    format!("unknown query parameter {other:?}: the only one is timeout=SECONDS"),
                );
            }
        }
    }
    match state.bridge.wait(&id, timeout).await {
        Ok(status) => reply(StatusCode::OK, &status_json(&status)),
        Err(error) => error.into_response(),
    }
}

async fn not_found(method: Method, uri: Uri) -> Response {
    refuse(
        StatusCode::NOT_FOUND,
        format!(
            "no endpoint {method} {}: the endpoints are GET /healthz, POST /v1/workflows, \
             POST /v1/instances, GET /v1/instances/{{id}}, GET /v1/instances/{{id}}/result?timeout=SECONDS, \
             POST /v1/instances/{{id}}/cancel",
            uri.path()
        ),
    )
}
