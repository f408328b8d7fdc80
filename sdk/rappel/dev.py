"""The runtime on this machine, for development, demos and tests: `rappel-bridge`
and `start-workers` as child processes for one user module.

    with LocalRuntime(user_module="app.workflows") as rt:
        with use_backend(rt.backend):
            result = await MyWorkflow().run(...)

`rappel dev MODULE` runs one until Ctrl-C (docs/operations.md, "rappel dev").
Without a database URL it uses RAPPEL_DATABASE_URL, else this project's embedded
PostgreSQL (rappel.devdb). Each process's stderr goes to a log file (`rt.log_dir`)
unless `logs="inherit"`; when one exits or is not ready in time, the error shows
the end of its log.
"""

from __future__ import annotations

import atexit
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Literal

from . import _binaries
from ._client import use_backend
from ._errors import RappelError

__all__ = ["LocalRuntime", "RuntimeStartError", "use_backend"]

READY_SECONDS = 60.0
STOP_SECONDS = 20.0
_BRIDGE_READY = re.compile(r"^rappel-bridge ready http=(?P<http>\S+) grpc=(?P<grpc>\S+)\s*$")
_WORKERS_READY = re.compile(r"^start-workers ready worker_addr=(?P<addr>\S+) workers=(?P<workers>\d+)\s*$")


class RuntimeStartError(RappelError):
    """A runtime process exited, or did not say it was ready in time."""


class _Child:
    """One runtime process: its own process group, stdout read for the ready line,
    stderr in a log file (or the terminal's)."""

    def __init__(self, name: str, process: subprocess.Popen[str], log: Path | None) -> None:
        self.name = name
        self.process = process
        self.log = log
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, name=f"{name}-stdout", daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_ready(self, pattern: re.Pattern[str], timeout: float) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        seen: list[str] = []
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RuntimeStartError(self._problem(f"did not say it was ready within {timeout:g} s", seen))
            try:
                line = self.lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                status = self.process.wait()
                raise RuntimeStartError(self._problem(f"exited with status {status} before it was ready", seen))
            match = pattern.match(line)
            if match:
                return match
            seen.append(line)

    def _problem(self, what: str, stdout: list[str]) -> str:
        message = f"{self.name} (pid {self.process.pid}) {what}"
        if stdout:
            message += "\nits stdout:\n" + "\n".join(stdout[-20:])
        if self.log is not None:
            tail = _tail(self.log)
            message += f"\nthe end of its stderr ({self.log}):\n{tail}" if tail else f"\nits stderr ({self.log}) is empty"
        return message

    def signal_group(self, signum: int) -> None:
        try:
            os.killpg(self.process.pid, signum)
        except (ProcessLookupError, PermissionError):
            pass

    def stop(self, timeout: float) -> None:
        """SIGTERM (a graceful stop), then SIGKILL of the whole group if it lingers;
        the group is killed in the end either way, so that no child outlives it."""
        if self.process.poll() is None:
            try:
                self.process.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        self.kill()

    def kill(self) -> None:
        self.signal_group(signal.SIGKILL)
        self.process.wait()


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.rstrip().splitlines()[-lines:])


class LocalRuntime:
    """rappel-bridge and start-workers for `user_module`, as child processes.

    `database_url`: None uses RAPPEL_DATABASE_URL, else the embedded PostgreSQL.
    `http_addr` / `grpc_addr`: the bridge's bind addresses (default: free ports on
    127.0.0.1); a bridge started again binds the ports it had. `env`: extra
    variables for both processes. `cwd`: their working directory (where workers
    import the module from). `logs`: "files" (in `log_dir`) or "inherit".
    """

    def __init__(
        self,
        user_module: str,
        database_url: str | None = None,
        worker_count: int = 2,
        concurrent_per_worker: int = 10,
        env: dict[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        *,
        http_addr: str = "127.0.0.1:0",
        grpc_addr: str = "127.0.0.1:0",
        ready_timeout: float = READY_SECONDS,
        logs: Literal["files", "inherit"] = "files",
    ) -> None:
        self.user_module = user_module
        self.database_url = database_url
        self.worker_count = worker_count
        self.concurrent_per_worker = concurrent_per_worker
        self.env = dict(env or {})
        self.cwd = Path(cwd) if cwd is not None else Path.cwd()
        self.ready_timeout = ready_timeout
        self.logs = logs
        self.log_dir: Path | None = None
        self.http_addr = http_addr
        self.grpc_addr = grpc_addr
        self.http_url: str | None = None
        self.worker_addr: str | None = None
        self._bridge: _Child | None = None
        self._workers: _Child | None = None
        self._backend: Any = None
        self._starts = 0
        self._own_log_dir = False

    # -------------------------------------------------------------- lifecycle

    def start(self) -> LocalRuntime:
        try:
            if self.database_url is None:
                from . import devdb

                self.database_url = devdb.database_url()
            if self.logs == "files" and self.log_dir is None:
                self.log_dir = Path(tempfile.mkdtemp(prefix="rappel-dev-"))
                self._own_log_dir = True
            atexit.register(self._kill_all)
            self.start_bridge()
            self.start_workers()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop the workers, then the bridge: gracefully, then by force."""
        for child in (self._workers, self._bridge):
            if child is not None:
                child.stop(STOP_SECONDS)
        self._workers = self._bridge = None
        atexit.unregister(self._kill_all)

    def __enter__(self) -> LocalRuntime:
        return self.start()

    def __exit__(self, exc_type: object, *exc_info: object) -> None:
        self.stop()
        # The logs it made for itself go with a clean exit; after an error they stay to read.
        if exc_type is None and self._own_log_dir and self.log_dir is not None:
            shutil.rmtree(self.log_dir, ignore_errors=True)
            self.log_dir = None
            self._own_log_dir = False

    def _kill_all(self) -> None:
        for child in (self._workers, self._bridge):
            if child is not None:
                child.kill()

    # -------------------------------------------------------------- the bridge

    def start_bridge(self) -> None:
        if self._bridge is not None and self._bridge.process.poll() is None:
            raise RappelError("rappel-bridge is already running")
        child = self._spawn("rappel-bridge", {"RAPPEL_HTTP_ADDR": self.http_addr, "RAPPEL_GRPC_ADDR": self.grpc_addr})
        self._bridge = child
        ready = child.wait_ready(_BRIDGE_READY, self.ready_timeout)
        # Started again, the bridge binds the same ports: clients keep their address.
        self.http_addr, self.grpc_addr = ready["http"], ready["grpc"]
        self.http_url = f"http://{self.http_addr}"

    def kill_bridge(self) -> None:
        """SIGKILL the bridge and wait for it."""
        if self._bridge is not None:
            self._bridge.kill()

    # -------------------------------------------------------------- the workers

    def start_workers(self) -> None:
        if self._workers is not None and self._workers.process.poll() is None:
            raise RappelError("start-workers is already running")
        child = self._spawn(
            "start-workers",
            {
                "RAPPEL_USER_MODULE": self.user_module,
                "RAPPEL_WORKER_COUNT": str(self.worker_count),
                "RAPPEL_CONCURRENT_PER_WORKER": str(self.concurrent_per_worker),
            },
        )
        self._workers = child
        ready = child.wait_ready(_WORKERS_READY, self.ready_timeout)
        self.worker_addr = ready["addr"]

    def kill_workers(self) -> None:
        """SIGKILL the whole start-workers process group (it and its Python workers)
        and wait for it."""
        if self._workers is not None:
            self._workers.kill()

    # -------------------------------------------------------------- for callers

    @property
    def backend(self) -> Any:
        """A durable backend talking to this bridge (`use_backend(rt.backend)`)."""
        if self._backend is None:
            if self.http_url is None:
                raise RappelError("the LocalRuntime is not started: call start() or use it in a `with`")
            from ._durable import DurableBackend

            self._backend = DurableBackend(self.grpc_addr, origin="the LocalRuntime's bridge")
        return self._backend

    @property
    def processes(self) -> dict[str, subprocess.Popen[str]]:
        """The running processes by name (to watch them)."""
        return {c.name: c.process for c in (self._bridge, self._workers) if c is not None}

    def _spawn(self, name: str, extra: dict[str, str]) -> _Child:
        executable = _binaries.find(name)
        env = dict(os.environ)
        # Workers run with this interpreter, so they import what this process can.
        env.setdefault("RAPPEL_PYTHON", sys.executable)
        env.update(self.env)
        env["RAPPEL_DATABASE_URL"] = str(self.database_url)
        env.update(extra)
        self._starts += 1
        log: Path | None = None
        stderr: Any = None
        if self.log_dir is not None:
            log = self.log_dir / f"{name}.{self._starts}.log"
            stderr = open(log, "w", encoding="utf-8")  # noqa: SIM115 - the child keeps it
        try:
            process = subprocess.Popen(
                [str(executable)], env=env, cwd=self.cwd, stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=stderr, text=True, start_new_session=True,
            )
        finally:
            if stderr is not None:
                stderr.close()
        return _Child(name, process, log)


# ------------------------------------------------------------------ rappel dev


def run_dev(user_module: str, worker_count: int | None, concurrent_per_worker: int | None) -> int:
    """`rappel dev MODULE`: the runtime on the configured ports until Ctrl-C, so
    that clients of this machine find it (boot-rappel-singleton probes its HTTP port)."""
    from .config import load_settings

    settings = load_settings()
    runtime = LocalRuntime(
        user_module,
        worker_count=worker_count or settings.worker_count,
        concurrent_per_worker=concurrent_per_worker or settings.concurrent_per_worker,
        http_addr=str(settings.http_addr),
        grpc_addr=str(settings.grpc_addr),
        logs="inherit",
    )
    stopping = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    try:
        runtime.start()
        print(
            f"rappel dev: {user_module} on rappel-bridge {runtime.http_url} (gRPC {runtime.grpc_addr}), "
            f"{runtime.worker_count} workers; Ctrl-C stops",
            flush=True,
        )
        while not stopping.wait(0.5):
            for name, process in runtime.processes.items():
                if process.poll() is not None:
                    print(f"rappel dev: {name} exited with status {process.returncode}; stopping", file=sys.stderr)
                    return 1
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        runtime.stop()
    print("rappel dev: stopped", flush=True)
    return 0
