"""Everyday commands outside a conversation: /help, /history, /lang; unknown commands."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot_gateway.conversation import ConversationService, TraineeView
from bot_gateway.telegram import render
from bot_gateway.telegram.callbacks import InterfaceChoice
from bot_gateway.telegram.guards import registered
from bot_gateway.telegram.i18n import LANGUAGES, t

LANGUAGE_NAMES = {"zh": "中文", "en": "English"}


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(help_, Command("help"))
    router.message.register(history, Command("history"))
    router.message.register(language, Command("lang"))
    router.callback_query.register(language_chosen, InterfaceChoice.filter())
    # Registered last: any other "/…" is a command this bot does not know.
    router.message.register(unknown_command, F.text.startswith("/"))
    return router


def interface_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code in LANGUAGES:
        builder.button(text=LANGUAGE_NAMES[code], callback_data=InterfaceChoice(lang=code))
    return builder.adjust(2).as_markup()


async def help_(message: Message, lang: str) -> None:
    await message.answer(t("help", lang))


async def history(
    message: Message, service: ConversationService, trainee: TraineeView | None, lang: str
) -> None:
    me = registered(trainee)
    sessions = await service.history(me.id)
    names = {p["id"]: p.get("name") or p["id"] for p in service.personas()}
    await message.answer(render.history_text(sessions, names, lang))


async def language(
    message: Message,
    command: CommandObject,
    service: ConversationService,
    trainee: TraineeView | None,
    lang: str,
) -> None:
    me = registered(trainee)
    choice = (command.args or "").strip().lower()
    if choice:
        await service.set_interface_lang(me.id, choice)
        await message.answer(t("lang_set", choice))
        return
    await message.answer(t("choose_interface", lang), reply_markup=interface_keyboard())


async def language_chosen(
    callback: CallbackQuery,
    callback_data: InterfaceChoice,
    bot: Bot,
    service: ConversationService,
    trainee: TraineeView | None,
) -> None:
    me = registered(trainee)
    await service.set_interface_lang(me.id, callback_data.lang)
    await callback.answer()
    chat_id = callback.message.chat.id if callback.message else callback.from_user.id
    await bot.send_message(chat_id, t("lang_set", callback_data.lang))


async def unknown_command(message: Message, lang: str) -> None:
    await message.answer(t("unknown_command", lang))
