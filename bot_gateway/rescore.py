"""Re-rate stored practice sessions with the current rubric (`make rescore`).

Every stored score records the rubric version it was made with; when the rubric changes,
this rebuilds each session's transcript from the database (replies with their stored move
analysis, customer lines with the persona state) and scores it again, deterministically.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import selectinload

from bot_gateway.db.models import PracticeSession, Turn
from practice import transcript as transcripts
from practice.contracts import TranscriptEntry
from scoring.rubric import RUBRIC_VERSION
from scoring.scorecard import score_session


@dataclass
class RescoreReport:
    sessions: int = 0
    changed: int = 0


def transcript_of(turns: list[Turn]) -> list[TranscriptEntry]:
    """The stored conversation as the practice core's transcript; a reply still pending never
    reached the customer, so it was never part of the conversation."""
    return transcripts.from_turns(
        {
            "role": turn.role,
            "text": turn.text,
            "at": turn.at.isoformat(),
            "state": turn.state,
            "analysis": turn.analysis,
            "rating": turn.rating,
            "reply_seconds": turn.reply_seconds,
        }
        for turn in turns
        if not (turn.role == "trainee" and turn.status == "pending")
    )


async def rescore(
    sessionmaker: async_sessionmaker,
    *,
    session_id: str | None = None,
    everything: bool = False,
    progress: Callable[[str], None] = lambda _line: None,
) -> RescoreReport:
    """Re-rate ended sessions scored with another rubric version (or all, or one)."""
    query = (
        select(PracticeSession)
        .where(PracticeSession.status == "ended")
        .options(selectinload(PracticeSession.turns))
        .order_by(PracticeSession.started_at)
    )
    if session_id:
        query = query.where(PracticeSession.id == session_id)
    elif not everything:
        query = query.where(
            (PracticeSession.rubric_version != RUBRIC_VERSION)
            | PracticeSession.rubric_version.is_(None)
        )
    report = RescoreReport()
    async with sessionmaker.begin() as db:
        for practice in (await db.scalars(query)).all():
            card = score_session(
                transcript_of(practice.turns),
                lang=practice.language,
                persona_type=practice.persona_type,
                outcome=practice.outcome,
                mode=practice.mode,
            )
            report.sessions += 1
            if card["overall"] != practice.overall_score:
                report.changed += 1
            progress(f"  {practice.id}  {practice.overall_score} → {card['overall']}")
            practice.scorecard = card
            practice.overall_score = card["overall"]
            practice.rubric_version = card["rubric_version"]
            replies = [t for t in practice.turns if t.role == "trainee" and t.status != "pending"]
            for turn, rating in zip(replies, card.get("turns") or [], strict=False):
                turn.rating = rating
    return report
