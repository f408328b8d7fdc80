"""Calls with effects: awaits hoisted into temporaries in evaluation order,
gather, durable sleep, run_action policies."""

from __future__ import annotations

from .support import body_of, codes, expect, rrl_text

ACTIONS = """
@action
async def a() -> int:
    return 1


@action
async def b(x: int = 0) -> int:
    return x


@action
async def check(x: int) -> bool:
    return True


@action
async def price(item: str) -> float:
    return 1.0
"""


def flow(run_body: str, params: str = "x: int, xs: list[int], d: dict[str, int]", extra: str = "") -> str:
    indented = "\n".join("        " + line if line else "" for line in run_body.strip("\n").splitlines())
    return body_of(
        ACTIONS
        + f"""

@workflow
class Flow(Workflow):
    async def run(self, {params}):
{indented}
{extra}
"""
    )


def test_return_await_and_await_in_expressions():
    assert flow("return await b(x)") == expect(
        """
        $t1 = await b(x=x)
        return $t1
        """
    )
    assert flow("y = (await a()) + 1\nreturn y") == expect(
        """
        $t1 = await a()
        y = $t1 + 1
        return y
        """
    )


def test_if_await_and_elif_await():
    assert flow(
        """
        if await check(x):
            return 1
        elif await check(x + 1):
            return 2
        return 3
        """
    ) == expect(
        """
        $t1 = await check(x=x)
        if $t1:
            return 1
        else:
            $t2 = await check(x=x + 1)
            if $t2:
                return 2
        return 3
        """
    )


def test_augmented_assignment_with_await():
    assert flow(
        """
        total = 0.0
        for item in xs:
            total += await price(item)
        return total
        """
    ) == expect(
        """
        total = 0.0
        for item in xs:
            $t1 = await price(item=item)
            total += $t1
        return total
        """
    )


def test_operands_evaluated_before_a_later_await_are_kept_in_order():
    # d["k"] may raise KeyError before b() runs: it is evaluated first.
    assert flow("return d['k'] + x + await b()") == expect(
        """
        $t1 = d["k"] + x
        $t2 = await b()
        return $t1 + $t2
        """
    )
    # names cannot raise and do not change: they are not spilled
    assert flow("return x + await b()") == expect(
        """
        $t1 = await b()
        return x + $t1
        """
    )


def test_awaits_in_arguments_run_left_to_right():
    assert flow("return await b(await a() + await b(1))") == expect(
        """
        $t1 = await a()
        $t2 = await b(x=1)
        $t3 = await b(x=$t1 + $t2)
        return $t3
        """
    )


def test_short_circuit_operands_with_awaits_become_ifs():
    assert flow("ok = x > 0 and await check(x)\nreturn ok") == expect(
        """
        $t1 = x > 0
        if $t1:
            $t1 = await check(x=x)
        ok = $t1
        return ok
        """
    )
    assert flow("ok = x or await b()\nreturn ok") == expect(
        """
        $t1 = x
        if not $t1:
            $t1 = await b()
        ok = $t1
        return ok
        """
    )


def test_conditional_expression_with_awaits_becomes_an_if():
    assert flow("return await a() if x else await b(x)") == expect(
        """
        if x:
            $t1 = await a()
        else:
            $t1 = await b(x=x)
        return $t1
        """
    )


def test_while_with_an_awaited_condition():
    assert flow(
        """
        n = 0
        while await check(n):
            n += 1
        else:
            n = -1
        return n
        """
    ) == expect(
        """
        n = 0
        $t1 = False
        while True:
            $t2 = await check(x=n)
            if not $t2:
                $t1 = True
                break
            n += 1
        if $t1:
            n = -1
        return n
        """
    )


def test_sleep_however_it_is_imported():
    text = body_of(
        """
        import asyncio as aio
        from asyncio import sleep
        from asyncio import sleep as pause


        @workflow
        class Flow(Workflow):
            async def run(self, days: int) -> None:
                await sleep(60)
                await aio.sleep(2.5)
                await pause(days * 86400)
                await asyncio.sleep(0)
        """
    )
    assert text == expect(
        """
        sleep 60
        sleep 2.5
        sleep days * 86400
        sleep 0
        """
    )


def test_gather_fixed_into_a_tuple_and_a_list():
    assert flow(
        """
        p, q = await asyncio.gather(a(), b(x=x))
        both = await asyncio.gather(a(), b(1), return_exceptions=True)
        return [p, q, both]
        """
    ) == expect(
        """
        p, q = parallel:
            await a()
            await b(x=x)
        both = parallel return_exceptions:
            await a()
            await b(x=1)
        return [p, q, both]
        """
    )


def test_gather_over_comprehensions():
    assert flow(
        """
        ys = await asyncio.gather(*[b(v) for v in xs])
        zs = await asyncio.gather(*(b(x=i) for i, v in enumerate(xs)), return_exceptions=True)
        await asyncio.gather(*[b(v) for v in xs if v > 0])
        pairs = await asyncio.gather(*[b(v + w) for v in xs for w in xs])
        return ys + zs + pairs
        """
    ) == expect(
        """
        ys = parallel for v in xs:
            await b(x=v)
        zs = parallel return_exceptions for i, v in enumerate(xs):
            await b(x=i)
        $t1 = [v for v in xs if v > 0]
        parallel for v in $t1:
            await b(x=v)
        $t2 = [(v, w) for v in xs for w in xs]
        pairs = parallel for v, w in $t2:
            await b(x=v + w)
        return ys + zs + pairs
        """
    )


def test_gather_loop_variable_does_not_overwrite_a_local():
    assert flow(
        """
        v = 5
        ys = await asyncio.gather(*[b(v) for v in xs])
        return ys + [v]
        """
    ) == expect(
        """
        v = 5
        ys = parallel for $t1 in xs:
            await b(x=$t1)
        return ys + [v]
        """
    )


def test_gather_of_helpers_and_run_action():
    text = body_of(
        ACTIONS
        + """

@workflow
class Flow(Workflow):
    async def run(self, xs: list[int]) -> list[int]:
        first = await asyncio.gather(self.twice(1), self.run_action(b(2), retry=RetryPolicy(attempts=2)))
        return await asyncio.gather(*[self.run_action(b(v), timeout=5) for v in xs])

    async def twice(self, v: int) -> int:
        return await b(v * 2)
"""
    )
    assert text == expect(
        """
        first = parallel:
            await twice(v=1)
            await b(x=2) retry(attempts=2)
        $t1 = parallel for v in xs:
            await b(x=v) timeout(5s)
        return $t1
        """
    )


def test_run_action_policies():
    text = body_of(
        """
        class RateLimited(Exception):
            pass

        ATTEMPTS = 4
        TIMEOUT = timedelta(seconds=45)
        POLICY = RetryPolicy(attempts=ATTEMPTS, exceptions=(RateLimited, ConnectionError))


        @action
        async def call(url: str) -> str:
            return url


        @workflow
        class Flow(Workflow):
            async def run(self) -> list[str]:
                a = await self.run_action(call("a"), retry=RetryPolicy(attempts=None), backoff=BackoffPolicy(base_delay=2, multiplier=3, max_delay=timedelta(minutes=5)))
                b = await self.run_action(call("b"), retry=POLICY, timeout=TIMEOUT)
                c = await self.run_action(call(url="c"), retry=RetryPolicy(2, (ValueError,)), backoff=BackoffPolicy(), timeout=0.5)
                d = await self.run_action(call("d"), retry=None, timeout=timedelta(hours=1, minutes=30))
                return [a, b, c, d]
        """
    )
    assert text == expect(
        """
        a = await call(url="a") retry(attempts=None) backoff(base=2s, multiplier=3.0, max=5m)
        b = await call(url="b") retry(attempts=4, on=[RateLimited, ConnectionError]) timeout(45s)
        c = await call(url="c") retry(attempts=2, on=[ValueError]) backoff() timeout(500ms)
        d = await call(url="d") timeout(90m)
        return [a, b, c, d]
        """
    )


def test_run_action_policy_errors():
    assert codes(
        ACTIONS
        + """

@workflow
class Flow(Workflow):
    async def run(self, n: int) -> None:
        await self.run_action(b(1), retry=RetryPolicy(attempts=n))
        await self.run_action(b(1), retry=RetryPolicy(attempts=0))
        await self.run_action(b(1), backoff=BackoffPolicy(multiplier=0.5))
        await self.run_action(self.helper(), timeout=1)
        await self.run_action(b(1), deadline=3)

    async def helper(self) -> int:
        return 1
"""
    ) == ["RPL0219"] * 5


def test_sync_helpers_are_hoisted_and_called_directly_when_assigned():
    text = body_of(
        """
        @workflow
        class Flow(Workflow):
            async def run(self, xs: list[int]) -> int:
                total = self.total(xs)
                self.check(total)
                return self.total(xs) + 1

            def total(self, xs: list[int]) -> int:
                return sum(xs)

            def check(self, n: int) -> None:
                assert n >= 0, "negative"
        """
    )
    assert text == expect(
        """
        total = await total(xs=xs)
        await check(n=total)
        $t1 = await total(xs=xs)
        return $t1 + 1
        """
    )


def test_helper_calls_in_comprehensions_become_loops():
    assert body_of(
        """
        @workflow
        class Flow(Workflow):
            async def run(self, xs: list[int]) -> list:
                doubled = [self.double(x) for x in xs if x > 0]
                total = sum(self.double(x) for x in xs)
                found = any(self.double(x) > 4 for x in xs)
                table = {x: self.double(x) for x in xs}
                return [doubled, total, found, table]

            def double(self, x: int) -> int:
                return x * 2
        """
    ) == expect(
        """
        $t1 = []
        for $t2 in xs:
            if $t2 > 0:
                $t3 = await double(x=$t2)
                $t1.append($t3)
        doubled = $t1
        $t4 = []
        for $t5 in xs:
            $t6 = await double(x=$t5)
            $t4.append($t6)
        total = sum($t4)
        $t7 = False
        for $t8 in xs:
            $t9 = await double(x=$t8)
            if $t9 > 4:
                $t7 = True
                break
        found = $t7
        $t10 = {}
        for $t11 in xs:
            $t12 = await double(x=$t11)
            $t10[$t11] = $t12
        table = $t10
        return [doubled, total, found, table]
        """
    )


def test_only_the_first_iterator_of_a_comprehension_is_hoisted():
    assert body_of(
        """
        @workflow
        class Flow(Workflow):
            async def run(self) -> list[int]:
                return [v + 1 for v in self.values()]

            def values(self) -> list[int]:
                return [1, 2]
        """
    ) == expect(
        """
        $t1 = await values()
        return [v + 1 for v in $t1]
        """
    )


def test_names_that_are_rrl_keywords_are_renamed():
    text = rrl_text(
        ACTIONS
        + """

@workflow
class Flow(Workflow):
    async def run(self, items: list[int]) -> int:
        sleep_ = 1
        for sleep in items:
            sleep_ = sleep_ + sleep
        workflow = await self.action(parallel=items)
        return workflow

    async def action(self, parallel: list[int]) -> int:
        fn = await b(len(parallel))
        return fn
"""
    )
    assert "for sleep__ in items:" in text
    assert "sleep_ = sleep_ + sleep__" in text
    assert "workflow_ = await action_(parallel_=items)" in text
    assert "fn action_(parallel_: list[int]) -> int:" in text
    assert "    fn_ = await b(" in text


def test_helper_calls_where_they_cannot_be_hoisted():
    from .support import diagnostics_text

    text = diagnostics_text(
        """
        @workflow
        class Flow(Workflow):
            async def run(self, xs: list[int]) -> list[int]:
                return sorted(xs, key=lambda v: self.score(v))

            def score(self, v: int) -> int:
                return -v
        """
    )
    assert text.splitlines()[0] == "error[RPL0217]: an await or helper call cannot be evaluated inside a lambda body"
    assert "--> app/flows.py:9:31" in text  # the lambda, not the whole statement
