"""The generated gRPC code in sdk/rappel/_proto/ matches proto/ (`make proto`)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "sdk" / "rappel" / "_proto"


def _load_generator():
    spec = importlib.util.spec_from_file_location("gen_proto", ROOT / "scripts" / "gen_proto.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_generated_code_is_fresh(tmp_path: Path) -> None:
    pytest.importorskip("grpc_tools", reason="grpcio-tools is a dev dependency (make venv)")
    _load_generator().generate(tmp_path)
    fresh = {p.name: p.read_text() for p in tmp_path.iterdir() if p.is_file()}
    committed = {p.name: p.read_text() for p in COMMITTED.iterdir() if p.is_file()}
    stale = sorted(name for name in fresh.keys() | committed.keys() if fresh.get(name) != committed.get(name))
    assert not stale, f"sdk/rappel/_proto/ is stale ({', '.join(stale)}): run `make proto` and commit the result"


def test_generated_modules_import_as_rappel_proto() -> None:
    from rappel._proto import bridge_pb2_grpc, worker_pb2, worker_pb2_grpc

    message = worker_pb2.WorkerMessage(hello=worker_pb2.Hello(worker_id="w1", slots=3, actions=["m:f"]))
    assert worker_pb2.WorkerMessage.FromString(message.SerializeToString()) == message
    assert hasattr(worker_pb2_grpc, "WorkerBridgeStub")
    assert hasattr(bridge_pb2_grpc, "WorkflowsStub")
