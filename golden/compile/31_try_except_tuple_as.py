# Pins: handlers for a tuple of exception types bound with `as e`, several handlers in order (most specific first), and using the bound exception in an f-string.
from rappel import Workflow, action, workflow


@action
async def parse_webhook(payload: str) -> dict[str, str]:
    return {"event": "paid"}


@action
async def record_failure(reason: str) -> None:
    return None


@workflow
class WebhookIngestWorkflow(Workflow):
    async def run(self, payload: str) -> str:
        try:
            event = await parse_webhook(payload)
            kind = event["event"]
        except (KeyError, IndexError) as e:
            await record_failure(f"missing field: {e}")
            kind = "unknown"
        except (ValueError, TypeError) as err:
            await record_failure(reason=f"malformed payload: {err!r}")
            kind = "invalid"
        except Exception as e:
            await record_failure(str(e))
            raise
        return kind
