"""Syrupy extensions that keep each golden output as a plain file beside
its case in golden/, so reviewers read a golden diff as the real change and
the Rust runtime reads the very same files.

`make golden` (pytest --snapshot-update) regenerates them.
"""

from __future__ import annotations

import functools
from pathlib import Path

from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

# Every kind of golden output, by file suffix. A file belongs to the longest
# suffix it ends with, so `x.opt.rrl` is never mistaken for an `.rrl` file.
SUFFIXES = (".rrl", ".opt.rrl", ".dag.json", ".diagnostics.txt", "expected.json", "transcript.json")


def _owner(name: str) -> str | None:
    matches = [s for s in SUFFIXES if name.endswith(s)]
    return max(matches, key=len) if matches else None


@functools.cache
def golden_file(path: Path) -> type[SingleFileSnapshotExtension]:
    """An extension whose only snapshot is the file at `path`."""
    suffix = _owner(path.name)
    if suffix is None:
        raise ValueError(f"{path.name} has no golden suffix")
    # syrupy names a file `<snapshot name>.<file_extension>`
    extension = suffix[1:] if suffix.startswith(".") else suffix.split(".", 1)[1]
    stem = path.name[: -len(extension) - 1]

    class GoldenFile(SingleFileSnapshotExtension):
        _write_mode = WriteMode.TEXT
        file_extension = extension

        @classmethod
        def dirname(cls, *, test_location) -> str:
            return str(path.parent)

        @classmethod
        def discovery_dirname(cls, *, test_location) -> str:
            return str(path.parent)

        @classmethod
        def get_snapshot_name(cls, *, test_location, index=0) -> str:
            return stem

        def is_snapshot_location(self, *, location: str) -> bool:
            return _owner(Path(location).name) == suffix

    GoldenFile.__name__ = f"Golden[{path.name}]"
    return GoldenFile
