"""Starts the real stack once per test session: action server, Rasa server and gateway."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, sync_playwright

from bot_gateway.config import PROJECT_ROOT
from bot_gateway.runner import LocalStack, free_port, isolated_stack


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.integration)


TELEGRAM_TOKEN = "123456:counterpart-e2e-token"
# telegram-test-api 4.2 leaves out two fields the Bot API always sends and aiogram requires:
# getMe's is_bot and callback_query.chat_instance. The emulator is patched for them here.
TELEGRAM_EMULATOR = """
const getMe = require('telegram-test-api/lib/routes/bot/getMe');
const { handle } = require('telegram-test-api/lib/routes/bot/utils');
getMe.getMe = (app) => handle(app, '/bot:token/getMe', (_req, res) => res.sendResult({
  ok: true,
  result: {id: 666, is_bot: true, first_name: 'Counterpart test bot', username: 'TestNameBot'},
}));
const TelegramServer = require('telegram-test-api');
const formatUpdate = TelegramServer.formatUpdate;
TelegramServer.formatUpdate = (update) => {
  const formatted = formatUpdate(update);
  if (formatted.callback_query) {
    formatted.callback_query.chat_instance = String(update.callbackQuery.from.id);
  }
  return formatted;
};
const server = new TelegramServer({
  host: '127.0.0.1', port: Number(process.env.PORT), storeTimeout: 3600,
});
server.start().then(() => console.log('telegram-test-api on ' + server.config.apiURL));
const stop = () => server.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
"""


@pytest.fixture(scope="session")
def telegram_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str | None]:
    """The telegram-test-api emulator from node_modules (None when `npm ci` has not run)."""
    if not (PROJECT_ROOT / "node_modules" / "telegram-test-api").is_dir():
        yield None
        return
    port = free_port()
    log_path = tmp_path_factory.mktemp("telegram") / "telegram-test-api.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            ["node", "-e", TELEGRAM_EMULATOR],
            cwd=PROJECT_ROOT,
            env={**os.environ, "PORT": str(port)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/bot{TELEGRAM_TOKEN}/getMe", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"telegram-test-api did not start: {log_path.read_text()}")
        time.sleep(0.2)
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


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
