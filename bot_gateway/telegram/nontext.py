"""Stickers, photos, voice, documents and every other non-text message: a polite explanation."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import Message

from bot_gateway.telegram.i18n import t


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(not_text, ~F.text)
    return router


async def not_text(message: Message, lang: str) -> None:
    await message.answer(t("non_text", lang))
