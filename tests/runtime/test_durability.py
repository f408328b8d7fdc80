"""Processes die, nothing is lost: the crash drill, the bridge killed under waiting
clients (once, and at random moments while clients start and wait), and an action's
exception reaching the caller. One runtime (two workers of ten slots) serves the
module; the actions (durable_app) log every execution.
"""

from __future__ import annotations

import asyncio
import collections
import os
import random
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import durable_app
from rappel import RappelError
from rappel._durable import BridgeUnavailable
from rappel.dev import LocalRuntime, use_backend
from runtime_support import HERE, worker_env

pytestmark = pytest.mark.asyncio(loop_scope="module")

WORKERS, SLOTS = 2, 10
INSTANCES = 40
# Upper bounds on waits, never asserted: a wait that runs out fails with what it saw.
WAIT_SECONDS = 180.0
# The log quiet this long before the kill: results sent just before it are committed.
SETTLE_SECONDS = 1.0


class Drill:
    """The module's runtime with its log and gate files."""

    def __init__(self, rt: LocalRuntime, log: Path, gate: Path) -> None:
        self.rt, self.log, self.gate = rt, log, gate

    def events(self) -> list[tuple[str, str, str]]:
        if not self.log.exists():
            return []
        return [tuple(line.split(" ", 2)) for line in self.log.read_text().splitlines()]

    def starts(self, keys: set[str]) -> collections.Counter[tuple[str, str]]:
        return collections.Counter((step, key) for event, step, key in self.events() if event == "start" and key in keys)


@pytest.fixture(scope="module")
def drill(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Drill]:
    files = tmp_path_factory.mktemp("drill")
    log, gate = files / "executions.log", files / "gate"
    env = worker_env(RAPPEL_DRILL_LOG=str(log), RAPPEL_DRILL_GATE=str(gate))
    with LocalRuntime("durable_app", database_url=database_url, worker_count=WORKERS, concurrent_per_worker=SLOTS, env=env, cwd=HERE) as rt:
        yield Drill(rt, log, gate)


async def wait_for(what: str, condition, seen) -> None:
    """Poll `condition()` until it holds; past WAIT_SECONDS fail with `seen()`."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {WAIT_SECONDS:g} s for {what}; saw {seen()}")
        await asyncio.sleep(0.1)


async def settle(drill: Drill) -> None:
    """Wait until the log has not grown for SETTLE_SECONDS."""
    size, since = -1, time.monotonic()
    while time.monotonic() - since < SETTLE_SECONDS:
        current = drill.log.stat().st_size
        if current != size:
            size, since = current, time.monotonic()
        await asyncio.sleep(0.1)


async def test_crash_drill_loses_no_step_and_reruns_only_what_was_in_flight(drill: Drill) -> None:
    """40 instances of three steps; the whole start-workers process group is killed
    with SIGKILL while the second steps hold every slot (they wait for the gate), and
    started again. Every instance completes with its result; a step that finished
    before the kill ran once, a step in flight at the kill ran exactly twice."""
    keys = {str(n) for n in range(INSTANCES)}
    drill.gate.unlink(missing_ok=True)
    with use_backend(drill.rt.backend):
        handles = [await durable_app.ThreeSteps().start(n=n) for n in range(INSTANCES)]

        # Every slot holds a second step waiting at the gate: mid-run.
        def slots_full() -> bool:
            return sum(1 for (step, _), _ in drill.starts(keys).items() if step == "increment") >= WORKERS * SLOTS

        await wait_for("every slot to hold a waiting second step", slots_full, drill.events)
        await settle(drill)
        before = drill.events()
        drill.rt.kill_workers()

        started = {(step, key) for event, step, key in before if event == "start"}
        ended = {(step, key) for event, step, key in before if event == "end"}
        in_flight = started - ended
        assert {step for step, _ in in_flight} == {"increment"} and len(in_flight) == WORKERS * SLOTS, in_flight

        drill.gate.touch()
        drill.rt.start_workers()
        results = await asyncio.wait_for(asyncio.gather(*(h.result() for h in handles)), WAIT_SECONDS)

    assert results == [f"{n}:{2 * n + 1}" for n in range(INSTANCES)]
    runs = drill.starts(keys)
    every_step = {(step, str(n)) for step in ("double", "increment", "label") for n in range(INSTANCES)}
    assert set(runs) == every_step, "a step never ran"
    ran_twice = {step for step, count in runs.items() if count > 1}
    assert ran_twice == in_flight, f"ran more than once: {sorted(ran_twice)}; in flight at the kill: {sorted(in_flight)}"
    assert all(runs[step] == 2 for step in in_flight), {step: runs[step] for step in in_flight}


async def test_a_client_waiting_through_a_bridge_restart_gets_its_result(drill: Drill) -> None:
    """The bridge is killed while callers wait on results; it comes back on the
    same ports and the waiting calls return the results. Whatever a caller cannot
    wait through is a clear error, and the instance's result is fetched by its id.
    Every step ran exactly once: the bridge is not on the instances' path."""
    keys = {str(n) for n in range(100, 110)}
    drill.gate.unlink()
    with use_backend(drill.rt.backend):
        handles = [await durable_app.ThreeSteps().start(n=int(key)) for key in sorted(keys)]
        waiting = [asyncio.create_task(h.result()) for h in handles]
        await wait_for("the instances to reach the gate", lambda: len(drill.starts(keys)) >= 2 * len(keys), drill.events)
        assert not any(task.done() for task in waiting)

        drill.rt.kill_bridge()
        await asyncio.sleep(0.5)  # callers find the bridge gone
        drill.gate.touch()
        drill.rt.start_bridge()

        outcomes = await asyncio.wait_for(asyncio.gather(*waiting, return_exceptions=True), WAIT_SECONDS)
        results = []
        for handle, outcome in zip(handles, outcomes):
            if isinstance(outcome, BaseException):
                assert isinstance(outcome, RappelError) and handle.id in str(outcome), repr(outcome)
                outcome = await durable_app.ThreeSteps.handle(handle.id).result()
            results.append(outcome)

    assert results == [f"{key}:{2 * int(key) + 1}" for key in sorted(keys)]
    runs = drill.starts(keys)
    assert runs == {(step, key): 1 for step in ("double", "increment", "label") for key in keys}


CLIENTS = 24
BRIDGE_KILLS = 3
# How long a kill waits past its random moment for a caller to be waiting.
WAIT_FOR_A_CALLER_SECONDS = 5.0


def drill_seed(name: str) -> random.Random:
    """A generator for a drill's random moments, seeded from RAPPEL_DRILL_SEED when set
    (to replay a failure), else from the clock; the seed is printed (pytest shows it
    with a failure)."""
    seed = int(os.environ.get("RAPPEL_DRILL_SEED") or time.time_ns())
    print(f"{name}: seed {seed} (replay with RAPPEL_DRILL_SEED={seed})")
    return random.Random(seed)


async def test_the_bridge_killed_at_random_moments_while_clients_start_and_wait(drill: Drill) -> None:
    """The bridge is SIGKILLed at random moments, and started again after a random
    outage, while clients start instances and wait for them. A start is never retried
    by the client (its answer may be lost after the instance was queued), so each
    client starts with an idempotency key and starts again with the same key until the
    bridge answers: one instance per key. Every caller gets its result (a wait the
    client gives up on is fetched again by the instance's id), and every step ran
    exactly once: the bridge is not on the instances' path."""
    rng = drill_seed("bridge drill")
    keys = [f"bridge-{n}" for n in range(CLIENTS)]
    start_after = {key: rng.uniform(0.0, 3.0) for key in keys}
    outages = [(rng.uniform(0.2, 1.2), rng.uniform(0.1, 1.0)) for _ in range(BRIDGE_KILLS)]
    waiting: set[str] = set()
    refused: collections.Counter[str] = collections.Counter()

    async def client(key: str) -> tuple[str, list[str]]:
        await asyncio.sleep(start_after[key])
        while True:
            try:
                handle = await durable_app.Relay().start(key=key, idempotency_key=key)
                break
            except BridgeUnavailable:
                refused[key] += 1
                await asyncio.sleep(0.1)
        waiting.add(key)
        while True:
            try:
                result = await handle.result()
                waiting.discard(key)
                return handle.id, result
            except BridgeUnavailable:
                handle = durable_app.Relay.handle(handle.id)

    async def killer() -> list[int]:
        waiting_at_kills = []
        for before, down in outages:
            await asyncio.sleep(before)
            # Strike while a caller waits: how long one waits depends on the machine's
            # speed, not on the seed, so the moment alone may find none.
            deadline = asyncio.get_running_loop().time() + WAIT_FOR_A_CALLER_SECONDS
            while not waiting and asyncio.get_running_loop().time() < deadline:
                await asyncio.sleep(0.002)
            waiting_at_kills.append(len(waiting))
            drill.rt.kill_bridge()
            await asyncio.sleep(down)
            await asyncio.to_thread(drill.rt.start_bridge)
        return waiting_at_kills

    with use_backend(drill.rt.backend):
        kills = asyncio.create_task(killer())
        outcomes = await asyncio.wait_for(asyncio.gather(*(client(key) for key in keys)), WAIT_SECONDS)
        waiting_at_kills = await kills
        # The same key starts nothing new: it names the instance the client got.
        again = {key: (await durable_app.Relay().start(key=key, idempotency_key=key)).id for key in keys}

    print(f"callers waiting at each kill: {waiting_at_kills}; starts refused: {sum(refused.values())}")
    assert any(waiting_at_kills), f"no kill came while callers waited: {waiting_at_kills}"
    assert [result for _, result in outcomes] == [[f"first {key}", f"second {key}"] for key in keys]
    assert again == {key: instance for key, (instance, _) in zip(keys, outcomes)}
    runs = drill.starts(set(keys))
    assert runs == {(leg, key): 1 for leg in ("first", "second") for key in keys}


async def test_an_action_exception_reaches_the_caller_as_its_own_class(drill: Drill) -> None:
    with use_backend(drill.rt.backend):
        with pytest.raises(durable_app.PaymentDeclined) as raised:
            await durable_app.Checkout().run(order_id="o-17", cents=1250)
        assert str(raised.value) == "card declined for order o-17 (1250 cents)"
        assert type(raised.value) is durable_app.PaymentDeclined

        handle = await durable_app.Checkout().start(order_id="o-18", cents=5)
        with pytest.raises(durable_app.PaymentDeclined, match=r"^card declined for order o-18 \(5 cents\)$"):
            await handle.result()


async def test_an_idempotency_key_starts_one_instance_through_the_real_bridge(drill: Drill) -> None:
    with use_backend(drill.rt.backend):
        first = await durable_app.Quick().start(key="idem-a", idempotency_key="idem-order")
        # Other arguments, same key: the first instance, which runs once.
        again = await durable_app.Quick().start(key="idem-b", idempotency_key="idem-order")
        other = await durable_app.Quick().start(key="idem-c", idempotency_key="idem-other")
        assert again.id == first.id
        assert other.id != first.id
        assert await again.result() == await first.result()
        await other.result()
    assert drill.starts({"idem-a", "idem-b"}) == collections.Counter({("quick", "idem-a"): 1})


async def test_start_many_starts_each_instance_once_through_the_real_bridge(drill: Drill) -> None:
    keys = [f"many-{i}" for i in range(30)]
    with use_backend(drill.rt.backend):
        handles = await durable_app.Quick.start_many(
            [{"key": key} for key in keys] + [{"key": "many-again"}],
            # The last start repeats the first one's key: it is that instance.
            idempotency_keys=[f"many-order-{i}" for i in range(30)] + ["many-order-0"],
        )
        assert handles[-1].id == handles[0].id
        assert len({h.id for h in handles}) == 30
        results = await asyncio.gather(*(h.result() for h in handles))
        assert results == [f"quick {key}" for key in keys] + ["quick many-0"]
        # The same call again (a client retrying) starts nothing new.
        again = await durable_app.Quick.start_many(
            [{"key": key} for key in keys], idempotency_keys=[f"many-order-{i}" for i in range(30)]
        )
        assert [h.id for h in again] == [h.id for h in handles[:30]]
    assert drill.starts({*keys, "many-again"}) == collections.Counter({("quick", key): 1 for key in keys})
