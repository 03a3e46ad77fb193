"""What the dashboard reads and writes, always within the cohorts a principal may see.

A session belongs to the cohort it was practised in (``PracticeSession.cohort_id``), not to the
trainee's current cohort: when a trainee moves, the old cohort's supervisors keep the sessions
practised there and the new cohort's supervisors see the sessions from the move on. A trainee is
listed under their current cohort; their page is open to a supervisor who sees that cohort or
any of their sessions, and shows only the sessions that supervisor may see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot_gateway.auth import Principal
from bot_gateway.db.models import (
    Cohort,
    PracticeSession,
    RatingOverride,
    Trainee,
    Turn,
    User,
)
from bot_gateway.export import ExportFilters, filtered_sessions
from scoring.rubric import DIMENSIONS

LIST_LIMIT = 200


class NotVisible(Exception):
    """The thing exists outside the principal's cohorts, or not at all."""


@dataclass
class SessionListItem:
    practice: PracticeSession
    trainee: Trainee
    cohort: Cohort | None
    replies: int


@dataclass
class SessionPage:
    practice: PracticeSession
    trainee: Trainee
    cohort: Cohort | None
    turns: list[Turn]
    overrides: dict[int, list[RatingOverride]] = field(default_factory=dict)


def _scoped(query, principal: Principal):
    if principal.sees_everything:
        return query
    return query.where(Trainee.cohort_id.in_(sorted(principal.cohort_ids) or [-1]))


def _visible_sessions(principal: Principal):
    """The condition on PracticeSession for sessions practised in the principal's cohorts."""
    if principal.sees_everything:
        return PracticeSession.id.is_not(None)
    return PracticeSession.cohort_id.in_(sorted(principal.cohort_ids) or [-1])


async def cohorts(db: AsyncSession, principal: Principal) -> list[tuple[Cohort, int, int]]:
    """Visible cohorts with their number of trainees and sessions."""
    query = select(Cohort).order_by(Cohort.name)
    if not principal.sees_everything:
        query = query.where(Cohort.id.in_(sorted(principal.cohort_ids) or [-1]))
    out = []
    for cohort in (await db.scalars(query)).all():
        trainees = await db.scalar(
            select(func.count()).select_from(Trainee).where(Trainee.cohort_id == cohort.id)
        )
        sessions = await db.scalar(
            select(func.count())
            .select_from(PracticeSession)
            .where(PracticeSession.cohort_id == cohort.id)
        )
        out.append((cohort, trainees or 0, sessions or 0))
    return out


async def trainees(
    db: AsyncSession, principal: Principal, cohort_id: int | None = None
) -> list[tuple[Trainee, Cohort | None, int]]:
    query = _scoped(
        select(Trainee, Cohort, func.count(PracticeSession.id))
        .outerjoin(Cohort, Trainee.cohort_id == Cohort.id)
        .outerjoin(
            PracticeSession,
            and_(PracticeSession.trainee_id == Trainee.id, _visible_sessions(principal)),
        )
        .group_by(Trainee.id, Cohort.id)
        .order_by(Trainee.display_name),
        principal,
    )
    if cohort_id is not None:
        query = query.where(Trainee.cohort_id == cohort_id)
    return [(t, c, n) for t, c, n in (await db.execute(query)).all()]


async def sessions(
    db: AsyncSession, principal: Principal, filters: ExportFilters
) -> list[SessionListItem]:
    query = (
        filtered_sessions(principal, filters)
        .order_by(None)
        .order_by(PracticeSession.started_at.desc(), PracticeSession.id)
        .limit(LIST_LIMIT)
    )
    rows = (await db.execute(query)).all()
    counts: dict[str, int] = {}
    if rows:
        counted = await db.execute(
            select(Turn.session_id, func.count())
            .where(Turn.session_id.in_([r[0].id for r in rows]), Turn.role == "trainee")
            .group_by(Turn.session_id)
        )
        counts = dict(counted.all())
    return [SessionListItem(p, t, c, counts.get(p.id, 0)) for p, t, c in rows]


async def session_page(db: AsyncSession, principal: Principal, session_id: str) -> SessionPage:
    row = (
        await db.execute(
            select(PracticeSession, Trainee, Cohort)
            .join(Trainee, PracticeSession.trainee_id == Trainee.id)
            .outerjoin(Cohort, PracticeSession.cohort_id == Cohort.id)
            .where(PracticeSession.id == session_id)
        )
    ).first()
    if row is None or not principal.may_see_cohort(row[0].cohort_id):
        raise NotVisible(session_id)
    practice, trainee, cohort = row
    turns = list(
        (
            await db.scalars(select(Turn).where(Turn.session_id == session_id).order_by(Turn.index))
        ).all()
    )
    page = SessionPage(practice, trainee, cohort, turns)
    found = await db.execute(
        select(RatingOverride, User.name)
        .join(User, RatingOverride.user_id == User.id)
        .where(RatingOverride.turn_id.in_([t.id for t in turns] or [-1]))
        .order_by(RatingOverride.created_at, RatingOverride.id)
    )
    for override, user_name in found.all():
        override.supervisor_name = user_name
        page.overrides.setdefault(override.turn_id, []).append(override)
    return page


async def add_override(
    db: AsyncSession, principal: Principal, turn_id: int, overall: int, comment: str
) -> str:
    """Store a supervisor's score of one reply; returns the session id. The AI rating stays."""
    row = (
        await db.execute(
            select(Turn, PracticeSession.cohort_id)
            .join(PracticeSession, Turn.session_id == PracticeSession.id)
            .where(Turn.id == turn_id)
        )
    ).first()
    if row is None or row[0].role != "trainee" or not principal.may_see_cohort(row[1]):
        raise NotVisible(str(turn_id))
    if not 0 <= overall <= 100:
        raise ValueError("the score runs from 0 to 100")
    if not comment.strip():
        raise ValueError("an override needs a comment")
    db.add(
        RatingOverride(
            turn_id=turn_id, user_id=principal.user_id, overall=overall, comment=comment.strip()
        )
    )
    await db.flush()
    return row[0].session_id


async def trainee(db: AsyncSession, principal: Principal, trainee_id: int) -> Trainee:
    found = await db.get(Trainee, trainee_id)
    if found is None:
        raise NotVisible(str(trainee_id))
    if principal.may_see_cohort(found.cohort_id):
        return found
    practised_here = await db.scalar(
        select(PracticeSession.id)
        .where(PracticeSession.trainee_id == trainee_id, _visible_sessions(principal))
        .limit(1)
    )
    if practised_here is None:
        raise NotVisible(str(trainee_id))
    return found


async def progress(
    db: AsyncSession, principal: Principal, trainee_id: int
) -> list[tuple[datetime, dict[str, Any]]]:
    """(start, dimension scores) of the trainee's scored sessions, oldest first."""
    await trainee(db, principal, trainee_id)
    rows = await db.execute(
        select(PracticeSession.started_at, PracticeSession.scorecard)
        .where(
            PracticeSession.trainee_id == trainee_id,
            PracticeSession.scorecard.is_not(None),
            _visible_sessions(principal),
        )
        .order_by(PracticeSession.started_at)
    )
    return [
        (started, (card or {}).get("dimensions") or {})
        for started, card in rows.all()
        if isinstance(card, dict)
    ]


async def cohort_means(db: AsyncSession, principal: Principal, cohort_id: int) -> dict[str, float]:
    """The cohort's mean score per dimension over its scored sessions."""
    if not principal.may_see_cohort(cohort_id) or await db.get(Cohort, cohort_id) is None:
        raise NotVisible(str(cohort_id))
    cards = await db.scalars(
        select(PracticeSession.scorecard).where(
            PracticeSession.cohort_id == cohort_id, PracticeSession.scorecard.is_not(None)
        )
    )
    totals: dict[str, list[float]] = {d: [] for d in DIMENSIONS}
    for card in cards.all():
        for dim, value in ((card or {}).get("dimensions") or {}).items():
            if dim in totals and isinstance(value, (int, float)):
                totals[dim].append(float(value))
    return {d: round(sum(v) / len(v), 1) for d, v in totals.items() if v}
