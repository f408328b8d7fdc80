//! `bench_instances`: see `bench_instances --help` and docs/benchmarks.md, "Runtime throughput".

fn main() -> std::process::ExitCode {
    rappel_server::bench::main("bench_instances", std::env::args().skip(1))
}
