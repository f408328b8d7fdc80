"""What `rappel check` found in a file, kept between runs.

Checking a module means importing it and compiling its workflows: most of a
run's time, and the same result while neither the module nor anything it
imported changed. An entry is keyed by the file's bytes, its path as given and
as resolved, the working directory and the toolchain (Python, the installed
packages, the toolchain's own files), and records the SHA-256 of every file of
the modules the check imported; it is used only while each of those files is
unchanged. A file whose import failed is not recorded (the failure may come
from the environment), so it is checked again next time.

Where it lives: `$RAPPEL_CACHE_DIR/check` when that variable is set (`off` or
empty turns the cache off), else `$XDG_CACHE_HOME/rappel/check`, else
`~/.cache/rappel/check` (`%LOCALAPPDATA%\\rappel\\check` on Windows). Processes
may share it: an entry is written to a temporary file and renamed into place,
so a reader sees a whole entry or none; an entry that cannot be read or
written is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import sysconfig
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import Any

# Bumped when an entry's layout or meaning changes.
FORMAT = 1
CACHE_ENV = "RAPPEL_CACHE_DIR"
# The packages whose code decides what a check reports.
TOOLCHAIN_PACKAGES = ("rappel", "rappel_compiler", "rrl", "rrl_grammar")


def cache_root() -> Path | None:
    """The directory of the check cache; None when it is turned off."""
    configured = os.environ.get(CACHE_ENV)
    if configured is not None:
        return None if configured.strip() in ("", "off") else Path(configured) / "check"
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "rappel" / "check"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rappel" / "check"


@dataclass
class Verdict:
    """What a check of one file reported: its diagnostics and its workflows' names."""

    diagnostics: list[Any]
    workflows: list[str]


@dataclass
class CheckCache:
    root: Path
    _hashes: dict[str, str | None] = field(default_factory=dict)
    _toolchain: str | None = None
    _baseline: set[str] | None = None

    # ------------------------------------------------------------ lookups

    def get(self, path: Path, display: str, data: bytes) -> Verdict | None:
        entry = self._read(self._key(path, display, data))
        if entry is None or entry.get("format") != FORMAT:
            return None
        try:
            if any(self.file_hash(dep) != digest for dep, digest in entry["deps"].items()):
                return None
            return Verdict([_diagnostic(d) for d in entry["diagnostics"]], list(entry["workflows"]))
        except (KeyError, TypeError, ValueError):  # an entry of another layout
            return None

    def before_check(self) -> None:
        """Call before checking a file that missed: the modules imported from
        now on are what the check read. The toolchain is imported first, so
        that its own modules are not taken for the file's."""
        if self._baseline is None:
            import rappel_compiler  # noqa: F401
            import rrl.check  # noqa: F401

            self._baseline = set(sys.modules)

    def put(self, path: Path, display: str, data: bytes, verdict: Verdict) -> None:
        """Record a check of `path` (read as `data`), made after `before_check`."""
        digest = hashlib.sha256(data).hexdigest()
        try:
            if hashlib.sha256(path.read_bytes()).hexdigest() != digest:  # changed while it was checked
                return
        except OSError:
            return
        deps = {str(path.resolve()): digest}
        environment = _environment_dirs()
        for name, module in list(sys.modules.items()):
            file = getattr(module, "__file__", None)
            if name in (self._baseline or ()) or not isinstance(file, str) or file.startswith(environment):
                continue  # the standard library and installed packages are in the toolchain's fingerprint
            file_digest = self.file_hash(file)
            if file_digest is None:  # a module without a readable file: nothing to compare with later
                return
            deps[file] = file_digest
        entry = {
            "format": FORMAT,
            "deps": deps,
            "diagnostics": [_encoded(d) for d in verdict.diagnostics],
            "workflows": verdict.workflows,
        }
        self._write(self._key(path, display, data), entry)

    # ------------------------------------------------------------ keys

    def file_hash(self, file: str) -> str | None:
        if file not in self._hashes:
            try:
                self._hashes[file] = hashlib.sha256(Path(file).read_bytes()).hexdigest()
            except OSError:
                self._hashes[file] = None
        return self._hashes[file]

    def _key(self, path: Path, display: str, data: bytes) -> str:
        key = hashlib.sha256()
        for part in (self.toolchain(), display, str(path.resolve()), os.getcwd()):
            key.update(part.encode("utf-8", "surrogatepass") + b"\0")
        key.update(data)
        return key.hexdigest()

    def toolchain(self) -> str:
        """A fingerprint of what decides a check besides the files: Python, the
        installed packages (a site-packages directory changes when a package is
        installed or removed) and the toolchain's files (by size and time)."""
        if self._toolchain is None:
            fingerprint = hashlib.sha256(f"{FORMAT}\0{sys.version}\0{sys.executable}\0".encode())
            for directory in _environment_dirs():
                fingerprint.update(_stat(Path(directory)))
            for package in TOOLCHAIN_PACKAGES:
                for directory in _package_dirs(package):
                    for file in sorted(directory.rglob("*")):
                        if file.suffix in (".py", ".lark") and "__pycache__" not in file.parts:
                            fingerprint.update(_stat(file))
            self._toolchain = fingerprint.hexdigest()
        return self._toolchain

    # ------------------------------------------------------------ storage

    def _entry_path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def _read(self, key: str) -> dict | None:
        try:
            entry = json.loads(self._entry_path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return entry if isinstance(entry, dict) else None

    def _write(self, key: str, entry: dict) -> None:
        import tempfile  # only a check that missed writes (importing it costs a hit ~15 ms)

        target = self._entry_path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        except OSError:
            return
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as out:
                json.dump(entry, out)
            os.replace(temporary, target)
        except OSError:
            try:
                os.unlink(temporary)
            except OSError:
                pass


def open_cache() -> CheckCache | None:
    root = cache_root()
    return None if root is None else CheckCache(root)


def _package_dirs(package: str) -> list[Path]:
    try:
        spec = find_spec(package)
    except (ImportError, ValueError):
        return []
    if spec is None:
        return []
    if package == "rrl" and spec.origin:  # the grammar sits beside the package in a source tree
        grammar = Path(spec.origin).resolve().parents[2] / "grammar"
        extra = [grammar] if grammar.is_dir() else []
    else:
        extra = []
    return [Path(p) for p in (spec.submodule_search_locations or [])] + extra


def _environment_dirs() -> tuple[str, ...]:
    """The directories of the standard library and of installed packages."""
    paths = sysconfig.get_paths()
    dirs = {paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib") if key in paths}
    dirs.update(entry for entry in sys.path if entry.endswith(("site-packages", "dist-packages")))
    return tuple(os.path.join(d, "") for d in sorted(dirs))


def _stat(path: Path) -> bytes:
    try:
        stat = path.stat()
    except OSError:
        return f"{path}\0-\0".encode("utf-8", "surrogatepass")
    return f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode("utf-8", "surrogatepass")


def _encoded(diagnostic: Any) -> dict:
    span = diagnostic.span
    return {
        "code": diagnostic.code,
        "message": diagnostic.message,
        "span": None if span is None else [span.line, span.column, span.end_line, span.end_column],
        "help": diagnostic.help,
        "path": diagnostic.path,
        "severity": diagnostic.severity,
    }


def _diagnostic(encoded: dict) -> Any:
    from rrl.ast import Span
    from rrl.diagnostics import Diagnostic

    span = encoded["span"]
    return Diagnostic(
        encoded["code"], encoded["message"], None if span is None else Span(*span), encoded["help"], encoded["path"], encoded["severity"]
    )
