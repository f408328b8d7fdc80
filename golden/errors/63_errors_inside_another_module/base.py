import json

from rappel import Workflow


class AuditedWorkflow(Workflow):
    async def audit(self, label: str) -> None:
        print(json.dumps({"label": label}))
