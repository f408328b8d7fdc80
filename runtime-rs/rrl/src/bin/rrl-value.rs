//! `rrl-value`: the value operations of the Rust core, one JSON request per
//! line on stdin, one JSON answer per line on stdout (see
//! `rrl::eval::request`). It is `rrl value` until the `rrl` command line
//! hooks it in.

use std::io::{BufRead, Write};

fn main() -> std::process::ExitCode {
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else {
            return std::process::ExitCode::FAILURE;
        };
        if line.trim().is_empty() {
            continue;
        }
        // A closed pipe ends the run quietly.
        if writeln!(stdout, "{}", rrl::eval::request::answer(&line))
            .and_then(|()| stdout.flush())
            .is_err()
        {
            return std::process::ExitCode::SUCCESS;
        }
    }
    std::process::ExitCode::SUCCESS
}
