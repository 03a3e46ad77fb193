"""Unit-test harness for the Telegram channel: no network.

The bot talks through ``RecordingSession``, an aiogram session that records every Bot API call
and answers with canned results (or fails the methods a test names), and the handlers call a
``FakeService`` that stands in for the conversation service.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramBadRequest, TelegramServerError
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteWebhook,
    EditMessageText,
    GetMe,
    GetUpdates,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.types import CallbackQuery, Chat, Message, Update, User

from bot_gateway.config import Settings
from bot_gateway.conversation import (
    ConversationError,
    RasaUnavailable,
    SessionDetail,
    SessionSummary,
    TraineeView,
    TurnView,
    clean_reply,
)
from bot_gateway.telegram.bot import create_bot, create_dispatcher

TOKEN = "123456:TEST-token"
BOT_ID = 123456
USER_ID = 4242


class RecordingSession(BaseSession):
    """Records each TelegramMethod the bot calls; `fail` names methods answered with an error."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[TelegramMethod[Any]] = []
        self.fail: set[str] = set()
        self.updates: list[Update] = []
        self._ids = itertools.count(100)

    async def make_request(
        self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None
    ) -> Any:
        self.calls.append(method)
        name = method.__api_method__
        if name in self.fail:
            if name == "sendChatAction":
                raise TelegramBadRequest(method=method, message="Bad Request: not supported")
            raise TelegramServerError(method=method, message=f"API method '{name}' failed")
        if isinstance(method, SendMessage | SendPhoto):
            return Message(
                message_id=next(self._ids),
                date=datetime.now(UTC),
                chat=Chat(id=int(method.chat_id), type="private"),
                text=getattr(method, "text", None),
            )
        if isinstance(method, GetMe):
            return User(id=BOT_ID, is_bot=True, first_name="Counterpart", username="cp_bot")
        if isinstance(method, GetUpdates):
            updates, self.updates = self.updates, []
            return updates
        if isinstance(method, EditMessageText | AnswerCallbackQuery | DeleteWebhook):
            return True
        return True

    async def close(self) -> None:
        pass

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        yield b""

    # ------------------------------------------------------------------ what tests read

    def named(self, name: str) -> list[TelegramMethod[Any]]:
        return [c for c in self.calls if c.__api_method__ == name]

    def texts(self) -> list[str]:
        """Texts of sendMessage and editMessageText calls, in order."""
        return [
            c.text
            for c in self.calls
            if isinstance(c, SendMessage | EditMessageText) and c.text is not None
        ]

    def clear(self) -> None:
        self.calls.clear()


SCORECARD = {
    "overall": 72,
    "dimensions": {"listening": 70, "empathy": 85},
    "five_steps": {
        "listen": True,
        "understand": True,
        "confirm": False,
        "solve": True,
        "follow_up": False,
    },
    "five_steps_order_ok": True,
    "outcome": "resolved",
    "mood": [0.9, 0.5],
    "strengths": [{"guideline": "emotion.empathise_first", "text": "You calmed him first."}],
    "improvements": [{"guideline": "steps.follow_up", "text": "Close the loop at the end."}],
}

PERSONAS = [
    {
        "id": "angry_en_vacuum_broken",
        "name": "Mark Davies",
        "type": "angry",
        "gender": "male",
        "language": "en",
        "difficulty": "hard",
        "description": "A broken robot vacuum.",
    },
    {
        "id": "silent_en_laptop_student",
        "name": "Ella",
        "type": "silent",
        "gender": "female",
        "language": "en",
        "difficulty": "easy",
        "description": "A quiet student.",
    },
    {
        "id": "angry_zh_broadband_outage",
        "name": "王先生",
        "type": "angry",
        "gender": "male",
        "language": "zh",
        "difficulty": "medium",
        "description": "宽带断网三天。",
    },
]


@dataclass
class FakeSession:
    id: str
    trainee_id: int
    persona_id: str
    mode: str
    status: str = "active"
    customer_lines: int = 1
    pending: str | None = None


@dataclass
class FakeService:
    """The conversation service's surface the bot uses, in memory; `fail` injects errors."""

    cohorts: dict[str, str] = field(default_factory=lambda: {"SPRING24": "Spring cohort"})
    trainees: dict[int, TraineeView] = field(default_factory=dict)
    externals: dict[tuple[str, str], int] = field(default_factory=dict)
    sessions: dict[str, FakeSession] = field(default_factory=dict)
    calls: list[tuple[str, Any]] = field(default_factory=list)
    fail: dict[str, Exception] = field(default_factory=dict)
    persona_timeout: float | None = 60.0  # the personas' silence timeout, in seconds
    end_after_replies: int | None = None
    client_keys: list[str | None] = field(default_factory=list)
    #: the webhook inbox: update id → [payload, handled]
    inbox: dict[int, list[Any]] = field(default_factory=dict)
    #: session id → seconds the trainee has been silent (sessions waiting for the trainee)
    silent_for: dict[str, float] = field(default_factory=dict)

    async def record_update(self, update_id: int, payload: dict[str, Any]) -> bool:
        self._maybe_fail("record_update")
        if update_id in self.inbox:
            return False
        self.inbox[update_id] = [payload, False]
        return True

    async def update_handled(self, update_id: int) -> None:
        self.inbox[update_id][1] = True

    async def pending_updates(self, limit: int = 500) -> list[dict[str, Any]]:
        return [payload for _, (payload, done) in sorted(self.inbox.items()) if not done]

    async def waiting_sessions(self, channel: str) -> list[tuple[str, int, str]]:
        externals = {tid: ext for (ch, ext), tid in self.externals.items() if ch == channel}
        return [
            (s.id, s.trainee_id, externals[s.trainee_id])
            for s in self.sessions.values()
            if s.status == "active" and s.trainee_id in externals
        ]

    async def silence_due(
        self, session_id: str, *, trainee_id: int | None
    ) -> tuple[float, float] | None:
        self._active(session_id)
        if session_id not in self.silent_for or self.persona_timeout is None:
            return None
        return self.persona_timeout, self.silent_for[session_id]

    def _maybe_fail(self, name: str) -> None:
        if name in self.fail:
            raise self.fail[name]

    # trainees
    async def register(
        self,
        channel: str,
        external_id: str,
        display_name: str,
        *,
        cohort_code: str | None = None,
        interface_lang: str | None = None,
    ) -> int:
        self.calls.append(("register", (external_id, display_name, cohort_code, interface_lang)))
        trainee_id = self.externals.setdefault((channel, external_id), len(self.externals) + 1)
        old = self.trainees.get(trainee_id)
        cohort = old.cohort if old else None
        if cohort_code:
            if cohort_code not in self.cohorts:
                raise ConversationError("unknown_cohort", "Unknown invite code.")
            cohort = self.cohorts[cohort_code]
        lang = interface_lang or (old.interface_lang if old else "zh")
        self.trainees[trainee_id] = TraineeView(trainee_id, display_name, lang, cohort)
        return trainee_id

    async def trainee(self, trainee_id: int) -> TraineeView:
        return self.trainees[trainee_id]

    async def find_trainee(self, channel: str, external_id: str) -> int | None:
        return self.externals.get((channel, external_id))

    async def set_interface_lang(self, trainee_id: int, lang: str) -> None:
        self.calls.append(("set_interface_lang", (trainee_id, lang)))
        if lang not in ("zh", "en"):
            raise ConversationError("bad_language", "Language must be zh or en.")
        view = self.trainees[trainee_id]
        self.trainees[trainee_id] = TraineeView(view.id, view.display_name, lang, view.cohort)

    # personas
    def personas(
        self,
        language: str | None = None,
        persona_type: str | None = None,
        difficulty: str | None = None,
    ) -> list[dict[str, Any]]:
        return [
            p
            for p in PERSONAS
            if (language is None or p["language"] == language)
            and (persona_type is None or p["type"] == persona_type)
            and (difficulty is None or p["difficulty"] == difficulty)
        ]

    # a session
    async def start(self, trainee_id: int, persona_id: str, mode: str = "practice") -> TurnView:
        self.calls.append(("start", (trainee_id, persona_id, mode)))
        self._maybe_fail("start")
        for old in self.sessions.values():
            if old.trainee_id == trainee_id and old.status == "active":
                old.status = "abandoned"
        session = FakeSession(f"s{len(self.sessions) + 1}", trainee_id, persona_id, mode)
        self.sessions[session.id] = session
        return TurnView(
            session.id,
            "Where is my refund?",
            mode=mode,
            silence_timeout_seconds=self.persona_timeout,
        )

    async def active_session(self, trainee_id: int) -> str | None:
        return next(
            (
                s.id
                for s in self.sessions.values()
                if s.trainee_id == trainee_id and s.status == "active"
            ),
            None,
        )

    def _active(self, session_id: str) -> FakeSession:
        session = self.sessions[session_id]
        if session.status != "active":
            raise ConversationError("ended", "This practice session has ended.")
        return session

    async def reply(
        self,
        session_id: str,
        text: str | None,
        *,
        trainee_id: int | None,
        client_key: str | None = None,
    ) -> TurnView:
        self.calls.append(("reply", (session_id, text)))
        self.client_keys.append(client_key)
        cleaned = clean_reply(text)
        session = self._active(session_id)
        session.pending = cleaned
        self._maybe_fail("reply")
        return self._answer(session)

    async def retry(self, session_id: str, *, trainee_id: int | None) -> TurnView | None:
        self.calls.append(("retry", session_id))
        session = self._active(session_id)
        if session.pending is None:
            return None
        self._maybe_fail("retry")
        return self._answer(session)

    def _answer(self, session: FakeSession) -> TurnView:
        session.pending = None
        session.customer_lines += 1
        replies = session.customer_lines - 1
        ended = self.end_after_replies is not None and replies >= self.end_after_replies
        if ended:
            session.status = "ended"
        practice = session.mode == "practice"
        return TurnView(
            session.id,
            f"customer line {session.customer_lines} <calmer>",
            mode=session.mode,
            ended=ended,
            outcome="resolved" if ended else None,
            rating={"overall": 66} if practice else None,
            hint="Paraphrase the facts." if practice else None,
            scorecard=SCORECARD if ended else None,
        )

    async def silence(self, session_id: str, seconds: float, *, trainee_id: int | None) -> TurnView:
        self.calls.append(("silence", (session_id, seconds)))
        session = self._active(session_id)
        session.customer_lines += 1
        return TurnView(session.id, "Hello? Are you still there?", mode=session.mode)

    async def silence_timeout(self, session_id: str, *, trainee_id: int | None) -> float | None:
        self.calls.append(("silence_timeout", session_id))
        self._active(session_id)
        self._maybe_fail("silence_timeout")
        return self.persona_timeout

    async def hint(self, session_id: str, *, trainee_id: int | None) -> str:
        self.calls.append(("hint", session_id))
        self._active(session_id)
        return "Ask one open question."

    async def end(self, session_id: str, *, trainee_id: int | None) -> TurnView:
        self.calls.append(("end", session_id))
        session = self._active(session_id)
        self._maybe_fail("end")
        session.status = "ended"
        return TurnView(
            session.id, None, mode=session.mode, ended=True, outcome=None, scorecard=SCORECARD
        )

    # history
    async def history(self, trainee_id: int, limit: int = 10) -> list[SessionSummary]:
        return [self._summary(s) for s in self.sessions.values() if s.trainee_id == trainee_id]

    async def detail(self, session_id: str, *, trainee_id: int | None) -> SessionDetail:
        self._maybe_fail("detail")
        session = self.sessions[session_id]
        return SessionDetail(self._summary(session), [], SCORECARD, [0.8, 0.6, None, 0.3])

    def _summary(self, session: FakeSession) -> SessionSummary:
        return SessionSummary(
            session_id=session.id,
            persona_id=session.persona_id,
            persona_type="angry",
            language="en",
            mode=session.mode,
            status=session.status,
            outcome="resolved" if session.status == "ended" else None,
            overall=72 if session.status == "ended" else None,
            started_at=datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
            turns=session.customer_lines,
        )


@dataclass
class Harness:
    """A dispatcher, its bot on a recording session, the fake service, and update builders."""

    dp: Dispatcher
    bot: Bot
    session: RecordingSession
    service: FakeService
    update_ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def user(self, language_code: str | None = "en", first_name: str = "Lin") -> User:
        return User(id=USER_ID, is_bot=False, first_name=first_name, language_code=language_code)

    def message(self, text: str | None = None, *, language_code: str | None = "en", **extra: Any):
        return Message(
            message_id=next(self.update_ids),
            date=datetime.now(UTC),
            chat=Chat(id=USER_ID, type="private"),
            from_user=self.user(language_code, extra.pop("first_name", "Lin")),
            text=text,
            **extra,
        )

    async def send(self, text: str | None = None, **extra: Any) -> None:
        message = self.message(text, **extra)
        update = Update(update_id=next(self.update_ids), message=message)
        await self.dp.feed_update(self.bot, update)

    async def press(self, data: str, *, language_code: str | None = "en") -> None:
        """Press an inline button (callback data) under a bot message in this chat."""
        shown = Message(
            message_id=1,
            date=datetime.now(UTC),
            chat=Chat(id=USER_ID, type="private"),
            text="picker",
        )
        callback = CallbackQuery(
            id=str(next(self.update_ids)),
            from_user=self.user(language_code),
            chat_instance="ci",
            message=shown,
            data=data,
        )
        update = Update(update_id=next(self.update_ids), callback_query=callback)
        await self.dp.feed_update(self.bot, update)

    def buttons(self) -> list[tuple[str, str]]:
        """(text, callback data) of the inline keyboard of the latest call that had one."""
        for call in reversed(self.session.calls):
            markup = getattr(call, "reply_markup", None)
            if markup is not None and getattr(markup, "inline_keyboard", None):
                return [(b.text, b.callback_data) for row in markup.inline_keyboard for b in row]
        return []

    async def register(self, lang: str = "en", cohort: str | None = None) -> int:
        trainee_id = await self.service.register(
            "telegram", str(USER_ID), "Lin", cohort_code=cohort, interface_lang=lang
        )
        self.service.calls.clear()
        return trainee_id


@pytest.fixture
def service() -> FakeService:
    return FakeService()


@pytest.fixture
async def harness(service: FakeService) -> AsyncIterator[Harness]:
    session = RecordingSession()
    bot = create_bot(Settings(_env_file=None, telegram_bot_token=TOKEN), session=session)
    dp = create_dispatcher(service)
    yield Harness(dp, bot, session, service)
    await dp["silence"].close()


def rasa_down() -> RasaUnavailable:
    return RasaUnavailable("connection refused")
