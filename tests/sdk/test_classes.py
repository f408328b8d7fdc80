"""Classes in workflow code run as Python runs them: an enum of another module
(http.HTTPStatus, resolved from the live module), class constants, isinstance
and `raise Class`, through run_native and run_local alike."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from rappel import Workflow, action, workflow
from rappel._errors import WorkflowCompileError
from rappel.testing import run_local, run_native


@action
async def probe_status(path: str) -> int:
    return {"/": 200, "/missing": 404}.get(path, 503)


@workflow
class StatusWorkflow(Workflow):
    async def run(self, paths: list[str]) -> list:
        report = []
        for path in paths:
            status = HTTPStatus(await probe_status(path))
            kind = "ok" if status is HTTPStatus.OK else "missing" if status == HTTPStatus.NOT_FOUND else "down"
            report.append([path, kind, status.name, status >= 500, HTTPStatus.SERVICE_UNAVAILABLE.value])
        try:
            raise LookupError
        except LookupError as e:
            report.append(repr(e))
        return report


async def test_an_imported_enum_behaves_as_in_python():
    paths = ["/", "/missing", "/admin"]
    expected = await run_native(StatusWorkflow, paths)
    assert expected[0] == ["/", "ok", "OK", False, 503]
    assert await run_local(StatusWorkflow, paths) == expected


def test_an_imported_class_that_runs_code_is_rejected(tmp_path, monkeypatch):
    (tmp_path / "stamp_models_q.py").write_text(
        "import time\n"
        "from pydantic import BaseModel, Field\n\n\n"
        "class Stamped(BaseModel):\n"
        "    label: str\n"
        "    at: float = Field(default_factory=time.time)\n"
    )
    (tmp_path / "stamp_flows_q.py").write_text(
        "from rappel import Workflow, workflow\n"
        "from stamp_models_q import Stamped\n\n\n"
        "@workflow\n"
        "class StampWorkflow(Workflow):\n"
        "    async def run(self, at: float) -> list:\n"
        "        given = Stamped(label='given', at=at)\n"
        "        return [given, Stamped(label='now')]\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    import stamp_flows_q

    with pytest.raises(WorkflowCompileError) as raised:
        stamp_flows_q.StampWorkflow.visualize()  # compiled on first use
    assert [d.code for d in raised.value.diagnostics] == ["RPL0231"]
    assert "`Stamped(...)` runs code of its class when it is built: its field `at` has `default_factory=time.time`" in str(raised.value)
