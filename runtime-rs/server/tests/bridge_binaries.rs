//! The `rappel-bridge` and `boot-rappel-singleton` executables, run as a
//! user runs them, over a real Postgres (a schema per test, named in the
//! URL's search_path). Ports are ephemeral, or free ones the test picks.

#[path = "../../store/tests/support/mod.rs"]
mod store_support;

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use rappel_server::health::{ProbeError, probe};
use store_support::TestSchema;

const BRIDGE: &str = env!("CARGO_BIN_EXE_rappel-bridge");
const SINGLETON: &str = env!("CARGO_BIN_EXE_boot-rappel-singleton");
const GREET: &str = "rrl 1\n\nworkflow Greet(name: str) -> str:\n    return name\n";
const PATIENCE: Duration = Duration::from_secs(60);

/// The schema's database URL, with the schema as its search path.
fn url_in(schema: &TestSchema) -> String {
    let separator = if schema.url.contains('?') { '&' } else { '?' };
    format!(
        "{}{separator}options=-c%20search_path%3D{}",
        schema.url, schema.name
    )
}

/// A command with no RAPPEL_* settings of the test's environment, run in
/// `cwd` (so no `.env` of the checkout applies).
fn command(program: &str, cwd: &Path) -> Command {
    let mut command = Command::new(program);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("RAPPEL_") {
            command.env_remove(&name);
        }
    }
    command.current_dir(cwd);
    command
}

fn signal(pid: u32, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -{name} {pid}");
}

/// Whether `pid` runs (a zombie left to a non-reaping init does not).
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            let after_name = stat.rsplit_once(')')?.1.trim_start().to_string();
            after_name.chars().next()
        })
        .is_some_and(|state| state != 'Z' && state != 'X')
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < PATIENCE, "gave up waiting: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Stops a bridge this test started, whatever happens to the test.
struct Stops(Vec<u32>);

impl Drop for Stops {
    fn drop(&mut self) {
        for &pid in &self.0 {
            if alive(pid) {
                let _ = Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status();
            }
        }
    }
}

fn lines_until(reader: &mut impl BufRead, wanted: &str) -> String {
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        let read = reader.read_line(&mut line).expect("read the output");
        assert!(read > 0, "the output ended before {wanted:?}:\n{seen}");
        seen.push_str(&line);
        if line.contains(wanted) {
            return seen;
        }
    }
}

#[tokio::test]
async fn the_bridge_registers_its_ir_dir_says_ready_and_stops_on_sigterm() {
    let schema = TestSchema::new().await;
    let cwd = tempfile::tempdir().expect("a temp dir");
    let ir = cwd.path().join("ir");
    std::fs::create_dir(&ir).unwrap();
    std::fs::write(ir.join("Greet.rrl"), GREET).unwrap();
    std::fs::write(ir.join("Broken.rrl"), "workflow (").unwrap();
    let mut child = command(BRIDGE, cwd.path())
        .env("RAPPEL_DATABASE_URL", url_in(&schema))
        .env("RAPPEL_HTTP_ADDR", "127.0.0.1:0")
        .env("RAPPEL_GRPC_ADDR", "127.0.0.1:0")
        .env("RAPPEL_IR_DIR", &ir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start rappel-bridge");
    let _stops = Stops(vec![child.id()]);
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut ready = String::new();
    stdout.read_line(&mut ready).expect("the ready line");
    let fields: Vec<&str> = ready.trim().split(' ').collect();
    assert_eq!(fields[..2], ["rappel-bridge", "ready"], "{ready}");
    let http: SocketAddr = fields[2].strip_prefix("http=").unwrap().parse().unwrap();
    let grpc: SocketAddr = fields[3].strip_prefix("grpc=").unwrap().parse().unwrap();
    let health = probe(http, Duration::from_secs(5)).expect("healthz");
    assert_eq!(
        (health.http_port, health.grpc_port),
        (http.port(), grpc.port())
    );

    let store = schema.store().await;
    let names: Vec<String> = sqlx::query_scalar("SELECT name FROM workflow_versions")
        .fetch_all(store.pool())
        .await
        .unwrap();
    assert_eq!(names, ["Greet"]);

    signal(child.id(), "TERM");
    let status = child.wait().expect("wait");
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(status.success(), "{status}: {stderr}");
    assert!(
        stderr.contains("registered 1 workflow version(s)"),
        "{stderr}"
    );
    assert!(stderr.contains("refused"), "{stderr}");
    assert!(stderr.contains("Broken.rrl"), "{stderr}");
    assert!(stderr.contains("rappel-bridge: stopped"), "{stderr}");
}

#[test]
fn an_unreachable_database_is_retried_without_showing_the_password() {
    let cwd = tempfile::tempdir().expect("a temp dir");
    let closed = free_port();
    let mut child = command(BRIDGE, cwd.path())
        .env(
            "RAPPEL_DATABASE_URL",
            format!("postgresql://rappel:s3cret-pw@127.0.0.1:{closed}/rappel"),
        )
        .env("RAPPEL_HTTP_ADDR", "127.0.0.1:0")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start rappel-bridge");
    let _stops = Stops(vec![child.id()]);
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let said = lines_until(&mut stderr, "retrying");
    assert!(
        said.contains(&format!(
            "waiting for Postgres at rappel@127.0.0.1:{closed}/rappel"
        )),
        "{said}"
    );
    assert!(
        said.contains(&format!("127.0.0.1:{closed}/rappel")),
        "{said}"
    );
    assert!(!said.contains("s3cret-pw"), "{said}");
    signal(child.id(), "TERM");
    assert!(child.wait().expect("wait").success());
}

fn singleton(cwd: &Path, url: &str, port: u16) -> Command {
    let mut command = command(SINGLETON, cwd);
    command
        .env("RAPPEL_DATABASE_URL", url)
        .env("RAPPEL_HTTP_ADDR", format!("127.0.0.1:{port}"))
        .env("RAPPEL_GRPC_ADDR", "127.0.0.1:0")
        // The bridge's log goes to the temp dir: this test's own.
        .env("TMPDIR", cwd);
    command
}

/// The pid a singleton said it started.
fn started_pid(output: &Output) -> Option<u32> {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let after = stderr.split("(pid ").nth(1)?;
    after.split(')').next()?.parse().ok()
}

fn printed_port(output: &Output) -> u16 {
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}: {stdout}{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout.trim().parse().expect("a port on stdout")
}

fn stop_bridge(pid: u32, port: u16) {
    signal(pid, "TERM");
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    wait_for("the bridge to stop", || {
        matches!(
            probe(addr, Duration::from_secs(1)),
            Err(ProbeError::NoAnswer { .. })
        ) && !alive(pid)
    });
}

#[tokio::test]
async fn the_singleton_starts_a_detached_bridge_and_then_finds_it() {
    let schema = TestSchema::new().await;
    let cwd = tempfile::tempdir().expect("a temp dir");
    let port = free_port();
    let url = url_in(&schema);
    let first = singleton(cwd.path(), &url, port).output().expect("run it");
    let pid = started_pid(&first);
    let _stops = Stops(pid.into_iter().collect());
    assert_eq!(printed_port(&first), port);
    let pid = pid.expect("the first call says which bridge it started");
    let log = cwd.path().join(format!("rappel-bridge-{port}.log"));
    assert!(
        String::from_utf8_lossy(&first.stderr).contains(&log.display().to_string()),
        "it names the bridge's log"
    );
    // Detached: the singleton has exited, the bridge still answers.
    let health = probe(
        SocketAddr::from(([127, 0, 0, 1], port)),
        Duration::from_secs(5),
    )
    .expect("the bridge answers");
    assert_eq!(health.http_port, port);

    let second = singleton(cwd.path(), &url, port).output().expect("run it");
    assert_eq!(printed_port(&second), port);
    assert_eq!(started_pid(&second), None, "the second call starts nothing");

    stop_bridge(pid, port);
    let logged = std::fs::read_to_string(&log).expect("the log");
    assert!(
        logged.contains(&format!("rappel-bridge ready http=127.0.0.1:{port}")),
        "{logged}"
    );
}

#[tokio::test]
async fn two_singletons_racing_end_with_one_bridge() {
    let schema = TestSchema::new().await;
    let cwd = tempfile::tempdir().expect("a temp dir");
    let port = free_port();
    let url = url_in(&schema);
    let racers: Vec<Child> = (0..2)
        .map(|_| {
            singleton(cwd.path(), &url, port)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("run it")
        })
        .collect();
    let outputs: Vec<Output> = racers
        .into_iter()
        .map(|child| child.wait_with_output().expect("wait"))
        .collect();
    let pids: Vec<u32> = outputs.iter().filter_map(started_pid).collect();
    let _stops = Stops(pids.clone());
    for output in &outputs {
        assert_eq!(printed_port(output), port);
    }
    assert!(!pids.is_empty(), "one of them started a bridge");
    // A bridge that lost the port exits on its own.
    wait_for("one bridge to remain", || {
        pids.iter().filter(|&&pid| alive(pid)).count() == 1
    });
    let winner = pids.iter().copied().find(|&pid| alive(pid)).unwrap();
    stop_bridge(winner, port);
}

#[test]
fn a_port_held_by_something_else_is_a_clear_error() {
    let cwd = tempfile::tempdir().expect("a temp dir");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut request = [0u8; 1024];
            let _ = std::io::Read::read(&mut stream, &mut request);
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
        }
    });
    let output = singleton(cwd.path(), "postgresql://postgres@127.0.0.1:1/x", port)
        .output()
        .expect("run it");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(output.stdout.is_empty());
    assert!(
        stderr.contains(&format!(
            "127.0.0.1:{port} is taken by something that is not a rappel bridge"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("set RAPPEL_HTTP_ADDR"), "{stderr}");
}

#[tokio::test]
async fn a_missing_setting_or_a_taken_port_stops_the_bridge_with_a_clear_error() {
    let cwd = tempfile::tempdir().expect("a temp dir");
    let unset = command(BRIDGE, cwd.path()).output().expect("run it");
    let stderr = String::from_utf8_lossy(&unset.stderr);
    assert_eq!(unset.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("rappel-bridge: RAPPEL_DATABASE_URL is not set"),
        "{stderr}"
    );
    assert!(unset.stdout.is_empty(), "no ready line");

    let schema = TestSchema::new().await;
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().unwrap();
    let refused = command(BRIDGE, cwd.path())
        .env("RAPPEL_DATABASE_URL", url_in(&schema))
        .env("RAPPEL_HTTP_ADDR", addr.to_string())
        .env("RAPPEL_GRPC_ADDR", "127.0.0.1:0")
        .output()
        .expect("run it");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot listen for HTTP on {addr}")),
        "{stderr}"
    );
    assert!(
        stderr.contains("set RAPPEL_HTTP_ADDR to a free host:port"),
        "{stderr}"
    );
    assert!(refused.stdout.is_empty(), "no ready line");
}
