"""rappel._binaries.find: the environment's bin directory and PATH, then
$RAPPEL_BIN_DIR, then the source checkout's runtime-rs/target."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rappel import _binaries
from rappel._binaries import BinaryNotFound, find


def executable(path: Path) -> Path:
    path.write_text("#!/bin/sh\necho found\n")
    path.chmod(0o755)
    return path


def test_rappel_bin_dir_is_searched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tool = executable(tmp_path / "rappel-test-only-tool")
    monkeypatch.setenv("RAPPEL_BIN_DIR", str(tmp_path))
    assert find("rappel-test-only-tool") == tool


def test_a_file_that_is_not_executable_is_not_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "rappel-test-only-tool").write_text("not a program\n")
    monkeypatch.setenv("RAPPEL_BIN_DIR", str(tmp_path))
    with pytest.raises(BinaryNotFound) as info:
        find("rappel-test-only-tool")
    message = str(info.value)
    assert "cannot find the rappel executable `rappel-test-only-tool`" in message
    assert f"in $RAPPEL_BIN_DIR ({tmp_path})" in message
    assert "pip install ." in message
    assert "cargo build --release --bin rappel-test-only-tool" in message


def test_the_environments_bin_directory_comes_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    installed = Path(sys.executable).parent / "rrl"
    if not installed.exists():
        pytest.skip("rrl is not installed in this environment (pip install . installs it)")
    executable(tmp_path / "rrl")
    monkeypatch.setenv("RAPPEL_BIN_DIR", str(tmp_path))
    assert find("rrl") == installed


def test_a_source_checkouts_build_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runtime = _binaries.source_checkout()
    assert runtime is not None and (runtime / "Cargo.toml").is_file()
    monkeypatch.setattr(_binaries, "source_checkout", lambda: tmp_path)
    monkeypatch.delenv("RAPPEL_BIN_DIR", raising=False)
    built = tmp_path / "target" / "debug"
    built.mkdir(parents=True)
    tool = executable(built / "rappel-test-only-tool")
    assert find("rappel-test-only-tool") == tool
    # A release build is preferred to a debug one.
    (tmp_path / "target" / "release").mkdir()
    release = executable(tmp_path / "target" / "release" / "rappel-test-only-tool")
    assert find("rappel-test-only-tool") == release
    assert subprocess.run([find("rappel-test-only-tool")], capture_output=True, text=True).stdout == "found\n"


def test_every_runtime_binary_is_installed_with_the_package() -> None:
    """`pip install -e .` (make venv) builds each binary whose source is in this
    checkout into the environment's bin directory."""
    runtime = _binaries.source_checkout()
    assert runtime is not None
    sources = {"rrl": runtime / "rrl" / "src" / "bin" / "rrl.rs"}
    for name in _binaries.RUNTIME_BINARIES:
        sources.setdefault(name, runtime / "server" / "src" / "bin" / f"{name}.rs")
    present = [name for name, source in sources.items() if source.is_file()]
    assert {"rrl", "rappel-bridge", "boot-rappel-singleton"} <= set(present)
    bin_dir = Path(sys.executable).parent
    missing = [name for name in present if not os.access(bin_dir / name, os.X_OK)]
    assert not missing, f"not in {bin_dir}: {missing}"
