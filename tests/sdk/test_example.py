from pathlib import Path

import pytest

from rappel._loader import import_python_file
from rappel.testing import local_backend, run_local, run_native


EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "welcome_email.py"


@pytest.fixture(scope="module")
def welcome():
    # Imported as the CLI imports it, so both share one action registration.
    return import_python_file(EXAMPLE)


async def test_welcome_email_emails_only_active_users(welcome):
    results = await run_native(welcome.WelcomeEmailWorkflow, ["u1", "u2", "u3", "u5", "unknown"])
    assert [r.to for r in results] == ["ada@example.com", "chiara@example.com", "esi@example.com"]
    assert all(r.subject == "Welcome" for r in results)


async def test_welcome_email_with_an_overridden_database(welcome):
    only_brian = [u.model_copy(update={"active": True}) for u in welcome.USERS if u.id == "u2"]
    results = await run_native(
        welcome.WelcomeEmailWorkflow,
        ["u1", "u2"],
        overrides={welcome.get_db: lambda: welcome.Database(only_brian)},
    )
    assert [r.to for r in results] == ["brian@example.com"]


async def test_compiled_welcome_email_agrees_with_python(welcome):
    ids = [u.id for u in welcome.USERS]
    assert await run_local(welcome.WelcomeEmailWorkflow, ids) == await run_native(
        welcome.WelcomeEmailWorkflow, ids
    )


async def test_demo_prints_one_line_per_email(welcome, capsys):
    with local_backend():
        await welcome.main()
    assert capsys.readouterr().out.splitlines() == [
        "sent 'Welcome' to ada@example.com (msg-ada)",
        "sent 'Welcome' to chiara@example.com (msg-chiara)",
        "sent 'Welcome' to esi@example.com (msg-esi)",
    ]
