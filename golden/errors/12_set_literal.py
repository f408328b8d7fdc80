# Rejects: set literals and set comprehensions — used for de-duplication (sets have no deterministic order across runtimes).
from rappel import Workflow, action, workflow


@action
async def list_tags(post_id: str) -> list[str]:
    return []


@workflow
class TagCloudWorkflow(Workflow):
    async def run(self, post_ids: list[str]) -> list[str]:
        reserved = {"draft", "internal"}
        tags: list[str] = []
        for post_id in post_ids:
            post_tags = await list_tags(post_id)
            tags.extend([t for t in post_tags if t not in reserved])
        unique = {t.lower() for t in tags}
        return sorted(unique)
