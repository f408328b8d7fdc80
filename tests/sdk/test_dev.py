"""rappel.dev.LocalRuntime's failures: a runtime process that exits, or never says
it is ready, is an error showing the end of its stderr, and nothing is left running.
(The runtime at work, killed and restarted, is tests/runtime's.)"""

from __future__ import annotations

import os
import re
import socket

import pytest

from rappel.dev import LocalRuntime, RuntimeStartError


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
