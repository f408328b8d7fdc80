//! `bench`: see `bench --help` and docs/benchmarks.md, "Runtime throughput".

fn main() -> std::process::ExitCode {
    rappel_server::bench::main("bench", std::env::args().skip(1))
}
