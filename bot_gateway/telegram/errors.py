"""Every handler error is answered here, in the trainee's language.

RasaUnavailable: the customer is unreachable; a typed reply is already stored as pending and is
delivered by /retry or the next reply. ConversationError: something the trainee can fix, by code.
Anything else is logged and answered with a generic apology.
"""

from __future__ import annotations

from contextlib import suppress

import structlog
from aiogram import Bot, Router
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent, Update

from bot_gateway.conversation import MAX_REPLY_CHARS, ConversationError, RasaUnavailable
from bot_gateway.telegram.i18n import DEFAULT_LANG, TEXTS, escape_html, t

log = structlog.get_logger(__name__)

# Commands whose failure leaves a typed reply stored and waiting for the customer.
REPLY_COMMANDS = ("/retry",)


def create_router() -> Router:
    router = Router(name=__name__)
    router.errors.register(customer_unavailable, ExceptionTypeFilter(RasaUnavailable))
    router.errors.register(conversation_error, ExceptionTypeFilter(ConversationError))
    router.errors.register(unexpected_error)
    return router


async def customer_unavailable(event: ErrorEvent, bot: Bot, lang: str = DEFAULT_LANG) -> None:
    log.warning("telegram.customer_unavailable", error=str(event.exception))
    text = _typed_text(event.update)
    saved = text is not None and (not text.startswith("/") or text.startswith(REPLY_COMMANDS))
    await _answer(
        bot,
        event.update,
        t("customer_unavailable_reply" if saved else "customer_unavailable", lang),
    )


async def conversation_error(event: ErrorEvent, bot: Bot, lang: str = DEFAULT_LANG) -> None:
    error = event.exception
    assert isinstance(error, ConversationError)
    await _answer(bot, event.update, localize(error, lang))


async def unexpected_error(event: ErrorEvent, bot: Bot, lang: str = DEFAULT_LANG) -> None:
    log.error(
        "telegram.handler_failed",
        update=event.update.update_id,
        exc_info=(type(event.exception), event.exception, event.exception.__traceback__),
    )
    with suppress(Exception):  # the failure may be the Bot API itself
        await _answer(bot, event.update, t("unexpected_error", lang))


def localize(error: ConversationError, lang: str) -> str:
    key = f"error_{error.code}"
    if key == "error_too_long":
        return t(key, lang, limit=MAX_REPLY_CHARS)
    if key in TEXTS:
        return t(key, lang)
    return t("error_other", lang, message=escape_html(str(error)))


def _typed_text(update: Update) -> str | None:
    return update.message.text if update.message and update.message.text else None


async def _answer(bot: Bot, update: Update, text: str) -> None:
    callback = update.callback_query
    if callback is not None:
        with suppress(Exception):  # stop the button's spinner; not essential
            await callback.answer()
        chat_id = callback.message.chat.id if callback.message else callback.from_user.id
    elif update.message is not None:
        chat_id = update.message.chat.id
    else:
        return
    await bot.send_message(chat_id, text)
