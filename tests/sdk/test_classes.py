"""Classes in workflow code run as Python runs them: an enum of another module
(http.HTTPStatus, resolved from the live module) and `raise Class`, through
run_native and run_local alike."""

from __future__ import annotations

from http import HTTPStatus

from rappel import Workflow, action, workflow
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
