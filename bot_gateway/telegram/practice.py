"""Choosing a customer with inline keyboards: language → type (or difficulty) → persona → mode,
then the session starts and the customer speaks first."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot_gateway.conversation import ConversationError, ConversationService, TraineeView
from bot_gateway.telegram import render
from bot_gateway.telegram.callbacks import (
    FilterChoice,
    LanguageChoice,
    ModeChoice,
    PersonaChoice,
    PracticeMenu,
)
from bot_gateway.telegram.delivery import send_turn, typing_indicator
from bot_gateway.telegram.guards import registered
from bot_gateway.telegram.i18n import escape_html, label, t
from bot_gateway.telegram.silence import SilenceWatch, Watched

PERSONA_LANGUAGES = ("zh", "en")
DIFFICULTIES = ("easy", "medium", "hard")
MODES = ("practice", "assessment")


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(practice, Command("practice"))
    router.callback_query.register(menu_chosen, PracticeMenu.filter())
    router.callback_query.register(language_chosen, LanguageChoice.filter())
    router.callback_query.register(filter_chosen, FilterChoice.filter())
    router.callback_query.register(persona_chosen, PersonaChoice.filter())
    router.callback_query.register(mode_chosen, ModeChoice.filter())
    return router


# ---------------------------------------------------------------------- keyboards


def languages_keyboard(lang: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for language in PERSONA_LANGUAGES:
        builder.button(
            text=t(f"button_lang_{language}", lang), callback_data=LanguageChoice(language=language)
        )
    return builder.adjust(2).as_markup()


def filters_keyboard(
    personas: list[dict[str, Any]], language: str, lang: str
) -> InlineKeyboardMarkup:
    """Persona types two per row, then one row of difficulty filters, then back."""
    builder = InlineKeyboardBuilder()
    types = [
        InlineKeyboardButton(
            text=label("type", persona_type, lang),
            callback_data=FilterChoice(language=language, by="type", value=persona_type).pack(),
        )
        for persona_type in sorted({p["type"] for p in personas})
    ]
    for start in range(0, len(types), 2):
        builder.row(*types[start : start + 2])
    builder.row(
        *(
            InlineKeyboardButton(
                text="★ " + label("difficulty", difficulty, lang),
                callback_data=FilterChoice(
                    language=language, by="difficulty", value=difficulty
                ).pack(),
            )
            for difficulty in DIFFICULTIES
            if any(p.get("difficulty") == difficulty for p in personas)
        )
    )
    builder.row(
        InlineKeyboardButton(text=t("button_back", lang), callback_data=PracticeMenu().pack())
    )
    return builder.as_markup()


def personas_keyboard(
    personas: list[dict[str, Any]], language: str, lang: str
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for persona in personas:
        builder.button(
            text=render.persona_button(persona, lang),
            callback_data=PersonaChoice(persona_id=persona["id"]),
        )
    builder.button(text=t("button_back", lang), callback_data=LanguageChoice(language=language))
    return builder.adjust(1).as_markup()


def modes_keyboard(persona: dict[str, Any], lang: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for mode in MODES:
        builder.button(
            text=t(f"mode_{mode}", lang),
            callback_data=ModeChoice(persona_id=persona["id"], mode=mode),
        )
    builder.button(
        text=t("button_back", lang), callback_data=LanguageChoice(language=persona["language"])
    )
    return builder.adjust(1).as_markup()


async def _show(
    callback: CallbackQuery, bot: Bot, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    """Replace the picker message in place; send a new one if it can no longer be edited."""
    await callback.answer()
    if isinstance(callback.message, Message):
        try:
            await callback.message.edit_text(text, reply_markup=markup)
            return
        except TelegramBadRequest:
            pass  # too old to edit, or unchanged
    chat_id = callback.message.chat.id if callback.message else callback.from_user.id
    await bot.send_message(chat_id, text, reply_markup=markup)


# ---------------------------------------------------------------------- handlers


async def practice(
    message: Message, state: FSMContext, trainee: TraineeView | None, lang: str
) -> None:
    registered(trainee)
    await state.clear()  # leaves a pending invite-code question
    await message.answer(t("choose_language", lang), reply_markup=languages_keyboard(lang))


async def menu_chosen(
    callback: CallbackQuery, bot: Bot, trainee: TraineeView | None, lang: str
) -> None:
    registered(trainee)
    await _show(callback, bot, t("choose_language", lang), languages_keyboard(lang))


async def language_chosen(
    callback: CallbackQuery,
    callback_data: LanguageChoice,
    bot: Bot,
    service: ConversationService,
    trainee: TraineeView | None,
    lang: str,
) -> None:
    registered(trainee)
    personas = service.personas(callback_data.language)
    if not personas:
        await _show(callback, bot, t("no_personas", lang), languages_keyboard(lang))
        return
    markup = filters_keyboard(personas, callback_data.language, lang)
    await _show(callback, bot, t("choose_type", lang), markup)


async def filter_chosen(
    callback: CallbackQuery,
    callback_data: FilterChoice,
    bot: Bot,
    service: ConversationService,
    trainee: TraineeView | None,
    lang: str,
) -> None:
    registered(trainee)
    by_type = callback_data.by == "type"
    personas = service.personas(
        callback_data.language,
        persona_type=callback_data.value if by_type else None,
        difficulty=None if by_type else callback_data.value,
    )
    text = t("choose_persona", lang) if personas else t("no_personas", lang)
    await _show(callback, bot, text, personas_keyboard(personas, callback_data.language, lang))


async def persona_chosen(
    callback: CallbackQuery,
    callback_data: PersonaChoice,
    bot: Bot,
    service: ConversationService,
    trainee: TraineeView | None,
    lang: str,
) -> None:
    registered(trainee)
    persona = _persona(service, callback_data.persona_id)
    await _show(callback, bot, render.persona_card(persona, lang), modes_keyboard(persona, lang))


async def mode_chosen(
    callback: CallbackQuery,
    callback_data: ModeChoice,
    bot: Bot,
    service: ConversationService,
    silence: SilenceWatch,
    trainee: TraineeView | None,
    lang: str,
) -> None:
    me = registered(trainee)
    persona = _persona(service, callback_data.persona_id)
    chat_id = callback.message.chat.id if callback.message else callback.from_user.id
    mode_name = t(f"mode_name_{callback_data.mode}", lang) if callback_data.mode in MODES else ""
    name = escape_html(str(persona.get("name") or persona["id"]))
    await _show(callback, bot, t("starting", lang, mode=mode_name, name=name), None)
    silence.cancel(chat_id)
    async with typing_indicator(bot, chat_id):
        view = await service.start(me.id, persona["id"], callback_data.mode)
    silence.remember_timeout(view.session_id, view.silence_timeout_seconds)
    await send_turn(bot, chat_id, view, lang, service=service, trainee_id=me.id)
    if not view.ended:
        await silence.arm(
            Watched(bot, chat_id, callback.from_user.id, view.session_id, me.id, lang)
        )


def _persona(service: ConversationService, persona_id: str) -> dict[str, Any]:
    persona = next((p for p in service.personas() if p["id"] == persona_id), None)
    if persona is None:
        raise ConversationError("unknown_persona", f"No persona '{persona_id}'.")
    return persona
