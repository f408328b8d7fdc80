# Pins: fan-out comprehensions with an `if` filter and with two nested `for` clauses (cartesian product of regions x services).
import asyncio

from rappel import Workflow, action, workflow


@action
async def deploy_service(region: str, service: str, version: str) -> str:
    return f"{service}@{version} in {region}"


@action
async def warm_cache(region: str) -> bool:
    return True


@workflow
class MultiRegionDeployWorkflow(Workflow):
    async def run(self, regions: list[str], services: list[str], version: str) -> list[str]:
        warmed = await asyncio.gather(*[warm_cache(r) for r in regions if not r.startswith("test-")])
        deployments = await asyncio.gather(*[
            deploy_service(region=region, service=service, version=version)
            for region in regions
            if not region.startswith("test-")
            for service in services
        ])
        if not all(warmed):
            return []
        return deployments
