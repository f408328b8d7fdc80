# Pins: gather(..., return_exceptions=True) for both the comprehension and the fixed-arity form; failures come back as values and are split with isinstance.
import asyncio

from rappel import Workflow, action, workflow


@action
async def ping_host(host: str) -> float:
    if host.endswith(".invalid"):
        raise ConnectionError(f"cannot reach {host}")
    return 12.5


@action
async def check_dns(domain: str) -> bool:
    return True


@action
async def check_tls(domain: str) -> int:
    return 90


@workflow
class HealthSweepWorkflow(Workflow):
    async def run(self, hosts: list[str], domain: str) -> dict[str, list[str]]:
        results = await asyncio.gather(*[ping_host(h) for h in hosts], return_exceptions=True)
        healthy: list[str] = []
        failing: list[str] = []
        for host, result in zip(hosts, results):
            if isinstance(result, Exception):
                failing.append(f"{host}: {result}")
            else:
                healthy.append(host)

        dns, tls = await asyncio.gather(check_dns(domain), check_tls(domain), return_exceptions=True)
        if isinstance(dns, Exception) or isinstance(tls, Exception):
            failing.append(domain)
        return {"healthy": healthy, "failing": failing}
