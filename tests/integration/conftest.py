"""Starts the real stack once per test session: action server, Rasa server and gateway."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from bot_gateway.config import PROJECT_ROOT
from bot_gateway.runner import LocalStack, isolated_stack
from tests.integration.telegram_emulator import (
    TELEGRAM_TOKEN,
    EmulatorError,
    emulator_installed,
    start_emulator,
    stop_emulator,
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def telegram_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str | None]:
    """The telegram-test-api emulator from node_modules (None when `npm ci` has not run)."""
    if not emulator_installed():
        yield None
        return
    log_path = tmp_path_factory.mktemp("telegram") / "telegram-test-api.log"
    try:
        process, url = start_emulator(log_path)
    except EmulatorError as exc:
        pytest.fail(str(exc))
    yield url
    stop_emulator(process)


@pytest.fixture(scope="session")
def stack(
    tmp_path_factory: pytest.TempPathFactory, telegram_api: str | None
) -> Iterator[LocalStack]:
    state = tmp_path_factory.mktemp("stack")
    assert (PROJECT_ROOT / "rasa_project" / "models" / "counterpart.tar.gz").exists(), (
        "no trained model: run `make train` (make test does)"
    )
    # The gateway polls the emulator; never a real bot token from the developer's environment.
    telegram_env = (
        {"TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_API_SERVER": telegram_api}
        if telegram_api
        else {"TELEGRAM_BOT_TOKEN": ""}
    )
    yield from running(
        isolated_stack(
            state,
            gateway_env={"ENVIRONMENT": "test", "TELEGRAM_WEBHOOK_URL": "", **telegram_env},
            # a separate action server, which the outage tests stop and start again
            actions_in_process=False,
        ),
        state,
    )


def running(local: LocalStack, state: Path) -> Iterator[LocalStack]:
    """Start a stack for a fixture, print its logs' tails when it fails to start, stop it after."""
    try:
        local.start(progress=lambda _line: None, timeout=240)
    except Exception:
        local.stop()
        for log in sorted((state / "log").glob("*.log")):
            print(f"----- {log.name} -----\n{log.read_text(errors='replace')[-4000:]}")
        raise
    yield local
    local.stop()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, driven by Playwright (which cannot download browsers here).

    Module-scoped: Playwright's sync API keeps an event loop running while it is open, and
    other modules' tests call asyncio.run().
    """
    assert Path(CHROMIUM).exists(), "chromium missing: run `make setup`"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def gateway_url(stack: LocalStack) -> str:
    return f"http://127.0.0.1:{stack.settings.web_port}"
