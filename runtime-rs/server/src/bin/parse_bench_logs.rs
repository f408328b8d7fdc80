//! `parse_bench_logs [--json] [FILE...]`: throughput and latency percentiles
//! of `bench` / `bench_instances` logs (stdin without files), as a table or
//! JSON (docs/benchmarks.md, "Runtime throughput").

use std::io::Read;
use std::process::ExitCode;

use rappel_server::bench::args::{self, Flag};
use rappel_server::bench::report::{Reader, table};

const TOOL: &str = "parse_bench_logs";
const ABOUT: &str = "Reads the JSON lines of `bench` and `bench_instances` from the FILEs \
                     (stdin when none, or `-`), and prints each run's throughput and latency \
                     percentiles (p50, p95, p99, max; nearest rank) as a Markdown table, or as \
                     a JSON array with --json. Lines that are not JSON objects are skipped. \
                     Usage: parse_bench_logs [--json] [FILE...]";

fn main() -> ExitCode {
    let flags = [Flag {
        name: "--json",
        default: None,
        help: "print JSON instead of a table",
    }];
    let parsed = match args::parse(TOOL, ABOUT, &flags, std::env::args().skip(1), true) {
        Ok(parsed) => parsed,
        Err(error) => return error.report(),
    };
    let mut reader = Reader::default();
    let files = if parsed.rest.is_empty() {
        vec!["-".to_string()]
    } else {
        parsed.rest.clone()
    };
    for file in &files {
        let text = if file == "-" {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map(|_| text)
                .map_err(|error| format!("cannot read stdin: {error}"))
        } else {
            std::fs::read_to_string(file).map_err(|error| format!("cannot read {file}: {error}"))
        };
        let outcome = text.and_then(|text| {
            let name = if file == "-" { "stdin" } else { file };
            reader.read(name, &text).map_err(|error| error.to_string())
        });
        if let Err(message) = outcome {
            eprintln!("{TOOL}: error: {message}");
            return ExitCode::FAILURE;
        }
    }
    let runs = match reader.finish() {
        Ok(runs) => runs,
        Err(error) => {
            eprintln!("{TOOL}: error: {error}");
            return ExitCode::FAILURE;
        }
    };
    if parsed.switch("--json") {
        match serde_json::to_string_pretty(&runs) {
            Ok(text) => println!("{text}"),
            Err(error) => {
                eprintln!("{TOOL}: error: {error}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        print!("{}", table(&runs));
    }
    ExitCode::SUCCESS
}
