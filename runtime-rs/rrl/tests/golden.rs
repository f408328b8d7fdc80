//! The golden corpus (`golden/`), read from the repository: every `.rrl` and
//! `.opt.rrl` file parses, prints back byte for byte, formats to itself, and
//! (`.opt.rrl`) lowers to its `.dag.json` byte for byte. The `rrl 1`
//! examples of docs/language.md parse and format stably.

use std::path::{Path, PathBuf};

use rrl::dag::lower;
use rrl::syntax::{format_source, parse, printer::print_program};

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every golden program: `golden/compile/*.rrl` and `golden/run/*/*.rrl`
/// (`.opt.rrl` included), sorted.
fn golden_programs() -> Vec<PathBuf> {
    let golden = repository().join("golden");
    let mut files = Vec::new();
    let mut visit = |dir: &Path| {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "rrl") {
                files.push(path);
            }
        }
    };
    visit(&golden.join("compile"));
    if let Ok(cases) = std::fs::read_dir(golden.join("run")) {
        for case in cases.flatten() {
            visit(&case.path());
        }
    }
    files.sort();
    files
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn every_golden_program_parses_and_prints_back_byte_for_byte() {
    let files = golden_programs();
    assert!(
        files.len() > 300,
        "the golden corpus has {} programs",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let text = read(path);
        let shown = path.display().to_string();
        match parse(&text, Some(&shown)) {
            Err(error) => failures.push(format!("{shown}: does not parse:\n{error}")),
            Ok(program) => match print_program(&program) {
                Ok(printed) if printed == text => {}
                Ok(printed) => failures.push(format!("{shown}: prints differently:\n{printed}")),
                Err(error) => failures.push(format!("{shown}: does not print: {error}")),
            },
        }
        match format_source(&text, Some(&shown)) {
            Ok(formatted) if formatted == text => {}
            Ok(formatted) => failures.push(format!("{shown}: formats differently:\n{formatted}")),
            Err(error) => failures.push(format!("{shown}: does not format: {error}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_optimized_golden_program_lowers_to_its_dag_json_byte_for_byte() {
    let files: Vec<PathBuf> = golden_programs()
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".opt.rrl"))
        .collect();
    assert!(
        files.len() > 150,
        "the golden corpus has {} optimized programs",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let shown = path.display().to_string();
        let expected_path = PathBuf::from(shown.replace(".opt.rrl", ".dag.json"));
        let expected = read(&expected_path);
        let program = match parse(&read(path), Some(&shown)) {
            Ok(program) => program,
            Err(error) => {
                failures.push(format!("{shown}: does not parse:\n{error}"));
                continue;
            }
        };
        match lower(&program, None).map(|dag| dag.to_json()) {
            Ok(Ok(json)) if json == expected => {}
            Ok(Ok(json)) => failures.push(format!("{shown}: lowers to other JSON:\n{json}")),
            Ok(Err(error)) => failures.push(format!("{shown}: does not print: {error}")),
            Err(error) => failures.push(format!("{shown}: does not lower: {error}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The ```rrl blocks of docs/language.md that start with `rrl 1`.
fn language_examples() -> Vec<String> {
    let text = read(&repository().join("docs/language.md"));
    let mut examples = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match &mut current {
            None if line.trim() == "```rrl" => current = Some(String::new()),
            Some(block) if line.trim() == "```" => {
                if block.starts_with("rrl 1") {
                    examples.push(block.clone());
                }
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    examples
}

#[test]
fn the_language_examples_parse_and_format_stably() {
    let examples = language_examples();
    assert!(
        examples.len() >= 25,
        "docs/language.md has {} examples",
        examples.len()
    );
    for example in examples {
        let formatted = format_source(&example, Some("example.rrl"))
            .unwrap_or_else(|e| panic!("an example does not format:\n{example}\n{e}"));
        assert_eq!(
            format_source(&formatted, None).ok().as_deref(),
            Some(formatted.as_str())
        );
    }
}
