"""rappel.dev.LocalRuntime and `rappel dev`: a runtime process that exits, or never
says it is ready, is an error showing the end of its stderr, and nothing is left
running; a module served until Ctrl-C; each process killed and started again.
(The crash drills are tests/runtime's.)"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from rappel._client import use_backend
from rappel._durable import DurableBackend
from rappel.dev import LocalRuntime, RuntimeStartError

from postgres_databases import fresh_database


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gone(message: str) -> bool:
    """Whether the process group of the pid the message names has no process left."""
    pid = int(re.search(r"\(pid (\d+)\)", message)[1])
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_bridge_that_exits_at_start_shows_why(tmp_path) -> None:
    runtime = LocalRuntime(
        "no_module_needed", database_url="postgresql://postgres@127.0.0.1:5432/test",
        env={"RAPPEL_POLL_INTERVAL_MS": "often"}, cwd=tmp_path,
    )
    with pytest.raises(RuntimeStartError) as info:
        runtime.start()
    message = str(info.value)
    assert re.match(r"rappel-bridge \(pid \d+\) exited with status 1 before it was ready", message), message
    assert "the end of its stderr" in message
    assert "RAPPEL_POLL_INTERVAL_MS" in message
    assert runtime.processes == {}
    assert gone(message)


def test_a_bridge_that_is_never_ready_times_out_and_is_stopped(tmp_path) -> None:
    unreachable = f"postgresql://postgres@127.0.0.1:{closed_port()}/nothing"
    runtime = LocalRuntime("no_module_needed", database_url=unreachable, cwd=tmp_path, ready_timeout=2)
    with pytest.raises(RuntimeStartError) as info:
        runtime.start()
    message = str(info.value)
    assert re.match(r"rappel-bridge \(pid \d+\) did not say it was ready within 2 s", message), message
    assert "its stderr (" in message  # its log file, with whatever it said so far
    assert gone(message)


def test_the_backend_needs_a_started_runtime() -> None:
    with pytest.raises(Exception, match="the LocalRuntime is not started"):
        LocalRuntime("app").backend


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["dev", "my-app"], "'my-app' is not a module name"),
        (["dev", "app", "--workers", "0"], "--workers must be at least 1, got 0"),
        (["dev", "app", "--concurrent", "-2"], "--concurrent must be at least 1, got -2"),
    ],
)
def test_rappel_dev_usage_errors(argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    from rappel import cli

    assert cli.main(argv) == 2
    assert expected in capsys.readouterr().err


# ------------------------------------------------------------------ with a database


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    """A database of this module's own (tests/postgres_databases.py)."""
    with fresh_database() as url:
        yield url


APP = textwrap.dedent(
    '''
    from rappel import Workflow, action, workflow


    @action
    async def dev_shout(word: str) -> str:
        return word.upper() + "!"


    @workflow
    class DevShout(Workflow):
        async def run(self, words: list[str]) -> list[str]:
            shouted = []
            for word in words:
                shouted.append(await dev_shout(word=word))
            return shouted
    '''
)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    directory = tmp_path_factory.mktemp("dev_app")
    (directory / "dev_app.py").write_text(APP)
    sys.path.insert(0, str(directory))
    try:
        yield directory, importlib.import_module("dev_app")
    finally:
        sys.path.remove(str(directory))


def test_rappel_dev_serves_a_module_until_ctrl_c(app, database_url: str) -> None:
    directory, module = app
    http, grpc_port = closed_port(), closed_port()
    env = {
        **os.environ, "RAPPEL_DATABASE_URL": database_url, "RAPPEL_HTTP_ADDR": f"127.0.0.1:{http}",
        "RAPPEL_GRPC_ADDR": f"127.0.0.1:{grpc_port}",
    }
    rappel = Path(sys.executable).parent / "rappel"
    process = subprocess.Popen(
        [str(rappel), "dev", "dev_app", "--workers", "1"], cwd=directory, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        first = process.stdout.readline()
        assert first.startswith(f"rappel dev: dev_app on rappel-bridge http://127.0.0.1:{http} (gRPC 127.0.0.1:{grpc_port}), 1 workers"), first
        with urllib.request.urlopen(f"http://127.0.0.1:{http}/healthz", timeout=10) as response:
            assert json.loads(response.read())["grpc_port"] == grpc_port
        with use_backend(DurableBackend(f"127.0.0.1:{grpc_port}")):
            assert asyncio.run(module.DevShout().run(["hi", "yo"])) == ["HI!", "YO!"]
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
        assert process.stdout.read().splitlines()[-1] == "rappel dev: stopped"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    for port in (http, grpc_port):  # nothing listens on them any more
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past TIME_WAIT
            sock.bind(("127.0.0.1", port))
            sock.listen()


def test_local_runtime_restarts_each_process(app, database_url: str) -> None:
    directory, module = app
    with LocalRuntime("dev_app", database_url=database_url, worker_count=1, cwd=directory) as rt:
        grpc_addr, http_url = rt.grpc_addr, rt.http_url
        with use_backend(rt.backend):
            assert asyncio.run(module.DevShout().run(["a"])) == ["A!"]
            rt.kill_workers()
            rt.start_workers()
            rt.kill_bridge()
            rt.start_bridge()
            assert (rt.grpc_addr, rt.http_url) == (grpc_addr, http_url)
            assert asyncio.run(module.DevShout().run(["b"])) == ["B!"]
        processes = list(rt.processes.values())
        log_dir = rt.log_dir
        assert log_dir is not None and log_dir.is_dir()
    assert all(p.poll() is not None for p in processes)
    assert not log_dir.exists(), "a clean exit removes the logs the runtime made for itself"
