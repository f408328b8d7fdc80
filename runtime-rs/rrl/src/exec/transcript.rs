//! Transcripts (docs/testing.md, "Transcripts"): one run of a workflow as
//! JSON. `replay` runs the machine on a transcript's arguments and
//! completions and requires every batch of commands it issues to be the
//! transcript's, as `rrl.transcript.replay` does; the first difference is
//! reported by its path in the transcript, in the reference's words.

use serde_json::Value as Json;

use super::command::{Finish, decode_completion, encode_command};
use super::machine::{Machine, Program};
use crate::eval::Env;
use crate::value::codec;

pub const VERSION: u64 = 1;

/// A transcript the machine does not reproduce: `path` locates the first
/// difference inside it (`events[3].commands[0].dispatch.kwargs.n`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {problem}")]
pub struct TranscriptError {
    pub path: String,
    pub problem: String,
}

fn fail<T>(path: impl Into<String>, problem: impl Into<String>) -> Result<T, TranscriptError> {
    Err(TranscriptError {
        path: path.into(),
        problem: problem.into(),
    })
}

/// What `replay` hands `between` after each completion: the machine, to
/// swap for another (tests snapshot and restore it there).
pub type Between<'a, 'p> = &'a mut dyn FnMut(Machine<'p>) -> Machine<'p>;

/// Run the machine on the transcript's arguments and completions; its
/// outcome when every batch of commands it issues is the transcript's, else
/// the first difference. `between` may swap the machine after each step.
pub fn replay<'p>(
    program: &'p Program,
    transcript: &Json,
    mut between: Option<Between<'_, 'p>>,
) -> Result<Finish, TranscriptError> {
    check_header(program, transcript)?;
    let events = match transcript.get("events") {
        Some(Json::Array(events)) if !events.is_empty() => events,
        _ => {
            return fail(
                "events",
                "a transcript has at least the commands of the start",
            );
        }
    };
    let classes = program.evaluator().resolver();
    let mut args = Env::new();
    if let Some(Json::Object(arguments)) = transcript.get("arguments") {
        for (name, data) in arguments {
            match codec::decode(data, classes) {
                Ok(value) => {
                    args.insert(name.clone(), value);
                }
                Err(error) => return fail("arguments", error.to_string()),
            }
        }
    }
    let mut machine = Machine::new(program);
    let mut commands = match machine.start(&args) {
        Ok(commands) => commands,
        Err(error) => return fail("events[0]", error.to_string()),
    };
    for (index, event) in events.iter().enumerate() {
        let path = format!("events[{index}]");
        let want = if index % 2 == 0 {
            "commands"
        } else {
            "completion"
        };
        let payload = match event {
            Json::Object(members) if members.len() == 1 => members.get(want),
            _ => None,
        };
        let Some(payload) = payload else {
            return fail(
                path,
                format!("expected {{'{want}': ...}} (events alternate commands and completions)"),
            );
        };
        if want == "commands" {
            let mut issued = Vec::with_capacity(commands.len());
            for (position, command) in commands.iter().enumerate() {
                match encode_command(command) {
                    Ok(data) => issued.push(data),
                    Err(error) => {
                        return fail(
                            format!("{path}.commands[{position}]"),
                            format!("the machine issued a value the codec cannot encode: {error}"),
                        );
                    }
                }
            }
            compare(payload, &Json::Array(issued), &format!("{path}.commands"))?;
            continue;
        }
        if machine.outcome().is_some() {
            return fail(path, "a completion after the workflow finished");
        }
        let completion =
            decode_completion(payload, classes).map_err(|problem| TranscriptError {
                path: format!("{path}.completion"),
                problem,
            })?;
        commands = machine
            .complete(completion)
            .map_err(|error| TranscriptError {
                path: format!("{path}.completion"),
                problem: error.to_string(),
            })?;
        if let Some(between) = between.as_mut() {
            machine = between(machine);
        }
    }
    if events.len() % 2 == 0 {
        return fail(
            format!("events[{}]", events.len()),
            "the commands the last completion issued are missing",
        );
    }
    match machine.outcome() {
        Some(outcome) => Ok(outcome.clone()),
        None => fail(
            format!("events[{}]", events.len()),
            "the transcript ends before the workflow finishes",
        ),
    }
}

fn check_header(program: &Program, transcript: &Json) -> Result<(), TranscriptError> {
    let Json::Object(members) = transcript else {
        return fail("transcript", "a transcript is a JSON object");
    };
    let mut names: Vec<&str> = members.keys().map(String::as_str).collect();
    names.sort();
    let expected = ["arguments", "events", "transcript", "workflow"];
    if names != expected {
        return fail(
            "transcript",
            format!(
                "a transcript has exactly the members {}",
                expected.join(", ")
            ),
        );
    }
    let version = &members["transcript"];
    // Python's `!=`: `1.0` and `true` are the version 1 too.
    let is_version = match version {
        Json::Bool(flag) => *flag && VERSION == 1,
        Json::Number(number) => number.as_f64() == Some(VERSION as f64),
        _ => false,
    };
    if !is_version {
        return fail(
            "transcript",
            format!(
                "version {}; this reader reads version {VERSION}",
                codec::json_repr(version)
            ),
        );
    }
    let workflow = &program.dag().workflow;
    if members["workflow"].as_str() != Some(workflow.as_str()) {
        return fail(
            "workflow",
            format!(
                "the transcript is of {}, the program runs {}",
                codec::json_repr(&members["workflow"]),
                codec::json_repr(&Json::String(workflow.clone()))
            ),
        );
    }
    if !members["arguments"].is_object() {
        return fail("arguments", "the arguments are an object: name → value");
    }
    Ok(())
}

/// The first place where the JSON data differ (a bool is not a number, and
/// `1` is not `1.0`), as `rrl.transcript._compare` finds it.
pub fn compare(expected: &Json, actual: &Json, path: &str) -> Result<(), TranscriptError> {
    match (expected, actual) {
        (Json::Object(left), Json::Object(right)) => {
            let mut keys: Vec<&String> = left.keys().chain(right.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let at = format!("{path}.{key}");
                match (left.get(key), right.get(key)) {
                    (Some(_), None) => {
                        return fail(at, "in the transcript, not issued by the machine");
                    }
                    (None, Some(issued)) => {
                        return fail(
                            at,
                            format!(
                                "issued by the machine ({}), not in the transcript",
                                shown(issued)
                            ),
                        );
                    }
                    (Some(left), Some(right)) => compare(left, right, &at)?,
                    (None, None) => {}
                }
            }
            Ok(())
        }
        (Json::Array(left), Json::Array(right)) => {
            for (index, (l, r)) in left.iter().zip(right).enumerate() {
                compare(l, r, &format!("{path}[{index}]"))?;
            }
            let index = left.len().min(right.len());
            if left.len() > right.len() {
                return fail(
                    format!("{path}[{index}]"),
                    format!(
                        "the transcript has {}; the machine issued no more",
                        shown(&left[index])
                    ),
                );
            }
            if right.len() > left.len() {
                return fail(
                    format!("{path}[{index}]"),
                    format!(
                        "the machine issued {}; the transcript has no more",
                        shown(&right[index])
                    ),
                );
            }
            Ok(())
        }
        _ if same_scalar(expected, actual) => Ok(()),
        _ => fail(
            path,
            format!(
                "the transcript has {}, the machine issued {}",
                shown(expected),
                shown(actual)
            ),
        ),
    }
}

fn same_scalar(left: &Json, right: &Json) -> bool {
    match (left, right) {
        (Json::Null, Json::Null) => true,
        (Json::Bool(a), Json::Bool(b)) => a == b,
        (Json::String(a), Json::String(b)) => a == b,
        (Json::Number(a), Json::Number(b)) => match (a.is_f64(), b.is_f64()) {
            (true, true) => a.as_f64() == b.as_f64(),
            (false, false) => a == b,
            _ => false,
        },
        _ => false,
    }
}

/// Data as `json.dumps(data, ensure_ascii=False, sort_keys=True)` shows it,
/// cut at 200 characters.
pub fn shown(data: &Json) -> String {
    let text = codec::dumps_spaced(data);
    if text.chars().count() <= 200 {
        return text;
    }
    let mut cut: String = text.chars().take(197).collect();
    cut.push_str("...");
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_first_difference_is_named_by_its_path() {
        let error = compare(
            &json!([{"dispatch": {"kwargs": {"x": 104}}}]),
            &json!([{"dispatch": {"kwargs": {"x": 103}}}]),
            "events[2].commands",
        )
        .err();
        assert_eq!(
            error.map(|e| e.to_string()).as_deref(),
            Some(
                "events[2].commands[0].dispatch.kwargs.x: the transcript has 104, the machine issued 103"
            )
        );
        let error = compare(
            &json!({"result": {"float": "203.0"}}),
            &json!({"result": 203}),
            "f",
        )
        .err()
        .map(|e| e.to_string());
        assert_eq!(
            error.as_deref(),
            Some("f.result: the transcript has {\"float\": \"203.0\"}, the machine issued 203")
        );
        assert!(compare(&json!(1), &json!(1.0), "x").is_err());
        assert!(compare(&json!(true), &json!(1), "x").is_err());
        let error = compare(&json!([1]), &json!([1, {"a": [2, 3]}]), "c")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            error.as_deref(),
            Some("c[1]: the machine issued {\"a\": [2, 3]}; the transcript has no more")
        );
    }
}
