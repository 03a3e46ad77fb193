"""Builds the Bot (its HTTP session and API server) and the Dispatcher with its routers."""

from __future__ import annotations

import asyncio
import time

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.methods import GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType

from bot_gateway.config import Settings
from bot_gateway.conversation import ConversationService
from bot_gateway.telegram import commands, conversation, errors, nontext, practice, start
from bot_gateway.telegram.middlewares import TraineeMiddleware
from bot_gateway.telegram.silence import SilenceWatch
from bot_gateway.telegram_backoff import TelegramBackoff  # h8-scale


class EmptyPollPacing(BaseRequestMiddleware):
    """Waits a little after an empty getUpdates that came back early.

    Telegram holds getUpdates open until an update arrives (long polling); a server that answers
    at once (the test emulator) would otherwise have the dispatcher poll in a tight loop.
    """

    def __init__(self, min_interval: float = 0.3) -> None:
        self.min_interval = min_interval

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        started = time.monotonic()
        # The session hands back the method's result (here: the list of updates).
        result = await make_request(bot, method)
        if isinstance(method, GetUpdates) and not result:
            remaining = self.min_interval - (time.monotonic() - started)
            if remaining > 0:
                await asyncio.sleep(remaining)
        return result


def create_bot(settings: Settings, session: BaseSession | None = None) -> Bot:
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    if session is None:
        api = (
            TelegramAPIServer.from_base(settings.telegram_api_server)
            if settings.telegram_api_server
            else PRODUCTION
        )
        session = AiohttpSession(api=api)
    session.middleware(EmptyPollPacing())
    session.middleware(TelegramBackoff())  # h8-scale: retry 429 and 5xx (issue 17)
    return Bot(
        settings.telegram_bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


def create_dispatcher(service: ConversationService) -> Dispatcher:
    # One update at a time per chat: a trainee's replies, button presses and the silence timer
    # never race on the same practice session.
    isolation = SimpleEventIsolation()
    dp = Dispatcher(events_isolation=isolation)
    dp["service"] = service
    dp["silence"] = SilenceWatch(service, isolation)
    dp.update.outer_middleware(TraineeMiddleware(service))
    dp.include_routers(
        errors.create_router(),
        start.create_router(),
        practice.create_router(),
        conversation.create_router(),
        commands.create_router(),
        nontext.create_router(),
    )
    return dp
