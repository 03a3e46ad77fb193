"""The channel-agnostic conversation service: what Telegram and the web chat both call.

It starts practice sessions, relays each trainee reply to Rasa (which plays the customer),
stores both sides of every turn with the analysis, rating and persona state, and ends sessions
with the scorecard. A reply is stored before Rasa is asked, so an outage loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot_gateway.db.models import PracticeSession, Turn
from bot_gateway.db.repositories import SessionRepository, TraineeRepository
from bot_gateway.rasa_client import RasaClient, RasaUnavailable
from personas import PersonaLibrary

log = structlog.get_logger(__name__)

MAX_REPLY_CHARS = 2000


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
    stage: str | None = None
    ended: bool = False
    outcome: str | None = None
    state: dict[str, Any] = field(default_factory=dict)
    analysis: dict[str, Any] | None = None
    rating: dict[str, Any] | None = None
    scorecard: dict[str, Any] | None = None


def _now() -> datetime:
    return datetime.now(UTC)


def clean_reply(text: str) -> str:
    """Normalise a typed reply; refuse what cannot be a reply."""
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


class ConversationService:
    def __init__(
        self, rasa: RasaClient, sessionmaker: async_sessionmaker, library: PersonaLibrary
    ) -> None:
        self.rasa = rasa
        self.sessionmaker = sessionmaker
        self.library = library

    async def register(self, channel: str, external_id: str, display_name: str) -> int:
        async with self.sessionmaker.begin() as db:
            trainee = await TraineeRepository(db).get_or_create(channel, external_id, display_name)
            return trainee.id

    def personas(self, language: str | None = None) -> list[dict[str, Any]]:
        return [
            persona.summary()
            for persona in self.library.list()
            if language is None or persona.language == language
        ]

    async def start(self, trainee_id: int, persona_id: str, mode: str = "practice") -> TurnView:
        try:
            persona = self.library.get(persona_id)
        except KeyError as exc:
            raise ConversationError("unknown_persona", f"No persona '{persona_id}'.") from exc
        if mode not in {"practice", "assessment"}:
            raise ConversationError("bad_mode", "Mode must be practice or assessment.")
        practice = PracticeSession(
            trainee_id=trainee_id,
            persona_id=persona.id,
            persona_type=persona.type,
            language=persona.language,
            mode=mode,
        )
        async with self.sessionmaker.begin() as db:
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
        return self._view(practice.id, payload)

    async def reply(self, session_id: str, text: str, *, trainee_id: int | None) -> TurnView:
        cleaned = clean_reply(text)
        async with self.sessionmaker.begin() as db:
            practice = await self._active(db, session_id, trainee_id)
            last_customer = next(
                (t for t in reversed(practice.turns) if t.role == "customer"), None
            )
            now = _now()
            reply_seconds = (
                (now - _aware(last_customer.at)).total_seconds() if last_customer else None
            )
            trainee_turn = Turn(
                session_id=session_id,
                index=len(practice.turns),
                role="trainee",
                text=cleaned,
                at=now,
                status="pending",
                reply_seconds=reply_seconds,
            )
            db.add(trainee_turn)
            meta = {
                "persona": practice.persona_id,
                "lang": practice.language,
                "mode": practice.mode,
                "reply_seconds": reply_seconds,
            }
        payload = await self.rasa.send(session_id, cleaned, meta)
        await self._store_reaction(session_id, trainee_turn.id, payload)
        return self._view(session_id, payload)

    async def end(self, session_id: str, *, trainee_id: int | None) -> TurnView:
        async with self.sessionmaker() as db:
            practice = await self._active(db, session_id, trainee_id)
            meta = {"persona": practice.persona_id, "lang": practice.language}
        payload = await self.rasa.send(session_id, "/end_practice", meta)
        await self._store_reaction(session_id, None, payload)
        return self._view(session_id, payload)

    async def _active(
        self, db: AsyncSession, session_id: str, trainee_id: int | None
    ) -> PracticeSession:
        practice = await SessionRepository(db).get(session_id)
        # Another trainee's session is reported as unknown, so ids cannot be probed.
        if practice is None or practice.trainee_id != trainee_id:
            raise ConversationError("unknown_session", "No such practice session.")
        if practice.status != "active":
            raise ConversationError("ended", "This practice session has ended.")
        return practice

    async def _store_reaction(
        self, session_id: str, trainee_turn_id: int | None, payload: dict[str, Any]
    ) -> None:
        async with self.sessionmaker.begin() as db:
            if trainee_turn_id is not None:
                turn = await db.get(Turn, trainee_turn_id)
                if turn is not None:
                    turn.status = "done"
                    turn.moves = (payload.get("analysis") or {}).get("moves")
                    turn.rating = payload.get("rating")
            index = await SessionRepository(db).next_turn_index(session_id)
            if payload.get("customer"):
                db.add(
                    Turn(
                        session_id=session_id,
                        index=index,
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
    def _view(session_id: str, payload: dict[str, Any]) -> TurnView:
        return TurnView(
            session_id=session_id,
            customer=payload.get("customer"),
            stage=payload.get("stage"),
            ended=bool(payload.get("ended")),
            outcome=payload.get("outcome"),
            state=payload.get("state") or {},
            analysis=payload.get("analysis"),
            rating=payload.get("rating"),
            scorecard=payload.get("scorecard"),
        )


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes even for timezone-aware columns.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


__all__ = ["ConversationError", "ConversationService", "RasaUnavailable", "TurnView"]
