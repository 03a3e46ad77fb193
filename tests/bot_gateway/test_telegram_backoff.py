"""TelegramBackoff: 429 waits as told, 5xx backs off for conversation calls only, bounded."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.exceptions import TelegramRetryAfter, TelegramServerError
from aiogram.methods import GetUpdates, SendChatAction, SendMessage

from bot_gateway import telegram_backoff
from bot_gateway.telegram_backoff import TelegramBackoff


class Flaky:
    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self, _bot: Any, method: Any) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "sent"


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(telegram_backoff.asyncio, "sleep", sleep)
    return slept


SEND = SendMessage(chat_id=1, text="Where is my parcel?")


async def test_429_waits_as_telegram_asks_then_sends(waits: list[float]) -> None:
    flaky = Flaky(TelegramRetryAfter(method=SEND, message="Too Many Requests", retry_after=3))
    assert await TelegramBackoff()(flaky, None, SEND) == "sent"
    assert flaky.calls == 2
    assert waits == [3.0]


async def test_5xx_backs_off_exponentially_and_gives_up_after_the_last_attempt(
    waits: list[float],
) -> None:
    errors = [TelegramServerError(method=SEND, message="Bad Gateway") for _ in range(5)]
    flaky = Flaky(*errors)
    with pytest.raises(TelegramServerError):
        await TelegramBackoff(attempts=4, first_delay=0.5)(flaky, None, SEND)
    assert flaky.calls == 4
    assert waits == [0.5, 1.0, 2.0]


async def test_best_effort_calls_and_polling_are_not_retried_on_5xx(waits: list[float]) -> None:
    typing = SendChatAction(chat_id=1, action="typing")
    flaky = Flaky(TelegramServerError(method=typing, message="Bad Gateway"))
    with pytest.raises(TelegramServerError):
        await TelegramBackoff()(flaky, None, typing)
    poll = GetUpdates()
    flaky = Flaky(TelegramRetryAfter(method=poll, message="Too Many Requests", retry_after=1))
    with pytest.raises(TelegramRetryAfter):
        await TelegramBackoff()(flaky, None, poll)
    assert waits == []
