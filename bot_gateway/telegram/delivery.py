"""Sends what the conversation service returns: the customer's line, the hint, the scorecard.

The typing indicator and the mood chart image are best effort: some Bot API servers (and the
test emulator) refuse sendChatAction and sendPhoto, and neither may block or lose a reply.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

import structlog
from aiogram import Bot
from aiogram.enums import ChatAction
from aiogram.types import BufferedInputFile

from bot_gateway import charts
from bot_gateway.conversation import ConversationService, TurnView
from bot_gateway.telegram import render
from bot_gateway.telegram.i18n import escape_html

log = structlog.get_logger(__name__)

TYPING_REFRESH_SECONDS = 4.5  # Telegram shows "typing…" for about five seconds per call
_chart_lock = threading.Lock()  # pyplot keeps global state; draw one chart at a time


@asynccontextmanager
async def typing_indicator(bot: Bot, chat_id: int) -> AsyncIterator[None]:
    """Show "typing…" while the body runs; the indicator runs beside it and never delays it."""
    task = asyncio.create_task(_keep_typing(bot, chat_id))
    await asyncio.sleep(0)  # let the first sendChatAction go out even if the body is instant
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task


async def _keep_typing(bot: Bot, chat_id: int) -> None:
    while True:
        try:
            await bot.send_chat_action(chat_id=chat_id, action=ChatAction.TYPING)
        except Exception as exc:  # any refusal or network error: give up the indicator only
            log.debug("telegram.typing_failed", chat=chat_id, error=str(exc))
            return
        await asyncio.sleep(TYPING_REFRESH_SECONDS)


async def send_turn(
    bot: Bot,
    chat_id: int,
    view: TurnView,
    lang: str,
    *,
    service: ConversationService,
    trainee_id: int,
) -> None:
    """The customer's line, then the hint (practice mode), or the ending when it is over.
    Answers to replies that waited out an outage come first, in the order they were typed."""
    for earlier in view.earlier:
        await bot.send_message(chat_id, escape_html(earlier))
    line = render.customer_line(view)
    if line:
        await bot.send_message(chat_id, line)
    hint = render.hint_line(view, lang)
    if hint:
        await bot.send_message(chat_id, hint)
    if view.ended:
        await send_ending(bot, chat_id, view, lang, service=service, trainee_id=trainee_id)


async def send_ending(
    bot: Bot,
    chat_id: int,
    view: TurnView,
    lang: str,
    *,
    service: ConversationService,
    trainee_id: int,
) -> None:
    """The scorecard as text first (it must arrive), then the mood chart or its text stand-in."""
    await bot.send_message(chat_id, render.scorecard_text(view.scorecard, lang, view.outcome))
    try:
        mood = (await service.detail(view.session_id, trainee_id=trainee_id)).mood
    except Exception as exc:  # the scorecard is out; chart what the scorecard itself carries
        log.warning("telegram.mood_unavailable", session=view.session_id, error=str(exc))
        mood = list((view.scorecard or {}).get("mood") or [])
    await send_mood_chart(bot, chat_id, mood, lang)


async def send_mood_chart(bot: Bot, chat_id: int, mood: list[float | None], lang: str) -> None:
    try:
        png = await asyncio.to_thread(_draw, mood, lang)
        await bot.send_photo(
            chat_id,
            BufferedInputFile(png, filename="mood.png"),
            caption=charts.LABELS.get(lang, charts.LABELS["en"])["title"],
        )
    except Exception as exc:  # refused by the server, or the chart could not be drawn
        log.info("telegram.chart_fallback", chat=chat_id, error=str(exc))
        await bot.send_message(chat_id, charts.mood_summary(mood, lang))


def _draw(mood: list[float | None], lang: str) -> bytes:
    with _chart_lock:
        return charts.mood_chart_png(mood, lang)
