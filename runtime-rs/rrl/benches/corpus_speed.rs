//! How long the Rust core takes to parse the whole golden corpus and to lower
//! every optimized program to its canonical DAG JSON (issue target: under
//! 50 ms in all). `make bench` runs it beside `tests/bench/corpus_speed.py`,
//! which times the Python implementation on the same files.
//!
//! Files are read before timing: the figure is the core's work, not the disk's.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rrl::dag::lower;
use rrl::syntax::parse;

const ROUNDS: usize = 21;

fn golden_programs() -> Vec<(PathBuf, String)> {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../golden");
    let mut dirs = vec![golden.join("compile")];
    if let Ok(cases) = std::fs::read_dir(golden.join("run")) {
        dirs.extend(cases.flatten().map(|case| case.path()));
    }
    let mut files: Vec<PathBuf> = dirs
        .iter()
        .filter_map(|dir| std::fs::read_dir(dir).ok())
        .flat_map(|entries| entries.flatten().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "rrl"))
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|path| std::fs::read_to_string(&path).ok().map(|text| (path, text)))
        .collect()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time(rounds: usize, mut work: impl FnMut()) -> Duration {
    work(); // warm up
    median(
        (0..rounds)
            .map(|_| {
                let start = Instant::now();
                work();
                start.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let programs = golden_programs();
    let optimized: Vec<&(PathBuf, String)> = programs
        .iter()
        .filter(|(path, _)| path.to_string_lossy().ends_with(".opt.rrl"))
        .collect();
    let bytes: usize = programs.iter().map(|(_, text)| text.len()).sum();

    let parse_all = time(ROUNDS, || {
        for (path, text) in &programs {
            let shown = path.display().to_string();
            std::hint::black_box(parse(text, Some(&shown)).expect("golden programs parse"));
        }
    });
    let lower_all = time(ROUNDS, || {
        for (path, text) in &optimized {
            let shown = path.display().to_string();
            let program = parse(text, Some(&shown)).expect("golden programs parse");
            let dag = lower(&program, None).expect("golden programs lower");
            std::hint::black_box(dag.to_json().expect("golden DAGs print"));
        }
    });

    println!("Rust core, golden corpus (median of {ROUNDS} rounds, one core):");
    println!(
        "  parse {} .rrl files ({} KiB): {:.1} ms",
        programs.len(),
        bytes / 1024,
        parse_all.as_secs_f64() * 1e3
    );
    println!(
        "  parse + lower + DAG JSON of {} .opt.rrl files: {:.1} ms (target: under 50 ms)",
        optimized.len(),
        lower_all.as_secs_f64() * 1e3
    );
}
