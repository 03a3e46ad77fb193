"""The Telegram channel (aiogram 3): long polling by default, a webhook with a secret token when
TELEGRAM_WEBHOOK_URL is set. The gateway's lifespan calls ``start_telegram`` and, on shutdown,
the stop function it returns."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from contextlib import suppress
from urllib.parse import urlsplit

import structlog
from aiogram import Bot, Dispatcher
from aiogram.types import BotCommand, Update
from fastapi import FastAPI, Request, Response
from pydantic import ValidationError

from bot_gateway.config import Settings
from bot_gateway.conversation import ConversationService
from bot_gateway.telegram.bot import create_bot, create_dispatcher
from bot_gateway.telegram.i18n import COMMANDS, LANGUAGES
from bot_gateway.telegram.silence import SilenceWatch

log = structlog.get_logger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_WEBHOOK_PATH = "/telegram/webhook"
RETRY_DELAYS = (1, 2, 5, 10, 30, 60)  # seconds between attempts to reach the Bot API at start
STOP_GRACE_SECONDS = 10.0

Stop = Callable[[], Awaitable[None]]


async def start_telegram(app: FastAPI, settings: Settings, service: ConversationService) -> Stop:
    bot = create_bot(settings)
    dp = create_dispatcher(service)
    # Silence timers live in memory: re-arm those of the sessions waiting for a trainee.
    silence: SilenceWatch = dp["silence"]
    await silence.rearm(bot)
    if settings.telegram_webhook_url:
        return await start_webhook(app, settings, bot, dp)
    return start_polling(bot, dp)


async def publish_commands(bot: Bot) -> None:
    """The command menu in both languages; cosmetic, so a refusal (the emulator) is only logged."""
    for lang in LANGUAGES:
        commands = [
            BotCommand(command=name, description=text[lang]) for name, text in COMMANDS.items()
        ]
        try:
            await bot.set_my_commands(commands, language_code=None if lang == "en" else lang)
        except Exception as exc:
            log.info("telegram.commands_not_published", lang=lang, error=str(exc))
            return


def start_polling(bot: Bot, dp: Dispatcher) -> Stop:
    async def poll() -> None:
        await publish_commands(bot)
        attempt = 0
        while True:
            try:
                # A webhook left from a deployment would make getUpdates fail with a conflict.
                await bot.delete_webhook(drop_pending_updates=False)
                await dp.start_polling(bot, handle_signals=False, close_bot_session=False)
                return
            except Exception as exc:  # e.g. the Bot API is unreachable or the token is refused
                delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]
                log.error("telegram.polling_failed", error=str(exc), retry_in=delay)
                attempt += 1
                await asyncio.sleep(delay)

    task = asyncio.create_task(poll(), name="telegram-polling")
    log.info("telegram.polling_started")

    async def stop() -> None:
        with suppress(RuntimeError):  # "Polling is not started": it is between attempts
            await asyncio.wait_for(dp.stop_polling(), STOP_GRACE_SECONDS)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await _close(bot, dp)

    return stop


async def start_webhook(app: FastAPI, settings: Settings, bot: Bot, dp: Dispatcher) -> Stop:
    assert settings.telegram_webhook_url is not None
    url = settings.telegram_webhook_url
    path = urlsplit(url).path or DEFAULT_WEBHOOK_PATH
    # Without a configured secret (development) a random one still keeps strangers out.
    secret = (
        settings.telegram_webhook_secret.get_secret_value()
        if settings.telegram_webhook_secret
        else secrets.token_urlsafe(32)
    )
    handling: set[asyncio.Task[None]] = set()
    service: ConversationService = dp["service"]

    def handle(update: Update) -> None:
        task = asyncio.create_task(_feed(dp, bot, update, service))
        handling.add(task)
        task.add_done_callback(handling.discard)

    async def telegram_webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not secrets.compare_digest(given.encode(), secret.encode()):
            return Response(status_code=401)
        try:
            payload = await request.json()
            update = Update.model_validate(payload, context={"bot": bot})
        except (ValueError, ValidationError):
            return Response(status_code=400)
        # Record the update before answering: Telegram does not send it again once answered, so
        # an update the gateway could not record is refused (Telegram retries it), and one it
        # recorded is handled even if the gateway stops first (replayed at the next start).
        # Then answer at once; a turn can take longer than Telegram waits for a webhook reply.
        try:
            new = await service.record_update(update.update_id, payload)
        except Exception as exc:
            log.error("telegram.update_not_recorded", update=update.update_id, error=str(exc))
            return Response(status_code=503)
        if new:
            handle(update)
        return Response(status_code=200)

    # What the last run recorded but never handled; read before this run records anything.
    try:
        backlog = await service.pending_updates()
    except Exception as exc:
        log.error("telegram.backlog_unreadable", error=str(exc))
        backlog = []

    async def replay() -> None:
        for payload in backlog:
            log.info("telegram.update_replayed", update=payload.get("update_id"))
            await _feed(dp, bot, Update.model_validate(payload, context={"bot": bot}), service)

    app.add_api_route(path, telegram_webhook, methods=["POST"], include_in_schema=False)
    await dp.emit_startup(bot=bot, **dp.workflow_data)

    async def register() -> None:
        await publish_commands(bot)
        attempt = 0
        while True:
            try:
                await bot.set_webhook(
                    url,
                    secret_token=secret,
                    allowed_updates=dp.resolve_used_update_types(),
                )
                log.info("telegram.webhook_set", path=path)
                return
            except Exception as exc:
                delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]
                log.error("telegram.set_webhook_failed", error=str(exc), retry_in=delay)
                attempt += 1
                await asyncio.sleep(delay)

    registering = asyncio.create_task(register(), name="telegram-set-webhook")
    replaying = asyncio.create_task(replay(), name="telegram-replay-updates")
    handling.add(replaying)
    replaying.add_done_callback(handling.discard)

    async def stop() -> None:
        registering.cancel()
        await asyncio.gather(registering, return_exceptions=True)
        if handling:
            await asyncio.wait(set(handling), timeout=STOP_GRACE_SECONDS)
        # The webhook stays registered: another replica (or the next start) keeps receiving.
        await dp.emit_shutdown(bot=bot, **dp.workflow_data)
        await _close(bot, dp)

    return stop


async def _feed(
    dp: Dispatcher, bot: Bot, update: Update, service: ConversationService | None = None
) -> None:
    try:
        await dp.feed_update(bot, update)
    except Exception:  # the errors router answered what it could; keep the server quiet
        log.exception("telegram.update_failed", update=update.update_id)
    if service is not None:
        try:
            await service.update_handled(update.update_id)
        except Exception as exc:  # handled again at the next start: stored replies are keyed
            log.warning("telegram.update_not_marked", update=update.update_id, error=str(exc))


async def _close(bot: Bot, dp: Dispatcher) -> None:
    silence: SilenceWatch = dp["silence"]
    await silence.close()
    await bot.session.close()


__all__ = ["create_bot", "create_dispatcher", "start_telegram"]
