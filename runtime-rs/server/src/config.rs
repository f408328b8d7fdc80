//! The runtime's settings: the `RAPPEL_*` environment variables, with a `.env`
//! file in the working directory as fallback. The variables, their meaning and
//! their defaults are the Python SDK's (`rappel.config`, docs/operations.md);
//! a bad value is an error naming the variable, where it came from and the
//! default.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "{variable}={value:?} (from {origin}) is not valid: expected {expected}; the default is {default}"
    )]
    Invalid {
        variable: &'static str,
        value: String,
        origin: String,
        expected: &'static str,
        default: &'static str,
    },
    #[error("{variable} is not set: {help}")]
    Missing {
        variable: &'static str,
        help: &'static str,
    },
    #[error(
        "RAPPEL_HTTP_ADDR={0} leaves no port for the gRPC default (HTTP port + 1): set RAPPEL_GRPC_ADDR too"
    )]
    NoGrpcPort(SocketAddr),
    #[error("cannot read {path}: {message}")]
    EnvFile { path: PathBuf, message: String },
}

/// Every setting of the runtime processes, parsed and defaulted.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Required by the processes that open the store; see `database_url()`.
    pub database_url: Option<String>,
    pub worker_count: usize,
    pub concurrent_per_worker: usize,
    pub user_module: Option<String>,
    pub poll_interval: Duration,
    pub max_action_lifecycle: Option<u64>,
    pub webapp_enabled: bool,
    pub webapp_addr: SocketAddr,
    pub http_addr: SocketAddr,
    pub grpc_addr: SocketAddr,
    pub batch_size: usize,
    pub gc_interval: Option<Duration>,
    pub gc_retention: Duration,
    pub gc_batch_size: usize,
    /// Where start-workers' WorkerBridge listens for its Python workers;
    /// 127.0.0.1 on a port the system picks when unset.
    pub worker_addr: Option<SocketAddr>,
    /// Prebuilt `.rrl` files registered at start (`rappel compile -o DIR`).
    pub ir_dir: Option<PathBuf>,
}

/// The name of the fallback file, read from the working directory.
pub const ENV_FILE_NAME: &str = ".env";

impl Config {
    /// The settings from the process environment, falling back to `.env` in
    /// the working directory.
    pub fn from_env() -> Result<Config, ConfigError> {
        let env_file = Path::new(ENV_FILE_NAME);
        let from_file = read_env_file(env_file)?;
        Config::from_lookup(|name| {
            if let Ok(value) = std::env::var(name) {
                Some((value, "the environment".to_string()))
            } else {
                from_file
                    .get(name)
                    .map(|value| (value.clone(), env_file.display().to_string()))
            }
        })
    }

    /// The settings from `lookup`, which answers a variable's value and
    /// where it came from.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<(String, String)>,
    ) -> Result<Config, ConfigError> {
        let reader = Reader { lookup: &lookup };
        let worker_count = reader
            .read(
                "RAPPEL_WORKER_COUNT",
                "a positive integer",
                "number of CPUs",
                positive,
            )?
            .unwrap_or_else(|| {
                std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
            });
        let concurrent_per_worker = reader
            .read(
                "RAPPEL_CONCURRENT_PER_WORKER",
                "a positive integer",
                "10",
                positive,
            )?
            .unwrap_or(10);
        let http_addr = reader
            .read("RAPPEL_HTTP_ADDR", "host:port", "127.0.0.1:24117", address)?
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 24117)));
        let grpc_addr = match reader.read(
            "RAPPEL_GRPC_ADDR",
            "host:port",
            "HTTP host, HTTP port + 1",
            address,
        )? {
            Some(addr) => addr,
            None => grpc_default(http_addr)?,
        };
        Ok(Config {
            database_url: reader.read(
                "RAPPEL_DATABASE_URL",
                "a PostgreSQL URL (postgresql://user:pass@host:port/database)",
                "none",
                database_url,
            )?,
            worker_count,
            concurrent_per_worker,
            user_module: reader.read(
                "RAPPEL_USER_MODULE",
                "a dotted Python module name",
                "none",
                module_name,
            )?,
            poll_interval: reader
                .read(
                    "RAPPEL_POLL_INTERVAL_MS",
                    "a positive number of milliseconds",
                    "100",
                    positive_millis,
                )?
                .unwrap_or(Duration::from_millis(100)),
            max_action_lifecycle: reader.read(
                "RAPPEL_MAX_ACTION_LIFECYCLE",
                "a positive integer",
                "none (no limit)",
                |text| positive(text).map(|n| n as u64),
            )?,
            webapp_enabled: reader
                .read("RAPPEL_WEBAPP_ENABLED", "true or false", "false", boolean)?
                .unwrap_or(false),
            webapp_addr: reader
                .read("RAPPEL_WEBAPP_ADDR", "host:port", "0.0.0.0:24119", address)?
                .unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], 24119))),
            http_addr,
            grpc_addr,
            batch_size: reader
                .read(
                    "RAPPEL_BATCH_SIZE",
                    "a positive integer",
                    "workers × concurrent per worker",
                    positive,
                )?
                .unwrap_or(worker_count * concurrent_per_worker),
            gc_interval: reader.read(
                "RAPPEL_GC_INTERVAL_MS",
                "a positive number of milliseconds",
                "none (disabled)",
                positive_millis,
            )?,
            gc_retention: reader
                .read(
                    "RAPPEL_GC_RETENTION_SECONDS",
                    "a non-negative integer",
                    "86400",
                    |text| text.parse::<u64>().ok().map(Duration::from_secs),
                )?
                .unwrap_or(Duration::from_secs(86_400)),
            gc_batch_size: reader
                .read(
                    "RAPPEL_GC_BATCH_SIZE",
                    "a positive integer",
                    "100",
                    positive,
                )?
                .unwrap_or(100),
            worker_addr: reader.read(
                "RAPPEL_WORKER_ADDR",
                "host:port",
                "127.0.0.1 on a free port",
                address,
            )?,
            ir_dir: reader.read("RAPPEL_IR_DIR", "a directory", "none", |text| {
                (!text.is_empty()).then(|| PathBuf::from(text))
            })?,
        })
    }

    /// `RAPPEL_DATABASE_URL`, for the processes that cannot run without it.
    pub fn database_url(&self) -> Result<&str, ConfigError> {
        self.database_url.as_deref().ok_or(ConfigError::Missing {
            variable: "RAPPEL_DATABASE_URL",
            help: "give a PostgreSQL URL such as postgresql://user:pass@localhost:5432/rappel \
                   (locally, `python -m rappel.devdb url` starts an embedded one and prints its URL)",
        })
    }
}

struct Reader<'a, L> {
    lookup: &'a L,
}

impl<L: Fn(&str) -> Option<(String, String)>> Reader<'_, L> {
    fn read<T>(
        &self,
        variable: &'static str,
        expected: &'static str,
        default: &'static str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<Option<T>, ConfigError> {
        let Some((value, origin)) = (self.lookup)(variable) else {
            return Ok(None);
        };
        match parse(value.trim()) {
            Some(parsed) => Ok(Some(parsed)),
            None => Err(ConfigError::Invalid {
                variable,
                value: hide_passwords(&value),
                origin,
                expected,
                default,
            }),
        }
    }
}

fn grpc_default(http: SocketAddr) -> Result<SocketAddr, ConfigError> {
    match http.port() {
        0 => Ok(http),
        u16::MAX => Err(ConfigError::NoGrpcPort(http)),
        port => Ok(SocketAddr::new(http.ip(), port + 1)),
    }
}

fn positive(text: &str) -> Option<usize> {
    text.parse::<usize>().ok().filter(|&n| n > 0)
}

fn positive_millis(text: &str) -> Option<Duration> {
    positive(text).map(|ms| Duration::from_millis(ms as u64))
}

fn boolean(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

fn address(text: &str) -> Option<SocketAddr> {
    if let Ok(addr) = text.parse() {
        return Some(addr);
    }
    // `localhost:24117`, as people write it.
    let (host, port) = text.rsplit_once(':')?;
    let port = port.parse::<u16>().ok()?;
    (host == "localhost").then(|| SocketAddr::from(([127, 0, 0, 1], port)))
}

fn database_url(text: &str) -> Option<String> {
    (text.starts_with("postgres://") || text.starts_with("postgresql://")).then(|| text.to_string())
}

fn module_name(text: &str) -> Option<String> {
    let valid = !text.is_empty()
        && text.split('.').all(|part| {
            let mut chars = part.chars();
            chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
                && chars.all(|c| c == '_' || c.is_alphanumeric())
        });
    valid.then(|| text.to_string())
}

/// `text` with the password of every URL in it (`scheme://user:PASSWORD@host`,
/// `?password=PASSWORD`) replaced by `***`: what an error may show of a value
/// that is, or holds, a database URL.
pub fn hide_passwords(text: &str) -> String {
    let token_end = |s: &str| {
        s.find(|c: char| c.is_whitespace() || c == '"' || c == '\'')
            .unwrap_or(s.len())
    };
    let mut shown = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("://") {
        let (head, tail) = rest.split_at(start + 3);
        shown.push_str(head);
        let token = &tail[..token_end(tail)];
        let userinfo = token.rfind('@').map_or("", |at| &token[..at]);
        match userinfo.find(':') {
            Some(colon) => {
                shown.push_str(&userinfo[..colon]);
                shown.push_str(":***");
                rest = &tail[userinfo.len()..];
            }
            None => rest = tail,
        }
    }
    shown.push_str(rest);
    let mut hidden = String::with_capacity(shown.len());
    let mut rest = shown.as_str();
    while let Some(start) = rest.to_ascii_lowercase().find("password=") {
        let (head, tail) = rest.split_at(start + "password=".len());
        hidden.push_str(head);
        hidden.push_str("***");
        let end = tail
            .find(|c: char| c == '&' || c.is_whitespace() || c == '"' || c == '\'')
            .unwrap_or(tail.len());
        rest = &tail[end..];
    }
    hidden.push_str(rest);
    hidden
}

fn read_env_file(path: &Path) -> Result<HashMap<String, String>, ConfigError> {
    if !path.is_file() {
        return Ok(HashMap::new());
    }
    let error = |message: String| ConfigError::EnvFile {
        path: path.to_path_buf(),
        message: hide_passwords(&message),
    };
    let mut values = HashMap::new();
    for item in dotenvy::from_path_iter(path).map_err(|e| error(e.to_string()))? {
        let (name, value) = item.map_err(|e| error(e.to_string()))?;
        values.insert(name, value);
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).map(|v| (v.clone(), "the test".to_string())))
    }

    #[test]
    fn defaults_follow_the_documented_table() {
        let config = config(&[("RAPPEL_WORKER_COUNT", "3")]).unwrap();
        assert_eq!(config.database_url, None);
        assert_eq!(config.concurrent_per_worker, 10);
        assert_eq!(config.batch_size, 30);
        assert_eq!(config.poll_interval, Duration::from_millis(100));
        assert_eq!(config.http_addr.to_string(), "127.0.0.1:24117");
        assert_eq!(config.grpc_addr.to_string(), "127.0.0.1:24118");
        assert_eq!(config.webapp_addr.to_string(), "0.0.0.0:24119");
        assert_eq!(config.gc_interval, None);
        assert_eq!(config.gc_retention, Duration::from_secs(86_400));
        assert_eq!(config.gc_batch_size, 100);
        assert_eq!(config.max_action_lifecycle, None);
    }

    #[test]
    fn grpc_follows_the_http_port() {
        let config = config(&[("RAPPEL_HTTP_ADDR", "localhost:9000")]).unwrap();
        assert_eq!(config.grpc_addr.to_string(), "127.0.0.1:9001");
        let error = super::tests::config(&[("RAPPEL_HTTP_ADDR", "127.0.0.1:65535")]).unwrap_err();
        assert!(
            error.to_string().contains("set RAPPEL_GRPC_ADDR"),
            "{error}"
        );
    }

    #[test]
    fn a_bad_value_names_the_variable_its_origin_and_the_default() {
        let error = config(&[("RAPPEL_CONCURRENT_PER_WORKER", "zero")]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "RAPPEL_CONCURRENT_PER_WORKER=\"zero\" (from the test) is not valid: \
             expected a positive integer; the default is 10"
        );
        let error = config(&[("RAPPEL_DATABASE_URL", "mysql://x")]).unwrap_err();
        assert!(error.to_string().contains("PostgreSQL URL"), "{error}");
    }

    #[test]
    fn every_kind_of_value_is_checked_and_named() {
        for (variable, value, expected) in [
            ("RAPPEL_WORKER_COUNT", "0", "a positive integer"),
            ("RAPPEL_BATCH_SIZE", "lots", "a positive integer"),
            ("RAPPEL_MAX_ACTION_LIFECYCLE", "-5", "a positive integer"),
            ("RAPPEL_GC_BATCH_SIZE", "1.5", "a positive integer"),
            (
                "RAPPEL_POLL_INTERVAL_MS",
                "0",
                "a positive number of milliseconds",
            ),
            (
                "RAPPEL_GC_INTERVAL_MS",
                "1m",
                "a positive number of milliseconds",
            ),
            (
                "RAPPEL_GC_RETENTION_SECONDS",
                "-1",
                "a non-negative integer",
            ),
            ("RAPPEL_WEBAPP_ENABLED", "maybe", "true or false"),
            ("RAPPEL_HTTP_ADDR", "24117", "host:port"),
            ("RAPPEL_GRPC_ADDR", "127.0.0.1:70000", "host:port"),
            ("RAPPEL_WEBAPP_ADDR", "example.com:80", "host:port"),
            ("RAPPEL_WORKER_ADDR", "[::1]", "host:port"),
            (
                "RAPPEL_USER_MODULE",
                "my-app.actions",
                "a dotted Python module name",
            ),
            (
                "RAPPEL_DATABASE_URL",
                "mysql://db/rappel",
                "a PostgreSQL URL",
            ),
        ] {
            let error = config(&[(variable, value)]).unwrap_err().to_string();
            assert!(
                error.starts_with(&format!(
                    "{variable}={value:?} (from the test) is not valid: expected {expected}"
                )),
                "{error}"
            );
        }
    }

    #[test]
    fn no_error_shows_a_password() {
        let error = config(&[("RAPPEL_DATABASE_URL", "mysql://app:s3cret@db:5432/rappel")])
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("\"mysql://app:***@db:5432/rappel\""),
            "{error}"
        );
        assert!(!error.contains("s3cret"), "{error}");
        for (text, shown) in [
            ("postgresql://app:p/w@d@db/x", "postgresql://app:***@db/x"),
            (
                "postgres://app@db/x?password=pw&sslmode=require",
                "postgres://app@db/x?password=***&sslmode=require",
            ),
            (
                "line 1: 'RAPPEL_DATABASE_URL=\"postgres://u:pw@h/d' x://a:b@c",
                "line 1: 'RAPPEL_DATABASE_URL=\"postgres://u:***@h/d' x://a:***@c",
            ),
            ("postgresql://db/x", "postgresql://db/x"),
            ("no url at all", "no url at all"),
        ] {
            assert_eq!(hide_passwords(text), shown);
        }
    }

    #[test]
    fn a_malformed_env_file_is_named_without_its_password() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join(".env");
        std::fs::write(
            &path,
            "RAPPEL_WORKER_COUNT=2\nRAPPEL_DATABASE_URL='postgresql://app:s3cret@db/rappel\n",
        )
        .unwrap();
        let error = read_env_file(&path).unwrap_err().to_string();
        assert!(
            error.starts_with(&format!("cannot read {}", path.display())),
            "{error}"
        );
        assert!(!error.contains("s3cret"), "{error}");
    }

    #[test]
    fn a_missing_database_url_says_how_to_get_one() {
        let error = config(&[]).unwrap().database_url().unwrap_err();
        assert!(error.to_string().contains("rappel.devdb"), "{error}");
    }
}
