//! How fast the evaluator runs simple pure steps, on one core: each step is
//! an expression evaluated and bound to its target, as a DAG's compute node
//! runs it (`Step::Assign`). Issue 6's target: a million steps per second.
//! `tests/bench/eval_speed.py` measures the Python reference on the same
//! steps; `make bench-core` runs both.
//!
//! `cargo bench --bench eval_speed [-- STEPS]` (STEPS per kind, default 1,000,000).

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Instant;

use rrl::eval::{Env, Evaluator};
use rrl::syntax::ast::Expr;
use rrl::syntax::parse_expr;
use rrl::value::Value;

/// A step as the program writes it, its target and its value.
const STEPS: &[(&str, Option<&str>, &str)] = &[
    ("total = total + x * 2", Some("total"), "total + x * 2"),
    ("name = f\"{a}-{b}\"", Some("name"), "f\"{a}-{b}\""),
    ("items.append(i)", None, "items.append(i)"),
    ("d[k] = v", Some("d[k]"), "v"),
    (
        "ok = n > 3 and name != \"\"",
        Some("ok"),
        "n > 3 and name != \"\"",
    ),
];

fn parsed(text: &str) -> Expr {
    match parse_expr(text, None) {
        Ok(expr) => expr,
        Err(err) => panic!("{text} does not parse: {err}"),
    }
}

fn variables() -> Env {
    let mut env = Env::new();
    env.insert("total".into(), Value::int(0));
    env.insert("x".into(), Value::int(7));
    env.insert("a".into(), Value::str("order"));
    env.insert("b".into(), Value::int(42));
    env.insert("items".into(), Value::list(Vec::new()));
    env.insert("i".into(), Value::int(0));
    env.insert("d".into(), Value::Dict(Default::default()));
    env.insert("k".into(), Value::str("k0"));
    env.insert("v".into(), Value::int(1));
    env.insert("n".into(), Value::int(5));
    env.insert("name".into(), Value::str("x"));
    env
}

fn main() {
    let count: u32 = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(1_000_000);
    let evaluator = match Evaluator::new(&BTreeMap::new()) {
        Ok(evaluator) => evaluator,
        Err(err) => panic!("{err}"),
    };
    // A thousand distinct keys, so that `d[k] = v` both adds and replaces.
    let keys: Vec<Value> = (0..1000).map(|n| Value::str(&format!("k{n}"))).collect();
    let ints: Vec<Value> = (0..1000).map(Value::int).collect();
    println!("Rust evaluator, {count} steps of each kind, one core:");
    let mut all_steps = 0u64;
    let mut all_seconds = 0f64;
    for (shown, target, value) in STEPS {
        let target = target.map(parsed);
        let value = parsed(value);
        let mut env = variables();
        let started = Instant::now();
        for n in 0..count {
            // The loop's own variables change as a `for` would bind them.
            if let Some(slot) = env.get_mut("i") {
                *slot = ints[(n % 1000) as usize].clone();
            }
            if let Some(slot) = env.get_mut("k") {
                *slot = keys[(n % 1000) as usize].clone();
            }
            let result = evaluator.eval(&value, &mut env);
            let outcome = match (result, &target) {
                (Ok(result), Some(target)) => evaluator.bind(target, result, &mut env),
                (Ok(_), None) => Ok(()),
                (Err(exc), _) => Err(exc),
            };
            if let Err(exc) = black_box(outcome) {
                panic!("{shown}: {}", exc.message());
            }
        }
        let seconds = started.elapsed().as_secs_f64();
        all_steps += u64::from(count);
        all_seconds += seconds;
        println!(
            "  {shown:<32} {:>12.0} steps/s  ({:.0} ns/step)",
            f64::from(count) / seconds,
            seconds * 1e9 / f64::from(count)
        );
    }
    println!(
        "  {:<32} {:>12.0} steps/s  (target: 1,000,000)",
        "all kinds",
        all_steps as f64 / all_seconds
    );
    comprehensions(&evaluator, count);
}

/// A comprehension over 100 items, per item: each iteration has a scope of
/// its own (a copy of the variables, as the reference's).
fn comprehensions(evaluator: &Evaluator, count: u32) {
    let value = parsed("[e * 2 for e in xs if e % 3 != 0]");
    let mut env = variables();
    env.insert("xs".into(), Value::list((0..100).map(Value::int).collect()));
    let rounds = (count / 100).max(1);
    let started = Instant::now();
    for _ in 0..rounds {
        if let Err(exc) = black_box(evaluator.eval(&value, &mut env)) {
            panic!("{}", exc.message());
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let items = f64::from(rounds) * 100.0;
    println!(
        "  {:<32} {:>12.0} items/s  ({:.0} ns/item, {} variables in scope)",
        "[e * 2 for e in xs if ...]",
        items / seconds,
        seconds * 1e9 / items,
        env.len()
    );
}
