"""Writing a workflow DAG's Graphviz rendering to .dot, .svg or .png."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from ._errors import RappelError

FORMATS = ("dot", "svg", "png")


def graph_format(path: Path, format: str | None = None) -> str:
    """The output format: `format` if given, else the file extension."""
    chosen = (format or path.suffix.lstrip(".")).lower()
    if chosen == "gv":
        chosen = "dot"
    if chosen not in FORMATS:
        raise RappelError(
            f"cannot write {path}: unknown graph format {chosen or '(no extension)'!r}; "
            f"use one of {', '.join('.' + f for f in FORMATS)}"
        )
    return chosen


def write_graph(graph: Any, path: Path, format: str | None = None) -> None:
    """Write `graph` (a graphviz.Digraph); DOT needs nothing, SVG/PNG need `dot`."""
    chosen = graph_format(path, format)
    path.parent.mkdir(parents=True, exist_ok=True)
    if chosen == "dot":
        path.write_text(graph.source, encoding="utf-8")
        return
    if shutil.which("dot") is None:
        raise RappelError(
            f"cannot render {path}: {chosen.upper()} output needs the Graphviz `dot` "
            "program, which is not on PATH. Install it with `apt-get install graphviz` "
            "or `brew install graphviz`, or write a .dot file instead."
        )
    path.write_bytes(graph.pipe(format=chosen))
