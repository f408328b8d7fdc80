# Pins: `hashlib.<algorithm>(data).hexdigest()` and `.digest()` — by module, by `from hashlib import sha256` and in a helper — lower to the RRL builtins `hexdigest("<algorithm>", data)` and `digest(...)`; `str.encode()`, `bytes.hex()` and `bytes.fromhex()` are methods and a class method.
import hashlib
from hashlib import blake2b, sha256

from rappel import Workflow, action, workflow


@action
async def send_once(key: str, body: str) -> bool:
    return True


@workflow
class SendOnceWorkflow(Workflow):
    async def run(self, user_id: str, body: str) -> dict:
        key = self.key_for(user_id, body)
        sent = await send_once(key, body)
        return {
            "sent": sent,
            "key": key,
            "md5": hashlib.md5(body.encode()).hexdigest(),
            "raw": hashlib.sha1(body.encode("utf-8")).digest().hex(),
            "short": blake2b(user_id.encode()).hexdigest()[:8],
            "512": hashlib.sha512(body.encode()).digest(),
            "back": bytes.fromhex(key[:8]),
        }

    def key_for(self, user_id: str, body: str) -> str:
        return sha256(f"{user_id}:{body}".encode()).hexdigest()
