import graphviz
import pytest

from rappel import RappelError, Workflow, workflow
from rappel import _toolchain

from .support import uncompiled

with uncompiled():

    @workflow
    class Pictured(Workflow):
        async def run(self) -> None:
            return None


def forget_compilation(cls):
    cls.__rappel_program__ = None
    if "__rappel_dag__" in cls.__dict__:
        delattr(cls, "__rappel_dag__")


@pytest.fixture
def fake_graph(monkeypatch):
    """The DAG and its rendering come from the language package; fake both."""
    monkeypatch.setattr(_toolchain, "compile_workflow_class", lambda cls: "program")
    monkeypatch.setattr(_toolchain, "executable_dag", lambda program, workflow=None: "dag")
    monkeypatch.setattr(_toolchain, "render_graph", lambda dag: graphviz.Digraph(body=["start -> end"]))
    forget_compilation(Pictured)
    yield
    forget_compilation(Pictured)


def test_visualize_returns_a_digraph_and_caches_the_dag(fake_graph):
    graph = Pictured.visualize()
    assert isinstance(graph, graphviz.Digraph)
    assert Pictured.__dict__["__rappel_dag__"] == "dag"
    assert Pictured().visualize(format="svg").format == "svg"


def test_visualize_writes_dot_without_graphviz_installed(fake_graph, tmp_path, monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    Pictured.visualize(tmp_path / "out" / "pictured.dot")
    assert "start -> end" in (tmp_path / "out" / "pictured.dot").read_text()
    with pytest.raises(RappelError, match="apt-get install graphviz.*brew install graphviz"):
        Pictured.visualize(tmp_path / "pictured.svg")
    with pytest.raises(RappelError, match="unknown graph format 'pdf'"):
        Pictured.visualize(tmp_path / "pictured.pdf")


@pytest.mark.skipif(not __import__("shutil").which("dot"), reason="Graphviz `dot` is not installed")
def test_visualize_renders_svg_and_png(fake_graph, tmp_path):
    Pictured.visualize(tmp_path / "p.svg")
    assert "<svg" in (tmp_path / "p.svg").read_text()
    Pictured.visualize(tmp_path / "p.img", format="png")
    assert (tmp_path / "p.img").read_bytes().startswith(b"\x89PNG")
