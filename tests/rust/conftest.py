"""Fixtures for testing the Rust core (runtime-rs/) against the Python reference."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

RUNTIME = Path(__file__).resolve().parents[2] / "runtime-rs"


def cargo_binary(name: str) -> Path:
    """Build one binary of the rrl crate (debug) and return its path."""
    if shutil.which("cargo") is None:
        pytest.skip("cargo is not installed: the Rust core cannot be built")
    subprocess.run(["cargo", "build", "--quiet", "--bin", name], cwd=RUNTIME, check=True)
    return RUNTIME / "target" / "debug" / name


class LinesProcess:
    """`rrl value` or `rrl eval`: one JSON request per line in, one JSON answer per line out."""

    def __init__(self, binary: Path, command: str):
        self.command = command
        self.process = subprocess.Popen(
            [str(binary), command], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1
        )

    def ask(self, request: dict) -> dict:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"rrl {self.command} ended (exit {self.process.wait()}) on {request}")
        return json.loads(line)

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def rrl_value():
    process = LinesProcess(cargo_binary("rrl"), "value")
    yield process
    process.close()


@pytest.fixture(scope="session")
def rrl_eval():
    process = LinesProcess(cargo_binary("rrl"), "eval")
    yield process
    process.close()
