"""Statements: assignments, accumulators, control flow, exceptions."""

from __future__ import annotations

from .support import body_of, compile_text, expect, rrl_text

ACTIONS = """
@action
async def step(x: int) -> int:
    return x


@action
async def cleanup(x: int) -> None:
    return None
"""


def flow(run_body: str, params: str = "x: int, xs: list[int], d: dict[str, int]", extra: str = "") -> str:
    indented = "\n".join("        " + line if line else "" for line in run_body.strip("\n").splitlines())
    return body_of(ACTIONS + f"\n\n@workflow\nclass Flow(Workflow):\n    async def run(self, {params}):\n{indented}\n{extra}\n")


def test_assignments_and_unpacking():
    assert flow(
        """
        a = b = x + 1
        c: int = 3
        e: list[str]
        first, (second, third) = xs[0], (xs[1], xs[2])
        lo, hi = 1, 2
        lo, hi = hi, lo
        n = await step(x)
        m: int = await step(x)
        d["k"] = await step(x)
        return [a, b, c, first, second, third, lo, hi, n, m]
        """
    ) == expect(
        """
        $t1 = x + 1
        a = $t1
        b = $t1
        c: int = 3
        first, (second, third) = (xs[0], (xs[1], xs[2]))
        lo, hi = (1, 2)
        lo, hi = (hi, lo)
        n = await step(x=x)
        m = await step(x=x)
        d["k"] = await step(x=x)
        return [a, b, c, first, second, third, lo, hi, n, m]
        """
    )


def test_accumulators():
    assert flow(
        """
        out: list[int] = []
        text = ""
        counts = {}
        for v in xs:
            out.append(v)
            out.extend([v, v])
            out.extend(range(v))
            out += [v]
            text += str(v)
            counts[str(v)] = counts.get(str(v), 0) + 1
            counts["n"] += 1
        return out
        """
    ) == expect(
        """
        out: list[int] = []
        text = ""
        counts = {}
        for v in xs:
            out.append(v)
            out.extend([v, v])
            out.extend(range(v))
            out += [v]
            text += str(v)
            counts[str(v)] = counts.get(str(v), 0) + 1
            counts["n"] += 1
        return out
        """
    )


def test_append_with_an_await_keeps_the_receiver_read_first():
    assert flow(
        """
        rows = {"a": []}
        rows["a"].append(await step(x))
        return rows
        """
    ) == expect(
        """
        rows = {"a": []}
        $t1 = rows["a"]
        $t2 = await step(x=x)
        rows["a"].append($t2)
        return rows
        """
    )


def test_attribute_assignment_on_a_local():
    text = body_of(
        """
        from dataclasses import dataclass


        @dataclass
        class Box:
            size: int


        @workflow
        class Flow(Workflow):
            async def run(self, n: int) -> Box:
                box = Box(n)
                box.size = n * 2
                return box
        """
    )
    assert text == expect(
        """
        box = Box(size=n)
        box.size = n * 2
        return box
        """
    )


def test_if_elif_else_and_loops():
    source = """
        if x > 1:
            pass
        elif x < 0:
            return -1
        else:
            x = 2
        for v in xs:
            if v == 0:
                continue
            if v < 0:
                break
        else:
            x = 3
        while x < 10:
            x += 1
        else:
            x = 0
        return x
        """
    assert flow(source) == expect(source)


def test_try_except_else_finally_and_raise():
    text = body_of(
        ACTIONS
        + """

class Problem(Exception):
    pass

RETRYABLE = (ConnectionError, TimeoutError)


@workflow
class Flow(Workflow):
    async def run(self, x: int) -> int:
        try:
            y = await step(x)
        except (KeyError, Problem) as e:
            raise ValueError(f"bad: {e}")
        except RETRYABLE:
            raise
        except asyncio.TimeoutError:
            raise Problem
        except:
            return -1
        else:
            y += 1
        finally:
            await cleanup(x)
        return y
"""
    )
    assert text == expect(
        """
        try:
            y = await step(x=x)
        except (KeyError, Problem) as e:
            raise ValueError(f"bad: {e}")
        except (ConnectionError, TimeoutError):
            raise
        except TimeoutError:
            raise Problem()
        except:
            return -1
        else:
            y += 1
        finally:
            await cleanup(x=x)
        return y
        """
    )


def test_assert_docstrings_and_expression_statements():
    assert flow(
        '''
        """A docstring is dropped."""
        ...
        assert x > 0, "x must be positive"
        assert xs
        xs.index(3)
        return x
        '''
    ) == expect(
        """
        if not x > 0:
            raise AssertionError("x must be positive")
        if not xs:
            raise AssertionError()
        $t1 = xs.index(3)
        return x
        """
    )


def test_builtin_exceptions_outside_rrl_are_imported_from_builtins():
    text = rrl_text(
        """
        @workflow
        class Flow(Workflow):
            async def run(self, raw: str) -> int:
                try:
                    return int(raw)
                except UnicodeDecodeError:
                    return 0
        """
    )
    assert "exception UnicodeDecodeError(UnicodeError) from builtins" in text
    assert "except UnicodeDecodeError:" in text


def test_except_clauses_name_exception_classes():
    from .support import codes

    body = """
        import httpx

        NOT_EXCEPTIONS = (1, 2)


        @workflow
        class Flow(Workflow):
            async def run(self) -> int:
                try:
                    return 1
                except {clause}:
                    return 0
        """
    assert codes(body.format(clause="httpx.HTTPError")) == ["RPL0223"]
    assert codes(body.format(clause="NOT_EXCEPTIONS")) == ["RPL0238"]
    assert codes(body.format(clause="len")) == ["RPL0238"]


def test_empty_finally_and_results_of_sleep_and_empty_gather():
    assert flow(
        """
        try:
            x = await step(x)
        finally:
            pass
        nothing = await asyncio.gather()
        slept = await asyncio.sleep(1)
        return [x, nothing, slept]
        """
    ) == expect(
        """
        x = await step(x=x)
        nothing = []
        sleep 1
        slept = None
        return [x, nothing, slept]
        """
    )


def test_starred_assignment_targets():
    source = """
    first, *rest = xs
    *init, last = await step(x)
    (a, *middle), b = xs, x
    head, *_ = "abc"
    return [first, rest, init, last, a, middle, b, head]
    """
    assert flow(source) == expect(source).replace("step(x)", "step(x=x)").replace("= xs, x", "= (xs, x)")


def test_common_workflow_idioms():
    extra = """
    def label(self, v: int) -> str:
        return str(v)
"""
    assert flow(
        """
        lines = []
        for i, v in enumerate(xs, start=1):
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                lines.append(f"{i}. {self.label(v)} ({v:>{i}})")
        ranked = sorted(d.items(), key=lambda kv: kv[1], reverse=True)
        return [lines, ", ".join(f"{k}={n}" for k, n in ranked)]
        """,
        extra=extra,
    ) == expect(
        """
        lines = []
        for i, v in enumerate(xs, start=1):
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                $t1 = await label(v=v)
                lines.append(f"{i}. {$t1} ({format(v, f'>{i}')})")
        ranked = sorted(d.items(), key=lambda kv: kv[1], reverse=True)
        return [lines, ", ".join([f"{k}={n}" for k, n in ranked])]
        """
    )
    source = """
    lines = []
    while len(lines) < x:
        lines.append(x)
        if x < 0:
            break
    else:
        lines.append(0)
    for v in xs:
        try:
            await step(x=v)
        except ValueError:
            continue
        lines.append(v)
    return lines
    """
    assert flow(source) == expect(source)


def test_starred_targets_that_cannot_be_translated():
    result = compile_text(
        """
        @workflow
        class Flow(Workflow):
            async def run(self, xs: list[int], rows: list[list[int]]) -> list:
                a, *b, *c = xs
                for first, *rest in rows:
                    pass
                return [a, b, c]
        """
    )
    assert [(d.code, d.message) for d in result.diagnostics] == [
        ("RPL0216", "an assignment target can unpack only one `*name`"),
        ("RPL0216", "starred loop targets are not supported in a workflow"),
    ]


def test_raise_from_keeps_its_cause():
    assert flow(
        """
        try:
            y = await step(x)
        except KeyError as e:
            raise ValueError(f"no step {x}") from e
        if y < 0:
            raise ValueError("negative") from None
        return y
        """
    ) == expect(
        """
        try:
            y = await step(x=x)
        except KeyError as e:
            raise ValueError(f"no step {x}") from e
        if y < 0:
            raise ValueError("negative") from None
        return y
        """
    )
