# Runs: plain functions imported from another module of the project (case/text.py), called
# by name and through the module, compile as helpers: they read that module's constants and
# call its other functions, as Python runs them.
from rappel import Workflow, action, workflow

from golden_run_93_cross_module_helper_functions import text
from golden_run_93_cross_module_helper_functions.text import normalize


@action
async def lookup_display_name(user_id: int) -> str:
    return {1: "  Ada   LOVELACE ", 2: "Ludwig van Beethoven"}[user_id]


@workflow
class SlugWorkflow(Workflow):
    async def run(self, user_ids: list[int]) -> dict[str, str]:
        slugs = {}
        for user_id in user_ids:
            name = await lookup_display_name(user_id=user_id)
            slugs[normalize(name)] = text.initials(name)
        return slugs


INPUT = {"user_ids": [1, 2]}
EXPECTS = "result"
