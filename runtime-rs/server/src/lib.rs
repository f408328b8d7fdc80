//! Rappel's runtime processes (docs/architecture.md, "The runtime"):
//! configuration, the generated gRPC contract of `proto/`, and the services
//! the binaries run.

pub mod bench;
pub mod bridge;
pub mod config;
pub mod dashboard;
pub mod dispatcher;
pub mod health;
pub mod process;
pub mod program;
pub mod registry;
pub mod start_workers;
pub mod supervisor;
pub mod worker_stream;

/// The largest encoded value that crosses into Postgres: an instance's
/// arguments, an action's result or exception (docs/operations.md, "Bad
/// input"). Larger ones are refused before they reach the store.
pub const MAX_PAYLOAD_BYTES: usize = 4 << 20;

/// The gRPC contract of `proto/rappel/v1/`, generated at build time.
pub mod proto {
    tonic::include_proto!("rappel.v1");
}
