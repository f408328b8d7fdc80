"""rappel.config: RAPPEL_* variables from the environment, `.env` as fallback."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

import rappel
from rappel.config import VARIABLES, Address, hide_passwords, is_set, load_settings

DOCS = Path(__file__).resolve().parents[2] / "docs" / "operations.md"


def load(env: dict[str, str], tmp_path: Path, dotenv: str | None = None):
    env_file = tmp_path / ".env"
    if dotenv is not None:
        env_file.write_text(dotenv)
    return load_settings(env, env_file)


def test_defaults(tmp_path: Path) -> None:
    settings = load({}, tmp_path)
    assert settings.database_url is None
    assert settings.worker_count == (os.cpu_count() or 1)
    assert settings.concurrent_per_worker == 10
    assert settings.user_module is None
    assert settings.poll_interval_ms == 100
    assert settings.max_action_lifecycle is None
    assert settings.webapp_enabled is False
    assert settings.webapp_addr == Address("0.0.0.0", 24119)
    assert settings.http_addr == Address("127.0.0.1", 24117)
    assert settings.grpc_addr == Address("127.0.0.1", 24118)
    assert settings.batch_size == settings.worker_count * 10
    assert settings.gc_interval_ms is None
    assert settings.gc_retention_seconds == 86400
    assert settings.gc_batch_size == 100
    assert settings.server_url is None
    assert settings.worker_addr is None and settings.worker_id is None
    assert settings.worker_heartbeat_seconds == 5.0


def test_values_are_typed(tmp_path: Path) -> None:
    settings = load(
        {
            "RAPPEL_DATABASE_URL": "postgresql://u:p@localhost:5433/rappel",
            "RAPPEL_WORKER_COUNT": "3",
            "RAPPEL_CONCURRENT_PER_WORKER": "20",
            "RAPPEL_USER_MODULE": "my_app.actions",
            "RAPPEL_MAX_ACTION_LIFECYCLE": "1000",
            "RAPPEL_WEBAPP_ENABLED": "TRUE",
            "RAPPEL_HTTP_ADDR": "0.0.0.0:8000",
            "RAPPEL_GC_INTERVAL_MS": "60000",
        },
        tmp_path,
    )
    assert settings.worker_count == 3 and settings.concurrent_per_worker == 20
    assert settings.batch_size == 60  # workers × concurrent per worker
    assert settings.user_module == "my_app.actions"
    assert settings.max_action_lifecycle == 1000
    assert settings.webapp_enabled is True
    assert settings.grpc_addr == Address("0.0.0.0", 8001)  # HTTP port + 1
    assert settings.gc_interval_ms == 60000
    assert str(load({"RAPPEL_GRPC_ADDR": "[::1]:9000"}, tmp_path).grpc_addr) == "[::1]:9000"


def test_environment_wins_over_dotenv(tmp_path: Path) -> None:
    dotenv = "RAPPEL_CONCURRENT_PER_WORKER=7\nRAPPEL_USER_MODULE=from_file.actions\n"
    settings = load({"RAPPEL_CONCURRENT_PER_WORKER": "3"}, tmp_path, dotenv)
    assert settings.concurrent_per_worker == 3
    assert settings.user_module == "from_file.actions"


def test_dotenv_in_working_directory_is_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("RAPPEL_POLL_INTERVAL_MS=50\n")
    monkeypatch.chdir(tmp_path)
    assert load_settings({}).poll_interval_ms == 50


# A bad value of every variable that has one (RAPPEL_WORKER_ID and RAPPEL_IR_DIR take
# any text; an empty one means unset).
BAD_VALUES = [
    ("RAPPEL_CONCURRENT_PER_WORKER", "ten", "a positive integer"),
    ("RAPPEL_WORKER_COUNT", "0", "a positive integer"),
    ("RAPPEL_WEBAPP_ENABLED", "maybe", "true or false"),
    ("RAPPEL_HTTP_ADDR", "localhost", "host:port"),
    ("RAPPEL_GRPC_ADDR", "127.0.0.1:70000", "host:port"),
    ("RAPPEL_DATABASE_URL", "mysql://x/y", "a PostgreSQL URL"),
    ("RAPPEL_USER_MODULE", "my-app.actions", "a dotted Python module name"),
    ("RAPPEL_GC_RETENTION_SECONDS", "-1", "an integer >= 0"),
    ("RAPPEL_SERVER_URL", "localhost", "a URL"),
    ("RAPPEL_POLL_INTERVAL_MS", "0.5", "a positive integer"),
    ("RAPPEL_MAX_ACTION_LIFECYCLE", "-5", "a positive integer"),
    ("RAPPEL_WEBAPP_ADDR", "[::1]", "host:port"),
    ("RAPPEL_BATCH_SIZE", "lots", "a positive integer"),
    ("RAPPEL_GC_INTERVAL_MS", "1m", "a positive integer"),
    ("RAPPEL_GC_BATCH_SIZE", "0", "a positive integer"),
    ("RAPPEL_WORKER_ADDR", "24117", "host:port"),
    ("RAPPEL_WORKER_HEARTBEAT_SECONDS", "inf", "a positive number of seconds"),
]
FREE_TEXT = {"RAPPEL_WORKER_ID", "RAPPEL_IR_DIR"}


@pytest.mark.parametrize(("variable", "value", "expected"), BAD_VALUES)
def test_bad_value_names_variable_value_and_expectation(tmp_path: Path, variable: str, value: str, expected: str) -> None:
    with pytest.raises(rappel.ConfigError) as caught:
        load({variable: value}, tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{variable}={value!r} (from the environment) is not valid: expected {expected}")


def test_every_variable_has_a_bad_value_test() -> None:
    tested = {variable for variable, _, _ in BAD_VALUES}
    assert tested == {v.name for v in VARIABLES} - FREE_TEXT


def test_no_error_shows_a_password(tmp_path: Path) -> None:
    with pytest.raises(rappel.ConfigError) as caught:
        load({"RAPPEL_DATABASE_URL": "mysql://app:s3cret@db:5432/rappel"}, tmp_path)
    assert "'mysql://app:***@db:5432/rappel'" in str(caught.value)
    assert "s3cret" not in str(caught.value)
    for text, shown in [
        ("postgresql://app:p/w@d@db/x", "postgresql://app:***@db/x"),
        ("postgres://app@db/x?password=pw&sslmode=require", "postgres://app@db/x?password=***&sslmode=require"),
        ("line 1: 'RAPPEL_DATABASE_URL=\"postgres://u:pw@h/d' x://a:b@c", "line 1: 'RAPPEL_DATABASE_URL=\"postgres://u:***@h/d' x://a:***@c"),
        ("postgresql://db:5432/x", "postgresql://db:5432/x"),
        ("no url at all", "no url at all"),
    ]:
        assert hide_passwords(text) == shown


def test_bad_value_in_dotenv_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(rappel.ConfigError, match=re.escape(f"(from {tmp_path / '.env'})")):
        load({}, tmp_path, "RAPPEL_BATCH_SIZE=lots\n")


def test_every_variable_is_documented() -> None:
    text = DOCS.read_text()
    missing = [v.name for v in VARIABLES if f"`{v.name}`" not in text]
    assert not missing, f"docs/operations.md does not document {missing}"


def test_ir_dir_is_a_path_or_unset(tmp_path: Path) -> None:
    assert load({}, tmp_path).ir_dir is None
    assert load({"RAPPEL_IR_DIR": "build/ir"}, tmp_path).ir_dir == Path("build/ir")
    assert load({"RAPPEL_IR_DIR": ""}, tmp_path).ir_dir is None
    assert load({}, tmp_path, "RAPPEL_IR_DIR=/srv/ir\n").ir_dir == Path("/srv/ir")


def test_is_set_tells_a_given_variable_from_its_default(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    assert not is_set("RAPPEL_GRPC_ADDR", {}, env_file)
    assert is_set("RAPPEL_GRPC_ADDR", {"RAPPEL_GRPC_ADDR": "127.0.0.1:9"}, env_file)
    assert not is_set("RAPPEL_GRPC_ADDR", {"RAPPEL_GRPC_ADDR": " "}, env_file)
    env_file.write_text("RAPPEL_GRPC_ADDR=127.0.0.1:9\n")
    assert is_set("RAPPEL_GRPC_ADDR", {}, env_file)
