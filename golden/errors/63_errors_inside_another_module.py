# Rejects: what a helper of another module of the project does wrong is reported in that module's file (golden/errors/63_errors_inside_another_module/): a clock read and a misspelt constant in an imported function, an I/O call in a method of a base class defined there, and a method the base class does not have.
from rappel import workflow

from golden_errors_63_errors_inside_another_module.base import AuditedWorkflow
from golden_errors_63_errors_inside_another_module.text import stamp


@workflow
class ReportWorkflow(AuditedWorkflow):
    async def run(self, title: str) -> str:
        label = stamp(title)
        await self.audit(label)
        return self.summary(label)
