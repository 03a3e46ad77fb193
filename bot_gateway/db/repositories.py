"""Queries of the gateway database, kept out of handlers and services."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot_gateway.db.models import PracticeSession, Trainee, Turn


class TraineeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_or_create(self, channel: str, external_id: str, display_name: str) -> Trainee:
        found = await self.session.scalar(
            select(Trainee).where(Trainee.channel == channel, Trainee.external_id == external_id)
        )
        if found:
            return found
        trainee = Trainee(channel=channel, external_id=external_id, display_name=display_name)
        self.session.add(trainee)
        await self.session.flush()
        return trainee


class SessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, session_id: str, *, transcript: bool = True) -> PracticeSession | None:
        """The session with its turns; without `transcript`, only what a new reply needs of
        them (no analyses, ratings or states: decoding those grew with every turn)."""
        turns = selectinload(PracticeSession.turns)
        if not transcript:
            turns = turns.load_only(
                Turn.id,
                Turn.index,
                Turn.role,
                Turn.status,
                Turn.text,
                Turn.at,
                Turn.reply_seconds,
                Turn.client_key,
            )
        return await self.session.get(PracticeSession, session_id, options=[turns])

    async def for_trainee(self, trainee_id: int, limit: int = 20) -> Sequence[PracticeSession]:
        result = await self.session.scalars(
            select(PracticeSession)
            .where(PracticeSession.trainee_id == trainee_id)
            .order_by(PracticeSession.started_at.desc())
            .limit(limit)
        )
        return result.all()

    async def turn_counts(self, session_ids: list[str]) -> dict[str, int]:
        if not session_ids:
            return {}
        rows = await self.session.execute(
            select(Turn.session_id, func.count())
            .where(Turn.session_id.in_(session_ids))
            .group_by(Turn.session_id)
        )
        return {session_id: count for session_id, count in rows.all()}

    async def next_turn_index(self, session_id: str) -> int:
        last = await self.session.scalar(
            select(func.max(Turn.index)).where(Turn.session_id == session_id)
        )
        return 0 if last is None else last + 1
