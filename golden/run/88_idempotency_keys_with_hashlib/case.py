# Runs: idempotency keys from hashlib (sha256, md5, sha1, sha512, blake2b; hexdigest() and digest()), str.encode(), bytes.hex() and bytes.fromhex(), in the workflow, with the keys passed to an action.
import hashlib
from hashlib import sha256

from rappel import Workflow, action, workflow

INPUT = {"order_id": "o-17", "items": ["book", "pen", "book"]}
EXPECTS = "result"


@action
async def charge(order_id: str, idempotency_key: str) -> dict:
    return {"order": order_id, "key": idempotency_key, "charged": True}


@workflow
class ChargeOnceWorkflow(Workflow):
    async def run(self, order_id: str, items: list[str]) -> dict:
        payload = f"{order_id}:{','.join(sorted(items))}"
        key = sha256(payload.encode()).hexdigest()
        receipt = await charge(order_id, idempotency_key=key[:32])
        raw = hashlib.sha256(payload.encode("utf-8")).digest()
        keys = {name: hashlib.md5(name.encode()).hexdigest() for name in items}
        return {
            "receipt": receipt,
            "key": key,
            "raw_hex": raw.hex(),
            "raw_length": len(raw),
            "same": bytes.fromhex(key) == raw,
            "md5": keys,
            "sha1": hashlib.sha1(order_id.encode()).hexdigest(),
            "sha512": hashlib.sha512(order_id.encode()).hexdigest()[:16],
            "blake2b": hashlib.blake2b(order_id.encode()).hexdigest()[:16],
            "unicode": "Zoë ✓".encode().hex(),
            "spaced": bytes.fromhex("de ad be ef").hex(),
        }
