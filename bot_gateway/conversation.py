"""The channel-agnostic conversation service: what Telegram and the web chat both call.

It registers trainees, starts practice sessions, relays each trainee reply to Rasa (which plays
the customer), stores both sides of every turn with the analysis, rating and persona state, and
ends sessions with the scorecard. A reply is stored before Rasa is asked, so an outage loses
nothing: the reply stays "pending" and is sent again when the trainee next writes or retries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot_gateway.db.models import Cohort, PracticeSession, Trainee, Turn
from bot_gateway.db.repositories import SessionRepository, TraineeRepository
from bot_gateway.rasa_client import RasaClient, RasaUnavailable
from personas import PersonaLibrary, UnknownPersonaError
from personas.mood import mood_0_1

log = structlog.get_logger(__name__)

MAX_REPLY_CHARS = 2000
INTERFACE_LANGUAGES = ("zh", "en")
GENERIC_HINT = {
    "zh": "先倾听：让顾客把话说完，用一个开放式问题请他具体说说发生了什么。",
    "en": "Listen first: let the customer finish, then ask one open question about what happened.",
}


class ConversationError(Exception):
    """A request the trainee can fix (unknown persona, empty reply, ended session …)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class TurnView:
    """What a channel renders after a step of the conversation."""

    session_id: str
    customer: str | None
    mode: str = "practice"
    stage: str | None = None
    ended: bool = False
    outcome: str | None = None
    state: dict[str, Any] = field(default_factory=dict)
    analysis: dict[str, Any] | None = None
    rating: dict[str, Any] | None = None
    hint: str | None = None  # shown after each reply in practice mode only
    scorecard: dict[str, Any] | None = None
    silence_timeout_seconds: float | None = None


@dataclass
class TraineeView:
    id: int
    display_name: str
    interface_lang: str
    cohort: str | None


@dataclass
class SessionSummary:
    session_id: str
    persona_id: str
    persona_type: str
    language: str
    mode: str
    status: str
    outcome: str | None
    overall: int | None
    started_at: datetime
    turns: int


@dataclass
class SessionDetail:
    summary: SessionSummary
    transcript: list[dict[str, Any]]
    scorecard: dict[str, Any] | None
    mood: list[float | None]


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes even for timezone-aware columns.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def clean_reply(text: str | None) -> str:
    """Normalise a typed reply; refuse what cannot be a reply."""
    text = text or ""
    # A leading "/" would be read by Rasa as an intent command, so a trainee could skip turns.
    cleaned = "".join(ch for ch in text if ch.isprintable() or ch in "\n\t").strip().lstrip("/")
    cleaned = cleaned.strip()
    if not cleaned:
        raise ConversationError("empty", "The reply is empty.")
    if len(cleaned) > MAX_REPLY_CHARS:
        raise ConversationError(
            "too_long", f"The reply has {len(cleaned)} characters; keep it under {MAX_REPLY_CHARS}."
        )
    return cleaned


def mood_of(state: dict[str, Any] | None) -> float | None:
    """The customer's anger, 0 (calm) … 1 (furious), from a persona state."""
    return mood_0_1(state).get("anger")


class ConversationService:
    def __init__(
        self, rasa: RasaClient, sessionmaker: async_sessionmaker, library: PersonaLibrary
    ) -> None:
        self.rasa = rasa
        self.sessionmaker = sessionmaker
        self.library = library

    # ------------------------------------------------------------------ trainees

    async def register(
        self,
        channel: str,
        external_id: str,
        display_name: str,
        *,
        cohort_code: str | None = None,
        interface_lang: str | None = None,
    ) -> int:
        async with self.sessionmaker.begin() as db:
            trainee = await TraineeRepository(db).get_or_create(channel, external_id, display_name)
            if display_name and trainee.display_name != display_name:
                trainee.display_name = display_name
            if cohort_code:
                cohort = await db.scalar(
                    select(Cohort).where(Cohort.invite_code == cohort_code.strip())
                )
                if cohort is None:
                    raise ConversationError("unknown_cohort", "Unknown invite code.")
                trainee.cohort_id = cohort.id
            if interface_lang in INTERFACE_LANGUAGES:
                trainee.interface_lang = interface_lang
            await db.flush()
            return trainee.id

    async def trainee(self, trainee_id: int) -> TraineeView:
        async with self.sessionmaker() as db:
            trainee = await db.get(Trainee, trainee_id)
            if trainee is None:
                raise ConversationError("unknown_trainee", "Please sign in again.")
            cohort = await db.get(Cohort, trainee.cohort_id) if trainee.cohort_id else None
            return TraineeView(
                trainee.id, trainee.display_name, trainee.interface_lang, cohort and cohort.name
            )

    async def find_trainee(self, channel: str, external_id: str) -> int | None:
        async with self.sessionmaker() as db:
            return await db.scalar(
                select(Trainee.id).where(
                    Trainee.channel == channel, Trainee.external_id == external_id
                )
            )

    async def set_interface_lang(self, trainee_id: int, lang: str) -> None:
        if lang not in INTERFACE_LANGUAGES:
            raise ConversationError("bad_language", "Language must be zh or en.")
        async with self.sessionmaker.begin() as db:
            trainee = await db.get(Trainee, trainee_id)
            if trainee is None:
                raise ConversationError("unknown_trainee", "Please sign in again.")
            trainee.interface_lang = lang

    async def create_cohort(self, name: str, invite_code: str) -> int:
        async with self.sessionmaker.begin() as db:
            cohort = Cohort(name=name, invite_code=invite_code)
            db.add(cohort)
            await db.flush()
            return cohort.id

    # ------------------------------------------------------------------ personas

    def personas(
        self,
        language: str | None = None,
        persona_type: str | None = None,
        difficulty: str | None = None,
    ) -> list[dict[str, Any]]:
        return [
            persona.summary()
            for persona in self.library.list()
            if (language is None or persona.language == language)
            and (persona_type is None or persona.type == persona_type)
            and (difficulty is None or persona.difficulty == difficulty)
        ]

    # ------------------------------------------------------------------ a session

    async def start(self, trainee_id: int, persona_id: str, mode: str = "practice") -> TurnView:
        try:
            persona = self.library.get(persona_id)
        except UnknownPersonaError as exc:
            raise ConversationError("unknown_persona", f"No persona '{persona_id}'.") from exc
        if mode not in {"practice", "assessment"}:
            raise ConversationError("bad_mode", "Mode must be practice or assessment.")
        async with self.sessionmaker.begin() as db:
            # One active session per trainee: starting a new one leaves the old one abandoned.
            for old in await db.scalars(
                select(PracticeSession).where(
                    PracticeSession.trainee_id == trainee_id, PracticeSession.status == "active"
                )
            ):
                old.status = "abandoned"
                old.ended_at = _now()
            practice = PracticeSession(
                trainee_id=trainee_id,
                persona_id=persona.id,
                persona_type=persona.type,
                language=persona.language,
                mode=mode,
            )
            db.add(practice)
        try:
            payload = await self.rasa.send(
                practice.id,
                "/start_practice",
                {"persona": persona.id, "lang": persona.language, "mode": mode},
            )
        except RasaUnavailable:
            async with self.sessionmaker.begin() as db:
                failed = await db.get(PracticeSession, practice.id)
                if failed is not None:
                    await db.delete(failed)
            raise
        async with self.sessionmaker.begin() as db:
            db.add(
                Turn(
                    session_id=practice.id,
                    index=0,
                    role="customer",
                    text=payload["customer"],
                    state=payload.get("state"),
                )
            )
        log.info("session.started", session=practice.id, persona=persona.id, mode=mode)
        view = self._view(practice.id, mode, payload)
        view.silence_timeout_seconds = persona.silence_timeout_seconds
        return view

    async def active_session(self, trainee_id: int) -> str | None:
        async with self.sessionmaker() as db:
            return await db.scalar(
                select(PracticeSession.id)
                .where(PracticeSession.trainee_id == trainee_id, PracticeSession.status == "active")
                .order_by(PracticeSession.started_at.desc())
                .limit(1)
            )

    async def reply(self, session_id: str, text: str | None, *, trainee_id: int | None) -> TurnView:
        cleaned = clean_reply(text)
        for _ in range(2):
            async with self.sessionmaker.begin() as db:
                practice = await self._active(db, session_id, trainee_id)
                pending = next((t for t in practice.turns if t.status == "pending"), None)
                if pending is None:
                    turn = Turn(
                        session_id=session_id,
                        index=len(practice.turns),
                        role="trainee",
                        text=cleaned,
                        at=_now(),
                        status="pending",
                        reply_seconds=_seconds_since_customer(practice.turns),
                    )
                    db.add(turn)
                    await db.flush()
                job = self._job(practice, pending or turn)
            if pending is None:
                return await self._deliver(session_id, *job)
            # The customer never answered an earlier reply (outage): deliver that one first.
            await self._deliver(session_id, *job)
        raise ConversationError("busy", "The previous reply is still being delivered.")

    async def retry(self, session_id: str, *, trainee_id: int | None) -> TurnView | None:
        """Send a reply that is still waiting for the customer (after an outage), if any."""
        async with self.sessionmaker() as db:
            practice = await self._active(db, session_id, trainee_id)
            pending = next((t for t in practice.turns if t.status == "pending"), None)
            job = self._job(practice, pending) if pending else None
        return None if job is None else await self._deliver(session_id, *job)

    async def silence(self, session_id: str, seconds: float, *, trainee_id: int | None) -> TurnView:
        """The trainee has not answered for `seconds`: the customer nudges, or leaves."""
        async with self.sessionmaker() as db:
            practice = await self._active(db, session_id, trainee_id)
            meta = self._meta(practice, silence_seconds=round(seconds, 1))
        payload = await self.rasa.send(session_id, "/trainee_silent", meta)
        await self._store_reaction(session_id, None, payload)
        return self._view(session_id, practice.mode, payload)

    async def silence_timeout(self, session_id: str, *, trainee_id: int | None) -> float | None:
        """How long this session's customer waits for the trainee before reacting."""
        async with self.sessionmaker() as db:
            practice = await self._active(db, session_id, trainee_id)
        try:
            return float(self.library.get(practice.persona_id).silence_timeout_seconds)
        except UnknownPersonaError:
            return None

    async def hint(self, session_id: str, *, trainee_id: int | None) -> str:
        """The tip of the latest rated reply, or the first step of the method before any reply."""
        async with self.sessionmaker() as db:
            practice = await self._active(db, session_id, trainee_id, transcript=True)
            rated = [t for t in practice.turns if t.role == "trainee" and t.rating]
        if practice.mode == "assessment":
            raise ConversationError("assessment", "Assessment mode shows no hints until the end.")
        if rated:
            tip = (rated[-1].rating or {}).get("tip") or {}
            if tip.get("text"):
                return str(tip["text"])
        return GENERIC_HINT.get(practice.language, GENERIC_HINT["en"])

    async def end(self, session_id: str, *, trainee_id: int | None) -> TurnView:
        async with self.sessionmaker() as db:
            practice = await self._active(db, session_id, trainee_id)
            meta = self._meta(practice)
        payload = await self.rasa.send(session_id, "/end_practice", meta)
        await self._store_reaction(session_id, None, payload)
        return self._view(session_id, practice.mode, payload)

    # ------------------------------------------------------------------ history

    async def history(self, trainee_id: int, limit: int = 10) -> list[SessionSummary]:
        async with self.sessionmaker() as db:
            sessions = await SessionRepository(db).for_trainee(trainee_id, limit)
            counts = await SessionRepository(db).turn_counts([s.id for s in sessions])
            return [_summary(s, counts.get(s.id, 0)) for s in sessions]

    async def detail(self, session_id: str, *, trainee_id: int | None) -> SessionDetail:
        async with self.sessionmaker() as db:
            practice = await SessionRepository(db).get(session_id)
            if practice is None or practice.trainee_id != trainee_id:
                raise ConversationError("unknown_session", "No such practice session.")
            transcript = [
                {
                    "role": t.role,
                    "text": t.text,
                    "at": _aware(t.at).isoformat(),
                    "status": t.status,
                    "moves": t.moves,
                    "rating": t.rating,
                }
                for t in practice.turns
            ]
            mood = [mood_of(t.state) for t in practice.turns if t.role == "customer"]
            return SessionDetail(
                _summary(practice, len(practice.turns)), transcript, practice.scorecard, mood
            )

    # ------------------------------------------------------------------ internals

    async def _active(
        self, db: AsyncSession, session_id: str, trainee_id: int | None, *, transcript: bool = False
    ) -> PracticeSession:
        practice = await SessionRepository(db).get(session_id, transcript=transcript)
        # Another trainee's session is reported as unknown, so ids cannot be probed.
        if practice is None or practice.trainee_id != trainee_id:
            raise ConversationError("unknown_session", "No such practice session.")
        if practice.status != "active":
            raise ConversationError("ended", "This practice session has ended.")
        return practice

    def _job(self, practice: PracticeSession, turn: Turn) -> tuple[int, str, str, dict[str, Any]]:
        meta = self._meta(practice, reply_seconds=turn.reply_seconds)
        return turn.id, turn.text, practice.mode, meta

    async def _deliver(
        self, session_id: str, turn_id: int, text: str, mode: str, meta: dict[str, Any]
    ) -> TurnView:
        payload = await self.rasa.send(session_id, text, meta)
        await self._store_reaction(session_id, turn_id, payload)
        return self._view(session_id, mode, payload)

    @staticmethod
    def _meta(practice: PracticeSession, **extra: Any) -> dict[str, Any]:
        return {
            "persona": practice.persona_id,
            "lang": practice.language,
            "mode": practice.mode,
            **extra,
        }

    async def _store_reaction(
        self, session_id: str, trainee_turn_id: int | None, payload: dict[str, Any]
    ) -> None:
        if payload.get("error"):
            raise ConversationError(payload["error"], payload.get("message") or payload["error"])
        async with self.sessionmaker.begin() as db:
            if trainee_turn_id is not None:
                turn = await db.get(Turn, trainee_turn_id)
                if turn is not None:
                    turn.status = "done"
                    turn.analysis = payload.get("analysis")
                    turn.moves = (turn.analysis or {}).get("moves")
                    turn.rating = payload.get("rating")
            if payload.get("customer"):
                db.add(
                    Turn(
                        session_id=session_id,
                        index=await SessionRepository(db).next_turn_index(session_id),
                        role="customer",
                        text=payload["customer"],
                        state=payload.get("state"),
                    )
                )
            if payload.get("ended"):
                practice = await db.get(PracticeSession, session_id)
                if practice is not None:
                    scorecard = payload.get("scorecard") or {}
                    practice.status = "ended"
                    practice.ended_at = _now()
                    practice.outcome = payload.get("outcome")
                    practice.scorecard = scorecard or None
                    practice.overall_score = scorecard.get("overall")
                    practice.rubric_version = scorecard.get("rubric_version")

    @staticmethod
    def _view(session_id: str, mode: str, payload: dict[str, Any]) -> TurnView:
        rating = payload.get("rating") or None
        tip = (rating or {}).get("tip") or {}
        return TurnView(
            session_id=session_id,
            customer=payload.get("customer"),
            mode=mode,
            stage=payload.get("stage"),
            ended=bool(payload.get("ended")),
            outcome=payload.get("outcome"),
            state=payload.get("state") or {},
            analysis=payload.get("analysis") if mode == "practice" else None,
            # Assessment mode shows nothing until the end; the rating is still stored.
            rating=rating if mode == "practice" else None,
            hint=tip.get("text") if mode == "practice" else None,
            scorecard=payload.get("scorecard"),
        )


def _seconds_since_customer(turns: list[Turn]) -> float | None:
    last = next((t for t in reversed(turns) if t.role == "customer"), None)
    return None if last is None else round((_now() - _aware(last.at)).total_seconds(), 3)


def _summary(practice: PracticeSession, turns: int) -> SessionSummary:
    return SessionSummary(
        session_id=practice.id,
        persona_id=practice.persona_id,
        persona_type=practice.persona_type,
        language=practice.language,
        mode=practice.mode,
        status=practice.status,
        outcome=practice.outcome,
        overall=practice.overall_score,
        started_at=_aware(practice.started_at),
        turns=turns,
    )


__all__ = [
    "ConversationError",
    "ConversationService",
    "RasaUnavailable",
    "SessionDetail",
    "SessionSummary",
    "TraineeView",
    "TurnView",
]
