"""Starts the real stack once per test session: action server, Rasa server and gateway."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot_gateway.config import PROJECT_ROOT, StackSettings
from bot_gateway.db import migrate
from bot_gateway.runner import LocalStack


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    state = tmp_path_factory.mktemp("stack")
    model = PROJECT_ROOT / "rasa_project" / "models" / "counterpart.tar.gz"
    assert model.exists(), "no trained model: run `make train` (make test does)"
    database_url = f"sqlite+aiosqlite:///{state / 'gateway.db'}"
    migrate.upgrade(database_url)
    settings = StackSettings(
        _env_file=None,
        rasa_model=model,
        rasa_port=free_port(),
        action_server_port=free_port(),
        web_port=free_port(),
        log_dir=state / "log",
        state_dir=state,
    )
    local = LocalStack(settings, gateway_env={"DATABASE_URL": database_url, "ENVIRONMENT": "test"})
    local.database_url = database_url  # type: ignore[attr-defined]
    try:
        local.start(progress=lambda _line: None, timeout=240)
    except Exception:
        local.stop()
        for log in sorted((state / "log").glob("*.log")):
            print(f"----- {log.name} -----\n{log.read_text(errors='replace')[-4000:]}")
        raise
    yield local
    local.stop()


@pytest.fixture(scope="session")
def gateway_url(stack: LocalStack) -> str:
    return f"http://127.0.0.1:{stack.settings.web_port}"
