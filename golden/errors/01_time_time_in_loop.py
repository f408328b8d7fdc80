# Rejects: time.time() — nested inside an if inside a for loop of run().
import time

from rappel import Workflow, action, workflow


@action
async def renew_token(service: str) -> float:
    return 3600.0


@workflow
class TokenRefreshWorkflow(Workflow):
    async def run(self, services: list[str]) -> list[str]:
        renewed: list[str] = []
        for service in services:
            ttl = await renew_token(service)
            if ttl < 60:
                expires_at = time.time() + ttl
                renewed.append(f"{service}:{expires_at}")
        return renewed
