"""Every frontend diagnostic code with its exact rendered text. The messages are
pinned: golden/errors/*.txt are generated from them and users read them. The
test module's source starts with the four lines of `support.HEADER` (+ a blank).
"""

from __future__ import annotations

import pytest

from rappel_compiler import CODES

from .support import compile_text, diagnostics_text, expect

CASES = {
    "RPL0101": (
        """
        import time


        @workflow
        class Flow(Workflow):
            async def run(self) -> float:
                return time.monotonic()
        """,
        """
        error[RPL0101]: time.monotonic() is not deterministic and cannot run inside a workflow
          --> app/flows.py:12:16
           |
        12 |         return time.monotonic()
           |                ^^^^^^^^^^^^^^^^
           = help: move it into an @action and await that action
        """,
    ),
    "RPL0102": (
        """
        import uuid


        @workflow
        class Flow(Workflow):
            async def run(self) -> str:
                return str(uuid.uuid4())
        """,
        """
        error[RPL0102]: uuid.uuid4() is not deterministic and cannot run inside a workflow
          --> app/flows.py:12:20
           |
        12 |         return str(uuid.uuid4())
           |                    ^^^^^^^^^^^^
           = help: move it into an @action and await that action
        """,
    ),
    "RPL0103": (
        """
        import os


        @workflow
        class Flow(Workflow):
            async def run(self) -> str:
                return os.environ.get("REGION", "eu")
        """,
        """
        error[RPL0103]: os.environ.get() is not deterministic and cannot run inside a workflow
          --> app/flows.py:12:16
           |
        12 |         return os.environ.get("REGION", "eu")
           |                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
           = help: move it into an @action and await that action
        """,
    ),
    "RPL0104": (
        """
        import time


        @workflow
        class Flow(Workflow):
            async def run(self) -> None:
                time.sleep(5)
        """,
        """
        error[RPL0104]: time.sleep() blocks the worker and cannot run inside a workflow
          --> app/flows.py:12:9
           |
        12 |         time.sleep(5)
           |         ^^^^^^^^^^^^^
           = help: use `await asyncio.sleep(seconds)`, a durable sleep that holds no process
        """,
    ),
    "RPL0105": (
        """
        import logging

        log = logging.getLogger(__name__)


        @workflow
        class Flow(Workflow):
            async def run(self, user: str) -> None:
                logging.info("started %s", user)
        """,
        """
        error[RPL0105]: logging.info() performs I/O and cannot run inside a workflow
          --> app/flows.py:14:9
           |
        14 |         logging.info("started %s", user)
           |         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
           = help: move it into an @action and await that action
        """,
    ),
    "RPL0201": (
        """
        async def fetch(url: str) -> str:
            return url


        @workflow
        class Flow(Workflow):
            async def run(self, url: str) -> str:
                return await fetch(url)
        """,
        """
        error[RPL0201]: cannot await fetch(): it is not an action
          --> app/flows.py:13:16
           |
        13 |         return await fetch(url)
           |                ^^^^^^^^^^^^^^^^
           = help: only @action functions, async helper methods of the workflow, asyncio.sleep() and asyncio.gather() can be awaited in a workflow; decorate fetch with @action
        """,
    ),
    "RPL0202": (
        """
        import json


        @workflow
        class Flow(Workflow):
            async def run(self, data: dict) -> str:
                return json.dumps(data)
        """,
        """
        error[RPL0202]: cannot call json.dumps() in a workflow
          --> app/flows.py:12:16
           |
        12 |         return json.dumps(data)
           |                ^^^^^^^^^^^^^^^^
           = help: serialize the value in the @action that sends or stores it (pass it the dict); to make a key, write the fields into an f-string
        """,
    ),
    "RPL0203": (
        """
        @workflow
        class Flow(Workflow):
            async def run(self, orders: list[dict[str, str]]) -> dict[str, list[str]]:
                by_customer: dict[str, list[str]] = {}
                for order in orders:
                    by_customer.get(order["customer"], []).append(order["id"])
                return by_customer
        """,
        """
        error[RPL0203]: append() changes its receiver, which must be a variable (or `x[key]`, `x.field` of one), not `by_customer.get(order["customer"], [])`
          --> app/flows.py:11:13
           |
        11 |             by_customer.get(order["customer"], []).append(order["id"])
           |             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
           = help: to change the value stored in the dict, write `by_customer.setdefault(order["customer"], []).append(...)`
        """,
    ),
    "RPL0204": (
        """
        @action
        async def notify(user: str) -> None:
            return None


        @workflow
        class Flow(Workflow):
            async def run(self, user: str) -> None:
                notify(user)
        """,
        """
        error[RPL0204]: the action notify() must be awaited
          --> app/flows.py:14:9
           |
        14 |         notify(user)
           |         ^^^^^^^^^^^^
           = help: write `await notify(...)`, or pass the call to asyncio.gather() or self.run_action()
        """,
    ),
    "RPL0205": (
        """
        @workflow
        class Flow(Workflow):
            async def run(self, n: int) -> int:
                self.count = n
                return n
        """,
        """
        error[RPL0205]: `self.count = ...` stores state on the workflow instance, which is not supported
         --> app/flows.py:9:9
          |
        9 |         self.count = n
          |         ^^^^^^^^^^
          = help: keep the value in a local variable; pass it to helpers and return results from them
        """,
    ),
    "RPL0206": (
        """
        @action
        async def create(name: str, email: str) -> str:
            return name


        @workflow
        class Flow(Workflow):
            async def run(self, name: str) -> str:
                return await create(name)
        """,
        """
        error[RPL0206]: create() is missing the argument `email`
          --> app/flows.py:14:22
           |
        14 |         return await create(name)
           |                      ^^^^^^^^^^^^
           = help: pass `email`, or give the parameter a default value
        """,
    ),
    "RPL0207": (
        """
        from typing import Annotated
        from rappel import Depend


        def get_db() -> object:
            return object()


        @action
        async def load(key: str, db: Annotated[object, Depend(get_db)]) -> str:
            return key


        @workflow
        class Flow(Workflow):
            async def run(self, key: str) -> str:
                return await load(key, db=None)
        """,
        """
        error[RPL0207]: the parameter `db` of load() is injected by Depend and cannot be passed
          --> app/flows.py:22:32
           |
        22 |         return await load(key, db=None)
           |                                ^^^^^^^
           = help: remove this argument: the worker provides it when the action runs
        """,
    ),
    "RPL0208": (
        """
        from contextlib import suppress


        @workflow
        class Flow(Workflow):
            async def run(self, d: dict[str, int]) -> int:
                with suppress(KeyError):
                    return d["a"]
                return 0
        """,
        """
        error[RPL0208]: `with` statements are not supported in a workflow
          --> app/flows.py:12:9
           |
        12 |         with suppress(KeyError):
           |         ^^^^^^^^^^^^^^^^^^^^^^^^
           = help: context managers run arbitrary code on enter and exit; use try/finally around actions instead
        """,
    ),
    "RPL0209": (
        """
        COUNT = 0


        @workflow
        class Flow(Workflow):
            async def run(self) -> None:
                global COUNT
        """,
        """
        error[RPL0209]: `global` statements are not supported in a workflow
          --> app/flows.py:12:9
           |
        12 |         global COUNT
           |         ^^^^^^^^^^^^
           = help: a workflow cannot change module state; keep the value in a local variable and return it
        """,
    ),
    "RPL0210": (
        """
        @workflow
        class Flow(Workflow):
            async def run(self, xs: list[int], factor: int) -> list[int]:
                def scale(x: int) -> int:
                    return x * factor

                return [scale(x) for x in xs]
        """,
        """
        error[RPL0210]: the function `scale` reads `factor` of the function that defines it
          --> app/flows.py:10:24
           |
        10 |             return x * factor
           |                        ^^^^^^
           = help: pass `factor` as an argument: a function defined inside workflow code is inlined where it is called, with only its parameters and the module's names
        """,
    ),
    "RPL0212": (
        """
        @workflow
        class Flow(Workflow):
            async def run(self, kind: str) -> int:
                match kind:
                    case "a":
                        return 1
                return 0
        """,
        """
        error[RPL0212]: `match` statements are not supported in a workflow
         --> app/flows.py:9:9
          |
        9 |         match kind:
          |         ^^^^^^^^^^^
          = help: use if/elif/else
        """,
    ),
    "RPL0213": (
        """
        @workflow
        class Flow(Workflow):
            async def run(self, source: list[int]) -> None:
                async for item in source:
                    pass
        """,
        """
        error[RPL0213]: `async for` is not supported in a workflow
         --> app/flows.py:9:9
          |
        9 |         async for item in source:
          |         ^^^^^^^^^^^^^^^^^^^^^^^^^
          = help: await an action that returns a list, then loop over it
        """,
    ),
    "RPL0214": (
        """
        @workflow
        class Flow(Workflow):
            async def run(self, tags: list[str]) -> list[str]:
                return list(set(tags))
        """,
        """
        error[RPL0214]: list() would depend on the order of a set, which is not deterministic
         --> app/flows.py:9:21
          |
        9 |         return list(set(tags))
          |                     ^^^^^^^^^
          = help: iterate over `sorted(set(tags))` instead
        """,
    ),
    "RPL0215": (
        """
        @workflow
        class Flow(Workflow):
            async def run(self, xs: list[str]) -> list[str]:
                return [short for x in xs if (short := x[:3])]
        """,
        """
        error[RPL0215]: an assignment expression (`:=`) inside a comprehension is not supported in a workflow
         --> app/flows.py:9:39
          |
        9 |         return [short for x in xs if (short := x[:3])]
          |                                       ^^^^^^^^^^^^^^
          = help: write the loop out as a `for` statement and assign the value on a line of its own
        """,
    ),
    "RPL0216": (
        """
        @workflow
        class Flow(Workflow):
            async def run(self, rows: list[list[str]]) -> list[str]:
                return [name for name, *values in rows]
        """,
        """
        error[RPL0216]: starred loop targets are not supported in a workflow
         --> app/flows.py:9:32
          |
        9 |         return [name for name, *values in rows]
          |                                ^^^^^^^
          = help: loop over whole items and unpack each in the body: `for row in rows:` then `first, *rest = row`
        """,
    ),
    "RPL0217": (
        """
        @action
        async def load(page: int) -> list[int]:
            return []


        @workflow
        class Flow(Workflow):
            async def run(self, pages: list[int]) -> list:
                return await asyncio.gather(*[load(await load(p)) for p in pages])
        """,
        """
        error[RPL0217]: an await or helper call inside a gather comprehension is not supported
          --> app/flows.py:14:38
           |
        14 |         return await asyncio.gather(*[load(await load(p)) for p in pages])
           |                                      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
           = help: await the values first, one after the other (`ys = [await g(x) for x in xs]`), then gather the calls over them (`await asyncio.gather(*[f(y) for y in ys])`)
        """,
    ),
    "RPL0218": (
        """
        @action
        async def load(page: int) -> list[int]:
            return []


        @workflow
        class Flow(Workflow):
            async def run(self, pages: list[int]) -> list:
                return await asyncio.gather(load(0), *[load(p) for p in pages])
        """,
        """
        error[RPL0218]: asyncio.gather() takes either calls or one `*[... for ...]` comprehension, not both
          --> app/flows.py:14:22
           |
        14 |         return await asyncio.gather(load(0), *[load(p) for p in pages])
           |                      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
           = help: gather the comprehension separately, or list every call
        """,
    ),
    "RPL0219": (
        """
        @action
        async def load(page: int) -> list[int]:
            return []


        @workflow
        class Flow(Workflow):
            async def run(self, attempts: int) -> list[int]:
                return await self.run_action(load(1), retry=RetryPolicy(attempts=attempts))
        """,
        """
        error[RPL0219]: `attempts` is not a compile-time constant
          --> app/flows.py:14:74
           |
        14 |         return await self.run_action(load(1), retry=RetryPolicy(attempts=attempts))
           |                                                                          ^^^^^^^^
           = help: policy arguments must be known at compile time: use literals, module constants or timedelta(...)
        """,
    ),
    "RPL0220": (
        """
        @workflow
        class Flow(Workflow):
            async def run(self) -> float:
                import math
                return 3.14
        """,
        """
        error[RPL0220]: `import` is not supported inside workflow code
         --> app/flows.py:9:9
          |
        9 |         import math
          |         ^^^^^^^^^^^
          = help: import at the top of the module
        """,
    ),
    "RPL0221": (
        """
        @workflow
        class Flow(Workflow):
            async def run(self, flags: int) -> int:
                return flags << 4
        """,
        """
        error[RPL0221]: the `<<` operator is not supported in a workflow
         --> app/flows.py:9:16
          |
        9 |         return flags << 4
          |                ^^^^^^^^^^
          = help: RRL has the operators + - * / // % ** | ^ &; compute other operations in an @action
        """,
    ),
    "RPL0222": (
        """
        @workflow
        class Flow(Workflow):
            async def run(self, x: int) -> int:
                return self.double(x)
        """,
        """
        error[RPL0222]: the workflow `Flow` has no method `double`
         --> app/flows.py:9:16
          |
        9 |         return self.double(x)
          |                ^^^^^^^^^^^
          = help: helper methods are defined on the workflow class or one of its base workflow classes
        """,
    ),
    "RPL0253": (
        """
        @workflow
        class Flow(Workflow):
            async def run(self, x: int) -> int
                return x
        """,
        """
        error[RPL0253]: invalid Python syntax: expected ':'
         --> app/flows.py:8:39
          |
        8 |     async def run(self, x: int) -> int
          |                                       ^
          = help: fix the syntax error; the module must be valid Python
        """,
    ),
    "RPL0223": (
        """
        @workflow
        class Flow(Workflow):
            async def run(self, x: int) -> int:
                return x + undefined_name
        """,
        """
        error[RPL0223]: name `undefined_name` is not defined
         --> app/flows.py:9:20
          |
        9 |         return x + undefined_name
          |                    ^^^^^^^^^^^^^^
          = help: assign it before this line, or take it as a parameter of run()
        """,
    ),
    "RPL0224": (
        """
        import re

        PATTERN = re.compile("[0-9]+")


        @workflow
        class Flow(Workflow):
            async def run(self) -> str:
                return PATTERN
        """,
        """
        error[RPL0224]: the constant `PATTERN` cannot be used in workflow code: `re.compile("[0-9]+")` is not a plain value
          --> app/flows.py:14:16
           |
        14 |         return PATTERN
           |                ^^^^^^^
           = help: test the text with str methods (`startswith`, `endswith`, `in`, `split`, `isdigit`), or match it in an @action
        """,
    ),
    "RPL0225": (
        """
        class Client:
            def __init__(self, url: str):
                self.url = url


        @workflow
        class Flow(Workflow):
            async def run(self, url: str) -> str:
                client = Client(url)
                return client.url
        """,
        """
        error[RPL0225]: `Client` is a plain class and cannot be created in a workflow
          --> app/flows.py:14:18
           |
        14 |         client = Client(url)
           |                  ^^^^^^^^^^^
           = help: only pydantic models, dataclasses and exceptions can be created in workflow code; create other objects inside an @action
        """,
    ),
    "RPL0226": (
        """
        @workflow
        class Flow(Workflow):
            async def run(self, xs: list[int]) -> list[int]:
                xs[1:3] = [0]
                return xs
        """,
        """
        error[RPL0226]: assigning to a slice is not supported in a workflow
         --> app/flows.py:9:9
          |
        9 |         xs[1:3] = [0]
          |         ^^^^^^^
          = help: build the new list with slices and `+`
        """,
    ),
    "RPL0227": (
        """
        @workflow
        class Flow(Workflow):
            async def run(self, xs: list[int]) -> dict[str, list[int]]:
                table = {"all": xs}
                xs.append(1)
                return table
        """,
        """
        error[RPL0227]: cannot change `xs` in place: the same object may also be reachable from `table` (shared at line 9)
          --> app/flows.py:10:9
           |
        10 |         xs.append(1)
           |         ^^^^^^^^^^^^
           = help: RRL copies values where Python shares objects, so the other reference would not see the change; build a new value and assign it (for example `items = items + [x]`), or copy the value first (`items = list(items)`) and change the copy
        """,
    ),
    "RPL0228": (
        """
        @action
        async def send(*recipients: str) -> None:
            return None


        @workflow
        class Flow(Workflow):
            async def run(self) -> None:
                await send()
        """,
        """
        error[RPL0228]: the action `send` cannot take `*recipients`: workflows pass action arguments by name
         --> app/flows.py:7:16
          |
        7 | async def send(*recipients: str) -> None:
          |                ^^^^^^^^^^^
          = help: declare each parameter by name
        """,
    ),
    "RPL0229": (
        """
        @workflow
        class Flow(Workflow):
            def run(self) -> None:
                return None
        """,
        """
        error[RPL0229]: Flow.run() must be `async def`
         --> app/flows.py:8:9
          |
        8 |     def run(self) -> None:
          |         ^^^
          = help: write `async def run(self, ...)`: workflows await actions
        """,
    ),
    "RPL0230": (
        """
        import enum


        class Color(enum.Enum):
            RED = "red"


        @workflow
        class Flow(Workflow):
            async def run(self) -> list:
                return [Color]
        """,
        """
        error[RPL0230]: `Color` is a class, and a class is not a value in a workflow
          --> app/flows.py:16:17
           |
        16 |         return [Color]
           |                 ^^^^^
           = help: use one of its members (`Color.MEMBER`), build one from a value (`Color(value)`) or a name (`Color[name]`), loop over them (`for m in Color`, `list(Color)`), or test with `isinstance(x, Color)`
        """,
    ),
    "RPL0231": (
        """
        from dataclasses import dataclass
        import random


        @dataclass
        class Sample:
            rate: float

            def __post_init__(self) -> None:
                self.rate = self.rate * random.random()


        @workflow
        class Flow(Workflow):
            async def run(self) -> float:
                return Sample(rate=0.5).rate
        """,
        """
        error[RPL0231]: `Sample(...)` runs code of its class when it is built: it defines `__post_init__` (line 14)
          --> app/flows.py:21:16
           |
        21 |         return Sample(rate=0.5).rate
           |                ^^^^^^^^^^^^^^^^
           = help: a workflow builds only models and dataclasses whose fields have constant defaults, with no default_factory (but list, dict or tuple), __init__, __post_init__ or validators: build this one in an @action and pass it to the workflow
        """,
    ),
    "RPL0232": (
        """
        class Limits:
            MAX = 3

            def scaled(self) -> int:
                return self.MAX * 2


        @workflow
        class Flow(Workflow):
            async def run(self) -> object:
                return [Limits.MAX, Limits.scaled]
        """,
        """
        error[RPL0232]: `Limits.scaled` is not a constant of the class `Limits`
          --> app/flows.py:16:29
           |
        16 |         return [Limits.MAX, Limits.scaled]
           |                             ^^^^^^^^^^^^^
           = help: a workflow reads the constants of a class (plain values assigned in its body; on a pydantic model, ClassVars), the members of an enum and `__name__`; call methods inside an @action
        """,
    ),
    "RPL0235": (
        """
        @workflow
        class Flow(Workflow):
            async def run(self, größe: int) -> int:
                ﬂäche = größe * größe
                return ﬂäche + 1
        """,
        """
        error[RPL0235]: the name `ﬂäche` is not written in its normal form: Python reads it as `fläche`
         --> app/flows.py:9:9
          |
        9 |         ﬂäche = größe * größe
          |         ^^^^^
          = help: write `fläche`: Python and RRL compare names in their NFKC normal form, so this spelling would be a second name for the same variable, attribute or parameter

        error[RPL0235]: the name `ﬂäche` is not written in its normal form: Python reads it as `fläche`
          --> app/flows.py:10:16
           |
        10 |         return ﬂäche + 1
           |                ^^^^^
           = help: write `fläche`: Python and RRL compare names in their NFKC normal form, so this spelling would be a second name for the same variable, attribute or parameter

        error: aborting due to 2 previous errors
        """,
    ),
    "RPL0236": (
        """
        @workflow
        class Flow(Workflow):
            async def run(self, parallel: int, sleep_: int, max: int) -> int:
                return parallel + sleep_ + max
        """,
        """
        error[RPL0236]: the parameter `parallel` of Flow.run() is named like a keyword of RRL
         --> app/flows.py:8:25
          |
        8 |     async def run(self, parallel: int, sleep_: int, max: int) -> int:
          |                         ^^^^^^^^
          = help: rename the parameter: clients pass the arguments of run() by name, and a workflow's parameter cannot be named like a keyword of RRL
        """,
    ),
    "RPL0237": (
        """
        COUNTS = {"runs": 0}


        @workflow
        class Flow(Workflow):
            async def run(self) -> int:
                COUNTS["runs"] += 1
                return COUNTS["runs"]
        """,
        """
        error[RPL0237]: `COUNTS` is a module-level name and cannot be changed in a workflow
          --> app/flows.py:12:9
           |
        12 |         COUNTS["runs"] += 1
           |         ^^^^^^
           = help: copy it into a local variable first, e.g. `items = list(ITEMS)`
        """,
    ),
    "RPL0238": (
        """
        @workflow
        class Flow(Workflow):
            async def run(self, kind: str) -> int:
                try:
                    return int(kind)
                except kind:
                    return 0
        """,
        """
        error[RPL0238]: `kind` is not an exception class
          --> app/flows.py:11:16
           |
        11 |         except kind:
           |                ^^^^
           = help: name exception classes directly (`except ValueError:`): builtins, or classes derived from Exception, of this module or imported
        """,
    ),
    "RPL0239": (
        """
        def size(name: str) -> int:
            return len(name.strip())


        @workflow
        class Flow(Workflow):
            async def run(self, names: list[str]) -> list[str]:
                return sorted(names, key=size)
        """,
        """
        error[RPL0239]: the helper function `size` can only be called, not used as a value
          --> app/flows.py:13:34
           |
        13 |         return sorted(names, key=size)
           |                                  ^^^^
           = help: call it, in a comprehension if need be: `[size(x) for x in xs]`; a `key=` or map() takes a lambda (of builtins and methods) or a builtin
        """,
    ),
    "RPL0245": (
        """
        class Connection:
            pass


        @action
        async def connect(dsn: str) -> Connection:
            return Connection()


        @workflow
        class Flow(Workflow):
            async def run(self, dsn: str) -> None:
                await connect(dsn)
        """,
        """
        error[RPL0245]: the result of the action `connect` has the type `Connection`, a plain class: its values cannot cross a process boundary
          --> app/flows.py:11:32
           |
        11 | async def connect(dsn: str) -> Connection:
           |                                ^^^^^^^^^^
           = help: make `Connection` a dataclass or a pydantic model; live objects (connections, clients, files) stay inside actions, where a `Depend` provider can give one to every call
        """,
    ),
    "RPL0260": (
        """
        import enum


        class Shape(enum.Enum):
            ROUND = object()


        @workflow
        class Flow(Workflow):
            async def run(self) -> object:
                return Shape.ROUND
        """,
        """
        error[RPL0260]: the value of the member `ROUND` of `Shape` is not a constant RRL can hold: the builtin object() is not supported in a workflow
          --> app/flows.py:10:13
           |
        10 |     ROUND = object()
           |             ^^^^^^^^
           = help: an enum member's value is a constant: literals, arithmetic on numbers, lists, tuples and dicts of them, and enum members; use the enum inside an @action otherwise
        """,
    ),
    "RPL0261": (
        """
        import enum


        class Level(enum.Enum):
            LOW = 1

            @property
            def label(self) -> str:
                return self.name.title()


        @action
        async def level_of(name: str) -> Level:
            return Level.LOW


        @workflow
        class Flow(Workflow):
            async def run(self, name: str) -> str:
                level = await level_of(name)
                return level.label
        """,
        """
        error[RPL0261]: `label` is a property of the class `Level`: reading it runs code of the class
          --> app/flows.py:26:16
           |
        26 |         return level.label
           |                ^^^^^^^^^^^
           = help: a workflow reads the fields of a model or a dataclass, and the name and value of an enum member; compute the value in an @action, or make it a field
        """,
    ),
    "RPL0263": (
        """
        from pydantic import BaseModel


        class Order(BaseModel):
            id: str
            total: float


        @action
        async def load_order(order_id: str) -> Order:
            return Order(id=order_id, total=1.0)


        @workflow
        class Flow(Workflow):
            async def run(self, order_id: str) -> float:
                order = await load_order(order_id)
                return order.totl
        """,
        """
        error[RPL0263]: the model `Order` has no field `totl`
          --> app/flows.py:23:16
           |
        23 |         return order.totl
           |                ^^^^^^^^^^
           = help: did you mean `total`?
        """,
    ),
    "RPL0264": (
        """
        @workflow
        class Flow(Workflow):
            async def run(self, totals: list[int]) -> list[int]:
                totals.extend(map(abs, totals))
                return totals
        """,
        """
        error[RPL0264]: `totals.extend()` with `map(abs, totals)` reads `totals` while extending it: in Python the iterator would also see each item it adds, and never finish or add other items
         --> app/flows.py:9:23
          |
        9 |         totals.extend(map(abs, totals))
          |                       ^^^^^^^^^^^^^^^^
          = help: take the items first, with a list: `list(map(abs, totals))`
        """,
    ),
    "RPL0265": (
        r"""
        PATTERN = "\d+"
        """,
        r"""
        warning[RPL0265]: Python warns: invalid escape sequence '\d'
         --> app/flows.py:6:1
          |
        6 | PATTERN = "\d+"
          | ^^^^^^^^^^^^^^^
          = help: write the backslash twice (`\\d`), or use a raw string (`r"\d"`)
        """,
    ),
    "RPL0250": (
        """
        from app.registry import *


        @registered
        class Flow(Workflow):
            async def run(self) -> None:
                return None
        """,
        """
        error[RPL0250]: cannot tell whether `@registered` makes `Flow` a workflow
         --> app/flows.py:9:2
          |
        9 | @registered
          |  ^^^^^^^^^^
          = help: decorate it with `workflow` imported from rappel by name (`from rappel import workflow`, or `@rappel.workflow`): the compiler finds workflows by their decorator's import
        """,
    ),
}

# A sign flipped 600 times: the RRL would nest deeper than RRL allows. The
# node 501 levels deep is the 497th sign's operation, at column 513.
CASES["RPL0262"] = (
    """
    @workflow
    class Flow(Workflow):
        async def run(self, score: int) -> int:
            return """ + "-" * 600 + """score
    """,
    """
    error[RPL0262]: expression too deep to compile: the RRL it becomes would nest more than 500 levels
     --> app/flows.py:9:513
      |
    9 |         return """ + "-" * 600 + """score
      | """ + " " * 512 + "^" * (600 - 497 + len("score")) + """
      = help: assign parts of the expression to variables first, or move inner blocks into a helper method
    """,
)

@pytest.mark.parametrize("code", sorted(CASES))
def test_diagnostic_text(code: str):
    body, expected = CASES[code]
    assert diagnostics_text(body) == expect(expected).rstrip("\n")


def test_every_code_has_a_case():
    assert sorted(CASES) == sorted(CODES)


def test_retired_codes_cannot_be_reported():
    from rappel_compiler.diagnostics import RETIRED, Reject

    for code in RETIRED:
        with pytest.raises(AssertionError):
            Reject(code, "no longer reported")


def _codes_and_lines(body: str) -> list[tuple[str, int]]:
    from .support import compile_text

    return [(d.code, d.span.line) for d in compile_text(body).diagnostics]


def test_a_definition_spelled_otherwise_is_reported_where_the_workflow_uses_it():
    # Python reads `def ﬁnd` as `find`: the call finds the action, the definition is RPL0235 (not RPL0201)
    assert _codes_and_lines(
        """
        @action
        async def ﬁnd(x: int) -> int:
            return x


        @workflow
        class Flow(Workflow):
            async def run(self, n: int) -> int:
                return await find(n)
        """
    ) == [("RPL0235", 7)]
    # a model, its field, a constant and a helper method, each used under its normal spelling
    assert _codes_and_lines(
        """
        from pydantic import BaseModel


        class Ｂox(BaseModel):
            ﬁeld: int


        ﬁles = 3
        ﬁxed = 4  # spelled otherwise, but the workflow does not use it


        @workflow
        class Flow(Workflow):
            async def run(self, n: int) -> int:
                box = Box(field=n + files)
                return box.field + await self.find(n)

            async def ﬁnd(self, n: int) -> int:
                return n
        """
    ) == [("RPL0235", 9), ("RPL0235", 10), ("RPL0235", 13), ("RPL0235", 23)]


def test_a_use_spelled_otherwise_finds_its_definition():
    # `ﬁnd(n)` calls `find`: only the spelling is reported, not a missing action
    assert _codes_and_lines(
        """
        @action
        async def find(x: int) -> int:
            return x


        @workflow
        class Flow(Workflow):
            async def run(self, n: int) -> int:
                ﬂäche = await ﬁnd(n)
                return fläche
        """
    ) == [("RPL0235", 14), ("RPL0235", 14)]


def test_an_undefined_name_suggests_the_action_spelled_most_like_it():
    text = diagnostics_text(
        """
        @action
        async def fetch_invoice(invoice_id: str) -> int:
            return 1


        @workflow
        class Flow(Workflow):
            async def run(self, invoice_id: str) -> int:
                return await fetch_invioce(invoice_id)
        """
    )
    assert text == expect(
        """
        error[RPL0223]: name `fetch_invioce` is not defined
          --> app/flows.py:14:22
           |
        14 |         return await fetch_invioce(invoice_id)
           |                      ^^^^^^^^^^^^^
           = help: did you mean `fetch_invoice`?
        """
    ).rstrip("\n")


@pytest.mark.parametrize(
    ("body", "message", "help_line"),
    [
        # a parameter, an import and a module constant are candidates as well
        ("return invoce_id", "name `invoce_id` is not defined", "did you mean `invoice_id`?"),
        ("return str(timedelte(days=1))", "name `timedelte` is not defined", "did you mean `timedelta`?"),
        ("return str(LIMTI)", "name `LIMTI` is not defined", "did you mean `LIMIT`?"),
        # nothing alike: the usual help
        ("return zzz", "name `zzz` is not defined", "assign it before this line, or take it as a parameter of run()"),
    ],
)
def test_undefined_names_suggest_names_in_scope(body: str, message: str, help_line: str):
    [diagnostic] = compile_text(
        f"""
        LIMIT = 3


        @workflow
        class Flow(Workflow):
            async def run(self, invoice_id: str) -> str:
                {body}
        """
    ).diagnostics
    assert (diagnostic.code, diagnostic.message, diagnostic.help) == ("RPL0223", message, help_line)


@pytest.mark.parametrize(
    ("call", "message", "help_line"),
    [
        ("await fetch(key, retries=2)", "fetch() has no parameter `retries`", "did you mean `retry`?"),
        ("await fetch(key, colour=2)", "fetch() has no parameter `colour`", "the parameters of fetch() are `key`, `retry`"),
        ("await fetch(key, 1, 2)", "fetch() takes 1 positional argument but 3 were given", "pass `retry` by name"),
        ("self.pick(key, 1, 2)", "self.pick() takes 2 positional arguments but 3 were given",
         "pass the arguments the callee declares, each once, by position or by name"),
        ("str(len(key, 2))", "len() takes 1 positional argument but 2 were given",
         "pass the arguments the callee declares, each once, by position or by name"),
        ("str(sorted([key], reversed=True))", "sorted() does not take the keyword argument `reversed` in a workflow",
         "did you mean `reverse`?"),
    ],
)
def test_call_arguments_name_the_counts_and_the_nearest_keyword(call: str, message: str, help_line: str):
    [diagnostic] = compile_text(
        f"""
        @action
        async def fetch(key: str, *, retry: int = 0) -> str:
            return key


        @workflow
        class Flow(Workflow):
            async def run(self, key: str) -> str:
                return {call}

            def pick(self, key: str, n: int) -> str:
                return key
        """
    ).diagnostics
    assert (diagnostic.code, diagnostic.message, diagnostic.help) == ("RPL0206", message, help_line)


def test_too_many_positional_fields_give_the_counts():
    [diagnostic] = compile_text(
        """
        from dataclasses import dataclass


        @dataclass
        class Line:
            sku: str


        @workflow
        class Flow(Workflow):
            async def run(self, sku: str) -> str:
                return Line(sku, 2).sku
        """
    ).diagnostics
    assert (diagnostic.code, diagnostic.message) == ("RPL0206", "Line() takes 1 field but 2 positional arguments were given")
