"""`counterpart run` hands the settings its processes must agree on to each of them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot_gateway.config import PROJECT_ROOT, Settings, StackSettings
from bot_gateway.runner import LocalStack


@pytest.fixture
def stack_settings(tmp_path: Path) -> StackSettings:
    return StackSettings(
        _env_file=None,
        rasa_model=tmp_path / "model.tar.gz",
        rasa_port=15005,
        action_server_port=15055,
        web_port=18080,
        log_dir=tmp_path / "log",
        state_dir=tmp_path / "state",
        actions_in_process=False,
        rasa_servers=1,
    )


def _app_settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)


def test_every_process_gets_the_persona_folders_and_the_model(
    stack_settings: StackSettings, tmp_path: Path
) -> None:
    app = _app_settings(persona_library_dir=tmp_path / "lib", persona_types_dir=tmp_path / "t")
    stack = LocalStack(stack_settings, app_settings=app)
    for name in ("action-server", "rasa", "gateway"):
        env = stack.service(name).env
        assert env["PERSONA_LIBRARY_DIR"] == str(tmp_path / "lib"), name
        assert env["PERSONA_TYPES_DIR"] == str(tmp_path / "t"), name
        assert env["COUNTERPART_MODEL"] == str(tmp_path / "model.tar.gz"), name
    rasa = stack.service("rasa").command
    assert rasa[rasa.index("--model") + 1] == str(tmp_path / "model.tar.gz")


def test_with_actions_in_process_rasa_runs_them_and_no_action_server_starts(
    stack_settings: StackSettings,
) -> None:
    in_process = stack_settings.model_copy(update={"actions_in_process": True})
    stack = LocalStack(in_process, app_settings=_app_settings())
    assert [s.name for s in stack.services] == ["rasa", "gateway"]
    assert stack.service("rasa").env["ACTIONS_IN_PROCESS"] == "true"
    assert not StackSettings(_env_file=None).actions_in_process  # the default: separate
    separate = LocalStack(stack_settings, app_settings=_app_settings())
    assert [s.name for s in separate.services] == ["action-server", "rasa", "gateway"]
    assert separate.service("rasa").env["ACTIONS_IN_PROCESS"] == "false"
    assert separate.service("rasa").env["ACTION_SERVER_URL"] == "http://127.0.0.1:15055/webhook"


def test_relative_folders_reach_the_rasa_processes_as_absolute_paths(
    stack_settings: StackSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rasa and the action server run in rasa_project/, the gateway in the project folder
    monkeypatch.setenv("PERSONA_LIBRARY_DIR", "personas/library")
    stack = LocalStack(stack_settings, app_settings=_app_settings())
    env = stack.service("action-server").env
    assert env["PERSONA_LIBRARY_DIR"] == str(PROJECT_ROOT / "personas" / "library")
    assert stack.service("action-server").cwd == PROJECT_ROOT / "rasa_project"


def test_the_gateway_talks_to_the_stacks_rasa_on_its_port(
    stack_settings: StackSettings,
) -> None:
    env = LocalStack(stack_settings, app_settings=_app_settings()).service("gateway").env
    assert env["RASA_URL"] == "http://127.0.0.1:15005"
    assert env["WEB_PORT"] == "18080"


def test_the_gateway_database_lives_in_the_state_folder_unless_database_url_is_set(
    stack_settings: StackSettings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    stack = LocalStack(stack_settings, app_settings=_app_settings())
    assert stack.database_url == f"sqlite+aiosqlite:///{tmp_path / 'state' / 'counterpart.db'}"
    assert stack.service("gateway").env["DATABASE_URL"] == stack.database_url

    chosen = "postgresql+asyncpg://u:p@db/counterpart"
    stack = LocalStack(stack_settings, app_settings=_app_settings(database_url=chosen))
    assert stack.database_url == chosen
    assert stack.service("gateway").env["DATABASE_URL"] == chosen


def test_rasa_can_queue_every_connection_the_gateway_may_open(
    stack_settings: StackSettings,
) -> None:
    """A connection Rasa's listen queue cannot take is dropped and tried again a second later:
    the backlog must hold every connection the gateway may open to it at once."""
    from bot_gateway.rasa_client import MAX_CONNECTIONS

    stack = LocalStack(stack_settings, app_settings=_app_settings())
    assert int(stack.service("rasa").env["SANIC_BACKLOG"]) >= MAX_CONNECTIONS


def test_several_rasa_servers_share_the_tracker_store_and_the_gateway_spreads_over_them(
    stack_settings: StackSettings,
) -> None:
    two = stack_settings.model_copy(update={"rasa_servers": 2})
    stack = LocalStack(two, app_settings=_app_settings())
    assert [s.name for s in stack.services] == ["action-server", "rasa-1", "rasa-2", "gateway"]
    ports = []
    for name in ("rasa-1", "rasa-2"):
        service = stack.service(name)
        ports.append(service.command[service.command.index("--port") + 1])
        assert service.ready_url.startswith(f"http://127.0.0.1:{ports[-1]}/status")
        # one tracker store and one action server for both
        assert service.env["TRACKER_DB_URL"] == stack.service("rasa-1").env["TRACKER_DB_URL"]
        assert service.env["ACTION_SERVER_URL"] == "http://127.0.0.1:15055/webhook"
    assert ports == ["15005", "15006"]
    assert stack.service("gateway").env["RASA_URL"] == (
        "http://127.0.0.1:15005,http://127.0.0.1:15006"
    )
    # the default: two where there are two cores or more
    expected = 2 if (os.cpu_count() or 1) >= 2 else 1
    assert StackSettings(_env_file=None).rasa_servers == expected
