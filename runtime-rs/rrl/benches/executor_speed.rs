//! How fast the executor is (`make bench-executor`; issue 6, §5):
//!
//! - one action dispatched and completed: a workflow whose loop awaits an
//!   action per item, run to its end (target: under 2 µs per action), and a
//!   one-action workflow started, completed and finished per instance;
//! - snapshot and restore of an instance in the middle of a 1,000-way
//!   fan-out (half the branches done), through JSON text (target: under
//!   200 µs), with the fan-out over `range(n)` and over a list argument
//!   (every branch's variables then hold the 1,000-item list), in Python's
//!   layout and in the shared one (`rrl::exec::Layout`), and as the
//!   persisted text `Machine::save` writes and `Machine::load` reads.
//!
//! `tests/bench/executor_speed.py` measures the reference interpreter on the
//! same programs.

use std::hint::black_box;
use std::time::{Duration, Instant};

use rrl::eval::Env;
use rrl::exec::{Command, Completion, Layout, Machine, Program, Snapshot};
use rrl::value::Value;

/// The bench program, shared with `tests/bench/executor_speed.py`.
const PROGRAM: &str = include_str!("executor_speed.rrl");

fn program(workflow: &str) -> Program {
    let parsed = rrl::syntax::parse(PROGRAM, None).expect("the bench program parses");
    let dag = rrl::dag::lower(&parsed, Some(workflow)).expect("the bench program lowers");
    Program::new(dag).expect("the bench program runs")
}

fn args(pairs: &[(&str, Value)]) -> Env {
    pairs
        .iter()
        .map(|(name, value)| (name.to_string(), value.clone()))
        .collect()
}

/// The completion that returns the dispatched `x`.
fn returned(command: &Command) -> Option<Completion> {
    match command {
        Command::Dispatch(dispatch) => Some(Completion::Returned {
            id: dispatch.id.clone(),
            attempt: dispatch.attempt,
            value: dispatch.kwargs.get("x").cloned().unwrap_or(Value::None),
        }),
        _ => None,
    }
}

/// Times of one call of `f`: the median and the fastest (a shared machine's
/// load inflates the median; the fastest is the code's own cost).
#[derive(Clone, Copy)]
struct Timing {
    median: Duration,
    fastest: Duration,
}

impl std::ops::Div<u32> for Timing {
    type Output = Timing;
    fn div(self, n: u32) -> Timing {
        Timing {
            median: self.median / n,
            fastest: self.fastest / n,
        }
    }
}

/// Call `f` repeatedly for about `budget` (at least 5 times).
fn measure(budget: Duration, mut f: impl FnMut()) -> Timing {
    f(); // warm up
    let mut samples = Vec::new();
    let started = Instant::now();
    while started.elapsed() < budget || samples.len() < 5 {
        let t = Instant::now();
        f();
        samples.push(t.elapsed());
    }
    samples.sort();
    Timing {
        median: samples[samples.len() / 2],
        fastest: samples[0],
    }
}

fn show(name: &str, timing: Timing, target: Option<Duration>) {
    let verdict = match target {
        Some(target) if timing.median <= target => format!("  (target {target:?}: met)"),
        Some(target) if timing.fastest <= target => {
            format!("  (target {target:?}: met by the fastest)")
        }
        Some(target) => format!("  (target {target:?}: NOT met)"),
        None => String::new(),
    };
    println!(
        "{name:<60} {:>11.3?} (fastest {:>10.3?}){verdict}",
        timing.median, timing.fastest
    );
}

fn bench_actions() {
    let looping = program("Loop");
    let n = 20_000;
    let per_run = measure(Duration::from_secs(2), || {
        let mut machine = Machine::new(&looping);
        let mut commands = machine
            .start(&args(&[("n", Value::int(n))]))
            .expect("starts");
        while let Some(completion) = commands.first().and_then(returned) {
            commands = machine.complete(completion).expect("answers");
        }
        black_box(machine.outcome());
    });
    show(
        "action dispatched and completed (a loop of 20,000, per action)",
        per_run / n as u32,
        Some(Duration::from_micros(2)),
    );

    let one = program("One");
    let per_instance = measure(Duration::from_secs(1), || {
        for i in 0..1000 {
            let mut machine = Machine::new(&one);
            let commands = machine
                .start(&args(&[("n", Value::int(i))]))
                .expect("starts");
            let completion = commands.first().and_then(returned).expect("a dispatch");
            black_box(machine.complete(completion).expect("answers"));
        }
    });
    show(
        "one-action instance: start, dispatch, complete, finish",
        per_instance / 1000,
        Some(Duration::from_micros(2)),
    );
}

/// An instance of `program` halfway through its 1,000 branches.
fn halfway<'p>(program: &'p Program, args: &Env) -> Machine<'p> {
    let mut machine = Machine::new(program);
    let commands = machine.start(args).expect("starts");
    for command in commands.iter().step_by(2) {
        if let Some(completion) = returned(command) {
            machine.complete(completion).expect("answers");
        }
    }
    machine
}

fn bench_snapshots() {
    let n = 1000;
    let range = program("FanOutRange");
    let list = program("FanOutList");
    let items = Value::list((0..n).map(Value::int).collect());
    let cases = [
        (
            "parallel for i in range(1000)",
            &range,
            args(&[("n", Value::int(n))]),
        ),
        (
            "parallel for i in items (1,000 ints)",
            &list,
            args(&[("items", items)]),
        ),
    ];
    for (name, program, args) in cases {
        println!("snapshot+restore halfway through {name}:");
        let machine = halfway(program, &args);
        let saved = machine.save().expect("saves");
        let round_trip = measure(Duration::from_secs(2), || {
            let text = machine.save().expect("saves");
            black_box(Machine::load(program, &text).expect("loads"));
        });
        show(
            &format!(
                "  save() and load(), the persisted text ({} KiB)",
                saved.len() / 1024
            ),
            round_trip,
            Some(Duration::from_micros(200)),
        );
        let save = measure(Duration::from_secs(1), || {
            black_box(machine.save().expect("saves"));
        });
        show("    save() alone", save, None);
        let load = measure(Duration::from_secs(1), || {
            black_box(Machine::load(program, &saved).expect("loads"));
        });
        show("    load() alone", load, None);
        let copy = measure(Duration::from_secs(1), || {
            black_box(machine.clone());
        });
        show(
            "    the machine cloned and dropped (its allocations alone)",
            copy,
            None,
        );
        for layout in [Layout::Python, Layout::Shared] {
            let state = machine.snapshot_in(layout).expect("saves");
            let text = serde_json::to_string(&state).expect("writes");
            let round_trip = measure(Duration::from_secs(2), || {
                let text = serde_json::to_string(&machine.snapshot_in(layout).expect("saves"))
                    .expect("writes");
                let read: Snapshot = serde_json::from_str(&text).expect("reads");
                black_box(Machine::restore(program, &read).expect("restores"));
            });
            show(
                &format!(
                    "  {layout:?} layout, through JSON text ({} KiB)",
                    text.len() / 1024
                ),
                round_trip,
                Some(Duration::from_micros(200)),
            );
            let in_memory = measure(Duration::from_secs(1), || {
                let state = machine.snapshot_in(layout).expect("saves");
                black_box(Machine::restore(program, &state).expect("restores"));
            });
            show(
                "    snapshot_in() and restore() alone, no text",
                in_memory,
                None,
            );
            let parse = measure(Duration::from_secs(1), || {
                black_box(serde_json::from_str::<serde_json::Value>(&text).expect("parses"));
            });
            show(
                "    parsing the text alone (serde_json::Value)",
                parse,
                None,
            );
        }
    }
}

fn main() {
    println!("rrl executor (release build)");
    bench_actions();
    bench_snapshots();
}
