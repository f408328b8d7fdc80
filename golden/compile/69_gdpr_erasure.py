# Pins: a GDPR erasure — delete a user's data in every downstream system in parallel (return_exceptions=True), retry only the failures once, and raise a user exception listing what is still left.
import asyncio

from rappel import Workflow, action, workflow

SYSTEMS = ["billing", "crm", "analytics", "support", "mailing"]


class ErasureIncomplete(Exception):
    pass


@action
async def erase_in_system(system: str, user_id: str) -> int:
    return 1


@action
async def write_erasure_certificate(user_id: str, systems: list[str]) -> str:
    return "cert-1"


@workflow
class ErasureWorkflow(Workflow):
    async def run(self, user_id: str) -> str:
        outcomes = await asyncio.gather(*[erase_in_system(s, user_id) for s in SYSTEMS], return_exceptions=True)
        failed = [s for s, o in zip(SYSTEMS, outcomes) if isinstance(o, Exception)]
        if failed:
            retried = await asyncio.gather(*[erase_in_system(s, user_id) for s in failed], return_exceptions=True)
            failed = [s for s, o in zip(failed, retried) if isinstance(o, Exception)]
        if failed:
            raise ErasureIncomplete(f"could not erase {user_id} from: {', '.join(failed)}")
        return await write_erasure_certificate(user_id, SYSTEMS)
