"""Tables of the gateway database. Schema changes go through Alembic migrations only."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}  # noqa: RUF012


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Cohort(Timestamped, Base):
    """A training group; trainees join it with its invite code (typed, or a Telegram deep link)."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    invite_code: Mapped[str] = mapped_column(String(40), unique=True)

    trainees: Mapped[list[Trainee]] = relationship(back_populates="cohort")


class Trainee(Timestamped, Base):
    """Someone who practises, known by the channel they came from."""

    __tablename__ = "trainees"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(120))
    interface_lang: Mapped[str] = mapped_column(String(2), default="zh")
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id"), index=True)

    cohort: Mapped[Cohort | None] = relationship(back_populates="trainees")
    sessions: Mapped[list[PracticeSession]] = relationship(back_populates="trainee")


class PracticeSession(Timestamped, Base):
    """One conversation with one simulated customer; its id is the Rasa sender id."""

    __tablename__ = "practice_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    # the cohort the trainee was in when practising: a trainee who moves cohorts leaves their
    # earlier sessions with the old cohort (and its supervisors); set on insert, see below
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id"), index=True)
    persona_id: Mapped[str] = mapped_column(String(80))
    persona_type: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(2))
    mode: Mapped[str] = mapped_column(String(16), default="practice")
    status: Mapped[str] = mapped_column(String(16), default="active")
    outcome: Mapped[str | None] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    overall_score: Mapped[int | None] = mapped_column(Integer)
    rubric_version: Mapped[str | None] = mapped_column(String(20))
    scorecard: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # One turn of a session at a time, across gateway processes: whoever holds the lease (a
    # random id) until `turn_lease_until` runs the session's next step (conversation.py).
    turn_owner: Mapped[str | None] = mapped_column(String(36))
    turn_lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    trainee: Mapped[Trainee] = relationship(back_populates="sessions")
    turns: Mapped[list[Turn]] = relationship(
        back_populates="session", order_by="Turn.index", cascade="all, delete-orphan"
    )


@event.listens_for(PracticeSession, "before_insert")
def _practised_in_trainees_cohort(_mapper: Any, connection: Any, target: PracticeSession) -> None:
    """A new session belongs to the cohort its trainee is in at that moment (whichever channel
    or tool creates it)."""
    if target.cohort_id is None and target.trainee_id is not None:
        target.cohort_id = connection.scalar(
            select(Trainee.cohort_id).where(Trainee.id == target.trainee_id)
        )


class Turn(Timestamped, Base):
    """One line of the conversation, from either side, with what the analysis made of it."""

    __tablename__ = "turns"
    __table_args__ = (
        UniqueConstraint("session_id", "index"),
        UniqueConstraint("session_id", "client_key", name="uq_turns_session_id_client_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("practice_sessions.id"), index=True)
    index: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(10))  # customer | trainee
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # trainee turns: "pending" until the customer answered, so nothing typed is lost in an outage;
    # "unanswered" when the session ended before the customer could answer it (text kept)
    status: Mapped[str] = mapped_column(String(10), default="done")
    reply_seconds: Mapped[float | None]
    moves: Mapped[list[Any] | None] = mapped_column(JSON)
    # the whole move analysis (moves, scores, entities, cues), so `rescore` can re-rate it
    analysis: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    rating: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    state: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # trainee turns: the channel's id of the message (a Telegram update, a web chat send), so
    # the same message delivered twice is stored once
    client_key: Mapped[str | None] = mapped_column(String(64))

    session: Mapped[PracticeSession] = relationship(back_populates="turns")


class TelegramUpdate(Timestamped, Base):
    """A webhook update, recorded before Telegram is answered; "pending" until it was handled,
    so an update in flight when the gateway stops is handled at the next start."""

    __tablename__ = "telegram_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class User(Timestamped, Base):
    """Staff who sign in to the web app: trainers, supervisors and admins (and trainee logins)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # trainee | trainer | supervisor | admin
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # every staff cookie carries the version it was signed in under; signing out, disabling the
    # user or changing the password bumps it, so copies of older cookies stop working
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    cohorts: Mapped[list[Cohort]] = relationship(secondary="supervisor_cohorts")


class SupervisorCohort(Timestamped, Base):
    """Which cohorts a supervisor sees (admins see all of them without rows here)."""

    __tablename__ = "supervisor_cohorts"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True
    )


class ApiToken(Timestamped, Base):
    """A token for scripted exports; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(80), default="")
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # tokens made before expiry existed have none and keep working until revoked
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class RatingOverride(Timestamped, Base):
    """A supervisor's score for one reply; the AI rating on the turn is never changed."""

    __tablename__ = "rating_overrides"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("turns.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    overall: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text)

    user: Mapped[User] = relationship()
