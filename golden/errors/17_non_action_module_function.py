# Rejects: a module-level `async def` without @action, awaited and called, nested in elif branches (a plain `def` is a helper: compile case 103).
from rappel import Workflow, action, workflow


async def normalize_phone(raw: str) -> str:
    return raw.replace(" ", "")


@action
async def send_code(phone: str) -> bool:
    return True


@workflow
class VerifyPhoneWorkflow(Workflow):
    async def run(self, phone: str, country: str) -> bool:
        if country == "US":
            target = "+1" + phone
        elif country == "GB":
            target = await normalize_phone(phone)
        elif country == "IE":
            target = normalize_phone(phone)
        else:
            target = phone
        return await send_code(target)
