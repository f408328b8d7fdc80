//! The executor against the golden run cases: every `golden/run/*/transcript.json`
//! (recorded by the reference interpreter) replays on the case's program, as
//! written and optimised, to the transcript's outcome; and it still does with
//! the machine saved to JSON text (in both layouts) and restored after every
//! completion.

use std::path::{Path, PathBuf};

use rrl::exec::command::{encode_command, encode_finish};
use rrl::exec::{Layout, Machine, Program, Snapshot, replay};
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

/// The machine saved as JSON text in `layout` and restored: the same state,
/// waiting on the same commands.
fn restored_from<'p>(
    program: &'p Program,
    machine: &Machine<'p>,
    layout: Layout,
) -> Result<Machine<'p>, String> {
    let state = machine
        .snapshot()
        .map_err(|err| format!("snapshot: {err}"))?;
    let saved = machine
        .snapshot_in(layout)
        .map_err(|err| format!("snapshot: {err}"))?;
    let text = serde_json::to_string(&saved).expect("a snapshot serializes");
    let read: Snapshot = serde_json::from_str(&text)
        .map_err(|err| format!("the snapshot does not read back: {err}"))?;
    let restored =
        Machine::restore(program, &read).map_err(|err| format!("restore ({layout:?}): {err}"))?;
    if restored.snapshot().ok() != Some(state) || restored.snapshot_in(layout).ok() != Some(saved) {
        return Err(format!(
            "the machine restored from {layout:?} saves another state than {text}"
        ));
    }
    let waiting = |m: &Machine| -> Vec<Json> {
        m.outstanding()
            .iter()
            .map(|c| encode_command(c).expect("encodes"))
            .collect()
    };
    if waiting(&restored) != waiting(machine) {
        return Err(format!(
            "the machine restored from {layout:?} waits on other commands"
        ));
    }
    Ok(restored)
}

/// The machine saved as text with `save` and read back with `load`: the
/// same state, saved as the same text, waiting on the same commands.
fn loaded_from<'p>(program: &'p Program, machine: &Machine<'p>) -> Result<(), String> {
    let state = machine
        .snapshot()
        .map_err(|err| format!("snapshot: {err}"))?;
    let text = machine.save().map_err(|err| format!("save: {err}"))?;
    let loaded = Machine::load(program, &text).map_err(|err| format!("load: {err}"))?;
    if loaded.snapshot().ok() != Some(state) || loaded.save().ok() != Some(text.clone()) {
        return Err(format!(
            "the machine loaded from {text} saves another state"
        ));
    }
    let waiting = |m: &Machine| -> Vec<Json> {
        m.outstanding()
            .iter()
            .map(|c| encode_command(c).expect("encodes"))
            .collect()
    };
    if waiting(&loaded) != waiting(machine) {
        return Err(format!(
            "the machine loaded from {text} waits on other commands"
        ));
    }
    Ok(())
}

/// The machine restored from its state in each layout and loaded from its
/// saved text; the Python layout's goes on.
fn saved_and_restored<'p>(
    program: &'p Program,
    machine: Machine<'p>,
    failures: &mut Vec<String>,
) -> Machine<'p> {
    if let Err(problem) = restored_from(program, &machine, Layout::Shared) {
        failures.push(problem);
    }
    if let Err(problem) = loaded_from(program, &machine) {
        failures.push(problem);
    }
    match restored_from(program, &machine, Layout::Python) {
        Ok(restored) => restored,
        Err(problem) => {
            failures.push(problem);
            machine
        }
    }
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

/// A small seeded generator (no crate needed for a test's choices).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// Every place in JSON data, as a path of member names and indices.
fn places(data: &Json, at: Vec<Json>, out: &mut Vec<Vec<Json>>) {
    match data {
        Json::Object(members) => members.iter().for_each(|(name, member)| {
            let mut next = at.clone();
            next.push(Json::String(name.clone()));
            places(member, next, out);
        }),
        Json::Array(items) => items.iter().enumerate().for_each(|(index, item)| {
            let mut next = at.clone();
            next.push(Json::from(index));
            places(item, next, out);
        }),
        _ => {}
    }
    out.push(at);
}

fn place_mut<'d>(data: &'d mut Json, path: &[Json]) -> Option<&'d mut Json> {
    path.iter().try_fold(data, |node, step| match step {
        Json::String(name) => node.get_mut(name.as_str()),
        other => node.get_mut(other.as_u64()? as usize),
    })
}

/// The machine run on: each outstanding command answered in turn (an
/// attempt returns None), until it finishes or 200 completions passed.
fn drive(machine: &mut Machine<'_>) {
    for _ in 0..200 {
        let Some(command) = machine.outstanding().into_iter().next() else {
            return;
        };
        let completion = match command {
            rrl::exec::Command::Dispatch(d) => rrl::exec::Completion::Returned {
                id: d.id,
                attempt: d.attempt,
                value: rrl::value::Value::None,
            },
            rrl::exec::Command::Sleep { id, .. } => rrl::exec::Completion::Slept { id },
            rrl::exec::Command::Backoff { id, attempt, .. } => {
                rrl::exec::Completion::BackedOff { id, attempt }
            }
            rrl::exec::Command::Finish(_) => return,
        };
        if machine.complete(completion).is_err() {
            return;
        }
    }
}

/// A `between` that keeps the machine's state in both layouts.
fn keeping<'p>(states: &mut Vec<Json>) -> impl FnMut(Machine<'p>) -> Machine<'p> + '_ {
    move |machine| {
        for layout in [Layout::Python, Layout::Shared] {
            if let Ok(state) = machine.snapshot_in(layout) {
                states.push(serde_json::to_value(state).expect("serializes"));
            }
        }
        machine
    }
}

#[test]
fn a_damaged_snapshot_is_refused_or_runs_on_never_panicking() {
    let junk = [
        Json::Null,
        Json::from(0),
        Json::from(7),
        Json::from("n1"),
        Json::from("0[0]"),
        serde_json::json!({"dict": []}),
        serde_json::json!({"branch": {"dict": []}}),
        serde_json::json!([]),
        serde_json::json!({"tuple": [[1], 5]}),
        serde_json::json!({"call": {"id": "0", "kwargs": {"dict": []}, "attempt": 1, "backing_off": true}}),
    ];
    let mut rng = Lcg(20260601);
    let (mut refused, mut restored) = (0, 0);
    for case in golden_run_cases() {
        let Ok(program) = program(&case, ".opt.rrl") else {
            continue;
        };
        let program = &program;
        let mut states = Vec::new();
        let _ = replay(program, &case.transcript, Some(&mut keeping(&mut states)));
        for state in states {
            let mut spots = Vec::new();
            places(&state, Vec::new(), &mut spots);
            for _ in 0..8 {
                let mut damaged = state.clone();
                let spot = &spots[rng.below(spots.len())];
                if let Some(slot) = place_mut(&mut damaged, spot) {
                    *slot = junk[rng.below(junk.len())].clone();
                }
                let Ok(snapshot) = serde_json::from_value::<Snapshot>(damaged) else {
                    refused += 1;
                    continue;
                };
                match Machine::restore(program, &snapshot) {
                    Ok(mut machine) => {
                        restored += 1;
                        drive(&mut machine);
                    }
                    Err(_) => refused += 1,
                }
            }
        }
    }
    assert!(
        refused > 100 && restored > 100,
        "{refused} refused, {restored} restored"
    );
}

/// A `between` that keeps the machine's saved text.
fn saving<'p>(texts: &mut Vec<String>) -> impl FnMut(Machine<'p>) -> Machine<'p> + '_ {
    move |machine| {
        if let Ok(text) = machine.save() {
            texts.push(text);
        }
        machine
    }
}

#[test]
fn a_damaged_saved_text_is_refused_or_runs_on_never_panicking() {
    let junk = [
        Json::Null,
        Json::from(0),
        Json::from(7),
        Json::from(-1),
        Json::from("n1"),
        Json::from("0[0]"),
        serde_json::json!({"all": []}),
        serde_json::json!({"changes": [[], []]}),
        serde_json::json!({"changes": [[["zz", 1]], ["i"]]}),
        serde_json::json!([]),
        serde_json::json!({"tuple": [[1], 5]}),
        serde_json::json!({"call": ["0", [], 1, true]}),
        serde_json::json!({"parallel": ["0", null, 1, [null]]}),
    ];
    let mut rng = Lcg(20261130);
    let (mut refused, mut loaded) = (0, 0);
    for case in golden_run_cases() {
        let Ok(program) = program(&case, ".opt.rrl") else {
            continue;
        };
        let program = &program;
        let mut texts = Vec::new();
        let _ = replay(program, &case.transcript, Some(&mut saving(&mut texts)));
        for text in texts {
            let state: Json = serde_json::from_str(&text).expect("saved text is JSON");
            let mut spots = Vec::new();
            places(&state, Vec::new(), &mut spots);
            for _ in 0..8 {
                let mut damaged = state.clone();
                let spot = &spots[rng.below(spots.len())];
                if let Some(slot) = place_mut(&mut damaged, spot) {
                    *slot = junk[rng.below(junk.len())].clone();
                }
                match Machine::load(program, &damaged.to_string()) {
                    Ok(mut machine) => {
                        loaded += 1;
                        drive(&mut machine);
                    }
                    Err(_) => refused += 1,
                }
            }
            // Cut short, the text is refused.
            let cut = &text[..text.len() / 2];
            assert!(Machine::load(program, cut).is_err(), "{cut}");
        }
    }
    assert!(
        refused > 100 && loaded > 100,
        "{refused} refused, {loaded} loaded"
    );
}
