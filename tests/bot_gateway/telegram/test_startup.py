"""start_telegram: long polling by default, a secret-checked webhook route when a URL is set."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from aiogram import Bot
from aiogram.methods import SetWebhook
from aiogram.types import Chat, Message, Update, User
from fastapi import FastAPI

import bot_gateway.telegram as telegram
from bot_gateway.config import Settings
from bot_gateway.telegram.bot import EmptyPollPacing, create_bot
from tests.bot_gateway.telegram.conftest import TOKEN, USER_ID, FakeService, RecordingSession


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[RecordingSession]:
    recording = RecordingSession()

    def bot_on_recording_session(settings: Settings) -> Bot:
        return create_bot(settings, session=recording)

    monkeypatch.setattr(telegram, "create_bot", bot_on_recording_session)
    yield recording


def _help_update(update_id: int) -> dict[str, object]:
    message = Message(
        message_id=1,
        date=datetime.now(UTC),
        chat=Chat(id=USER_ID, type="private"),
        from_user=User(id=USER_ID, is_bot=False, first_name="Lin", language_code="en"),
        text="/help",
    )
    return Update(update_id=update_id, message=message).model_dump(mode="json", exclude_none=True)


async def _until(condition, timeout: float = 3.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_webhook_mode_sets_the_webhook_with_the_secret_and_checks_it(
    session: RecordingSession,
) -> None:
    settings = Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_webhook_url="https://counterpart.example/telegram/webhook",
        telegram_webhook_secret="s3cret-token",
    )
    app = FastAPI()
    stop = await telegram.start_telegram(app, settings, FakeService())
    try:
        await _until(lambda: bool(session.named("setWebhook")))
        webhook = session.named("setWebhook")[0]
        assert isinstance(webhook, SetWebhook)
        assert webhook.url == "https://counterpart.example/telegram/webhook"
        assert webhook.secret_token == "s3cret-token"
        assert set(webhook.allowed_updates or []) == {"message", "callback_query"}

        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            refused = await client.post("/telegram/webhook", json=_help_update(1))
            wrong = await client.post(
                "/telegram/webhook",
                json=_help_update(2),
                headers={"X-Telegram-Bot-Api-Secret-Token": "guess"},
            )
            assert (refused.status_code, wrong.status_code) == (401, 401)
            assert not session.named("sendMessage")

            accepted = await client.post(
                "/telegram/webhook",
                json=_help_update(3),
                headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"},
            )
            assert accepted.status_code == 200
            bad = await client.post(
                "/telegram/webhook",
                content=b"not json",
                headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"},
            )
            assert bad.status_code == 400
        await _until(lambda: bool(session.named("sendMessage")))
        assert "/practice" in session.texts()[0]
    finally:
        await stop()


async def test_polling_mode_fetches_updates_and_stops_cleanly(session: RecordingSession) -> None:
    session.updates = [Update.model_validate(_help_update(7))]
    settings = Settings(_env_file=None, telegram_bot_token=TOKEN)
    stop = await telegram.start_telegram(FastAPI(), settings, FakeService())
    try:
        await _until(lambda: bool(session.named("sendMessage")))
        assert session.named("deleteWebhook"), "a leftover webhook would block getUpdates"
        assert "/help" in session.texts()[0]
        menus = {c.language_code: c.commands for c in session.named("setMyCommands")}
        assert set(menus) == {None, "zh"}
        first = menus[None][0]
        assert (first.command, first.description) == ("practice", "choose a customer and start")
        assert menus["zh"][0].description == "选择顾客，开始练习或考核"
    finally:
        await asyncio.wait_for(stop(), 5)
    polls = len(session.named("getUpdates"))
    await asyncio.sleep(0.5)
    assert len(session.named("getUpdates")) == polls, "polling went on after stop"


async def test_empty_polls_from_a_server_that_answers_at_once_are_paced() -> None:
    session = RecordingSession()
    bot = create_bot(Settings(_env_file=None, telegram_bot_token=TOKEN), session=session)
    pacing = next(m for m in session.middleware if isinstance(m, EmptyPollPacing))
    loop = asyncio.get_running_loop()
    started = loop.time()
    for _ in range(3):
        assert await bot.get_updates(timeout=10) == []
    assert loop.time() - started >= 3 * pacing.min_interval * 0.9
    started = loop.time()
    await bot.get_me()  # other methods are not delayed
    assert loop.time() - started < pacing.min_interval / 2


async def test_a_refused_command_menu_does_not_stop_the_bot(session: RecordingSession) -> None:
    session.fail = {"setMyCommands"}
    session.updates = [Update.model_validate(_help_update(8))]
    settings = Settings(_env_file=None, telegram_bot_token=TOKEN)
    stop = await telegram.start_telegram(FastAPI(), settings, FakeService())
    try:
        await _until(lambda: bool(session.named("sendMessage")))
        assert len(session.named("setMyCommands")) == 1  # gave up after the first refusal
    finally:
        await asyncio.wait_for(stop(), 5)


WEBHOOK_SETTINGS = {
    "telegram_bot_token": TOKEN,
    "telegram_webhook_url": "https://counterpart.example/telegram/webhook",
    "telegram_webhook_secret": "s3cret-token",
}
SECRET = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}


async def test_an_update_recorded_before_a_restart_is_handled_at_the_next_start(
    session: RecordingSession,
) -> None:
    """Before: the webhook answered Telegram at once and the update lived only in a task."""
    service = FakeService()
    service.inbox[41] = [_help_update(41), False]  # recorded, never handled: the gateway died
    stop = await telegram.start_telegram(
        FastAPI(), Settings(_env_file=None, **WEBHOOK_SETTINGS), service
    )
    try:
        await _until(lambda: bool(session.named("sendMessage")))
        assert "/practice" in session.texts()[0]
        await _until(lambda: service.inbox[41][1])
    finally:
        await stop()


async def test_the_webhook_answers_only_once_the_update_is_recorded(
    session: RecordingSession,
) -> None:
    service = FakeService()
    app = FastAPI()
    stop = await telegram.start_telegram(app, Settings(_env_file=None, **WEBHOOK_SETTINGS), service)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            service.fail["record_update"] = RuntimeError("database is down")
            refused = await client.post("/telegram/webhook", json=_help_update(5), headers=SECRET)
            assert refused.status_code == 503  # Telegram sends it again later
            del service.fail["record_update"]
            for _ in range(2):  # Telegram's retry, then a duplicate delivery
                accepted = await client.post(
                    "/telegram/webhook", json=_help_update(5), headers=SECRET
                )
                assert accepted.status_code == 200
        await _until(lambda: service.inbox.get(5, [None, False])[1])
        await asyncio.sleep(0.2)
        assert len(session.named("sendMessage")) == 1  # handled once
    finally:
        await stop()


async def test_silence_timers_are_rearmed_from_the_database_at_start(
    session: RecordingSession,
) -> None:
    """Before: timers lived only in memory; a restart left silent trainees waiting forever."""
    service = FakeService()
    trainee = await service.register("telegram", str(USER_ID), "Lin", interface_lang="en")
    view = await service.start(trainee, "angry_en_refund")
    service.persona_timeout = 60.0
    service.silent_for[view.session_id] = 59.7  # silent since before the restart
    settings = Settings(_env_file=None, telegram_bot_token=TOKEN)
    stop = await telegram.start_telegram(FastAPI(), settings, service)
    try:
        await _until(lambda: any(name == "silence" for name, _ in service.calls), timeout=3)
        assert ("silence", (view.session_id, 60.0)) in service.calls
        await _until(lambda: "Are you still there?" in " ".join(session.texts()))
    finally:
        await asyncio.wait_for(stop(), 5)
