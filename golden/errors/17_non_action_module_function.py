# Rejects: calling a plain (non-action) module-level function from workflow code, nested in an elif branch.
from rappel import Workflow, action, workflow


def normalize_phone(raw: str) -> str:
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
            target = normalize_phone(phone)
        else:
            target = phone
        return await send_code(target)
