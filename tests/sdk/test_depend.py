import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Annotated

import pytest

from rappel import Depend, RappelError, action
from rappel.testing import override_dependency

events: list[str] = []


@pytest.fixture(autouse=True)
def clear_events():
    events.clear()


def config() -> dict[str, str]:
    events.append("config")
    return {"dsn": "memory://"}


async def async_secret() -> str:
    return "s3cr3t"


def sync_session(cfg: Annotated[dict[str, str], Depend(config)]) -> Iterator[str]:
    events.append("session:open")
    try:
        yield f"session({cfg['dsn']})"
    finally:
        events.append("session:close")


async def async_connection(
    cfg: Annotated[dict[str, str], Depend(config)],
    secret: Annotated[str, Depend(async_secret)],
) -> AsyncIterator[str]:
    events.append("connection:open")
    try:
        yield f"conn({cfg['dsn']},{secret})"
    finally:
        events.append("connection:close")


@action
async def depend_all_kinds(
    label: str,
    cfg: Annotated[dict[str, str], Depend(config)],
    session: Annotated[str, Depend(sync_session)],
    conn: Annotated[str, Depend(async_connection)],
) -> str:
    events.append(f"action:{label}")
    return f"{label}|{cfg['dsn']}|{session}|{conn}"


@action
async def depend_failing(conn: Annotated[str, Depend(async_connection)]) -> str:
    events.append("action:failing")
    raise ValueError("boom")


async def test_all_provider_kinds_are_resolved_and_torn_down():
    result = await depend_all_kinds("a")
    assert result == "a|memory://|session(memory://)|conn(memory://,s3cr3t)"
    # config is shared by the action and both providers: one call per action call.
    assert events.count("config") == 1
    assert events[-3:] == ["action:a", "connection:close", "session:close"]


async def test_dependencies_are_resolved_again_for_each_call():
    await depend_all_kinds("a")
    await depend_all_kinds("b")
    assert events.count("config") == 2
    assert events.count("session:open") == events.count("session:close") == 2


async def test_teardown_runs_when_the_action_raises():
    with pytest.raises(ValueError, match="boom"):
        await depend_failing()
    assert events == ["config", "connection:open", "action:failing", "connection:close"]


def swallowing_provider() -> Iterator[str]:
    try:
        yield "value"
    except Exception:
        events.append("saw-error")  # and does not re-raise


@action
async def depend_swallowed(v: Annotated[str, Depend(swallowing_provider)]) -> str:
    raise KeyError(v)


async def test_a_provider_cannot_swallow_the_actions_exception():
    with pytest.raises(KeyError):
        await depend_swallowed()
    assert events == ["saw-error"]


async def test_override_dependency_replaces_a_provider_in_context():
    def fake_config() -> dict[str, str]:
        return {"dsn": "fake://"}

    with override_dependency(config, fake_config):
        result = await depend_all_kinds("o")
    assert result == "o|fake://|session(fake://)|conn(fake://,s3cr3t)"
    assert "config" not in events
    assert (await depend_all_kinds("after")).startswith("after|memory://")


async def test_overrides_nest_and_can_replace_generators():
    async def fake_connection() -> str:
        return "fake-conn"

    async def fake_secret() -> str:
        return "other"

    with override_dependency(async_connection, fake_connection):
        with override_dependency(async_secret, fake_secret):
            assert (await depend_all_kinds("n")).endswith("|fake-conn")
    assert "connection:open" not in events


async def test_overrides_are_isolated_between_tasks():
    def fake_config() -> dict[str, str]:
        return {"dsn": "task-local://"}

    async def with_override() -> str:
        with override_dependency(config, fake_config):
            await asyncio.sleep(0.01)
            return await depend_all_kinds("x")

    async def without_override() -> str:
        await asyncio.sleep(0.005)
        return await depend_all_kinds("y")

    overridden, plain = await asyncio.gather(with_override(), without_override())
    assert "task-local://" in overridden
    assert "memory://" in plain


async def test_dependency_cycles_are_reported(isolated_registry):
    def first(x: Annotated[str, Depend(lambda: "unused")]) -> str:
        return x

    def second(y: Annotated[str, Depend(first)]) -> str:
        return y

    # Close the loop: first depends on second through an override.
    def first_again(x: Annotated[str, Depend(second)]) -> str:
        return x

    @action
    async def cyclic(v: Annotated[str, Depend(second)]) -> str:
        return v

    with override_dependency(first, first_again):
        with pytest.raises(RappelError, match="dependency cycle: .*second -> .*first -> .*second"):
            await cyclic()


async def test_provider_parameters_must_be_injectable(isolated_registry):
    def needs_argument(region: str) -> str:
        return region

    def has_default(region: str = "eu") -> str:
        return region

    @action
    async def uses_bad_provider(v: Annotated[str, Depend(needs_argument)]) -> str:
        return v

    @action
    async def uses_default_provider(v: Annotated[str, Depend(has_default)]) -> str:
        return v

    with pytest.raises(RappelError, match="needs_argument\\(\\) has a parameter 'region' that rappel cannot supply"):
        await uses_bad_provider()
    assert await uses_default_provider() == "eu"


def test_depend_needs_a_callable():
    with pytest.raises(TypeError, match="callable provider"):
        Depend("get_db")  # type: ignore[arg-type]


def test_override_values_must_be_callables():
    with pytest.raises(TypeError, match="replacement provider"):
        with override_dependency(config, "fake"):  # type: ignore[arg-type]
            pass


async def test_callable_objects_and_classes_are_providers(isolated_registry):
    class Client:
        def __init__(self, cfg: Annotated[dict[str, str], Depend(config)]) -> None:
            self.dsn = cfg["dsn"]

    @action
    async def uses_class(client: Annotated[Client, Depend(Client)]) -> str:
        return client.dsn

    assert await uses_class() == "memory://"
