//! The web dashboard of `start-workers` (docs/operations.md, "The web
//! dashboard"): server-rendered, read-only HTML pages and their JSON under
//! `/api/`, served on `RAPPEL_WEBAPP_ADDR` when `RAPPEL_WEBAPP_ENABLED` is
//! true.
//!
//! It reads the store through `rappel_store::dashboard::Reader`, a pool of
//! its own (read-only, with a statement timeout), so browsing never takes a
//! connection the dispatcher needs; what the dispatcher holds in memory
//! (attempts, workers) comes from its `LiveStats`, published through a
//! `watch` channel it never waits on. Every value shown is escaped by maud.

mod pages;
pub mod replay;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rappel_store::dashboard::{InstanceFilter, Reader};
use rappel_store::{InstanceId, InstanceState, StoreError};
use serde_json::Value as Json;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::dispatcher::LiveStats;
use crate::program::load_program;

/// Counts of the overview stop here ("at least").
pub const COUNT_CAP: i64 = 10_000;

/// Instances on a page of the list, by default and at most.
pub const DEFAULT_PAGE: usize = 50;
pub const MAX_PAGE: usize = 500;

/// Log entries an instance page shows at most.
pub const MAX_LOG: usize = 1_000;

#[derive(Debug, thiserror::Error)]
pub enum DashboardError {
    #[error(
        "cannot serve the web dashboard on {addr} (RAPPEL_WEBAPP_ADDR): {source}; pick a free \
         address, or set RAPPEL_WEBAPP_ENABLED=false"
    )]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// Binds the dashboard's address, so that a bad one stops the process
/// before anything else starts.
pub async fn bind(addr: SocketAddr) -> Result<TcpListener, DashboardError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| DashboardError::Bind { addr, source })
}

/// What every page reads.
#[derive(Clone)]
struct Dashboard {
    reader: Reader,
    /// The dispatcher of this process, when there is one.
    live: Option<watch::Receiver<LiveStats>>,
}

/// Serves the dashboard on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    reader: Reader,
    live: Option<watch::Receiver<LiveStats>>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let state = Arc::new(Dashboard { reader, live });
    let app = Router::new()
        .route("/", get(overview))
        .route("/instances", get(instances))
        .route("/instances/{id}", get(instance))
        .route("/versions/{id}", get(version))
        .route("/health", get(health))
        .route("/api/overview", get(api_overview))
        .route("/api/instances", get(api_instances))
        .route("/api/instances/{id}", get(api_instance))
        .route("/api/health", get(api_health))
        .fallback(not_found)
        .with_state(state);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Why a page cannot be shown; each is a status and a message.
enum Refusal {
    BadRequest(String),
    NotFound(String),
    Store(StoreError),
}

impl Refusal {
    fn status(&self) -> StatusCode {
        match self {
            Refusal::BadRequest(_) => StatusCode::BAD_REQUEST,
            Refusal::NotFound(_) => StatusCode::NOT_FOUND,
            Refusal::Store(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn message(&self) -> String {
        match self {
            Refusal::BadRequest(message) | Refusal::NotFound(message) => message.clone(),
            Refusal::Store(error) => format!("{error}; the store may be away: see /health"),
        }
    }

    fn page(self) -> Response {
        html(
            self.status(),
            pages::refusal(self.status(), &self.message()),
        )
    }

    fn json(self) -> Response {
        json(
            self.status(),
            &serde_json::json!({ "error": self.message() }),
        )
    }
}

impl From<StoreError> for Refusal {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::BadInstanceId(_) => Refusal::BadRequest(error.to_string()),
            other => Refusal::Store(other),
        }
    }
}

fn html(status: StatusCode, markup: maud::Markup) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        markup.into_string(),
    )
        .into_response()
}

fn json(status: StatusCode, body: &Json) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        format!("{body}\n"),
    )
        .into_response()
}

fn answer(result: Result<Response, Refusal>, as_json: bool) -> Response {
    match result {
        Ok(response) => response,
        Err(refusal) if as_json => refusal.json(),
        Err(refusal) => refusal.page(),
    }
}

fn live_now(dashboard: &Dashboard) -> Option<LiveStats> {
    dashboard.live.as_ref().map(|live| live.borrow().clone())
}

async fn overview(State(dashboard): State<Arc<Dashboard>>) -> Response {
    let result = async {
        let overview = dashboard.reader.overview(COUNT_CAP).await?;
        Ok::<Response, Refusal>(html(
            StatusCode::OK,
            pages::overview(&overview, live_now(&dashboard).as_ref()),
        ))
    };
    answer(result.await, false)
}

async fn api_overview(State(dashboard): State<Arc<Dashboard>>) -> Response {
    let result = async {
        let overview = dashboard.reader.overview(COUNT_CAP).await?;
        Ok::<Response, Refusal>(json(
            StatusCode::OK,
            &pages::overview_json(&overview, live_now(&dashboard).as_ref()),
        ))
    };
    answer(result.await, true)
}

/// The query of the instance list: its filters, where it continues, and
/// how many.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListQuery {
    pub filter: InstanceFilter,
    pub after: Option<InstanceId>,
    pub limit: usize,
}

impl ListQuery {
    /// Reads `workflow`, `version`, `state` (repeated, or comma-separated),
    /// `after` and `limit`; an empty value is no filter.
    pub fn parse(query: Option<&str>) -> Result<ListQuery, String> {
        let mut list = ListQuery {
            limit: DEFAULT_PAGE,
            ..ListQuery::default()
        };
        for (name, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match &*name {
                "workflow" => list.filter.workflow = Some(value.to_string()),
                "version" => {
                    list.filter.version_id = Some(value.parse().map_err(|_| {
                        format!("version={value:?} is not a version id (a whole number)")
                    })?);
                }
                "state" => {
                    for state in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                        let state = InstanceState::named(state).ok_or_else(|| {
                            format!(
                                "state={state:?} is not a state: use one of {}",
                                state_names()
                            )
                        })?;
                        if !list.filter.states.contains(&state) {
                            list.filter.states.push(state);
                        }
                    }
                }
                "after" => {
                    list.after = Some(InstanceId::parse(value).map_err(|e| e.to_string())?);
                }
                "limit" => {
                    list.limit = value
                        .parse::<usize>()
                        .ok()
                        .filter(|n| (1..=MAX_PAGE).contains(n))
                        .ok_or_else(|| {
                            format!(
                                "limit={value:?} is not a number of instances from 1 to {MAX_PAGE}"
                            )
                        })?;
                }
                other => {
                    return Err(format!(
                        "unknown query parameter {other:?}: the list takes workflow, version, \
                         state, after and limit"
                    ));
                }
            }
        }
        Ok(list)
    }
}

fn state_names() -> String {
    InstanceState::ALL
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

async fn list(
    dashboard: &Dashboard,
    query: Option<&str>,
) -> Result<(ListQuery, rappel_store::dashboard::InstancePage), Refusal> {
    let list = ListQuery::parse(query).map_err(Refusal::BadRequest)?;
    let page = dashboard
        .reader
        .list_instances(&list.filter, list.after.as_ref(), list.limit)
        .await?;
    Ok((list, page))
}

async fn instances(State(dashboard): State<Arc<Dashboard>>, RawQuery(query): RawQuery) -> Response {
    let result = async {
        let (list, page) = list(&dashboard, query.as_deref()).await?;
        Ok::<Response, Refusal>(html(StatusCode::OK, pages::instances(&list, &page)))
    };
    answer(result.await, false)
}

async fn api_instances(
    State(dashboard): State<Arc<Dashboard>>,
    RawQuery(query): RawQuery,
) -> Response {
    let result = async {
        let (_, page) = list(&dashboard, query.as_deref()).await?;
        Ok::<Response, Refusal>(json(StatusCode::OK, &pages::instances_json(&page)))
    };
    answer(result.await, true)
}

/// An instance, its version's program and the replay of its log.
struct Inspected {
    detail: rappel_store::dashboard::InstanceDetail,
    version: Option<rappel_store::Version>,
    replay: Result<replay::Replay, String>,
}

async fn inspect(dashboard: &Dashboard, id: &str) -> Result<Inspected, Refusal> {
    let id = InstanceId::parse(id)?;
    let detail = dashboard
        .reader
        .instance(&id, MAX_LOG)
        .await?
        .ok_or_else(|| {
            Refusal::NotFound(format!(
                "no instance {id} in the store (collected, or never started)"
            ))
        })?;
    let version = dashboard.reader.version(detail.version_id).await?;
    let replay = match &version {
        Some(version) => load_program(&version.name, &version.rrl_text)
            .map(|program| replay::replay(&program, &detail))
            .map_err(|error| error.to_string()),
        None => Err(format!("version {} is not in the store", detail.version_id)),
    };
    Ok(Inspected {
        detail,
        version,
        replay,
    })
}

async fn instance(State(dashboard): State<Arc<Dashboard>>, Path(id): Path<String>) -> Response {
    let result = async {
        let inspected = inspect(&dashboard, &id).await?;
        Ok::<Response, Refusal>(html(
            StatusCode::OK,
            pages::instance(
                &inspected.detail,
                inspected.version.as_ref(),
                &inspected.replay,
            ),
        ))
    };
    answer(result.await, false)
}

async fn api_instance(State(dashboard): State<Arc<Dashboard>>, Path(id): Path<String>) -> Response {
    let result = async {
        let inspected = inspect(&dashboard, &id).await?;
        Ok::<Response, Refusal>(json(
            StatusCode::OK,
            &pages::instance_json(&inspected.detail, &inspected.replay),
        ))
    };
    answer(result.await, true)
}

async fn version(State(dashboard): State<Arc<Dashboard>>, Path(id): Path<String>) -> Response {
    let result = async {
        let version_id: i64 = id.parse().map_err(|_| {
            Refusal::BadRequest(format!("{id:?} is not a version id (a whole number)"))
        })?;
        let version = dashboard.reader.version(version_id).await?.ok_or_else(|| {
            Refusal::NotFound(format!("no workflow version {version_id} in the store"))
        })?;
        Ok::<Response, Refusal>(html(StatusCode::OK, pages::version(&version)))
    };
    answer(result.await, false)
}

async fn health(State(dashboard): State<Arc<Dashboard>>) -> Response {
    let health = dashboard.reader.health().await;
    let status = health_status(&health);
    html(
        status,
        pages::health(&health, live_now(&dashboard).as_ref()),
    )
}

async fn api_health(State(dashboard): State<Arc<Dashboard>>) -> Response {
    let health = dashboard.reader.health().await;
    json(health_status(&health), &pages::health_json(&health))
}

/// 200 when the store answers, else 503 (so a probe can watch it).
fn health_status(health: &rappel_store::dashboard::StoreHealth) -> StatusCode {
    if health.error.is_none() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    }
}

async fn not_found(uri: axum::http::Uri) -> Response {
    let message = format!(
        "no page {}: the dashboard has /, /instances, /instances/{{id}}, /versions/{{id}}, \
         /health, and their JSON under /api/",
        uri.path()
    );
    if uri.path().starts_with("/api/") {
        Refusal::NotFound(message).json()
    } else {
        Refusal::NotFound(message).page()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_query_reads_filters_and_refuses_what_it_does_not_know() {
        let list = ListQuery::parse(Some(
            "workflow=Greet%20Me&version=3&state=failed,queued&state=failed&limit=20&after=",
        ))
        .expect("a good query");
        assert_eq!(list.filter.workflow.as_deref(), Some("Greet Me"));
        assert_eq!(list.filter.version_id, Some(3));
        assert_eq!(
            list.filter.states,
            vec![InstanceState::Failed, InstanceState::Queued]
        );
        assert_eq!((list.limit, list.after), (20, None));
        assert_eq!(ListQuery::parse(None).expect("none").limit, DEFAULT_PAGE);
        let error = |query: &str| ListQuery::parse(Some(query)).expect_err(query);
        assert!(error("state=done").contains("is not a state: use one of queued,"));
        assert!(error("limit=0").contains("from 1 to 500"));
        assert!(error("version=v3").contains("is not a version id"));
        assert!(error("after=42").contains("is not an instance id"));
        assert!(error("sort=asc").contains("unknown query parameter \"sort\""));
    }
}
