"""Inline keyboard callback data (packed into Telegram's 64-byte callback_data)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class PracticeMenu(CallbackData, prefix="menu"):
    """Back to the first step of the persona choice."""


class LanguageChoice(CallbackData, prefix="lng"):
    language: str


class FilterChoice(CallbackData, prefix="flt"):
    language: str
    by: str  # "type" or "difficulty"
    value: str


class PersonaChoice(CallbackData, prefix="per"):
    persona_id: str


class ModeChoice(CallbackData, prefix="mod"):
    persona_id: str
    mode: str


class InterfaceChoice(CallbackData, prefix="ui"):
    lang: str
