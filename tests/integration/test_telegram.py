"""Telegram end to end: a trainee in the telegram-test-api emulator, the real gateway polling it,
Rasa and the action server playing the customer.

The emulator (see conftest.py) stores what the bot sends; the test plays the trainee through its
client API (/sendCommand, /sendMessage, /sendCallback) and reads the bot's messages back
(/getUpdates for new ones, /getUpdatesHistory for messages the bot edited in place).
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from bot_gateway.db.models import Cohort, PracticeSession, Trainee
from tests.integration.telegram_emulator import TELEGRAM_TOKEN, EmulatedChat

WAIT_SECONDS = 90  # a turn goes through NLU and the action server on a busy 2-core machine
REPLIES = [
    "I'm so sorry about this, I understand how frustrating it is. Could you tell me what happened?",
    "So the bumper is cracked and the charging dock does not power on, is that right?",
    "Could you give me your order number so I can look into it right away?",
]


class TelegramTrainee:
    """One trainee's private chat in the emulator."""

    def __init__(self, api: str, user_id: int) -> None:
        self.http = httpx.Client(base_url=api, timeout=10)
        self.emulated = EmulatedChat(user_id, "Mei", "Chen")
        self.received: list[dict[str, Any]] = []

    def command(self, text: str) -> None:
        self._post("/sendCommand", self.emulated.command(text))

    def say(self, text: str) -> None:
        self._post("/sendMessage", self.emulated.message(text=text))

    def send(self, **content: Any) -> None:
        self._post("/sendMessage", self.emulated.message(**content))

    def press(self, picker: dict[str, Any], data: str) -> None:
        """Press the inline button with `data` under the bot message `picker`."""
        self._post("/sendCallback", self.emulated.press(picker, data))

    def _post(self, path: str, body: dict[str, Any]) -> None:
        response = self.http.post(path, json=body)
        assert response.status_code == 200, response.text

    def new_messages(self) -> list[dict[str, Any]]:
        response = self.http.post("/getUpdates", json=self.emulated.updates())
        fresh = response.json()["result"]
        self.received += fresh
        return fresh

    def wait_for(
        self, matches: Callable[[dict[str, Any]], bool], what: str, *, since: int = 0
    ) -> dict[str, Any]:
        """The first bot message (in this chat, from index `since`) that `matches`."""
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            self.new_messages()
            for entry in self.received[since:]:
                if matches(entry):
                    return entry
            if time.monotonic() > deadline:
                texts = [text_of(e) for e in self.received[since:]]
                pytest.fail(f"no bot message {what} within {WAIT_SECONDS} s; got {texts}")
            time.sleep(0.2)

    def wait_for_text(self, fragment: str, *, since: int = 0) -> dict[str, Any]:
        return self.wait_for(
            lambda e: fragment in text_of(e), f"containing {fragment!r}", since=since
        )

    def current(self, message_id: int) -> dict[str, Any]:
        """A bot message as it is now, after the bot's edits."""
        history = self.http.post("/getUpdatesHistory", json={"token": TELEGRAM_TOKEN}).json()
        return next(
            e
            for e in history["result"]
            if e.get("messageId") == message_id and "chat_id" in e["message"]
        )

    def wait_for_buttons(self, message_id: int, prefix: str) -> tuple[dict[str, Any], list[str]]:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            picker = self.current(message_id)
            data = buttons_of(picker)
            if any(d.startswith(prefix) for d in data):
                return picker, data
            if time.monotonic() > deadline:
                pytest.fail(f"the picker never showed {prefix!r} buttons: {data}")
            time.sleep(0.2)


def text_of(entry: dict[str, Any]) -> str:
    return str(entry["message"].get("text") or "")


def buttons_of(entry: dict[str, Any]) -> list[str]:
    markup = entry["message"].get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


async def _add_cohort(database_url: str, name: str, code: str) -> None:
    engine = create_async_engine(database_url)
    async with engine.begin() as connection:
        await connection.execute(Cohort.__table__.insert().values(name=name, invite_code=code))
    await engine.dispose()


async def _stored(database_url: str, user_id: int) -> tuple[Any, Any, list[Any]]:
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        trainee = (
            await connection.execute(
                select(Trainee).where(
                    Trainee.channel == "telegram", Trainee.external_id == str(user_id)
                )
            )
        ).one()
        cohort = (
            await connection.execute(select(Cohort).where(Cohort.id == trainee.cohort_id))
        ).one()
        sessions = (
            await connection.execute(
                select(PracticeSession).where(PracticeSession.trainee_id == trainee.id)
            )
        ).all()
    await engine.dispose()
    return trainee, cohort, list(sessions)


@pytest.fixture
def trainee(telegram_api: str | None, stack) -> Iterator[TelegramTrainee]:
    assert telegram_api, "node_modules/telegram-test-api is missing: run `make setup` (npm ci)"
    chat = TelegramTrainee(telegram_api, user_id=700_000 + secrets.randbelow(99_999))
    yield chat
    chat.http.close()


def test_a_trainee_registers_practises_and_gets_the_scorecard_in_telegram(
    trainee: TelegramTrainee, stack
) -> None:
    code = f"E2E-{secrets.token_hex(3)}"
    asyncio.run(_add_cohort(stack.database_url, "Telegram e2e cohort", code))

    # /start with the cohort's invite code as deep-link payload
    trainee.command(f"/start {code}")
    trainee.wait_for_text("Hi Mei Chen!")
    trainee.wait_for_text("You joined the cohort <b>Telegram e2e cohort</b>.")

    # /practice: language → type → persona → mode, all with inline buttons on one message
    mark = len(trainee.received)
    trainee.command("/practice")
    picker = trainee.wait_for(lambda e: "lng:en" in buttons_of(e), "with language buttons")
    picker_id = picker["messageId"]
    trainee.press(picker, "lng:en")
    picker, types = trainee.wait_for_buttons(picker_id, "flt:")
    chosen_type = next((d for d in types if d == "flt:en:type:angry"), types[0])
    trainee.press(picker, chosen_type)
    picker, personas = trainee.wait_for_buttons(picker_id, "per:")
    trainee.press(picker, personas[0])
    picker, modes = trainee.wait_for_buttons(picker_id, "mod:")
    practice_mode = next(d for d in modes if d.endswith(":practice"))
    mark = len(trainee.received)
    trainee.press(picker, practice_mode)

    opening = trainee.wait_for(lambda e: bool(text_of(e)), "with the opening line", since=mark)
    assert not text_of(opening).startswith("💡")
    assert "Starting practice with" in text_of(trainee.current(picker_id))

    # a few replies: each gets the customer's answer, and in practice mode a hint after it
    customer_lines = [text_of(opening)]
    hints = 0
    for reply in REPLIES:
        mark = len(trainee.received)
        trainee.say(reply)
        answer = trainee.wait_for(lambda e: bool(text_of(e)), "answering the reply", since=mark)
        assert "Scorecard" not in text_of(answer), "the conversation ended early"
        assert "can't answer right now" not in text_of(answer)
        customer_lines.append(text_of(answer))
        time.sleep(1.0)  # the hint follows the customer's line
        trainee.new_messages()
        hints += sum(text_of(e).startswith("💡 Hint") for e in trainee.received[mark:])
    assert all(customer_lines), customer_lines
    assert len(set(customer_lines)) > 1, "the customer kept repeating one line"
    assert hints >= 1, "no hint came after any reply in practice mode"

    mark = len(trainee.received)
    trainee.command("/hint")
    trainee.wait_for(lambda e: text_of(e).startswith("💡 Hint:"), "with a hint", since=mark)

    # a sticker is explained, and does not reach the customer
    mark = len(trainee.received)
    trainee.send(
        sticker={
            "file_id": "CAACAgIAAxkBAAE",
            "file_unique_id": "AgADBAADr",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
    )
    trainee.wait_for_text("I can only work with text", since=mark)

    # /end: the scorecard text, then (the emulator refuses sendPhoto) the mood as text
    mark = len(trainee.received)
    trainee.command("/end")
    card = text_of(trainee.wait_for_text("<b>Scorecard</b>", since=mark))
    for part in ("Overall: <b>", "<b>Dimensions</b>", "<b>Five steps</b>", "Listen"):
        assert part in card, (part, card)
    assert "<b>Strengths</b>" in card or "<b>To improve</b>" in card
    trainee.wait_for_text("Mood (anger 0–1): ", since=mark)

    stored_trainee, cohort, sessions = asyncio.run(
        _stored(stack.database_url, trainee.emulated.user["id"])
    )
    assert stored_trainee.display_name == "Mei Chen"
    assert cohort.invite_code == code
    assert [(s.mode, s.status) for s in sessions] == [("practice", "ended")]
    assert sessions[0].overall_score is not None
    log = stack.service("gateway").log_path.read_text(errors="replace")
    assert "telegram.chart_fallback" in log, "the chart image was not attempted"


def test_a_bad_invite_code_is_explained_in_telegram(trainee: TelegramTrainee) -> None:
    trainee.command("/start NO-SUCH-CODE")
    trainee.wait_for_text("That invite code is not valid.")
    mark = len(trainee.received)
    trainee.command("/history")
    trainee.wait_for_text("No sessions yet.", since=mark)
