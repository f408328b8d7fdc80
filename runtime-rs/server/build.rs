//! Generates the gRPC code of `proto/` (the worker stream and the client API)
//! with the protoc that `protoc-bin-vendored` ships: nothing to install.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = "../../proto";
    let files = [
        format!("{root}/rappel/v1/worker.proto"),
        format!("{root}/rappel/v1/bridge.proto"),
    ];
    for file in &files {
        println!("cargo:rerun-if-changed={file}");
    }
    let mut config = prost_build::Config::new();
    config.protoc_executable(protoc_bin_vendored::protoc_bin_path()?);
    tonic_prost_build::configure().compile_with_config(config, &files, &[root.to_string()])?;
    Ok(())
}
