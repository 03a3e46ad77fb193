"""The telegram-test-api emulator from node_modules, started on a free port (integration tests,
drills and `make soak` share it)."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx

from bot_gateway.config import PROJECT_ROOT
from bot_gateway.runner import free_port

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


class EmulatedChat:
    """A trainee's private chat with the bot, as the emulator's client API takes it: the bodies
    of /sendMessage, /sendCommand, /sendCallback and /getUpdates (the Telegram end-to-end test
    and `make soak` both send them, one over a sync client, the other async)."""

    def __init__(self, user_id: int, first_name: str, last_name: str | None = None) -> None:
        self.user: dict[str, Any] = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            **({"last_name": last_name} if last_name else {}),
            "language_code": "en",
        }
        self.chat = {"id": user_id, "type": "private", "first_name": first_name}

    def message(self, **fields: Any) -> dict[str, Any]:
        """A message from the trainee with `fields` (text, entities, …)."""
        return {
            "botToken": TELEGRAM_TOKEN,
            "date": int(time.time()),
            "from": self.user,
            "chat": self.chat,
            **fields,
        }

    def command(self, text: str) -> dict[str, Any]:
        """A command ("/start CODE"): the text with its bot_command entity."""
        name_length = text.find(" ") if " " in text else len(text)
        entities = [{"offset": 0, "length": name_length, "type": "bot_command"}]
        return self.message(text=text, entities=entities)

    def press(self, picker: dict[str, Any], data: str) -> dict[str, Any]:
        """A press of the inline button with `data` under the bot message `picker`."""
        message = {
            "message_id": picker["messageId"],
            "date": int(time.time()),
            "chat": self.chat,
            "text": picker["message"].get("text", ""),
        }
        return {"botToken": TELEGRAM_TOKEN, "from": self.user, "message": message, "data": data}

    def updates(self) -> dict[str, Any]:
        """The body of /getUpdates: what the bot sent to this chat since the last call."""
        return {"token": TELEGRAM_TOKEN, "chatId": self.chat["id"]}


class EmulatorError(RuntimeError):
    pass


def emulator_installed() -> bool:
    return (PROJECT_ROOT / "node_modules" / "telegram-test-api").is_dir()


def start_emulator(log_path: Path, timeout: float = 30.0) -> tuple[subprocess.Popen[bytes], str]:
    """Start the emulator; (process, base URL) once it answers getMe, else EmulatorError."""
    port = free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            ["node", "-e", TELEGRAM_EMULATOR],
            cwd=PROJECT_ROOT,
            env={**os.environ, "PORT": str(port)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{url}/bot{TELEGRAM_TOKEN}/getMe", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise EmulatorError(f"telegram-test-api did not start: {log_path.read_text()}")
        time.sleep(0.2)


def stop_emulator(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
