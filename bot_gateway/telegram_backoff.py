"""Retries of Bot API calls that Telegram refused for a while: 429 (flood control) and 5xx.

A training centre's bot sends bursts (a whole cohort practising at once) and Telegram answers
"429 Too Many Requests, retry after N s" when a bot sends too fast; its servers also answer
5xx now and then. Without a retry the customer's line would be lost to the trainee (it is
stored, but never shown). This aiogram request middleware waits as told (429) or backs off
exponentially (5xx, network errors) and sends the call again, a bounded number of times.

A 429 is retried for every call but getUpdates (the polling loop has its own backoff). A 5xx or
a network error is retried only for the calls that carry the conversation (RETRIED_ON_5XX):
the typing indicator and the mood chart are best effort with their own fallbacks, and the
start-up calls (command menu, webhook) have their own retry loops.
"""

from __future__ import annotations

import asyncio

import structlog
from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import (
    RestartingTelegram,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    GetUpdates,
    Response,
    SendMessage,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType

log = structlog.get_logger(__name__)

RETRIED_ON_5XX = (SendMessage, EditMessageText, EditMessageReplyMarkup, AnswerCallbackQuery)

#: the longest wait Telegram's retry_after is obeyed for; longer means give up (the call fails)
MAX_RETRY_AFTER_SECONDS = 60.0


class TelegramBackoff(BaseRequestMiddleware):
    def __init__(self, attempts: int = 5, first_delay: float = 0.5, max_delay: float = 8.0) -> None:
        self.attempts = attempts
        self.first_delay = first_delay
        self.max_delay = max_delay

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if isinstance(method, GetUpdates):
            return await make_request(bot, method)
        delay = self.first_delay
        for attempt in range(1, self.attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if attempt == self.attempts or exc.retry_after > MAX_RETRY_AFTER_SECONDS:
                    raise
                wait = float(exc.retry_after)
                error = "429"
            except (TelegramServerError, RestartingTelegram, TelegramNetworkError) as exc:
                if attempt == self.attempts or not isinstance(method, RETRIED_ON_5XX):
                    raise
                wait, delay = delay, min(delay * 2, self.max_delay)
                error = type(exc).__name__
            log.warning(
                "telegram.backoff",
                method=type(method).__name__,
                error=error,
                attempt=attempt,
                retry_in=wait,
            )
            await asyncio.sleep(wait)
        raise AssertionError("unreachable")  # the loop returns or raises
