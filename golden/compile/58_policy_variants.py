# Pins: every policy spelling — RetryPolicy defaults/attempts=None (unlimited)/exceptions tuples (builtin and user types)/positional args, BackoffPolicy with all fields, timeout as int seconds, float seconds and timedelta of hours/minutes+seconds, each policy alone and combined, keyword action args inside run_action.
from datetime import timedelta

from rappel import BackoffPolicy, RetryPolicy, Workflow, action, workflow


class RateLimited(Exception):
    pass


@action
async def call_partner_api(endpoint: str, payload: dict[str, str]) -> dict[str, str]:
    return {"ok": "yes"}


@workflow
class PartnerSyncWorkflow(Workflow):
    async def run(self, payload: dict[str, str]) -> list[dict[str, str]]:
        a = await self.run_action(call_partner_api("/a", payload), retry=RetryPolicy())
        b = await self.run_action(call_partner_api("/b", payload), retry=RetryPolicy(attempts=None))
        c = await self.run_action(
            call_partner_api(endpoint="/c", payload=payload),
            retry=RetryPolicy(attempts=5, exceptions=(ConnectionError, TimeoutError)),
            backoff=BackoffPolicy(base_delay=2, multiplier=2.0, max_delay=60),
        )
        d = await self.run_action(
            call_partner_api("/d", payload),
            retry=RetryPolicy(attempts=8, exceptions=(RateLimited,)),
            backoff=BackoffPolicy(base_delay=0.5, multiplier=1.5),
            timeout=30,
        )
        e = await self.run_action(call_partner_api("/e", payload), timeout=2.5)
        f = await self.run_action(call_partner_api("/f", payload), timeout=timedelta(hours=1))
        g = await self.run_action(
            call_partner_api("/g", payload),
            timeout=timedelta(minutes=1, seconds=30),
            backoff=BackoffPolicy(),
        )
        h = await self.run_action(call_partner_api("/h", payload), retry=RetryPolicy(3, (ValueError,)))
        i = await self.run_action(call_partner_api("/i", payload))
        return [a, b, c, d, e, f, g, h, i]
