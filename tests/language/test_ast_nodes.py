"""The RRL node classes share `Node`'s equality, hash and repr instead of those
dataclass would generate for each class: they must behave as those would."""

import dataclasses
import inspect
from pathlib import Path

import pytest

from rrl import ast as A
from rrl.parser import parse
from rrl.walk import walk

GOLDEN = Path(__file__).resolve().parents[2] / "golden"
NODE_CLASSES = [cls for _, cls in inspect.getmembers(A, inspect.isclass) if issubclass(cls, A.Node) and cls is not A.Node]


def _compared(node: A.Node) -> tuple:
    return tuple(getattr(node, f.name) for f in dataclasses.fields(node) if f.compare)


def _generated_repr(node: A.Node) -> str:
    shown = ", ".join(f"{f.name}={getattr(node, f.name)!r}" for f in dataclasses.fields(node) if f.repr)
    return f"{type(node).__qualname__}({shown})"


def test_every_node_class_is_a_frozen_dataclass():
    assert len(NODE_CLASSES) > 50
    for cls in NODE_CLASSES:
        assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen, cls


def test_nodes_compare_hash_and_print_as_generated_dataclass_methods_would():
    seen: set[type] = set()
    for path in sorted(GOLDEN.glob("compile/*.rrl"))[:40]:
        for node in walk(parse(path.read_text())):
            if not isinstance(node, A.Node):
                continue
            seen.add(type(node))
            moved = dataclasses.replace(node, span=A.Span(999, 1, 999, 2))
            assert moved == node and not (moved != node)
            assert hash(moved) == hash(node)
            assert repr(node) == _generated_repr(node)
            if not isinstance(node, A.Constant):  # its own equality tells 1 from True
                assert hash(node) == hash(_compared(node))
    assert len(seen) > 30


def test_nodes_of_different_classes_or_fields_differ():
    assert A.Name("x") != A.Constant("x")
    assert A.Name("x") != A.Name("y")
    assert A.NoneType() == A.NoneType(span=A.Span(1, 1, 1, 5))
    assert A.Attribute(A.Name("x"), "f") != A.Attribute(A.Name("x"), "g")
    assert A.Constant(1) != A.Constant(True)
    assert A.Name("x").__eq__(object()) is NotImplemented
    assert len({A.Name("x"), A.Name("x", span=A.Span(1, 1, 1, 2)), A.Name("y")}) == 2


def test_nodes_are_immutable():
    node = A.Name("x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        node.id = "y"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del node.id  # type: ignore[misc]
