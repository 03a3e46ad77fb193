"""The channel-agnostic conversation service: what Telegram and the web chat both call.

It registers trainees, starts practice sessions, relays each trainee reply to Rasa (which plays
the customer), stores both sides of every turn with the analysis, rating and persona state, and
ends sessions with the scorecard. A reply is stored before Rasa is asked, so an outage loses
nothing: the reply stays "pending" and is sent again when the trainee next writes or retries.

Every step of a session (reply, retry, silence, end) runs alone: it holds the session's turn
lease, a row-level claim in the database (so it works across gateway processes, on SQLite and on
PostgreSQL alike). Every request to Rasa carries an idempotency key (a reply's key is its turn's
id), so a request sent again after a timeout, a lost response or a failed save gets Rasa's stored
answer instead of a second reaction, and the database stores each answer once.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot_gateway.db.models import Cohort, PracticeSession, TelegramUpdate, Trainee, Turn
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
    # the customer's answers to earlier replies delivered in the same step (after an outage)
    earlier: list[str] = field(default_factory=list)


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
    text = text if isinstance(text, str) else ""
    # Text travels to Rasa in its own field, never as an intent (rasa_client.py), so a reply may
    # start with "/" like any other character; only invisible control characters are dropped.
    cleaned = "".join(ch for ch in text if ch.isprintable() or ch in "\n\t").strip()
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
        self,
        rasa: RasaClient,
        sessionmaker: async_sessionmaker,
        library: PersonaLibrary,
        *,
        lease_seconds: float = 90.0,
    ) -> None:
        self.rasa = rasa
        self.sessionmaker = sessionmaker
        self.library = library
        # longer than any one step (a few Rasa calls, each bounded by its timeout)
        self.lease_seconds = lease_seconds

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
        """Start a session; the trainee's previous active session is left only once this one
        has its opening line (a start that fails changes nothing)."""
        try:
            persona = self.library.get(persona_id)
        except UnknownPersonaError as exc:
            raise ConversationError("unknown_persona", f"No persona '{persona_id}'.") from exc
        if mode not in {"practice", "assessment"}:
            raise ConversationError("bad_mode", "Mode must be practice or assessment.")
        async with self.sessionmaker.begin() as db:
            # "starting" is not active: nothing else sees it until the customer has spoken.
            practice = PracticeSession(
                trainee_id=trainee_id,
                persona_id=persona.id,
                persona_type=persona.type,
                language=persona.language,
                mode=mode,
                status="starting",
            )
            db.add(practice)
        meta = {"persona": persona.id, "lang": persona.language, "mode": mode}
        try:
            payload = await self.rasa.command(practice.id, "start", meta, key="start")
            if payload.get("error") or not payload.get("customer"):
                code = str(payload.get("error") or "no_opening")
                raise ConversationError(
                    code, payload.get("message") or "The customer did not start."
                )
        except (RasaUnavailable, ConversationError):
            async with self.sessionmaker.begin() as db:
                failed = await db.get(PracticeSession, practice.id)
                if failed is not None:
                    await db.delete(failed)
            raise
        async with self.sessionmaker.begin() as db:
            # One active session per trainee: the new one replaces the old, in one transaction.
            for old in await db.scalars(
                select(PracticeSession).where(
                    PracticeSession.trainee_id == trainee_id, PracticeSession.status == "active"
                )
            ):
                old.status = "abandoned"
                old.ended_at = _now()
            started = await db.get(PracticeSession, practice.id)
            assert started is not None
            started.status = "active"
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

    async def reply(
        self,
        session_id: str,
        text: str | None,
        *,
        trainee_id: int | None,
        client_key: str | None = None,
    ) -> TurnView:
        """Store the reply, then deliver every reply still waiting for the customer, oldest
        first. The new text is stored before anything is sent, so an outage loses nothing.

        `client_key` names the message in its channel (a Telegram update id): the same message
        delivered again is not stored again; it gets the answer it got, or is delivered now.
        """
        cleaned = clean_reply(text)
        if client_key is not None:
            client_key = client_key[:64]
        async with self._turn(session_id):
            async with self.sessionmaker.begin() as db:
                practice = await self._active(db, session_id, trainee_id)
                waiting = [t for t in practice.turns if t.status == "pending"]
                seen = next(
                    (t for t in practice.turns if client_key and t.client_key == client_key), None
                )
                if seen is None:
                    turn = Turn(
                        session_id=session_id,
                        index=_next_index(practice.turns),
                        role="trainee",
                        text=cleaned,
                        at=_now(),
                        status="pending",
                        reply_seconds=_seconds_since_customer(practice.turns),
                        client_key=client_key,
                    )
                    db.add(turn)
                    await db.flush()
                    waiting.append(turn)
                jobs = [self._job(practice, t) for t in waiting]
            if seen is not None and seen.status != "pending":
                return await self._answered_view(session_id, seen.id)
            return await self._deliver_all(session_id, jobs)

    async def _answered_view(self, session_id: str, turn_id: int) -> TurnView:
        """The stored answer to a reply that was already answered (a message sent twice)."""
        async with self.sessionmaker() as db:
            practice = await SessionRepository(db).get(session_id)
            assert practice is not None
            turn = next(t for t in practice.turns if t.id == turn_id)
            answer = next(
                (t for t in practice.turns if t.role == "customer" and t.index > turn.index), None
            )
            payload = {
                "customer": answer.text if answer else None,
                "state": answer.state if answer else None,
                "analysis": turn.analysis,
                "rating": turn.rating,
            }
            return self._view(session_id, practice.mode, payload)

    async def retry(self, session_id: str, *, trainee_id: int | None) -> TurnView | None:
        """Send the replies still waiting for the customer (after an outage), if any."""
        async with self._turn(session_id):
            async with self.sessionmaker() as db:
                practice = await self._active(db, session_id, trainee_id)
                jobs = [self._job(practice, t) for t in practice.turns if t.status == "pending"]
            return await self._deliver_all(session_id, jobs) if jobs else None

    async def silence(self, session_id: str, seconds: float, *, trainee_id: int | None) -> TurnView:
        """The trainee has not answered for `seconds`: the customer nudges, or leaves."""
        async with self._turn(session_id):
            async with self.sessionmaker() as db:
                practice = await self._active(db, session_id, trainee_id)
                meta = self._meta(practice, silence_seconds=round(seconds, 1))
                # one nudge per quiet stretch: the key is the position in the conversation
                key = f"silence:{_next_index(practice.turns)}"
            payload = await self.rasa.command(session_id, "silence", meta, key=key)
            if payload.get("error") == "ended":
                return await self._recover_end(session_id, practice.mode, meta)
            await self._store_reaction(session_id, None, payload)
            return self._view(session_id, practice.mode, payload)

    async def silence_due(
        self, session_id: str, *, trainee_id: int | None
    ) -> tuple[float, float] | None:
        """(timeout, seconds already silent) of a session waiting for the trainee: the customer
        spoke last. A timer re-armed after a restart or a reconnect fires at the right time."""
        async with self.sessionmaker() as db:
            practice = await self._active(db, session_id, trainee_id)
            last = practice.turns[-1] if practice.turns else None
        timeout = await self.silence_timeout(session_id, trainee_id=trainee_id)
        if not timeout or last is None or last.role != "customer":
            return None
        return timeout, max(0.0, (_now() - _aware(last.at)).total_seconds())

    async def waiting_sessions(self, channel: str) -> list[tuple[str, int, str]]:
        """(session id, trainee id, trainee external id) of every active session of a channel
        (the Telegram silence timers are re-armed from these at start)."""
        async with self.sessionmaker() as db:
            rows = await db.execute(
                select(PracticeSession.id, Trainee.id, Trainee.external_id)
                .join(Trainee, Trainee.id == PracticeSession.trainee_id)
                .where(PracticeSession.status == "active", Trainee.channel == channel)
            )
            return [(sid, tid, ext) for sid, tid, ext in rows.all()]

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
        """End the session with its scorecard. Sent again after a lost answer, Rasa replays the
        same scorecard (key "end"), so it can never be lost."""
        async with self._turn(session_id):
            async with self.sessionmaker() as db:
                practice = await self._active(db, session_id, trainee_id)
                meta = self._meta(practice)
            return await self._recover_end(session_id, practice.mode, meta)

    # ------------------------------------------------------------------ Telegram webhook inbox

    async def record_update(self, update_id: int, payload: dict[str, Any]) -> bool:
        """Record a webhook update before Telegram is answered; False when it was recorded
        before (Telegram sent it again), so it is not handled twice."""
        try:
            async with self.sessionmaker.begin() as db:
                if await db.get(TelegramUpdate, update_id) is not None:
                    return False
                db.add(TelegramUpdate(update_id=update_id, payload=payload, status="pending"))
        except IntegrityError:  # recorded by a concurrent request
            return False
        return True

    async def update_handled(self, update_id: int) -> None:
        async with self.sessionmaker.begin() as db:
            update_row = await db.get(TelegramUpdate, update_id)
            if update_row is not None:
                update_row.status = "done"
                update_row.attempts += 1

    async def pending_updates(self, limit: int = 500) -> list[dict[str, Any]]:
        """Recorded updates never handled (the gateway stopped while handling them), oldest
        first."""
        async with self.sessionmaker() as db:
            rows = await db.scalars(
                select(TelegramUpdate)
                .where(TelegramUpdate.status == "pending")
                .order_by(TelegramUpdate.update_id)
                .limit(limit)
            )
            return [row.payload for row in rows]

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

    @asynccontextmanager
    async def _turn(self, session_id: str) -> AsyncIterator[None]:
        """Hold the session's turn lease: one step of a session at a time, in every process.

        A conditional UPDATE claims the row when nobody holds it (or a holder's lease ran out,
        e.g. its process died); others wait for it. This works alike on SQLite and PostgreSQL.
        """
        owner = uuid.uuid4().hex
        give_up = time.monotonic() + self.lease_seconds + 5.0
        delay = 0.02
        while True:
            now = _now()
            async with self.sessionmaker.begin() as db:
                claimed = await db.execute(
                    update(PracticeSession)
                    .where(
                        PracticeSession.id == session_id,
                        or_(
                            PracticeSession.turn_owner.is_(None),
                            PracticeSession.turn_lease_until < now,
                        ),
                    )
                    .values(
                        turn_owner=owner,
                        turn_lease_until=now + timedelta(seconds=self.lease_seconds),
                    )
                    .execution_options(synchronize_session=False)
                )
                if claimed.rowcount == 1:
                    break
                exists = await db.scalar(
                    select(PracticeSession.id).where(PracticeSession.id == session_id)
                )
            if exists is None:
                raise ConversationError("unknown_session", "No such practice session.")
            if time.monotonic() > give_up:
                raise ConversationError(
                    "busy", "The previous reply is still being answered; send this one again."
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.25)
        try:
            yield
        finally:
            async with self.sessionmaker.begin() as db:
                await db.execute(
                    update(PracticeSession)
                    .where(PracticeSession.id == session_id, PracticeSession.turn_owner == owner)
                    .values(turn_owner=None, turn_lease_until=None)
                    .execution_options(synchronize_session=False)
                )

    async def _active(
        self, db: AsyncSession, session_id: str, trainee_id: int | None, *, transcript: bool = False
    ) -> PracticeSession:
        practice = await SessionRepository(db).get(session_id, transcript=transcript)
        # Another trainee's session is reported as unknown, so ids cannot be probed.
        if practice is None or practice.trainee_id != trainee_id or practice.status == "starting":
            raise ConversationError("unknown_session", "No such practice session.")
        if practice.status != "active":
            raise ConversationError("ended", "This practice session has ended.")
        return practice

    def _job(self, practice: PracticeSession, turn: Turn) -> _Job:
        meta = self._meta(practice, reply_seconds=turn.reply_seconds)
        return _Job(turn.id, turn.text, practice.mode, meta)

    async def _deliver_all(self, session_id: str, jobs: list[_Job]) -> TurnView:
        """Deliver waiting replies in order; the view of the last, with the earlier answers."""
        earlier: list[str] = []
        for job in jobs:
            view = await self._deliver(session_id, job)
            if view.ended or job is jobs[-1]:
                view.earlier = earlier
                return view
            if view.customer:
                earlier.append(view.customer)
        raise AssertionError("no reply to deliver")

    async def _deliver(self, session_id: str, job: _Job) -> TurnView:
        payload = await self.rasa.reply(session_id, job.text, job.meta, key=f"reply:{job.turn_id}")
        if payload.get("error") == "ended":
            # The session ended in Rasa but its end never reached the database (a lost answer):
            # fetch the scorecard instead of leaving the session to be abandoned without one.
            return await self._recover_end(session_id, job.mode, job.meta)
        await self._store_reaction(session_id, job.turn_id, payload)
        return self._view(session_id, job.mode, payload)

    async def _recover_end(self, session_id: str, mode: str, meta: dict[str, Any]) -> TurnView:
        meta = {k: v for k, v in meta.items() if k in ("persona", "lang", "mode")}
        payload = await self.rasa.command(session_id, "end", meta, key="end")
        payload = {**payload, "ended": True}
        await self._store_reaction(session_id, None, payload)
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
        """Store the customer's answer once: an answer to a reply that is no longer pending was
        stored before (a replayed request) and is not stored again."""
        if payload.get("error"):
            raise ConversationError(payload["error"], payload.get("message") or payload["error"])
        try:
            async with self.sessionmaker.begin() as db:
                answered: Turn | None = None
                if trainee_turn_id is not None:
                    answered = await db.get(Turn, trainee_turn_id)
                    if answered is None or answered.status != "pending":
                        return
                    answered.status = "done"
                    answered.analysis = payload.get("analysis")
                    answered.moves = (answered.analysis or {}).get("moves")
                    answered.rating = payload.get("rating")
                practice = await db.get(PracticeSession, session_id)
                if practice is None or practice.status != "active":
                    return
                if payload.get("customer"):
                    db.add(
                        Turn(
                            session_id=session_id,
                            index=await _answer_index(db, session_id, answered),
                            role="customer",
                            text=payload["customer"],
                            state=payload.get("state"),
                        )
                    )
                if payload.get("ended"):
                    scorecard = payload.get("scorecard") or {}
                    practice.status = "ended"
                    practice.ended_at = _now()
                    practice.outcome = payload.get("outcome")
                    practice.scorecard = scorecard or None
                    practice.overall_score = scorecard.get("overall")
                    practice.rubric_version = scorecard.get("rubric_version")
                    # replies the customer can no longer answer stay, marked as such
                    await db.execute(
                        update(Turn)
                        .where(Turn.session_id == session_id, Turn.status == "pending")
                        .values(status="unanswered")
                        .execution_options(synchronize_session=False)
                    )
        except SQLAlchemyError as exc:
            # Rasa answered but the answer could not be stored: the reply stays pending and the
            # next attempt gets the same answer from Rasa (same key), stored then.
            log.error("turn.store_failed", session=session_id, error=repr(exc))
            raise RasaUnavailable("the customer's answer could not be stored") from exc

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


@dataclass(frozen=True)
class _Job:
    """A stored reply on its way to the customer."""

    turn_id: int
    text: str
    mode: str
    meta: dict[str, Any]


async def _answer_index(db: AsyncSession, session_id: str, answered: Turn | None) -> int:
    """Where the customer's answer goes: right after the reply it answers, so the stored
    conversation reads in the order the customer heard it even when later replies were stored
    while this one waited out an outage (those move one place down)."""
    if answered is None:
        return await SessionRepository(db).next_turn_index(session_id)
    after = answered.index
    later = Turn.session_id == session_id
    if await db.scalar(select(Turn.id).where(later, Turn.index > after).limit(1)) is None:
        return after + 1
    # two steps, so no intermediate row breaks the unique (session, index) on any database
    await db.execute(
        update(Turn)
        .where(later, Turn.index > after)
        .values(index=-Turn.index - 1)
        .execution_options(synchronize_session=False)
    )
    await db.execute(
        update(Turn)
        .where(later, Turn.index < 0)
        .values(index=-Turn.index)
        .execution_options(synchronize_session=False)
    )
    return after + 1


def _next_index(turns: list[Turn]) -> int:
    return max((t.index for t in turns), default=-1) + 1


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
