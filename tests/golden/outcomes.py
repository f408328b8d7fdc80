"""A canonical JSON text for a workflow's outcome, so that results and
exceptions compare exactly and read well in review."""

from __future__ import annotations

import dataclasses
import json


def _qualified(cls: type) -> str:
    return cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


def encode(value):
    """Plain JSON where JSON is exact; tagged objects for everything else."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else {"$float": repr(value)}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, tuple):
        return {"$tuple": [encode(v) for v in value]}
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: encode(v) for k, v in value.items()}
        return {"$dict": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, BaseException):
        encoded = {"$exception": _qualified(type(value)), "message": str(value), "args": encode(list(value.args))}
        if value.__cause__ is not None:
            encoded["cause"] = encode(value.__cause__)
        return encoded
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"$dataclass": _qualified(type(value)), "fields": fields}
    model_fields = getattr(type(value), "model_fields", None)
    if model_fields is not None:
        return {"$model": _qualified(type(value)), "fields": {name: encode(getattr(value, name)) for name in model_fields}}
    raise TypeError(f"cannot encode a {type(value).__name__} outcome")


def encode_outcome(outcome: dict) -> str:
    if "error" in outcome:
        data = {"error": encode(outcome["error"])}
    else:
        data = {"result": encode(outcome["result"])}
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
