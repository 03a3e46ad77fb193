"""Registration: /start (with an optional invite-code deep link), the name if the profile has
none, and the cohort invite code typed later (/join CODE, or in reply to the question)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import Message

from bot_gateway.conversation import ConversationService, TraineeView
from bot_gateway.telegram.guards import registered
from bot_gateway.telegram.i18n import escape_html, t
from bot_gateway.telegram.middlewares import CHANNEL

MAX_NAME_CHARS = 60


class Registration(StatesGroup):
    name = State()
    invite_code = State()


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(start, CommandStart())
    router.message.register(join, Command("join"))
    router.message.register(skip_code, Command("skip"), StateFilter(Registration.invite_code))
    not_a_command = F.text & ~F.text.startswith("/")
    router.message.register(name_given, StateFilter(Registration.name), not_a_command)
    router.message.register(code_given, StateFilter(Registration.invite_code), not_a_command)
    return router


async def start(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    service: ConversationService,
    trainee: TraineeView | None,
    lang: str,
) -> None:
    code = (command.args or "").strip() or None
    name = (message.from_user.full_name if message.from_user else "").strip()[:MAX_NAME_CHARS]
    if not name:
        await state.set_state(Registration.name)
        await state.update_data(code=code)
        await message.answer(t("ask_name", lang))
        return
    await _register(message, state, service, trainee, lang, name, code)


async def name_given(
    message: Message,
    state: FSMContext,
    service: ConversationService,
    trainee: TraineeView | None,
    lang: str,
) -> None:
    name = (message.text or "").strip()
    if not name or len(name) > MAX_NAME_CHARS:
        await message.answer(t("bad_name", lang))
        return
    code = (await state.get_data()).get("code")
    await _register(message, state, service, trainee, lang, name, code)


async def _register(
    message: Message,
    state: FSMContext,
    service: ConversationService,
    trainee: TraineeView | None,
    lang: str,
    name: str,
    code: str | None,
) -> None:
    user_id = str(message.from_user.id if message.from_user else message.chat.id)
    # A returning trainee keeps the interface language chosen with /lang.
    await service.register(CHANNEL, user_id, name, interface_lang=None if trainee else lang)
    await state.clear()
    await message.answer(t("welcome", lang, name=escape_html(name)))
    if code:
        await state.set_state(Registration.invite_code)
        await _join(message, state, service, user_id, name, code, lang)
    elif trainee is not None and trainee.cohort:
        await message.answer(t("joined_cohort", lang, cohort=escape_html(trainee.cohort)))
        await message.answer(t("next_steps", lang))
    else:
        await state.set_state(Registration.invite_code)
        await message.answer(t("ask_code", lang))


async def join(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    service: ConversationService,
    trainee: TraineeView | None,
    lang: str,
) -> None:
    me = registered(trainee)
    code = (command.args or "").strip()
    if not code:
        await state.set_state(Registration.invite_code)
        await message.answer(t("join_usage", lang))
        return
    user_id = str(message.from_user.id if message.from_user else message.chat.id)
    await _join(message, state, service, user_id, me.display_name, code, lang)


async def code_given(
    message: Message,
    state: FSMContext,
    service: ConversationService,
    trainee: TraineeView | None,
    lang: str,
) -> None:
    me = registered(trainee)
    user_id = str(message.from_user.id if message.from_user else message.chat.id)
    await _join(message, state, service, user_id, me.display_name, message.text or "", lang)


async def skip_code(message: Message, state: FSMContext, lang: str) -> None:
    await state.clear()
    await message.answer(t("skipped_code", lang))
    await message.answer(t("next_steps", lang))


async def _join(
    message: Message,
    state: FSMContext,
    service: ConversationService,
    user_id: str,
    name: str,
    code: str,
    lang: str,
) -> None:
    """Join the cohort; an unknown code raises (the errors router explains), state unchanged."""
    trainee_id = await service.register(CHANNEL, user_id, name, cohort_code=code.strip())
    await state.clear()
    view = await service.trainee(trainee_id)
    await message.answer(t("joined_cohort", lang, cohort=escape_html(view.cohort or code)))
    await message.answer(t("next_steps", lang))
