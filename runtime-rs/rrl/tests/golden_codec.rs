//! Codec conformance: every outcome the golden run cases pin
//! (`golden/run/*/expected.json`, `{"result": value}` or `{"error": exception}`
//! in the value codec) decodes, and encodes back to the identical canonical text.

use std::path::{Path, PathBuf};

use rrl::value::class::Undeclared;
use rrl::value::codec::{canonical, decode, dumps};
use serde_json::Value as Json;

fn golden_run_cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../golden/run");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", root.display()))
        .filter_map(|entry| entry.ok().map(|entry| entry.path().join("expected.json")))
        .filter(|path| path.is_file())
        .collect();
    cases.sort();
    cases
}

#[test]
fn every_golden_outcome_round_trips_to_its_canonical_text() {
    let cases = golden_run_cases();
    assert!(
        cases.len() >= 60,
        "expected the golden run cases, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for path in &cases {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let outcome: Json =
            serde_json::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let Json::Object(members) = &outcome else {
            panic!("{}: not an object", path.display())
        };
        let (kind, data) = members
            .iter()
            .next()
            .unwrap_or_else(|| panic!("{}: empty", path.display()));
        assert!(
            kind == "result" || kind == "error",
            "{}: {kind}",
            path.display()
        );
        let expected = canonical(data);
        match decode(data, &Undeclared).and_then(|value| dumps(&value)) {
            Ok(text) if text == expected => {}
            Ok(text) => failures.push(format!(
                "{}:\n  expected {expected}\n  got      {text}",
                path.display()
            )),
            Err(err) => failures.push(format!("{}: {err}", path.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
