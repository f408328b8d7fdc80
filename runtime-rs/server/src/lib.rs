//! Rappel's runtime processes (docs/architecture.md, "The runtime"):
//! configuration, the generated gRPC contract of `proto/`, and the services
//! the binaries run.

pub mod config;
pub mod program;

/// The gRPC contract of `proto/rappel/v1/`, generated at build time.
pub mod proto {
    tonic::include_proto!("rappel.v1");
}
