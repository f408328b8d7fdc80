# Runs: exception classes beyond RRL's builtin list — ConnectionResetError and UnicodeDecodeError, declared `from builtins` with their bases — raised by actions and caught by their own class or a base (ConnectionError), their attributes and args read; json's JSONDecodeError, which the workflow never names, caught as the ValueError its chain says it is, keeping its class name; the workflow raises a ConnectionResetError itself, and the caller gets it back as Python's own class.
import json

from rappel import Workflow, action, workflow

INPUT = {"payloads": ["{\"a\": 1}", "not json", "reset", "\\xff"]}
EXPECTS = "error"


@action
async def parse(payload: str) -> dict:
    if payload == "reset":
        raise ConnectionResetError(104, "Connection reset by peer")
    if payload.startswith("\\x"):
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")
    return json.loads(payload)


@workflow
class IngestWorkflow(Workflow):
    async def run(self, payloads: list[str]) -> list:
        out = []
        for payload in payloads:
            try:
                out.append(await parse(payload))
            except ConnectionError as e:
                out.append(f"{type(e).__name__} {e.errno}: {e.strerror} os={isinstance(e, OSError)}")
            except UnicodeDecodeError as e:
                out.append(f"{type(e).__name__}: {e.args[0]} {e.args[4]} ({isinstance(e, ValueError)})")
            except ValueError as e:
                out.append(f"{type(e).__name__}: {e.msg} at {e.pos}")
        raise ConnectionResetError(f"{len(out)} payloads: {out}")
