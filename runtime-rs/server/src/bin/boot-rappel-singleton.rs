//! `boot-rappel-singleton`: finds the shared bridge of this machine, or
//! starts it, and prints its HTTP port on stdout (docs/operations.md, "The
//! client bridge"). The bridge it starts runs detached, in a process group
//! of its own with its output appended to a log file, so it outlives the
//! caller. Two singletons racing both start a bridge; the HTTP port lets only
//! one of them listen, and both print that one's port.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom};
use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use rappel_server::config::Config;
use rappel_server::health::{Health, ProbeError, probe};

const BRIDGE: &str = "rappel-bridge";
/// Generous: a bridge on a loaded machine is slow, not absent.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a starting bridge may take to answer (it retries an unreachable
/// database meanwhile).
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long to keep probing after the started bridge exited.
const EXITED_GRACE: Duration = Duration::from_secs(3);
const LOG_TAIL_BYTES: u64 = 2000;

fn main() -> ExitCode {
    match run() {
        Ok(health) => {
            println!("{}", health.http_port);
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("boot-rappel-singleton: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<Health, String> {
    let config = Config::from_env().map_err(|e| e.to_string())?;
    let addr = config.http_addr;
    if addr.port() == 0 {
        return Err(format!(
            "RAPPEL_HTTP_ADDR={addr} has port 0, but the shared bridge needs a fixed port \
             (the default is 127.0.0.1:24117)"
        ));
    }
    match probe(addr, PROBE_TIMEOUT) {
        Ok(health) => return Ok(health),
        Err(ProbeError::NoAnswer { .. }) => {}
        Err(error @ ProbeError::NotABridge { .. }) => return Err(not_a_bridge(&error)),
    }
    config.database_url().map_err(|e| {
        format!("no rappel-bridge answers on {addr} and one cannot be started: {e}")
    })?;
    let bridge = find_bridge()?;
    let log_path = std::env::temp_dir().join(format!("rappel-bridge-{}.log", addr.port()));
    let mut child = start(&bridge, &log_path, addr)?;
    eprintln!(
        "boot-rappel-singleton: started {} (pid {}) for {addr}; its log: {}",
        bridge.display(),
        child.id(),
        log_path.display()
    );
    wait_until_ready(&mut child, addr, &log_path)
}

fn not_a_bridge(error: &ProbeError) -> String {
    format!(
        "{error}. Stop what listens there, or set RAPPEL_HTTP_ADDR (and RAPPEL_GRPC_ADDR) \
         to a free host:port for the rappel bridge"
    )
}

/// `rappel-bridge` beside this executable (an installed environment's bin
/// directory, a cargo target directory), else on PATH.
fn find_bridge() -> Result<PathBuf, String> {
    if let Some(beside) = std::env::current_exe()
        .ok()
        .map(|exe| exe.with_file_name(BRIDGE))
        .filter(|path| path.is_file())
    {
        return Ok(beside);
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(BRIDGE))
        .find(|path| path.is_file())
        .ok_or_else(|| {
            format!(
                "cannot find {BRIDGE} beside this executable or on PATH: install rappel \
                 (`pip install rappel`), or build it (`cargo build` in runtime-rs/)"
            )
        })
}

/// Starts the bridge in its own process group (the caller's Ctrl-C and exit
/// do not reach it), its stdout and stderr appended to `log_path`.
fn start(bridge: &Path, log_path: &Path, addr: SocketAddr) -> Result<Child, String> {
    let log = OpenOptions::new()
        .create(true)
        .append(true)
        .open(log_path)
        .map_err(|e| format!("cannot open the bridge's log {}: {e}", log_path.display()))?;
    let log_err = log
        .try_clone()
        .map_err(|e| format!("cannot open the bridge's log {}: {e}", log_path.display()))?;
    Command::new(bridge)
        .env("RAPPEL_HTTP_ADDR", addr.to_string())
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err)
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", bridge.display()))
}

/// Probes until a bridge answers: the one started, or one that won a race
/// for the port. The started one exiting is not the end: the winner may
/// still be starting.
fn wait_until_ready(
    child: &mut Child,
    addr: SocketAddr,
    log_path: &Path,
) -> Result<Health, String> {
    let started = Instant::now();
    let mut exited = None;
    loop {
        match probe(addr, PROBE_TIMEOUT) {
            Ok(health) => return Ok(health),
            Err(ProbeError::NoAnswer { .. }) => {}
            Err(error @ ProbeError::NotABridge { .. }) => return Err(not_a_bridge(&error)),
        }
        if exited.is_none() {
            exited = child
                .try_wait()
                .ok()
                .flatten()
                .map(|status| (status, Instant::now()));
        }
        // A bridge that lost the race exits once the winner holds the port,
        // so the winner answers soon after.
        let gave_up = exited.is_some_and(|(_, at)| at.elapsed() >= EXITED_GRACE);
        if gave_up || started.elapsed() >= START_TIMEOUT {
            let what = match exited {
                Some((status, _)) => format!("it exited ({status})"),
                None => {
                    // Ours, and stuck: do not leave it behind.
                    let _ = child.kill();
                    let _ = child.wait();
                    format!(
                        "it did not answer within {}s and was stopped",
                        START_TIMEOUT.as_secs()
                    )
                }
            };
            return Err(format!(
                "the rappel-bridge started for {addr} never answered: {what}. The end of its \
                 log ({}):\n{}",
                log_path.display(),
                log_tail(log_path)
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn log_tail(path: &Path) -> String {
    let mut text = String::new();
    if let Ok(mut file) = File::open(path) {
        let length = file.metadata().map_or(0, |m| m.len());
        let _ = file.seek(SeekFrom::Start(length.saturating_sub(LOG_TAIL_BYTES)));
        let mut bytes = Vec::new();
        let _ = file.read_to_end(&mut bytes);
        text = String::from_utf8_lossy(&bytes).into_owned();
    }
    text
}
