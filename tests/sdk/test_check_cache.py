"""`rappel check` reuses what it found in a file while neither the file nor a
module it imported changed (sdk/rappel/_check_cache.py). Each check runs in a
fresh process, as from a shell: a module imported by one check is not there
for the next."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

MODELS = textwrap.dedent(
    """
    from pydantic import BaseModel

    class Order(BaseModel):
        id: str
        total: float
    """
)

FLOWS = textwrap.dedent(
    """
    from rappel import Workflow, action, workflow

    from models import Order

    @action
    async def load_order(order_id: str) -> Order:
        return Order(id=order_id, total=1.0)

    @workflow
    class TotalWorkflow(Workflow):
        async def run(self, order_id: str) -> float:
            order = await load_order(order_id)
            return order.total
    """
)


@pytest.fixture
def project(tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    (app / "models.py").write_text(MODELS)
    (app / "flows.py").write_text(FLOWS)
    return app


def check(app: Path, cache: Path | None, *flags: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["RAPPEL_CACHE_DIR"] = str(cache) if cache is not None else "off"
    return subprocess.run(
        [sys.executable, "-m", "rappel.cli", "check", *flags, "flows.py"], cwd=app, env=env, capture_output=True, text=True
    )


def entries(cache: Path) -> list[Path]:
    return sorted((cache / "check").rglob("*.json")) if (cache / "check").exists() else []


def test_a_second_check_of_unchanged_files_reuses_the_first(project, tmp_path):
    cache = tmp_path / "cache"
    (project / "flows.py").write_text('import sys\nsys.stderr.write("importing flows\\n")\n' + FLOWS)
    first = check(project, cache)
    assert first.returncode == 0, first.stderr
    assert "importing flows" in first.stderr
    assert len(entries(cache)) == 1
    second = check(project, cache)  # neither imported nor compiled again
    assert (second.returncode, second.stdout, second.stderr) == (0, first.stdout, "")
    assert len(entries(cache)) == 1


def test_diagnostics_come_back_from_the_cache_as_they_were(project, tmp_path):
    cache = tmp_path / "cache"
    (project / "flows.py").write_text(FLOWS.replace("order.total\n", "order.totl\n"))
    first = check(project, cache)
    assert first.returncode == 1
    assert "error[RPL0263]: the model `Order` has no field `totl`" in first.stderr
    second = check(project, cache)
    assert (second.returncode, second.stderr) == (first.returncode, first.stderr)


def test_a_changed_imported_module_is_checked_again(project, tmp_path):
    cache = tmp_path / "cache"
    assert check(project, cache).returncode == 0
    (project / "models.py").write_text(MODELS.replace("total: float", "amount: float"))
    again = check(project, cache)
    assert again.returncode == 1
    assert "the model `Order` has no field `total`" in again.stderr
    assert "its fields are: id, amount" in again.stderr


def test_a_changed_file_is_checked_again(project, tmp_path):
    cache = tmp_path / "cache"
    assert check(project, cache).returncode == 0
    (project / "flows.py").write_text(FLOWS.replace("return order.total", "return order.total + discount"))
    again = check(project, cache)
    assert again.returncode == 1
    assert "name `discount` is not defined" in again.stderr


def test_a_failed_import_is_not_kept(project, tmp_path):
    cache = tmp_path / "cache"
    (project / "flows.py").write_text("import no_such_dependency_abc\n" + FLOWS)
    assert check(project, cache).returncode == 1
    assert entries(cache) == []


def test_the_cache_can_be_turned_off(project, tmp_path):
    cache = tmp_path / "cache"
    assert check(project, cache, "--no-cache").returncode == 0
    assert entries(cache) == []
    assert check(project, None).returncode == 0


def test_an_unreadable_entry_is_a_miss(project, tmp_path):
    cache = tmp_path / "cache"
    assert check(project, cache).returncode == 0
    (entry,) = entries(cache)
    entry.write_text("{not json")
    assert check(project, cache).returncode == 0
    assert entry.read_text().startswith("{")
    assert '"format"' in entry.read_text()
