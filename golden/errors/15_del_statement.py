# Rejects: `del` — deleting a dict key and a name inside run().
from rappel import Workflow, action, workflow


@action
async def load_settings(account_id: str) -> dict[str, str]:
    return {"secret": "x", "theme": "dark"}


@workflow
class ExportSettingsWorkflow(Workflow):
    async def run(self, account_id: str) -> dict[str, str]:
        settings = await load_settings(account_id)
        if "secret" in settings:
            del settings["secret"]
        temp = dict(settings)
        del temp
        return settings
