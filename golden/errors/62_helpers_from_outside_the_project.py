# Rejects: functions that are not the project's own as helpers: a function of an installed package (pydantic), whose source the compiler does not read; and a workflow whose run() is inherited from a base class of another module.
from pydantic.alias_generators import to_snake

from rappel import Workflow, workflow

from golden_errors_62_helpers_from_outside_the_project.base import Runner


@workflow
class KeysWorkflow(Workflow):
    async def run(self, names: list[str]) -> list[str]:
        return [to_snake(name) for name in names]


@workflow
class InheritedRun(Runner):
    pass
