//! Prebuilt IR: the `.rrl` files `rappel compile app/ -o DIR` writes,
//! registered at start by `rappel-bridge` and `start-workers`
//! (`RAPPEL_IR_DIR`). Each file is checked on its own: a malformed one is
//! refused with a message naming it, and the others still load.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use rappel_store::{Store, StoreError};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::program::{load_program, unstorable};

/// The manifest `rappel compile` writes beside the `.rrl` files.
pub const MANIFEST: &str = "manifest.json";

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("cannot read the IR directory {dir} (RAPPEL_IR_DIR): {source}")]
    ReadDir {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("registering the prebuilt IR of {dir} failed: {source}")]
    Store { dir: PathBuf, source: StoreError },
}

/// A workflow version registered from the directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registered {
    pub workflow: String,
    pub file: PathBuf,
    pub version_id: i64,
    pub ir_hash: String,
}

/// A file that was not registered, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    pub file: PathBuf,
    pub reason: String,
}

/// What `register_ir_dir` did; its `Display` is what the binaries log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IrReport {
    pub dir: PathBuf,
    pub registered: Vec<Registered>,
    pub refused: Vec<Refused>,
}

impl fmt::Display for IrReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "registered {} workflow version(s) from {}",
            self.registered.len(),
            self.dir.display()
        )?;
        let names: Vec<String> = self
            .registered
            .iter()
            .map(|r| format!("{} (version {})", r.workflow, r.version_id))
            .collect();
        if !names.is_empty() {
            write!(f, ": {}", names.join(", "))?;
        }
        for refused in &self.refused {
            write!(
                f,
                "\nrefused {}: {}",
                refused.file.display(),
                refused.reason
            )?;
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct Manifest {
    workflows: BTreeMap<String, ManifestEntry>,
}

#[derive(Deserialize)]
struct ManifestEntry {
    rrl: String,
    sha256: Option<String>,
}

/// One file to register: which workflow it runs, and the hash the manifest
/// recorded for it.
struct Candidate {
    workflow: String,
    file: PathBuf,
    sha256: Option<String>,
}

/// Registers every `<Workflow>.rrl` of `dir`: those `manifest.json` lists
/// (under the workflow name it gives, checked against its hash), and any
/// other `.rrl` file under its file name's stem.
pub async fn register_ir_dir(store: &Store, dir: &Path) -> Result<IrReport, RegistryError> {
    let mut report = IrReport {
        dir: dir.to_path_buf(),
        ..IrReport::default()
    };
    let read_error = |source| RegistryError::ReadDir {
        dir: dir.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_error)? {
        let path = entry.map_err(read_error)?.path();
        if path.extension().is_some_and(|ext| ext == "rrl") && path.is_file() {
            files.push(path);
        }
    }
    files.sort();

    let mut candidates = Vec::new();
    let manifest_path = dir.join(MANIFEST);
    if manifest_path.is_file() {
        match read_manifest(&manifest_path) {
            Ok(manifest) => {
                for (workflow, entry) in manifest.workflows {
                    let file = dir.join(&entry.rrl);
                    if !files.contains(&file) {
                        report.refused.push(Refused {
                            file,
                            reason: format!(
                                "{MANIFEST} lists it for workflow {workflow}, but there is no \
                                 such .rrl file in the directory: compile again with \
                                 `rappel compile ... -o {}`",
                                dir.display()
                            ),
                        });
                        continue;
                    }
                    candidates.push(Candidate {
                        workflow,
                        file,
                        sha256: entry.sha256,
                    });
                }
            }
            Err(reason) => report.refused.push(Refused {
                file: manifest_path,
                reason: format!(
                    "{reason}; the .rrl files are registered under their file names instead"
                ),
            }),
        }
    }
    for file in files {
        if candidates.iter().any(|c| c.file == file) {
            continue;
        }
        let Some(workflow) = file.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        candidates.push(Candidate {
            workflow: workflow.to_string(),
            file: file.clone(),
            sha256: None,
        });
    }

    for candidate in candidates {
        let text = match std::fs::read_to_string(&candidate.file) {
            Ok(text) => text,
            Err(error) => {
                report.refused.push(Refused {
                    file: candidate.file,
                    reason: format!("cannot read it: {error}"),
                });
                continue;
            }
        };
        if let Some(expected) = &candidate.sha256 {
            let actual = hex(&Sha256::digest(text.as_bytes()));
            if !expected.eq_ignore_ascii_case(&actual) {
                report.refused.push(Refused {
                    file: candidate.file,
                    reason: format!(
                        "its SHA-256 is {actual} but {MANIFEST} records {expected}: the file \
                         changed after `rappel compile`; compile again"
                    ),
                });
                continue;
            }
        }
        if let Some(problem) = unstorable(&candidate.workflow, &text) {
            report.refused.push(Refused {
                file: candidate.file,
                reason: problem,
            });
            continue;
        }
        if let Err(error) = load_program(&candidate.workflow, &text) {
            report.refused.push(Refused {
                file: candidate.file,
                reason: error.to_string(),
            });
            continue;
        }
        let version = store
            .register_version(&candidate.workflow, &text)
            .await
            .map_err(|source| RegistryError::Store {
                dir: dir.to_path_buf(),
                source,
            })?;
        report.registered.push(Registered {
            workflow: candidate.workflow,
            file: candidate.file,
            version_id: version.id,
            ir_hash: version.ir_hash,
        });
    }
    Ok(report)
}

fn read_manifest(path: &Path) -> Result<Manifest, String> {
    let text = std::fs::read_to_string(path).map_err(|error| format!("cannot read it: {error}"))?;
    serde_json::from_str(&text).map_err(|error| {
        format!(
            "it is not the manifest `rappel compile` writes \
             ({{\"workflows\": {{\"<Name>\": {{\"rrl\": \"<Name>.rrl\", ...}}}}}}): {error}"
        )
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
