//! The parser, the printer, the formatter, the validator, lowering and
//! loading for the executor (what the bridge runs on a registered program)
//! survive any input: a
//! seeded loop over random bytes and golden programs mutated at random ends
//! every case with a value or a located diagnostic, never a panic or a hang,
//! and what parses prints back to text that parses to the same print.
//!
//! `RRL_FUZZ_CASES` sets the number of cases (`make fuzz` runs many more);
//! `RRL_FUZZ_SEED` the seed.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rrl::dag::lower;
use rrl::syntax::{format_source, parse, printer::print_program};

/// A small deterministic generator (xorshift64*), so no dependency is needed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn golden_texts() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../golden");
    let mut files: Vec<PathBuf> = Vec::new();
    let mut pending = vec![root];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rrl") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

const PIECES: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    ",",
    "=",
    "==",
    ".",
    "if ",
    " else ",
    "for ",
    " in ",
    "await ",
    "parallel",
    "sleep ",
    "return ",
    "lambda",
    "not ",
    "x",
    "1",
    "1.5",
    ".5",
    "'s'",
    "f\"{x}\"",
    "f'{",
    "\n",
    "    ",
    "\t",
    "*",
    "**",
    "-",
    "->",
    "#c",
    "\\\n",
    "$",
    "é",
    "\u{fb01}",
    "retry(",
    "max ",
    "limit ",
    "del ",
    "pass",
    "from ",
    "5m",
    "None",
    "!",
    "?",
    "\"",
    "\r",
    "\u{c}",
    "\u{a0}",
    "try:",
    "except",
    "finally:",
    "elif ",
    "((((",
    "))))",
    "\u{0}",
    "\u{200b}",
    "model ",
    "enum ",
    "frozen ",
    "exception ",
    "dataclass ",
    " import ",
];

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(chars.len() + 1);
        match rng.below(10) {
            0..=3 => {
                let end = (at + 1 + rng.below(8)).min(chars.len());
                chars.drain(at..end);
            }
            4..=8 => {
                let piece = PIECES[rng.below(PIECES.len())];
                chars.splice(at..at, piece.chars());
            }
            _ => {
                // A random character, any code point.
                let c = char::from_u32(rng.next() as u32 % 0x11_0000).unwrap_or('\u{fffd}');
                chars.insert(at, c);
            }
        }
    }
    chars.into_iter().collect()
}

fn random_bytes(rng: &mut Rng) -> String {
    let length = rng.below(200);
    let bytes: Vec<u8> = (0..length)
        .map(|_| {
            let b = rng.next() as u8;
            // Mostly the bytes RRL is made of, so the parser gets somewhere.
            const ALPHABET: &[u8] = b"rrl 1\n:()[]{}=,.ifx \"'#*-";
            if b % 4 == 0 {
                b
            } else {
                ALPHABET[b as usize % ALPHABET.len()]
            }
        })
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Whatever the input, every phase ends with a value or a diagnostic, and
/// what parses prints back to a text that parses and prints the same.
fn check(text: &str) {
    let Ok(program) = parse(text, Some("fuzz.rrl")) else {
        let _ = format_source(text, None);
        return;
    };
    let printed = print_program(&program).unwrap_or_default();
    let again = parse(&printed, None)
        .unwrap_or_else(|e| panic!("the print does not parse:\n{printed}\n{e}"));
    assert_eq!(
        print_program(&again).ok().as_deref(),
        Some(printed.as_str()),
        "printing is not stable:\n{text}"
    );
    let _ = format_source(text, None);
    // As the bridge loads a program it registers: validated, then each
    // workflow lowered and made runnable.
    let valid = rrl::validate::validate(&program).is_empty();
    for workflow in program.workflows() {
        if let Ok(dag) = lower(&program, Some(&workflow.name)) {
            let _ = dag.to_json();
            if valid {
                let _ = rrl::exec::Program::new(dag);
            }
        }
    }
}

#[test]
fn random_and_mutated_inputs_never_panic_or_hang() {
    let cases = env_number("RRL_FUZZ_CASES", 3000);
    let mut rng = Rng(env_number("RRL_FUZZ_SEED", 0x5EED_2026).max(1));
    let golden = golden_texts();
    assert!(!golden.is_empty());
    let deadline = Instant::now() + Duration::from_secs(env_number("RRL_FUZZ_SECONDS", 120));
    for case in 0..cases {
        let text = if case % 5 == 0 {
            random_bytes(&mut rng)
        } else {
            mutate(&golden[rng.below(golden.len())], &mut rng)
        };
        let started = Instant::now();
        check(&text);
        // A hang shows as a case that takes far longer than any other.
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "case {case} took too long:\n{text}"
        );
        if Instant::now() > deadline {
            break;
        }
    }
}

/// Nesting as deep as the limits allow parses, prints and lowers; deeper is
/// a located diagnostic (RPL0005), never a stack overflow, on a thread with
/// the 2 MiB stack Rust gives a spawned thread.
#[test]
fn deep_nesting_is_a_diagnostic_not_a_stack_overflow() {
    let run = || {
        let deep = |depth: usize| {
            format!(
                "rrl 1\nworkflow W(a: int) -> int:\n    return {}a{}\n",
                "(".repeat(depth),
                ")".repeat(depth)
            )
        };
        let unary = |depth: usize| {
            format!(
                "rrl 1\nworkflow W(a: int) -> int:\n    return {}a\n",
                "-".repeat(depth)
            )
        };
        let nested_lists = |depth: usize| {
            format!(
                "rrl 1\nconst C = {}1{}\n",
                "[".repeat(depth),
                "]".repeat(depth)
            )
        };
        let sums = |depth: usize| {
            format!(
                "rrl 1\nworkflow W(a: int) -> int:\n    return {}a{}\n",
                "(a + ".repeat(depth),
                ")".repeat(depth)
            )
        };
        for text in [deep(200), unary(200), nested_lists(200), sums(200)] {
            let program =
                parse(&text, None).unwrap_or_else(|e| panic!("200 levels must parse:\n{e}"));
            let printed = print_program(&program).unwrap_or_default();
            assert!(parse(&printed, None).is_ok());
            for workflow in program.workflows() {
                assert!(lower(&program, Some(&workflow.name)).is_ok());
            }
        }
        for text in [
            deep(100_000),
            unary(100_000),
            nested_lists(100_000),
            sums(5_000),
        ] {
            let error = parse(&text, None)
                .err()
                .unwrap_or_else(|| panic!("too deep to accept"));
            assert_eq!(error.diagnostics[0].code, "RPL0005");
        }
    };
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(run)
        .unwrap_or_else(|e| panic!("cannot start the thread: {e}"))
        .join()
        .unwrap_or_else(|_| panic!("the deep inputs failed"));
}
