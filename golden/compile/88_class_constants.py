# Pins: class constants read as `Class.NAME` become consts (in the order of the class body, inherited and overridden ones too), also in run_action policies; `Class.__name__` is a string.
from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar

from pydantic import BaseModel

from rappel import BackoffPolicy, RetryPolicy, Workflow, action, workflow


class Defaults:
    ATTEMPTS = 5
    TIMEOUT_SECONDS = 30
    BASE_DELAY = TIMEOUT_SECONDS / 10
    REGIONS = ["eu", "us"]


class Production(Defaults):
    ATTEMPTS = 8


@dataclass
class Export:
    region: str
    format: str = "parquet"


class Manifest(BaseModel):
    SCHEMA: ClassVar[str] = "manifest/v3"
    files: list[str]


@action
async def export_region(region: str, format: str) -> str:
    return f"{region}.{format}"


@workflow
class NightlyExportWorkflow(Workflow):
    async def run(self, production: bool) -> dict:
        files = []
        for region in Defaults.REGIONS:
            path = await self.run_action(
                export_region(region, Export.format),
                retry=RetryPolicy(attempts=Production.ATTEMPTS),
                backoff=BackoffPolicy(base_delay=Defaults.BASE_DELAY),
                timeout=timedelta(seconds=Defaults.TIMEOUT_SECONDS),
            )
            files.append(path)
        attempts = Production.ATTEMPTS if production else Defaults.ATTEMPTS
        return {"schema": Manifest.SCHEMA, "files": files, "attempts": attempts, "of": [Export.__name__, Manifest.__name__]}
