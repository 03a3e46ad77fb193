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
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import bindparam, func, insert, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot_gateway import metrics
from bot_gateway.db.fastpath import FastStatement
from bot_gateway.db.fastpath import execute as _fast
from bot_gateway.db.models import Cohort, PracticeSession, TelegramUpdate, Trainee, Turn
from bot_gateway.db.repositories import SessionRepository, TraineeRepository
from bot_gateway.db.transactions import Transactions
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

    def as_json(self) -> dict[str, Any]:
        """The fields for a JSON message, as dataclasses.asdict gives them but without its deep
        copy of the analysis, rating, state and scorecard (encoded right away, never changed)."""
        return {name: getattr(self, name) for name in _TURN_VIEW_FIELDS}


_TURN_VIEW_FIELDS = tuple(f.name for f in fields(TurnView))


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
        # longer than one Rasa call (bounded by its timeout); renewed while a step runs
        self.lease_seconds = lease_seconds
        # the turn path's transactions (db/transactions.py)
        self.db = Transactions(sessionmaker.kw["bind"])
        self._locks: dict[str, _LocalLock] = {}

    async def aclose(self) -> None:
        """Let go of the turn path's database thread and connection (SQLite)."""
        await asyncio.to_thread(self.db.close)

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
        # "starting" is not active: nothing else sees it until the customer has spoken.
        # Plain Core on the turn path's connection (the statements below _INSERT_SESSION): the
        # ORM's three transactions (a unit of work, a reload by id, the cohort looked up by an
        # ORM event) cost about as much gateway CPU as every reply of the session together.
        session_id = str(uuid.uuid4())
        await self.db.run(
            _create_session,
            session_id,
            trainee_id,
            persona.id,
            persona.type,
            persona.language,
            mode,
        )
        meta = {"persona": persona.id, "lang": persona.language, "mode": mode}
        try:
            payload = await self.rasa.command(session_id, "start", meta, key="start")
            if payload.get("error") or not payload.get("customer"):
                code = str(payload.get("error") or "no_opening")
                raise ConversationError(
                    code, payload.get("message") or "The customer did not start."
                )
        except (RasaUnavailable, ConversationError):
            await self.db.run(_delete_session, session_id)
            raise
        # One active session per trainee: the new one replaces the old, in one transaction.
        await self.db.run(
            _activate_session, session_id, trainee_id, payload["customer"], payload.get("state")
        )
        log.info("session.started", session=session_id, persona=persona.id, mode=mode)
        view = self._view(session_id, mode, payload)
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
        started = time.perf_counter()
        # one transaction: claim the turn, read what the reply needs, store it as pending
        async with self._turn(session_id, trainee_id, _store_reply, cleaned, client_key) as lease:
            jobs, seen = lease.prepared
            metrics.observe_stage("before_rasa", time.perf_counter() - started)
            if seen is not None:
                return await self._answered_view(session_id, seen)
            return await self._deliver_all(session_id, jobs, lease)

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
        async with self._turn(session_id, trainee_id, _pending_jobs) as lease:
            jobs = lease.prepared
            return await self._deliver_all(session_id, jobs, lease) if jobs else None

    async def silence(self, session_id: str, seconds: float, *, trainee_id: int | None) -> TurnView:
        """The trainee has not answered for `seconds`: the customer nudges, or leaves."""
        async with self._turn(session_id, trainee_id, _silence_context) as lease:
            context, next_index = lease.prepared
            meta = context.meta(silence_seconds=round(seconds, 1))
            # one nudge per quiet stretch: the key is the position in the conversation
            key = f"silence:{next_index}"
            payload = await self.rasa.command(session_id, "silence", meta, key=key)
            if payload.get("error") == "ended":
                return await self._recover_end(session_id, context.mode, meta, lease)
            await self._store_reaction(session_id, None, payload, lease)
            return self._view(session_id, context.mode, payload)

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

    async def opening(
        self, session_id: str, *, trainee_id: int | None
    ) -> tuple[str, float | None, tuple[float, float] | None]:
        """What a chat opening on a session needs, in one transaction: the trainee's interface
        language, the persona's silence timeout, and silence_due's (timeout, seconds already
        silent) when the customer spoke last."""
        lang, persona_id, last = await self.db.run(_opening, session_id, trainee_id)
        try:
            timeout: float | None = float(self.library.get(persona_id).silence_timeout_seconds)
        except UnknownPersonaError:
            timeout = None
        if not timeout or last is None or last.role != "customer":
            return lang, timeout, None
        return lang, timeout, (timeout, max(0.0, (_now() - _aware(last.at)).total_seconds()))

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
        async with self._turn(session_id, trainee_id, _context_only) as lease:
            context: _Context = lease.prepared
            return await self._recover_end(session_id, context.mode, context.meta(), lease)

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
    async def _turn(
        self,
        session_id: str,
        trainee_id: int | None,
        prepare: Callable[..., Any],
        *args: Any,
    ) -> AsyncIterator[_Lease]:
        """Hold the session's turn lease: one step of a session at a time, in every process.

        A conditional UPDATE claims the row when nobody holds it (or a holder's lease ran out,
        e.g. its process died); others wait for it. This works alike on SQLite and PostgreSQL.
        In the claiming transaction the session is checked (it must be the trainee's and
        active) and `prepare(conn, context, *args)` runs; what it returns is `lease.prepared`.
        Steps of one session in this process queue on a lock first, so they follow each other
        at once instead of polling the row. While the step runs (a slow Rasa call, a backlog
        of replies after an outage), the lease is renewed every third of its length, so a
        slow step is never taken over while it is still running.
        """
        async with self._in_process(session_id):
            owner = uuid.uuid4().hex
            give_up = time.monotonic() + self.lease_seconds + 5.0
            delay = 0.02
            while True:
                prepared = await self._claim(session_id, trainee_id, owner, prepare, args)
                if prepared is not _BUSY:
                    break
                if time.monotonic() > give_up:
                    raise ConversationError(
                        "busy", "The previous reply is still being answered; send this one again."
                    )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.25)
            lease = _Lease(owner, prepared)
            keeper = asyncio.create_task(self._keep(session_id, lease))
            try:
                yield lease
            finally:
                keeper.cancel()
                if not lease.released:
                    await self.db.run(_release, session_id, owner)

    async def _claim(
        self,
        session_id: str,
        trainee_id: int | None,
        owner: str,
        prepare: Callable[..., Any],
        args: tuple[Any, ...],
    ) -> Any:
        """One claiming transaction. A step cancelled meanwhile (the server shutting down) may
        still see it commit in the database thread: then the turn is given back before the
        cancellation goes on, so the session is not locked until the lease runs out."""
        claim = asyncio.ensure_future(
            self.db.run(_claim, session_id, trainee_id, owner, self.lease_seconds, prepare, args)
        )
        try:
            return await asyncio.shield(claim)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                if await claim is not _BUSY:
                    await self.db.run(_release, session_id, owner)
            raise

    @asynccontextmanager
    async def _in_process(self, session_id: str) -> AsyncIterator[None]:
        entry = self._locks.get(session_id)
        if entry is None:
            entry = self._locks[session_id] = _LocalLock()
        entry.users += 1
        try:
            async with entry.lock:
                yield
        finally:
            entry.users -= 1
            if not entry.users:
                del self._locks[session_id]

    async def _keep(self, session_id: str, lease: _Lease) -> None:
        """Renew a held lease until the step ends (cancelled then)."""
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            try:
                kept = await self.db.run(_renew, session_id, lease.owner, self.lease_seconds)
            except SQLAlchemyError as exc:
                log.warning("turn.lease_renewal_failed", session=session_id, error=repr(exc))
                continue
            lease.renewals += 1
            if not kept:
                if not lease.released:  # (given back by the step's last transaction: done)
                    log.error("turn.lease_lost", session=session_id)
                return

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

    async def _deliver_all(self, session_id: str, jobs: list[_Job], lease: _Lease) -> TurnView:
        """Deliver waiting replies in order; the view of the last, with the earlier answers.
        The last answer's transaction also gives the turn back."""
        earlier: list[str] = []
        for job in jobs:
            view = await self._deliver(session_id, job, lease if job is jobs[-1] else None)
            if view.ended or job is jobs[-1]:
                view.earlier = earlier
                return view
            if view.customer:
                earlier.append(view.customer)
        raise AssertionError("no reply to deliver")

    async def _deliver(self, session_id: str, job: _Job, lease: _Lease | None) -> TurnView:
        payload = await self.rasa.reply(session_id, job.text, job.meta, key=f"reply:{job.turn_id}")
        if payload.get("error") == "ended":
            # The session ended in Rasa but its end never reached the database (a lost answer):
            # fetch the scorecard instead of leaving the session to be abandoned without one.
            return await self._recover_end(session_id, job.mode, job.meta, lease)
        await self._store_reaction(session_id, job.turn_id, payload, lease)
        return self._view(session_id, job.mode, payload)

    async def _recover_end(
        self, session_id: str, mode: str, meta: dict[str, Any], lease: _Lease | None
    ) -> TurnView:
        meta = {k: v for k, v in meta.items() if k in ("persona", "lang", "mode")}
        payload = await self.rasa.command(session_id, "end", meta, key="end")
        payload = {**payload, "ended": True}
        await self._store_reaction(session_id, None, payload, lease)
        return self._view(session_id, mode, payload)

    async def _store_reaction(
        self,
        session_id: str,
        trainee_turn_id: int | None,
        payload: dict[str, Any],
        lease: _Lease | None,
    ) -> None:
        """Store the customer's answer once, in one transaction that also gives the turn back
        (`lease`): an answer to a reply that is no longer pending was stored before (a
        replayed request) and is not stored again."""
        if payload.get("error"):
            raise ConversationError(payload["error"], payload.get("message") or payload["error"])
        started = time.perf_counter()
        owner = lease.owner if lease is not None else None
        try:
            released = await self.db.run(
                _store_answer, session_id, trainee_turn_id, payload, owner, _now()
            )
        except SQLAlchemyError as exc:
            # Rasa answered but the answer could not be stored: the reply stays pending and the
            # next attempt gets the same answer from Rasa (same key), stored then.
            log.error("turn.store_failed", session=session_id, error=repr(exc))
            raise RasaUnavailable("the customer's answer could not be stored") from exc
        if lease is not None:
            lease.released = released
        metrics.observe_stage("after_rasa", time.perf_counter() - started)

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


@dataclass
class _Lease:
    """A held turn: its owner id, what the claiming transaction prepared, and whether a
    transaction of the step has given it back already."""

    owner: str
    prepared: Any
    released: bool = False
    renewals: int = 0


@dataclass
class _LocalLock:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


@dataclass(frozen=True)
class _Context:
    """What a step needs of its session row (read by the claiming UPDATE itself)."""

    session_id: str
    persona_id: str
    language: str
    mode: str

    def meta(self, **extra: Any) -> dict[str, Any]:
        return {"persona": self.persona_id, "lang": self.language, "mode": self.mode, **extra}


# ---------------------------------------------------------------------- the turn's transactions
# Plain Core on a sync connection, each run as one transaction by db/transactions.py.

_SESSIONS = PracticeSession.__table__
_TURNS = Turn.__table__
_BUSY = object()  # another step holds the session's turn

# The statements of every reply, built once with named parameters (p_*). Built on each call,
# their construction and SQLAlchemy's cache key (computed once per statement object, then
# memoized) were most of the turn path's database CPU: the database thread took ~4 ms of the
# gateway's ~6 ms per turn under make bench's capacity load (py-spy: SQL construction and cache
# keys, not SQLite); built once, the gateway alone (--stub-rasa) went from 5.3-5.6 to 3.9-4.4 ms
# per turn. The SQL sent is the same.
_S, _T = _SESSIONS.c, _TURNS.c


def _p(name: str, column: Any) -> Any:
    return bindparam(name, type_=column.type)


_CLAIM = (
    update(_SESSIONS)
    .where(
        _S.id == _p("p_session", _S.id),
        or_(_S.turn_owner.is_(None), _S.turn_lease_until < _p("p_now", _S.turn_lease_until)),
    )
    .values(
        turn_owner=_p("p_owner", _S.turn_owner),
        turn_lease_until=_p("p_until", _S.turn_lease_until),
    )
    .returning(_S.trainee_id, _S.status, _S.persona_id, _S.language, _S.mode)
)
_TURN_ROWS = (
    select(_T.id, _T.index, _T.role, _T.status, _T.text, _T.at, _T.reply_seconds, _T.client_key)
    .where(_T.session_id == _p("p_session", _T.session_id))
    .order_by(_T.index)
)
_INSERT_TURN = insert(_TURNS)  # the values come with each execution
_GIVE_BACK = (
    update(_SESSIONS)
    .where(_S.id == _p("p_session", _S.id), _S.turn_owner == _p("p_owner", _S.turn_owner))
    .values(turn_owner=None, turn_lease_until=None)
    .returning(_S.status)
)
_LATER = _TURNS.alias("later_turns")  # the turns table again, uncorrelated, in _ANSWERED
_ANSWERED = (
    update(_TURNS)
    .where(_T.id == _p("p_turn", _T.id), _T.status == "pending")
    .values(
        status="done",
        analysis=_p("p_analysis", _T.analysis),
        moves=_p("p_moves", _T.moves),
        rating=_p("p_rating", _T.rating),
    )
    # the session's last index too, read in the same statement (it places the answer)
    .returning(
        _T.index,
        select(func.max(_LATER.c.index))
        .where(_LATER.c.session_id == _p("p_session", _T.session_id))
        .scalar_subquery(),
    )
)
# the same statements on SQLite's cursor directly (db/fastpath.py: the SQL, its processors and the
# statement listeners are SQLAlchemy's; its execution machinery cost twice the statements)
_FAST_CLAIM = FastStatement(_CLAIM)
_FAST_TURN_ROWS = FastStatement(_TURN_ROWS)
_FAST_INSERT_TURN = FastStatement(_INSERT_TURN)
_FAST_GIVE_BACK = FastStatement(_GIVE_BACK)
_FAST_ANSWERED = FastStatement(_ANSWERED)
_LAST_INDEX = select(func.max(_T.index)).where(_T.session_id == _p("p_session", _T.session_id))


_TRAINEES = Trainee.__table__
# a new session, "starting", in its trainee's cohort of the moment (models.py's before_insert
# event does the same for the ORM: a Core insert does not run it)
_INSERT_SESSION = insert(_SESSIONS).values(
    id=_p("p_session", _S.id),
    trainee_id=_p("p_trainee", _S.trainee_id),
    cohort_id=select(_TRAINEES.c.cohort_id)
    .where(_TRAINEES.c.id == _p("p_trainee", _TRAINEES.c.id))
    .scalar_subquery(),
    persona_id=_p("p_persona", _S.persona_id),
    persona_type=_p("p_type", _S.persona_type),
    language=_p("p_language", _S.language),
    mode=_p("p_mode", _S.mode),
    status="starting",
    started_at=_p("p_now", _S.started_at),
    created_at=_p("p_now", _S.created_at),
)
_ABANDON_ACTIVE = (
    update(_SESSIONS)
    .where(_S.trainee_id == _p("p_trainee", _S.trainee_id), _S.status == "active")
    .values(status="abandoned", ended_at=_p("p_now", _S.ended_at))
)
_ACTIVATE = (
    update(_SESSIONS)
    .where(_S.id == _p("p_session", _S.id))
    .values(status="active")
    .returning(_S.id)
)
_DELETE_TURNS = _TURNS.delete().where(_T.session_id == _p("p_session", _T.session_id))
_DELETE_SESSION = _SESSIONS.delete().where(_S.id == _p("p_session", _S.id))


def _create_session(
    conn: Connection,
    session_id: str,
    trainee_id: int,
    persona_id: str,
    persona_type: str,
    language: str,
    mode: str,
) -> None:
    conn.execute(
        _INSERT_SESSION,
        {
            "p_session": session_id,
            "p_trainee": trainee_id,
            "p_persona": persona_id,
            "p_type": persona_type,
            "p_language": language,
            "p_mode": mode,
            "p_now": _now(),
        },
    )


def _delete_session(conn: Connection, session_id: str) -> None:
    """A start that failed leaves nothing (its turns too, as the ORM's cascade did)."""
    conn.execute(_DELETE_TURNS, {"p_session": session_id})
    conn.execute(_DELETE_SESSION, {"p_session": session_id})


def _activate_session(
    conn: Connection,
    session_id: str,
    trainee_id: int,
    customer: str,
    state: dict[str, Any] | None,
) -> None:
    """The trainee's active session (if any) is abandoned, this one becomes active with the
    customer's opening line, in one transaction."""
    now = _now()
    conn.execute(_ABANDON_ACTIVE, {"p_trainee": trainee_id, "p_now": now})
    started = conn.execute(_ACTIVATE, {"p_session": session_id}).first()
    assert started is not None
    conn.execute(
        _INSERT_TURN,
        {
            "session_id": session_id,
            "index": 0,
            "role": "customer",
            "text": customer,
            "state": state,
            "at": now,
            "created_at": now,
            "status": "done",
        },
    )


def _claim(
    conn: Connection,
    session_id: str,
    trainee_id: int | None,
    owner: str,
    lease_seconds: float,
    prepare: Callable[..., Any],
    args: tuple[Any, ...],
) -> Any:
    now = _now()
    row = _fast(
        conn,
        _FAST_CLAIM,
        {
            "p_session": session_id,
            "p_now": now,
            "p_owner": owner,
            "p_until": now + timedelta(seconds=lease_seconds),
        },
    ).first()
    if row is None:
        if conn.scalar(select(_SESSIONS.c.id).where(_SESSIONS.c.id == session_id)) is None:
            raise ConversationError("unknown_session", "No such practice session.")
        return _BUSY
    # Another trainee's session is reported as unknown, so ids cannot be probed. Raising here
    # rolls the claim back with the rest of the transaction.
    if row.trainee_id != trainee_id or row.status == "starting":
        raise ConversationError("unknown_session", "No such practice session.")
    if row.status != "active":
        raise ConversationError("ended", "This practice session has ended.")
    return prepare(conn, _Context(session_id, row.persona_id, row.language, row.mode), *args)


def _release(conn: Connection, session_id: str, owner: str) -> None:
    conn.execute(
        update(_SESSIONS)
        .where(_SESSIONS.c.id == session_id, _SESSIONS.c.turn_owner == owner)
        .values(turn_owner=None, turn_lease_until=None)
    )


def _renew(conn: Connection, session_id: str, owner: str, lease_seconds: float) -> bool:
    renewed = conn.execute(
        update(_SESSIONS)
        .where(_SESSIONS.c.id == session_id, _SESSIONS.c.turn_owner == owner)
        .values(turn_lease_until=_now() + timedelta(seconds=lease_seconds))
    )
    return renewed.rowcount == 1


def _turn_rows(conn: Connection, session_id: str) -> list[Any]:
    """What a step needs of the session's turns (no analyses, ratings or states: decoding
    those grew with every turn)."""
    return list(_fast(conn, _FAST_TURN_ROWS, {"p_session": session_id}))


def _jobs(context: _Context, turns: list[Any]) -> list[_Job]:
    return [
        _Job(t.id, t.text, context.mode, context.meta(reply_seconds=t.reply_seconds))
        for t in turns
        if t.status == "pending"
    ]


def _store_reply(
    conn: Connection,
    context: _Context,
    text: str,
    client_key: str | None,
) -> tuple[list[_Job], int | None]:
    """Store a new reply as pending. Returns the replies to deliver (oldest first), or, for
    a message stored and answered before (`client_key` seen), the id of its turn."""
    now = _now()  # in the transaction: after the previous step's answer was stored
    turns = _turn_rows(conn, context.session_id)
    seen = next((t for t in turns if client_key and t.client_key == client_key), None)
    if seen is not None:
        return _jobs(context, turns), (seen.id if seen.status != "pending" else None)
    last = next((t for t in reversed(turns) if t.role == "customer"), None)
    reply_seconds = None if last is None else round((now - _aware(last.at)).total_seconds(), 3)
    index = max((t.index for t in turns), default=-1) + 1
    turn_id = _fast(
        conn,
        _FAST_INSERT_TURN,
        {
            "session_id": context.session_id,
            "index": index,
            "role": "trainee",
            "text": text,
            "at": now,
            "created_at": now,
            "status": "pending",
            "reply_seconds": reply_seconds,
            "client_key": client_key,
        },
    ).inserted_primary_key[0]
    jobs = _jobs(context, turns)
    jobs.append(_Job(turn_id, text, context.mode, context.meta(reply_seconds=reply_seconds)))
    return jobs, None


def _pending_jobs(conn: Connection, context: _Context) -> list[_Job]:
    return _jobs(context, _turn_rows(conn, context.session_id))


def _silence_context(conn: Connection, context: _Context) -> tuple[_Context, int]:
    """The session and the position of the next line (a nudge's idempotency key)."""
    last = conn.scalar(
        select(func.max(_TURNS.c.index)).where(_TURNS.c.session_id == context.session_id)
    )
    return context, (-1 if last is None else last) + 1


def _store_answer(
    conn: Connection,
    session_id: str,
    trainee_turn_id: int | None,
    payload: dict[str, Any],
    owner: str | None,
    now: datetime,
) -> bool:
    """Store the customer's answer (and mark the reply it answers done); give the turn back
    when `owner` holds it. Returns whether the turn was given back."""
    s, t = _SESSIONS.c, _TURNS.c
    status: str | None = None
    if owner is not None:
        status = _fast(conn, _FAST_GIVE_BACK, {"p_session": session_id, "p_owner": owner}).scalar()
    released = status is not None
    answered: int | None = None
    last: int | None = None
    if trainee_turn_id is not None:
        analysis = payload.get("analysis")
        row = _fast(
            conn,
            _FAST_ANSWERED,
            {
                "p_turn": trainee_turn_id,
                "p_session": session_id,
                "p_analysis": analysis,
                "p_moves": (analysis or {}).get("moves"),
                "p_rating": payload.get("rating"),
            },
        ).first()
        if row is None:  # answered and stored before (a replayed request)
            return released
        answered, last = row[0], row[1]
    if status is None:
        status = conn.scalar(select(s.status).where(s.id == session_id))
    if status != "active":
        return released
    if payload.get("customer"):
        _fast(
            conn,
            _FAST_INSERT_TURN,
            {
                "session_id": session_id,
                "index": _answer_index(conn, session_id, answered, last),
                "role": "customer",
                "text": payload["customer"],
                "state": payload.get("state"),
                "at": now,
                "created_at": now,
                "status": "done",
            },
        )
    if payload.get("ended"):
        scorecard = payload.get("scorecard") or {}
        conn.execute(
            update(_SESSIONS)
            .where(s.id == session_id)
            .values(
                status="ended",
                ended_at=now,
                outcome=payload.get("outcome"),
                scorecard=scorecard or None,
                overall_score=scorecard.get("overall"),
                rubric_version=scorecard.get("rubric_version"),
            )
        )
        # replies the customer can no longer answer stay, marked as such
        conn.execute(
            update(_TURNS)
            .where(t.session_id == session_id, t.status == "pending")
            .values(status="unanswered")
        )
    return released


def _answer_index(
    conn: Connection, session_id: str, answered: int | None, last: int | None = None
) -> int:
    """Where the customer's answer goes: right after the reply it answers, so the stored
    conversation reads in the order the customer heard it even when later replies were stored
    while this one waited out an outage (those move one place down). `last`: the session's
    last index, read already with the answered reply (read here otherwise)."""
    t = _TURNS.c
    if answered is None:
        last = conn.scalar(_LAST_INDEX, {"p_session": session_id})
        return (-1 if last is None else last) + 1
    if last is None or last <= answered:
        return answered + 1
    # two steps, so no intermediate row breaks the unique (session, index) on any database
    later = t.session_id == session_id
    conn.execute(update(_TURNS).where(later, t.index > answered).values(index=-t.index - 1))
    conn.execute(update(_TURNS).where(later, t.index < 0).values(index=-t.index))
    return answered + 1


def _opening(conn: Connection, session_id: str, trainee_id: int | None) -> tuple[str, str, Any]:
    s, t = _SESSIONS.c, _TURNS.c
    trainees = Trainee.__table__.c
    row = conn.execute(
        select(s.trainee_id, s.status, s.persona_id, trainees.interface_lang)
        .join_from(_SESSIONS, Trainee.__table__, trainees.id == s.trainee_id)
        .where(s.id == session_id)
    ).first()
    if row is None or row.trainee_id != trainee_id or row.status == "starting":
        raise ConversationError("unknown_session", "No such practice session.")
    if row.status != "active":
        raise ConversationError("ended", "This practice session has ended.")
    last = conn.execute(
        select(t.role, t.at).where(t.session_id == session_id).order_by(t.index.desc()).limit(1)
    ).first()
    return row.interface_lang, row.persona_id, last


def _context_only(_conn: Connection, context: _Context) -> _Context:
    return context


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
