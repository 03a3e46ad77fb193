"""Resolves who is writing: the registered trainee (or None) and the interface language."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User

from bot_gateway.conversation import ConversationError, ConversationService
from bot_gateway.telegram.i18n import lang_from_telegram, normalize_lang

CHANNEL = "telegram"


class TraineeMiddleware(BaseMiddleware):
    """Adds ``trainee`` (a TraineeView or None) and ``lang`` to every handler's data."""

    def __init__(self, service: ConversationService) -> None:
        self.service = service

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        trainee = None
        if user is not None:
            trainee_id = await self.service.find_trainee(CHANNEL, str(user.id))
            if trainee_id is not None:
                try:
                    trainee = await self.service.trainee(trainee_id)
                except ConversationError:
                    trainee = None
        data["trainee"] = trainee
        data["lang"] = (
            normalize_lang(trainee.interface_lang)
            if trainee is not None
            else lang_from_telegram(user.language_code if user else None)
        )
        return await handler(event, data)
