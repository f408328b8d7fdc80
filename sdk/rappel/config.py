"""Rappel's settings: the `RAPPEL_*` environment variables, with a `.env` file in the
working directory as fallback (docs/operations.md, "Configuration").

    from rappel.config import load_settings
    settings = load_settings()          # raises rappel.ConfigError on a bad value
    settings.concurrent_per_worker      # 10 unless RAPPEL_CONCURRENT_PER_WORKER says otherwise

A variable set in the environment wins over the same one in `.env`. Every value is
checked when the settings are loaded, so a typo fails at start with the variable, the
value, where it came from and what was expected, not later in the middle of a run.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ._errors import ConfigError

__all__ = ["Address", "ConfigError", "Settings", "load_settings", "VARIABLES"]

ENV_FILE_NAME = ".env"


@dataclass(frozen=True)
class Address:
    """A `host:port` bind or connect address (`[::1]:24117` for IPv6)."""

    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


@dataclass(frozen=True)
class Settings:
    """Every setting, typed and with its default applied. See `VARIABLES` for the
    variable behind each field."""

    database_url: str | None
    worker_count: int
    concurrent_per_worker: int
    user_module: str | None
    poll_interval_ms: int
    max_action_lifecycle: int | None
    webapp_enabled: bool
    webapp_addr: Address
    http_addr: Address
    grpc_addr: Address
    batch_size: int
    gc_interval_ms: int | None
    gc_retention_seconds: int
    gc_batch_size: int
    server_url: str | None
    worker_addr: str | None
    worker_id: str | None
    worker_heartbeat_seconds: float
    ir_dir: Path | None


# ------------------------------------------------------------------ value parsers
# Each returns the typed value or raises ValueError with what was expected.

_ADDRESS = re.compile(r"^(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<host>[^:\[\]\s]+)):(?P<port>\d{1,5})$")
_MODULE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _positive_int(text: str) -> int:
    try:
        value = int(text.strip().replace("_", ""), 10)
    except ValueError:
        raise ValueError("a positive integer") from None
    if value < 1:
        raise ValueError("a positive integer")
    return value


def _non_negative_int(text: str) -> int:
    try:
        value = int(text.strip().replace("_", ""), 10)
    except ValueError:
        raise ValueError("an integer >= 0") from None
    if value < 0:
        raise ValueError("an integer >= 0")
    return value


def _positive_seconds(text: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise ValueError("a positive number of seconds") from None
    if not (value > 0 and value != float("inf")):
        raise ValueError("a positive number of seconds")
    return value


def _optional(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """`parse`, where an empty value or `none` means unset."""

    def parse_optional(text: str) -> Any:
        if text.strip().lower() in ("", "none"):
            return None
        return parse(text)

    return parse_optional


def _boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError("true or false (also 1/0, yes/no, on/off)")


def parse_address(text: str) -> Address:
    match = _ADDRESS.match(text.strip())
    port = int(match["port"]) if match else -1
    if match is None or not 0 <= port <= 65535:
        raise ValueError("host:port with a port from 0 to 65535, e.g. 127.0.0.1:24117 or [::1]:24117")
    return Address(match["v6"] or match["host"], port)


def _address_text(text: str) -> str:
    return str(parse_address(text))


def _database_url(text: str) -> str:
    parts = urlsplit(text.strip())
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError("a PostgreSQL URL such as postgresql://user:pass@localhost:5432/rappel")
    return text.strip()


def _url(text: str) -> str:
    parts = urlsplit(text.strip())
    if not parts.scheme or not parts.netloc:
        raise ValueError("a URL with a scheme and a host, e.g. http://127.0.0.1:24117")
    return text.strip()


def _module_name(text: str) -> str:
    if not _MODULE.match(text.strip()):
        raise ValueError("a dotted Python module name such as my_app.actions")
    return text.strip()


def _directory(text: str) -> Path:
    if not text.strip():
        raise ValueError("a directory")
    return Path(text.strip())


def _text(text: str) -> str:
    if not text.strip():
        raise ValueError("a non-empty value")
    return text.strip()


@dataclass(frozen=True)
class Variable:
    """One environment variable: the field it fills, how it is read, its default
    (as documented; None where it is computed or unset) and what it means."""

    name: str
    field: str
    parse: Callable[[str], Any]
    default: str
    description: str


VARIABLES: tuple[Variable, ...] = (
    Variable("RAPPEL_DATABASE_URL", "database_url", _optional(_database_url), "none",
             "PostgreSQL connection URL of the runtime (required by start-workers and rappel-bridge)"),
    Variable("RAPPEL_WORKER_COUNT", "worker_count", _positive_int, "number of CPUs",
             "Python worker processes start-workers runs"),
    Variable("RAPPEL_CONCURRENT_PER_WORKER", "concurrent_per_worker", _positive_int, "10",
             "actions one worker runs at once (its slots)"),
    Variable("RAPPEL_USER_MODULE", "user_module", _optional(_module_name), "none",
             "module each worker imports to find its actions"),
    Variable("RAPPEL_POLL_INTERVAL_MS", "poll_interval_ms", _positive_int, "100",
             "dispatch loop poll interval, milliseconds"),
    Variable("RAPPEL_MAX_ACTION_LIFECYCLE", "max_action_lifecycle", _optional(_positive_int), "none (no limit)",
             "actions a worker runs before it is recycled"),
    Variable("RAPPEL_WEBAPP_ENABLED", "webapp_enabled", _boolean, "false", "serve the web dashboard"),
    Variable("RAPPEL_WEBAPP_ADDR", "webapp_addr", parse_address, "0.0.0.0:24119", "web dashboard bind address"),
    Variable("RAPPEL_HTTP_ADDR", "http_addr", parse_address, "127.0.0.1:24117", "HTTP bind address of rappel-bridge"),
    Variable("RAPPEL_GRPC_ADDR", "grpc_addr", parse_address, "HTTP host, HTTP port + 1",
             "gRPC bind address of rappel-bridge"),
    Variable("RAPPEL_BATCH_SIZE", "batch_size", _positive_int, "workers × concurrent per worker",
             "most actions fetched per poll"),
    Variable("RAPPEL_GC_INTERVAL_MS", "gc_interval_ms", _optional(_positive_int), "none (disabled)",
             "garbage collection interval, milliseconds"),
    Variable("RAPPEL_GC_RETENTION_SECONDS", "gc_retention_seconds", _non_negative_int, "86400",
             "age of a finished instance before garbage collection removes it"),
    Variable("RAPPEL_GC_BATCH_SIZE", "gc_batch_size", _positive_int, "100", "most instances removed per GC cycle"),
    Variable("RAPPEL_SERVER_URL", "server_url", _optional(_url), "none (boot-rappel-singleton)",
             "URL of the rappel-bridge the client talks to"),
    Variable("RAPPEL_WORKER_ADDR", "worker_addr", _optional(_address_text), "none (set by start-workers)",
             "address of the runtime's WorkerBridge a worker connects to"),
    Variable("RAPPEL_WORKER_ID", "worker_id", _optional(_text), "worker-<pid> (set by start-workers)",
             "the worker's id in its Hello"),
    Variable("RAPPEL_WORKER_HEARTBEAT_SECONDS", "worker_heartbeat_seconds", _positive_seconds, "5",
             "how often a worker reports the attempts it is running"),
    Variable("RAPPEL_IR_DIR", "ir_dir", _optional(_directory), "none (compile on first use)",
             "directory of prebuilt IR written by `rappel compile -o DIR`, registered at start by "
             "rappel-bridge and start-workers and used by the client instead of compiling"),
)

_FIXED_DEFAULTS = {
    "concurrent_per_worker": 10,
    "poll_interval_ms": 100,
    "webapp_enabled": False,
    "webapp_addr": Address("0.0.0.0", 24119),
    "http_addr": Address("127.0.0.1", 24117),
    "gc_retention_seconds": 86400,
    "gc_batch_size": 100,
    "worker_heartbeat_seconds": 5.0,
}

def load_settings(environ: Mapping[str, str] | None = None, env_file: Path | None = None) -> Settings:
    """The settings from `environ` (default `os.environ`), falling back to `env_file`
    (default `.env` in the working directory, when it exists)."""
    environ = os.environ if environ is None else environ
    env_file = Path.cwd() / ENV_FILE_NAME if env_file is None else env_file
    from_file = _read_env_file(env_file)

    values: dict[str, Any] = {}
    for variable in VARIABLES:
        if variable.name in environ:
            text, origin = environ[variable.name], "the environment"
        elif from_file.get(variable.name) is not None:
            text, origin = from_file[variable.name], str(env_file)
        else:
            continue
        try:
            values[variable.field] = variable.parse(text)
        except ValueError as exc:
            raise ConfigError(
                f"{variable.name}={hide_passwords(text)!r} (from {origin}) is not valid: expected {exc}; "
                f"the default is {variable.default}"
            ) from None

    settings: dict[str, Any] = {f.name: None for f in fields(Settings)}
    settings.update(_FIXED_DEFAULTS)
    settings.update(values)
    if settings["worker_count"] is None:
        settings["worker_count"] = os.cpu_count() or 1
    if settings["grpc_addr"] is None:
        http = settings["http_addr"]
        if http.port == 65535:
            raise ConfigError(
                f"RAPPEL_HTTP_ADDR={str(http)!r} leaves no port for the gRPC default (HTTP port + 1): "
                "set RAPPEL_GRPC_ADDR too"
            )
        settings["grpc_addr"] = Address(http.host, 0 if http.port == 0 else http.port + 1)
    if settings["batch_size"] is None:
        settings["batch_size"] = settings["worker_count"] * settings["concurrent_per_worker"]
    return Settings(**settings)


def is_set(name: str, environ: Mapping[str, str] | None = None, env_file: Path | None = None) -> bool:
    """Whether the variable `name` is given (environment or `.env`), rather than
    left to its default: the client connects to RAPPEL_GRPC_ADDR only when it is."""
    environ = os.environ if environ is None else environ
    if environ.get(name, "").strip():
        return True
    env_file = Path.cwd() / ENV_FILE_NAME if env_file is None else env_file
    return bool((_read_env_file(env_file).get(name) or "").strip())


def _read_env_file(path: Path) -> dict[str, str | None]:
    if not path.is_file():
        return {}
    from dotenv import dotenv_values

    try:
        return dict(dotenv_values(path, interpolate=False))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {hide_passwords(str(exc))}") from None


_URL_PASSWORD = re.compile(r"(://[^\s'\"]*?:)[^\s'\"]*(@[^\s'\"@]*)")
_QUERY_PASSWORD = re.compile(r"(password=)[^&\s'\"]*", re.IGNORECASE)


def hide_passwords(text: str) -> str:
    """`text` with the password of every URL in it (`scheme://user:PASSWORD@host`,
    `?password=PASSWORD`) replaced by `***`: what an error may show of a value that
    is, or holds, a database URL (the runtime's `config::hide_passwords`)."""
    return _QUERY_PASSWORD.sub(r"\1***", _URL_PASSWORD.sub(r"\1***\2", text))
