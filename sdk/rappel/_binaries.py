"""Finding the runtime's executables (start-workers, rappel-bridge,
boot-rappel-singleton, rrl).

`pip install .` puts them in the environment's bin directory; a source checkout
that only ran `cargo build` has them in runtime-rs/target. `find(name)` looks, in
order, in the bin directory of the running interpreter and on PATH, in
`$RAPPEL_BIN_DIR`, then in the checkout's runtime-rs/target/{release,debug}.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from ._errors import RappelError

__all__ = ["BinaryNotFound", "find", "RUNTIME_BINARIES"]

RUNTIME_BINARIES = ("start-workers", "rappel-bridge", "boot-rappel-singleton", "rrl")
BIN_DIR_ENV = "RAPPEL_BIN_DIR"
_EXE = ".exe" if os.name == "nt" else ""


class BinaryNotFound(RappelError):
    """A runtime executable is not installed where rappel looks for it."""


def _executable(path: Path) -> Path | None:
    candidate = path.with_name(path.name + _EXE) if _EXE and not path.name.endswith(_EXE) else path
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return candidate
    return None


def source_checkout() -> Path | None:
    """The runtime-rs directory of the source tree this package runs from, if any
    (an editable install, or the sdk/ directory on sys.path)."""
    root = Path(__file__).resolve().parents[2]
    runtime = root / "runtime-rs"
    return runtime if (runtime / "Cargo.toml").is_file() else None


def candidates(name: str) -> list[Path]:
    """Where `find(name)` looks, in order (for messages and tests)."""
    places = [Path(sys.executable).parent / name]
    on_path = shutil.which(name)
    if on_path:
        places.append(Path(on_path))
    bin_dir = os.environ.get(BIN_DIR_ENV)
    if bin_dir:
        places.append(Path(bin_dir) / name)
    runtime = source_checkout()
    if runtime is not None:
        places += [runtime / "target" / profile / name for profile in ("release", "debug")]
    return places


def find(name: str) -> Path:
    """The path of the runtime executable `name`; `BinaryNotFound` says how to
    build or point at it when it is nowhere."""
    for place in candidates(name):
        found = _executable(place)
        if found is not None:
            return found
    runtime = source_checkout()
    build = (
        f"build it with `cargo build --release --bin {name}` in {runtime}, or "
        if runtime is not None
        else ""
    )
    raise BinaryNotFound(
        f"cannot find the rappel executable `{name}`: it is not in {Path(sys.executable).parent}, "
        f"on PATH, in ${BIN_DIR_ENV}"
        + (f" ({os.environ[BIN_DIR_ENV]})" if os.environ.get(BIN_DIR_ENV) else " (unset)")
        + (f" or in {runtime / 'target'}" if runtime is not None else "")
        + f". Install rappel with `pip install .` (it builds the runtime's executables), "
        f"{build}set {BIN_DIR_ENV} to the directory that holds it."
    )
