//! `rrl-value`: the value operations of the Rust core, one JSON request per
//! line on stdin, one JSON answer per line on stdout (see
//! `rrl::eval::request`); with `--repr`, `--str` or `--format SPEC`, each
//! line is one codec value. It is `rrl value` until the `rrl` command line
//! hooks it in.

use std::io::{BufRead, Write};

use rrl::eval::request;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.is_empty() && request::shorthand(&args, "null").is_none() {
        eprintln!("usage: rrl-value [--repr | --str | --format SPEC] < requests.jsonl");
        return std::process::ExitCode::from(2);
    }
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else {
            return std::process::ExitCode::FAILURE;
        };
        if line.trim().is_empty() {
            continue;
        }
        let line = request::shorthand(&args, &line).unwrap_or(line);
        // A closed pipe ends the run quietly.
        if writeln!(stdout, "{}", request::answer(&line))
            .and_then(|()| stdout.flush())
            .is_err()
        {
            return std::process::ExitCode::SUCCESS;
        }
    }
    std::process::ExitCode::SUCCESS
}
