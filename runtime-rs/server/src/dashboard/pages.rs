//! The dashboard's pages (maud escapes every value spliced into them) and
//! their JSON.

use maud::{DOCTYPE, Markup, PreEscaped, html};
use rappel_store::dashboard::{
    InstanceDetail, InstanceFilter, InstancePage, InstanceSummary, MAX_VERSIONS, Overview,
    StoreHealth, VersionCounts,
};
use rappel_store::{InstanceState, Version};
use serde_json::{Value as Json, json};

use super::ListQuery;
use super::replay::{Outcome, Replay};
use crate::dispatcher::LiveStats;

/// The longest text a page shows of one value; past it, a note says so.
const MAX_SHOWN: usize = 64 * 1024;

const STYLE: &str = "\
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2329;background:#f6f7f9}\
header{background:#1d2329;color:#fff;padding:.6em 1.5em;display:flex;gap:1.5em;align-items:baseline}\
header a{color:#cfe3ff;text-decoration:none}header strong{font-size:1.1em}\
main{padding:1em 1.5em;max-width:1200px}\
table{border-collapse:collapse;background:#fff;margin:.5em 0 1.2em;min-width:40%}\
th,td{border:1px solid #dde1e6;padding:.3em .6em;text-align:left;vertical-align:top}\
th{background:#eef1f4;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}\
pre{background:#fff;border:1px solid #dde1e6;padding:.6em;overflow:auto;max-height:30em;white-space:pre-wrap}\
code,pre{font:12.5px ui-monospace,monospace}\
.s-queued,.s-sleeping{color:#6b5b00}.s-running{color:#0b5cad}.s-completed{color:#18794e}\
.s-failed{color:#b42318}.s-cancelled{color:#667085}.muted{color:#667085}\
form{margin:.5em 0 1em}form label{margin-right:1em}.error{color:#b42318}";

/// The page around `body`.
fn layout(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · rappel" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    strong { "rappel" }
                    a href="/" { "Overview" }
                    a href="/instances" { "Instances" }
                    a href="/health" { "Health" }
                }
                main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

pub fn refusal(status: axum::http::StatusCode, message: &str) -> Markup {
    let title = status.canonical_reason().unwrap_or("Error");
    layout(
        title,
        html! { p.error { (message) } p { a href="/" { "Back to the overview" } } },
    )
}

// ------------------------------------------------------------- overview

pub fn overview(overview: &Overview, live: Option<&LiveStats>) -> Markup {
    let body = html! {
        h2 { "Instances by workflow version" }
        @if overview.versions.is_empty() {
            p.muted { "No instances yet." }
        } @else {
            table {
                tr {
                    th { "Workflow" } th { "Version" } th { "Registered" }
                    @for state in InstanceState::ALL { th { (state.as_str()) } }
                }
                @for version in &overview.versions { (version_row(version, overview.cap)) }
            }
            @if overview.versions_registered > MAX_VERSIONS {
                p.muted {
                    "The newest " (MAX_VERSIONS) " of "
                    (overview.versions_registered) " versions are shown."
                }
            }
            p.muted { "Counts stop at " (overview.cap) ": a count shown as ≥ means at least." }
        }
        h2 { "Queue" }
        table {
            tr { th { "Instances runnable now" } td.n { (count(overview.runnable_now, overview.cap)) } }
            tr {
                th { "Oldest waiting since" }
                td {
                    @match overview.oldest_runnable_ms {
                        Some(ms) => { (utc(ms)) " (" (seconds(overview.now_ms - ms)) " ago)" }
                        None => span.muted { "none waiting" },
                    }
                }
            }
        }
        (live_section(live))
    };
    layout("Overview", body)
}

fn version_row(version: &VersionCounts, cap: i64) -> Markup {
    let link = |state: Option<InstanceState>| {
        list_link(&version.workflow, Some(version.version_id), state)
    };
    html! {
        tr {
            td { a href=(link(None)) { (version.workflow) } }
            td {
                a href=(format!("/versions/{}", version.version_id)) { (version.version_id) }
                " " span.muted { code { (short_hash(&version.ir_hash)) } }
            }
            td { (utc(version.created_at_ms)) }
            @for state in InstanceState::ALL {
                td.n {
                    @match version.counts.iter().find(|c| c.state == state) {
                        Some(c) => a class=(format!("s-{}", state.as_str())) href=(link(Some(state))) {
                            (count(c.count, cap))
                        },
                        None => span.muted { "0" },
                    }
                }
            }
        }
    }
}

fn live_section(live: Option<&LiveStats>) -> Markup {
    html! {
        h2 { "This process" }
        @match live {
            None => p.muted { "No dispatcher runs in this process." },
            Some(live) => {
                table {
                    tr { th { "Instances held" } td.n { (live.held_instances) } }
                    tr { th { "Attempts queued (waiting for a slot)" } td.n { (live.attempts_queued) } }
                    tr { th { "Attempts running" } td.n { (live.attempts_running) } }
                    tr { th { "Answers since start: returned" } td.n { (live.attempts_returned) } }
                    tr { th { "raised" } td.n.s-failed { (live.attempts_raised) } }
                    tr { th { "timed out" } td.n.s-failed { (live.attempts_timed_out) } }
                }
                h3 { "Workers connected: " (live.workers.len()) }
                @if !live.workers.is_empty() {
                    table {
                        tr { th { "Worker" } th { "Slots" } th { "Running" } th { "Dispatched" } th { "State" } }
                        @for worker in &live.workers {
                            tr {
                                td { (worker.id) }
                                td.n { (worker.slots) }
                                td.n { (worker.running) }
                                td.n { (worker.dispatched) }
                                td { @if worker.draining { "draining" } @else { "serving" } }
                            }
                        }
                    }
                }
                p.muted { "Other start-workers processes on the same database have their own dashboards." }
            }
        }
    }
}

pub fn overview_json(overview: &Overview, live: Option<&LiveStats>) -> Json {
    json!({
        "cap": overview.cap,
        "versions_registered": overview.versions_registered,
        "versions": overview.versions.iter().map(|v| json!({
            "version_id": v.version_id,
            "workflow": v.workflow,
            "ir_hash": v.ir_hash,
            "created_at_ms": v.created_at_ms,
            "counts": v.counts.iter().map(|c| (c.state.as_str().to_string(), json!(c.count)))
                .collect::<serde_json::Map<String, Json>>(),
        })).collect::<Vec<_>>(),
        "runnable_now": overview.runnable_now,
        "oldest_runnable_ms": overview.oldest_runnable_ms,
        "now_ms": overview.now_ms,
        "process": live.map(live_json),
    })
}

fn live_json(live: &LiveStats) -> Json {
    serde_json::to_value(live).unwrap_or(Json::Null)
}

// ------------------------------------------------------------ instances

pub fn instances(list: &ListQuery, page: &InstancePage) -> Markup {
    let filter = &list.filter;
    let body = html! {
        form method="get" action="/instances" {
            label { "Workflow " input type="text" name="workflow" value=[filter.workflow.as_deref()]; }
            label {
                "Version "
                input type="text" name="version" size="6" value=[filter.version_id];
            }
            label {
                "State "
                select name="state" {
                    option value="" { "any" }
                    @for state in InstanceState::ALL {
                        option value=(state.as_str()) selected[filter.states == [state]] { (state.as_str()) }
                    }
                }
            }
            button type="submit" { "Filter" }
        }
        @if filter.states.len() > 1 {
            p.muted {
                "States: "
                (filter.states.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "))
            }
        }
        @if page.instances.is_empty() {
            p.muted {
                @if list.after.is_some() { "No more instances." } @else { "No instances match." }
            }
        } @else {
            table {
                tr {
                    th { "Instance" } th { "Workflow" } th { "Version" } th { "State" }
                    th { "Created" } th { "Updated" } th { "Arguments" }
                }
                @for instance in &page.instances { (instance_row(instance)) }
            }
        }
        p {
            @if list.after.is_some() {
                a href=(page_link(list, None)) { "« Newest" } " "
            }
            @if let Some(next) = &page.next {
                a href=(page_link(list, Some(next.as_str()))) { "Older »" }
            }
        }
    };
    layout("Instances", body)
}

fn instance_row(instance: &InstanceSummary) -> Markup {
    html! {
        tr {
            td { a href=(format!("/instances/{}", instance.id)) { code { (instance.id) } } }
            td { (instance.workflow) }
            td.n { a href=(format!("/versions/{}", instance.version_id)) { (instance.version_id) } }
            td { (state_badge(instance.state)) }
            td { (utc(instance.created_at_ms)) }
            td { (utc(instance.updated_at_ms)) }
            td { code { (instance.arguments_preview) } }
        }
    }
}

pub fn instances_json(page: &InstancePage) -> Json {
    json!({
        "instances": page.instances.iter().map(|i| json!({
            "instance_id": i.id.as_str(),
            "workflow": i.workflow,
            "version_id": i.version_id,
            "state": i.state.as_str(),
            "created_at_ms": i.created_at_ms,
            "updated_at_ms": i.updated_at_ms,
        })).collect::<Vec<_>>(),
        "next_after": page.next.as_ref().map(|id| id.as_str()),
    })
}

// ------------------------------------------------------------- instance

pub fn instance(
    detail: &InstanceDetail,
    version: Option<&Version>,
    replay: &Result<Replay, String>,
) -> Markup {
    let replayed = replay.as_ref().ok();
    let body = html! {
        table {
            tr { th { "Instance" } td { code { (detail.id) } } }
            tr {
                th { "Workflow" }
                td {
                    a href=(list_link(&detail.workflow, None, None)) { (detail.workflow) }
                    " version " a href=(format!("/versions/{}", detail.version_id)) { (detail.version_id) }
                }
            }
            tr { th { "State" } td { (state_badge(detail.state)) } }
            tr { th { "Created" } td { (utc(detail.created_at_ms)) } }
            tr {
                th { "Updated" }
                td {
                    (utc(detail.updated_at_ms))
                    @if detail.state.is_finished() {
                        span.muted { " (ran " (seconds(detail.updated_at_ms - detail.created_at_ms)) ")" }
                    }
                }
            }
            @if let Some(owner) = &detail.lease_owner {
                tr {
                    th { "Leased by" }
                    td {
                        code { (owner) }
                        @if let Some(ms) = detail.lease_expires_at_ms { " until " (utc(ms)) }
                    }
                }
            }
            @if let Some(ms) = detail.wake_at_ms { tr { th { "Wakes at" } td { (utc(ms)) } } }
            @if let Some(seq) = detail.snapshot_seq { tr { th { "Snapshot covers log up to" } td { (seq) } } }
        }
        h2 { "Input" }
        (value_block(replayed.and_then(|r| r.arguments.as_deref()), &detail.arguments))
        @match (detail.state, &detail.outcome) {
            (InstanceState::Completed, Some(outcome)) => {
                h2 { "Result" }
                (value_block(replayed.and_then(|r| r.outcome.as_deref()), outcome))
            },
            (_, Some(outcome)) => {
                h2.s-failed { "Error" }
                (value_block(replayed.and_then(|r| r.outcome.as_deref()), outcome))
            },
            (InstanceState::Cancelled, None) => { p.muted { "Cancelled: no outcome." } },
            _ => {},
        }
        h2 { "Actions" }
        @match replay {
            Err(error) => {
                p.error { "The log cannot be replayed: " (error) }
                (raw_log(detail))
            },
            Ok(replay) => { (actions(detail, replay)) },
        }
        @if !detail.timers.is_empty() {
            h2 { "Durable timers" }
            table {
                tr { th { "Operation" } th { "Kind" } th { "Due" } }
                @for timer in &detail.timers {
                    tr {
                        td { code { (timer.operation_id) } }
                        td { @if timer.attempt == 0 { "sleep" } @else { "backoff before attempt " (timer.attempt) } }
                        td { (utc(timer.due_at_ms)) }
                    }
                }
            }
        }
        @if let Some(version) = version {
            h2 { "Program" }
            details {
                summary { "RRL of " (version.name) " version " (version.id) " (" (short_hash(&version.ir_hash)) ")" }
                pre { (clipped(&version.rrl_text)) }
            }
        }
    };
    layout(&format!("Instance of {}", detail.workflow), body)
}

fn actions(detail: &InstanceDetail, replay: &Replay) -> Markup {
    html! {
        @if replay.steps.is_empty() && replay.pending.is_empty() {
            p.muted { "No action has answered yet." }
        } @else {
            table {
                tr {
                    th { "#" } th { "Operation" } th { "Action" } th { "Attempt" } th { "Outcome" }
                    th { "Logged" } th title="from when the machine issued it (queue wait included) to when its answer was logged" { "Took" }
                }
                @for step in &replay.steps {
                    tr {
                        td.n { (step.seq) }
                        td { code { (step.operation_id) } }
                        td {
                            @match (&step.action, &step.outcome) {
                                (Some(action), _) => code { (action) },
                                (None, Outcome::Slept) => "durable sleep",
                                (None, Outcome::BackedOff) => "backoff",
                                (None, _) => span.muted { "?" },
                            }
                        }
                        td.n { @if step.attempt > 0 { (step.attempt) } }
                        td { (outcome_cell(&step.outcome)) }
                        td { (utc(step.logged_at_ms)) }
                        td.n {
                            @if let Some(at) = step.issued_at_ms { (seconds(step.logged_at_ms - at)) }
                        }
                    }
                }
                @for pending in &replay.pending {
                    tr {
                        td.n {}
                        td { code { (pending.operation_id) } }
                        td { code { (pending.action) } }
                        td.n { (pending.attempt) }
                        td.s-running { "waiting (queued or running; timeout " (pending.timeout_seconds) " s)" }
                        td {}
                        td.n { @if let Some(at) = pending.issued_at_ms { "issued " (utc(at)) } }
                    }
                }
            }
        }
        @if let Some(stopped) = &replay.stopped { p.error { (stopped) } }
        @if detail.log_truncated {
            p.muted { "The log has more than " (detail.log.len()) " entries: the first are shown." }
        }
    }
}

fn outcome_cell(outcome: &Outcome) -> Markup {
    html! {
        @match outcome {
            Outcome::Returned(value) => { "returned " code { (clip(value, 200)) } }
            Outcome::Raised { chain, message } => span.s-failed {
                "raised " code { (chain.first().map_or("?", |c| c.as_str())) } ": " (message)
            },
            Outcome::TimedOut => span.s-failed { "timed out" },
            Outcome::Slept => "slept",
            Outcome::BackedOff => "backed off",
            Outcome::Unreadable(why) => span.error { "unreadable: " (why) },
        }
    }
}

fn raw_log(detail: &InstanceDetail) -> Markup {
    html! {
        table {
            tr { th { "#" } th { "Operation" } th { "Attempt" } th { "Completion" } th { "Logged" } }
            @for entry in &detail.log {
                tr {
                    td.n { (entry.seq) }
                    td { code { (entry.operation_id) } }
                    td.n { (entry.attempt) }
                    td { code { (clip(&entry.completion, 400)) } }
                    td { (utc(entry.created_at_ms)) }
                }
            }
        }
    }
}

pub fn instance_json(detail: &InstanceDetail, replay: &Result<Replay, String>) -> Json {
    let parsed =
        |text: &str| serde_json::from_str(text).unwrap_or_else(|_| Json::String(text.to_string()));
    let mut body = json!({
        "instance_id": detail.id.as_str(),
        "workflow": detail.workflow,
        "version_id": detail.version_id,
        "state": detail.state.as_str(),
        "arguments": parsed(&detail.arguments),
        "created_at_ms": detail.created_at_ms,
        "updated_at_ms": detail.updated_at_ms,
        "lease_owner": detail.lease_owner,
        "lease_expires_at_ms": detail.lease_expires_at_ms,
        "wake_at_ms": detail.wake_at_ms,
        "log_truncated": detail.log_truncated,
        "timers": detail.timers.iter().map(|t| json!({
            "operation_id": t.operation_id, "attempt": t.attempt, "due_at_ms": t.due_at_ms,
        })).collect::<Vec<_>>(),
    });
    if let Some(outcome) = &detail.outcome {
        let key = if detail.state == InstanceState::Failed {
            "exception"
        } else {
            "value"
        };
        body[key] = parsed(outcome);
    }
    match replay {
        Ok(replay) => {
            body["steps"] = replay
                .steps
                .iter()
                .map(|step| {
                    json!({
                        "seq": step.seq,
                        "operation_id": step.operation_id,
                        "attempt": step.attempt,
                        "action": step.action,
                        "outcome": outcome_json(&step.outcome),
                        "issued_at_ms": step.issued_at_ms,
                        "logged_at_ms": step.logged_at_ms,
                    })
                })
                .collect();
            body["pending"] = replay
                .pending
                .iter()
                .map(|p| {
                    json!({
                        "operation_id": p.operation_id, "attempt": p.attempt, "action": p.action,
                        "issued_at_ms": p.issued_at_ms, "timeout_seconds": p.timeout_seconds,
                    })
                })
                .collect();
            body["replay_stopped"] = json!(replay.stopped);
        }
        Err(error) => body["replay_error"] = json!(error),
    }
    body
}

fn outcome_json(outcome: &Outcome) -> Json {
    match outcome {
        Outcome::Returned(repr) => json!({ "returned": repr }),
        Outcome::Raised { chain, message } => {
            json!({ "raised": { "chain": chain, "message": message } })
        }
        Outcome::TimedOut => json!("timed_out"),
        Outcome::Slept => json!("slept"),
        Outcome::BackedOff => json!("backed_off"),
        Outcome::Unreadable(why) => json!({ "unreadable": why }),
    }
}

// -------------------------------------------------------------- version

pub fn version(version: &Version) -> Markup {
    let body = html! {
        p {
            "Version " (version.id) ", SHA-256 " code { (version.ir_hash) } ". "
            a href=(list_link(&version.name, Some(version.id), None)) { "Its instances" }
        }
        pre { (clipped(&version.rrl_text)) }
    };
    layout(&format!("Workflow {}", version.name), body)
}

// --------------------------------------------------------------- health

pub fn health(health: &StoreHealth, live: Option<&LiveStats>) -> Markup {
    let body = html! {
        h2 { "Store" }
        table {
            tr {
                th { "Postgres" }
                td {
                    @match &health.error {
                        None => span.s-completed { "answers" },
                        Some(error) => span.error { "does not answer: " (error) },
                    }
                }
            }
            tr { th { "Round trip of the check" } td { (format!("{:.1} ms", health.latency.as_secs_f64() * 1e3)) } }
            @if let Some(version) = &health.server_version { tr { th { "Server version" } td { (version) } } }
            @if let Some(migration) = health.migration { tr { th { "Last migration applied" } td { (migration) } } }
            @if let Some(bytes) = health.database_bytes {
                tr { th { "Database size" } td { (format!("{:.1} MiB", bytes as f64 / 1_048_576.0)) } }
            }
            @if let Some(estimate) = health.instances_estimate {
                tr { th { "Instances (planner's estimate)" } td.n { (estimate) } }
            }
            tr { th { "Dashboard connections (open / idle)" } td { (health.pool_size) " / " (health.pool_idle) } }
        }
        (live_section(live))
    };
    layout("Health", body)
}

pub fn health_json(health: &StoreHealth) -> Json {
    json!({
        "store": if health.error.is_none() { "ok" } else { "unavailable" },
        "error": health.error,
        "latency_ms": health.latency.as_secs_f64() * 1e3,
        "server_version": health.server_version,
        "migration": health.migration,
        "database_bytes": health.database_bytes,
        "instances_estimate": health.instances_estimate,
    })
}

// -------------------------------------------------------------- helpers

fn state_badge(state: InstanceState) -> Markup {
    html! { span class=(format!("s-{}", state.as_str())) { (state.as_str()) } }
}

/// A count that reached the cap reads "≥ cap".
fn count(count: i64, cap: i64) -> String {
    if count >= cap {
        format!("≥{cap}")
    } else {
        count.to_string()
    }
}

fn short_hash(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// A value: its Python repr when the program decodes it, and the codec
/// JSON the store holds.
fn value_block(repr: Option<&str>, codec_json: &str) -> Markup {
    html! {
        @if let Some(repr) = repr { pre { (clipped(repr)) } }
        details {
            summary { "Codec JSON" }
            pre { (clipped(codec_json)) }
        }
    }
}

fn clipped(text: &str) -> String {
    if text.len() <= MAX_SHOWN {
        return text.to_string();
    }
    format!(
        "{}\n… ({} bytes in all; /api/ has the whole value)",
        clip(text, MAX_SHOWN),
        text.len()
    )
}

/// At most `max` bytes of `text`, cut at a character boundary.
fn clip(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn list_link(workflow: &str, version: Option<i64>, state: Option<InstanceState>) -> String {
    let list = ListQuery {
        filter: InstanceFilter {
            workflow: Some(workflow.to_string()),
            version_id: version,
            states: state.into_iter().collect(),
        },
        after: None,
        limit: super::DEFAULT_PAGE,
    };
    page_link(&list, None)
}

fn page_link(list: &ListQuery, after: Option<&str>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Some(workflow) = &list.filter.workflow {
        query.append_pair("workflow", workflow);
    }
    if let Some(version) = list.filter.version_id {
        query.append_pair("version", &version.to_string());
    }
    for state in &list.filter.states {
        query.append_pair("state", state.as_str());
    }
    if list.limit != super::DEFAULT_PAGE {
        query.append_pair("limit", &list.limit.to_string());
    }
    if let Some(after) = after {
        query.append_pair("after", after);
    }
    format!("/instances?{}", query.finish())
}

/// A duration in milliseconds, as people read it.
fn seconds(ms: i64) -> String {
    let ms = ms.max(0);
    match ms {
        0..1_000 => format!("{ms} ms"),
        1_000..60_000 => format!("{:.1} s", ms as f64 / 1e3),
        60_000..3_600_000 => format!("{}m {}s", ms / 60_000, ms % 60_000 / 1_000),
        _ => format!("{}h {}m", ms / 3_600_000, ms % 3_600_000 / 60_000),
    }
}

/// Milliseconds since the Unix epoch as UTC text, `2026-11-30 15:48:16.123Z`.
pub fn utc(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}.{:03}Z",
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1_000 % 60,
        in_day % 1_000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_utc() {
        assert_eq!(utc(0), "1970-01-01 00:00:00.000Z");
        assert_eq!(utc(951_782_400_000), "2000-02-29 00:00:00.000Z");
        assert_eq!(utc(1_796_053_696_123), "2026-11-30 15:48:16.123Z");
        assert_eq!(utc(-1), "1969-12-31 23:59:59.999Z");
        assert_eq!(seconds(950), "950 ms");
        assert_eq!(seconds(61_500), "1m 1s");
    }

    #[test]
    fn values_are_escaped_and_clipped() {
        let markup = value_block(Some("'<script>alert(1)</script>'"), "\"<b>&\"");
        let text = markup.into_string();
        assert!(
            text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{text}"
        );
        assert!(text.contains("&quot;&lt;b&gt;&amp;&quot;"), "{text}");
        assert!(!text.contains("<script>"), "{text}");
        assert_eq!(clip("é", 1), "");
        assert_eq!(count(10_000, 10_000), "≥10000");
    }
}
