//! What the start-workers tests share: the cases they run (golden programs
//! and tests/cases), the Python that runs their workers, and the
//! start-workers binary.
#![allow(dead_code)] // each test crate uses a part

use std::path::{Path, PathBuf};

use rappel_server::program::stored_arguments;
use rappel_store::{InstanceId, NewInstance, Store};
use serde_json::Value as Json;

use crate::support::TestSchema;

pub fn checkout() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The Python with rappel installed: $RAPPEL_PYTHON, else the checkout's venv.
pub fn python() -> Option<PathBuf> {
    if let Some(python) = std::env::var_os("RAPPEL_PYTHON").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(python));
    }
    let venv = checkout().join(".venv/bin/python");
    venv.is_file().then_some(venv)
}

/// A program to run, its arguments and expected outcome (codec JSON).
pub struct Case {
    pub dir: PathBuf,
    pub workflow: String,
    pub rrl: String,
    pub arguments: String,
    pub expected: Json,
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn json(path: &Path) -> Json {
    serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn load_case(dir: PathBuf, arguments: Json, module: Option<&str>) -> Case {
    let rrl_path = std::fs::read_dir(&dir)
        .expect("the case directory")
        .map(|entry| entry.expect("an entry").path())
        .find(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".rrl") && !name.ends_with(".opt.rrl")
        })
        .expect("the case's .rrl");
    let workflow = rrl_path
        .file_stem()
        .and_then(|s| s.to_str())
        .expect("a workflow name")
        .to_string();
    // The workers import the case as module `case` (PYTHONPATH = its dir).
    let as_case = |text: String| match module {
        Some(module) => text.replace(module, "case"),
        None => text,
    };
    let rrl = as_case(read(&rrl_path));
    let arguments = as_case(stored_arguments(
        arguments
            .as_object()
            .expect("arguments: an object of names to values"),
    ));
    let expected = as_case(read(&dir.join("expected.json")));
    Case {
        workflow,
        rrl,
        arguments,
        expected: serde_json::from_str(&expected).expect("expected.json"),
        dir,
    }
}

/// A case of golden/run, its arguments from its transcript.
pub fn golden(name: &str) -> Case {
    let dir = checkout().join("golden/run").join(name);
    let arguments = json(&dir.join("transcript.json"))["arguments"].clone();
    load_case(dir, arguments, Some(&format!("golden_run_{name}")))
}

/// A case of tests/cases: its case.py compiled with `rappel compile`.
pub fn own_case(name: &str) -> Case {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cases")
        .join(name);
    let arguments = json(&dir.join("input.json"));
    load_case(dir, arguments, None)
}

/// A scratch directory the case's actions may keep state in across worker
/// processes (CASE_STATE_DIR).
pub fn state_dir(schema: &TestSchema) -> PathBuf {
    scratch_dir(&schema.name)
}

/// A scratch directory of this name under the target directory.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).expect("a state directory");
    dir
}

pub fn rand_suffix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos())
}

pub async fn start_instances(store: &Store, case: &Case, count: usize) -> Vec<InstanceId> {
    let version = store
        .register_version(&case.workflow, &case.rrl)
        .await
        .expect("register the program");
    let batch: Vec<NewInstance> = (0..count)
        .map(|_| NewInstance {
            version_id: version.id,
            arguments: case.arguments.clone(),
        })
        .collect();
    store.start_instances(&batch).await.expect("start")
}

pub fn binary() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_start-workers"));
    for (name, _) in std::env::vars() {
        if name.starts_with("RAPPEL_") {
            command.env_remove(name);
        }
    }
    command
}

/// The test schema's URL, for a process that connects by URL alone.
pub fn schema_url(schema: &TestSchema) -> String {
    let separator = if schema.url.contains('?') { '&' } else { '?' };
    format!(
        "{}{separator}options[search_path]={}",
        schema.url, schema.name
    )
}

pub fn signal(child: &std::process::Child, name: &str) {
    let status = std::process::Command::new("kill")
        .args(["-s", name, "--", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
}

/// The process group of `pid` (the fifth field of /proc/PID/stat).
pub fn process_group_of(pid: u32) -> u32 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("/proc/PID/stat");
    let after_name = &stat[stat.rfind(')').expect("a command name") + 2..];
    after_name
        .split_whitespace()
        .nth(2)
        .and_then(|field| field.parse().ok())
        .expect("a process group")
}

/// start-workers for `case` on the test schema, in a process group of its
/// own (as a shell starts it), with its stderr inherited.
pub fn spawn_binary(schema: &TestSchema, case: &Case, python: &Path) -> std::process::Child {
    binary_for(schema, case, python)
        .spawn()
        .expect("start-workers runs")
}

/// What `spawn_binary` runs, to add to before spawning.
pub fn binary_for(schema: &TestSchema, case: &Case, python: &Path) -> std::process::Command {
    use std::os::unix::process::CommandExt;
    let mut command = binary();
    command
        .env("RAPPEL_DATABASE_URL", schema_url(schema))
        .env("RAPPEL_USER_MODULE", "case")
        .env("RAPPEL_WORKER_COUNT", "2")
        .env("RAPPEL_CONCURRENT_PER_WORKER", "4")
        .env("RAPPEL_POLL_INTERVAL_MS", "50")
        .env("RAPPEL_PYTHON", python)
        .env("PYTHONPATH", &case.dir)
        .env("CASE_STATE_DIR", state_dir(schema))
        .stdout(std::process::Stdio::null())
        .process_group(0);
    command
}
