"""expected.json: a run case's outcome in the value codec's encoding (and
the layout of every golden JSON file written for review: transcript.json too).

The file is `{"result": <value>}` or `{"error": <exception>}`, the value (or
exception) written as `rrl.codec.encode` writes it (docs/language.md, "Values
and the codec"): what the runtime stores and the Rust side produces too. It
compares as JSON data (every number in it is an exact integer, object members
have no order); the layout below only makes diffs readable.
"""

from __future__ import annotations

import json

from rrl import codec

WIDTH = 100


def encode_outcome(outcome: dict) -> str:
    key = "error" if "error" in outcome else "result"
    return laid_out({key: codec.encode(outcome[key])})


def laid_out(data) -> str:
    """JSON data as a golden file holds it: members sorted, what fits on a line on it."""
    return _layout(data, 0, 0) + "\n"


def _layout(data, indent: int, column: int) -> str:
    """JSON with sorted members, starting at `column` of a line indented by `indent`;
    an array or object that fits on its line stays on it."""
    flat = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))
    if column + len(flat) <= WIDTH or not isinstance(data, (list, dict)) or not data:
        return flat
    inner = indent + 2
    if isinstance(data, list):
        lines = [" " * inner + _layout(item, inner, inner) for item in data]
        return "[\n" + ",\n".join(lines) + "\n" + " " * indent + "]"
    lines = []
    for name in sorted(data):
        key = json.dumps(name, ensure_ascii=False) + ": "
        lines.append(" " * inner + key + _layout(data[name], inner, inner + len(key)))
    return "{\n" + ",\n".join(lines) + "\n" + " " * indent + "}"
