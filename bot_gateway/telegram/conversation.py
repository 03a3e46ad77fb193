"""The conversation itself: typed replies go to the customer; /hint, /end and /retry."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import Message

from bot_gateway.conversation import ConversationService, TraineeView, TurnView
from bot_gateway.telegram.delivery import send_turn, typing_indicator
from bot_gateway.telegram.guards import registered, running_session
from bot_gateway.telegram.i18n import escape_html, t
from bot_gateway.telegram.silence import SilenceWatch, Watched


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(hint, Command("hint"))
    router.message.register(end, Command("end"))
    router.message.register(retry, Command("retry"))
    # Commands are for the bot; everything else typed is a reply to the customer.
    router.message.register(reply, F.text, ~F.text.startswith("/"))
    return router


async def reply(
    message: Message,
    bot: Bot,
    service: ConversationService,
    silence: SilenceWatch,
    trainee: TraineeView | None,
    lang: str,
) -> None:
    me = registered(trainee)
    session_id = await running_session(service, me)
    silence.cancel(message.chat.id)
    async with typing_indicator(bot, message.chat.id):
        # the message's id: an update delivered twice (a webhook retried after a restart) is
        # stored and answered once
        view = await service.reply(
            session_id,
            message.text,
            trainee_id=me.id,
            client_key=f"tg:{message.chat.id}:{message.message_id}",
        )
    await _deliver(message, bot, service, silence, me, lang, view)


async def retry(
    message: Message,
    bot: Bot,
    service: ConversationService,
    silence: SilenceWatch,
    trainee: TraineeView | None,
    lang: str,
) -> None:
    me = registered(trainee)
    session_id = await running_session(service, me)
    silence.cancel(message.chat.id)
    async with typing_indicator(bot, message.chat.id):
        view = await service.retry(session_id, trainee_id=me.id)
    if view is None:
        await message.answer(t("retry_nothing", lang))
        return
    await _deliver(message, bot, service, silence, me, lang, view)


async def hint(
    message: Message, service: ConversationService, trainee: TraineeView | None, lang: str
) -> None:
    me = registered(trainee)
    session_id = await running_session(service, me)
    detail = await service.detail(session_id, trainee_id=me.id)
    if detail.summary.mode == "assessment":  # assessment shows nothing until the end
        await message.answer(t("hint_assessment", lang))
        return
    text = await service.hint(session_id, trainee_id=me.id)
    await message.answer(t("hint", lang, hint=escape_html(text)))


async def end(
    message: Message,
    bot: Bot,
    service: ConversationService,
    silence: SilenceWatch,
    trainee: TraineeView | None,
    lang: str,
) -> None:
    me = registered(trainee)
    session_id = await running_session(service, me)
    silence.cancel(message.chat.id)
    async with typing_indicator(bot, message.chat.id):
        view = await service.end(session_id, trainee_id=me.id)
    await send_turn(bot, message.chat.id, view, lang, service=service, trainee_id=me.id)


async def _deliver(
    message: Message,
    bot: Bot,
    service: ConversationService,
    silence: SilenceWatch,
    me: TraineeView,
    lang: str,
    view: TurnView,
) -> None:
    await send_turn(bot, message.chat.id, view, lang, service=service, trainee_id=me.id)
    if not view.ended:
        user_id = message.from_user.id if message.from_user else message.chat.id
        await silence.arm(Watched(bot, message.chat.id, user_id, view.session_id, me.id, lang))
