# Runs: models and dataclasses built in the workflow take their constant defaults (also default_factory=list/dict); a field with a uuid default_factory is passed in, so no factory runs.
from dataclasses import dataclass, field
from uuid import uuid4

from pydantic import BaseModel, Field

from rappel import Workflow, action, workflow

INPUT = {"title": "Renew certificates", "owners": ["ana", "bo"]}
EXPECTS = "result"


@dataclass
class Task:
    title: str
    id: str = field(default_factory=lambda: uuid4().hex)
    owners: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    priority: int = 3
    done: bool = False


class Summary(BaseModel):
    title: str
    owners: list[str] = Field(default_factory=list)
    notes: list[str] = []
    state: str = "open"


@action
async def new_task_id(title: str) -> str:
    return "task-" + title.lower().replace(" ", "-")


@workflow
class PlanWorkflow(Workflow):
    async def run(self, title: str, owners: list[str]) -> tuple:
        task_id = await new_task_id(title)
        draft = Task(title, task_id)
        task = Task(title, task_id, owners=owners + draft.owners, labels={**draft.labels, "team": "infra"})
        summary = Summary(title=title, notes=[f"{len(task.owners)} owners, priority {task.priority}"])
        return task, summary, Summary(title="empty", state="draft"), draft.done
