//! The executor against the golden run cases: every `golden/run/*/transcript.json`
//! (recorded by the reference interpreter) replays on the case's program, as
//! written and optimised, to the transcript's outcome; and it still does with
//! the machine saved to JSON text and restored after every completion.

use std::path::{Path, PathBuf};

use rrl::exec::command::{encode_command, encode_finish};
use rrl::exec::{Machine, Program, Snapshot, replay};
use serde_json::Value as Json;

struct Case {
    name: String,
    dir: PathBuf,
    transcript: Json,
}

fn golden_run_cases() -> Vec<Case> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../golden/run");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", root.display()))
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|dir| dir.join("transcript.json").is_file())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= 60,
        "expected the golden run cases, found {}",
        dirs.len()
    );
    dirs.into_iter()
        .map(|dir| {
            let text = std::fs::read_to_string(dir.join("transcript.json"))
                .unwrap_or_else(|err| panic!("{}: {err}", dir.display()));
            let transcript = serde_json::from_str(&text)
                .unwrap_or_else(|err| panic!("{}: {err}", dir.display()));
            Case {
                name: dir
                    .file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into()),
                dir,
                transcript,
            }
        })
        .collect()
}

/// The case's workflow, lowered from `<Workflow><suffix>` (`.rrl` or `.opt.rrl`).
fn program(case: &Case, suffix: &str) -> Result<Program, String> {
    let workflow = case.transcript["workflow"]
        .as_str()
        .ok_or("the transcript names no workflow")?;
    let path = case.dir.join(format!("{workflow}{suffix}"));
    let text =
        std::fs::read_to_string(&path).map_err(|err| format!("{}: {err}", path.display()))?;
    let parsed = rrl::syntax::parse(&text, None).map_err(|err| err.to_string())?;
    let dag = rrl::dag::lower(&parsed, Some(workflow)).map_err(|err| err.to_string())?;
    Program::new(dag).map_err(|err| err.to_string())
}

fn outcome_of(transcript: &Json) -> &Json {
    let events = transcript["events"].as_array().expect("events");
    let last = events.last().expect("an event");
    let commands = last["commands"].as_array().expect("commands");
    &commands.last().expect("a command")["finish"]
}

#[test]
fn every_golden_transcript_replays_to_its_outcome() {
    let mut failures = Vec::new();
    for case in golden_run_cases() {
        for suffix in [".rrl", ".opt.rrl"] {
            let outcome = program(&case, suffix).and_then(|program| {
                let finish = replay(&program, &case.transcript, None).map_err(|e| e.to_string())?;
                encode_finish(&finish).map_err(|e| e.to_string())
            });
            match outcome {
                Ok(outcome) if &outcome == outcome_of(&case.transcript) => {}
                Ok(outcome) => {
                    failures.push(format!("{} ({suffix}): ended with {outcome}", case.name))
                }
                Err(problem) => failures.push(format!("{} ({suffix}): {problem}", case.name)),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The machine saved as JSON text and restored: the same state, waiting on
/// the same commands.
fn saved_and_restored<'p>(
    program: &'p Program,
    machine: Machine<'p>,
    failures: &mut Vec<String>,
) -> Machine<'p> {
    let state = match machine.snapshot() {
        Ok(state) => state,
        Err(err) => {
            failures.push(format!("snapshot: {err}"));
            return machine;
        }
    };
    let text = serde_json::to_string(&state).expect("a snapshot serializes");
    let read: Snapshot = match serde_json::from_str(&text) {
        Ok(read) => read,
        Err(err) => {
            failures.push(format!("the snapshot does not read back: {err}"));
            return machine;
        }
    };
    let restored = match Machine::restore(program, &read) {
        Ok(restored) => restored,
        Err(err) => {
            failures.push(format!("restore: {err}"));
            return machine;
        }
    };
    match restored.snapshot() {
        Ok(again) if again == state => {}
        Ok(_) => failures.push(format!(
            "the restored machine saves another state than {text}"
        )),
        Err(err) => failures.push(format!("snapshot after restore: {err}")),
    }
    let waiting = |m: &Machine| -> Vec<Json> {
        m.outstanding()
            .iter()
            .map(|c| encode_command(c).expect("encodes"))
            .collect()
    };
    if waiting(&restored) != waiting(&machine) {
        failures.push("the restored machine waits on other commands".into());
    }
    restored
}

#[test]
fn every_golden_transcript_replays_from_any_saved_state() {
    let mut failures = Vec::new();
    for case in golden_run_cases() {
        let program = match program(&case, ".opt.rrl") {
            Ok(program) => program,
            Err(problem) => {
                failures.push(format!("{}: {problem}", case.name));
                continue;
            }
        };
        let mut problems = Vec::new();
        let program = &program;
        let mut between = |machine| saved_and_restored(program, machine, &mut problems);
        match replay(program, &case.transcript, Some(&mut between)) {
            Ok(finish) => {
                let outcome = encode_finish(&finish).map_err(|e| e.to_string());
                if outcome.as_ref() != Ok(outcome_of(&case.transcript)) {
                    failures.push(format!("{}: ended with {outcome:?}", case.name));
                }
            }
            Err(err) => failures.push(format!("{}: {err}", case.name)),
        }
        failures.extend(problems.into_iter().map(|p| format!("{}: {p}", case.name)));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
