"""A base workflow class of the project: helpers and policies its workflows inherit."""

from datetime import timedelta

from rappel import RetryPolicy, Workflow, action

PREFIX = "Account"


@action
async def send_message(to: str, body: str) -> str:
    return f"sent to {to}: {body}"


class NotifyingWorkflow(Workflow):
    retry_policy = RetryPolicy(attempts=2)
    timeout = timedelta(seconds=30)
    SIGNATURE = "-- the team"

    def subject(self, account: int) -> str:
        return f"{PREFIX} #{account}"

    def compose(self, greeting: str, name: str) -> str:
        return f"{greeting}, {name}! {self.SIGNATURE}"

    async def notify(self, to: str, greeting: str) -> str:
        body = self.compose(greeting, to)
        return await self.run_action(send_message(to=to, body=body), retry=self.retry_policy, timeout=self.timeout)
