# Rejects (several): deterministic library code a workflow does not run — `defaultdict`, `Counter`, `OrderedDict`, `deque` and `Decimal(...)` (RPL0225), `statistics`, `json.dumps`, `re` (also as a compiled pattern constant, RPL0224), `urllib.parse` (pure, so not called I/O), `datetime.strptime`, `itertools` and `functools.reduce` (RPL0202) — each with what to write instead.
import functools
import itertools
import json
import re
import statistics
from collections import Counter, OrderedDict, defaultdict, deque
from datetime import datetime
from decimal import Decimal
from urllib.parse import urljoin, urlparse

from rappel import Workflow, action, workflow

SKU_PATTERN = re.compile(r"^[A-Z]{3}-\d+$")


@action
async def load_rows(day: str) -> list[dict]:
    return []


@workflow
class SalesDigestWorkflow(Workflow):
    async def run(self, day: str, base_url: str) -> dict:
        rows = await load_rows(day)
        by_region = defaultdict(list)
        top = Counter(row["sku"] for row in rows).most_common(3)
        ordered = OrderedDict()
        recent = deque(maxlen=10)
        total = Decimal("0.00")
        mean = statistics.mean([row["cents"] for row in rows])
        key = json.dumps({"day": day}, sort_keys=True)
        valid = [row for row in rows if re.match(r"^[A-Z]", row["sku"])]
        skus = [row["sku"] for row in rows if SKU_PATTERN.match(row["sku"])]
        host = urlparse(base_url).netloc
        link = urljoin(base_url, f"/reports/{day}")
        parsed = datetime.strptime(day, "%d/%m/%Y")
        pairs = list(itertools.pairwise(skus))
        product = functools.reduce(lambda a, b: a * b, [1, 2, 3])
        return {"a": by_region, "b": top, "c": ordered, "d": recent, "e": total, "f": mean, "g": key, "h": valid,
                "i": skus, "j": host, "k": link, "l": parsed, "m": pairs, "n": product}
