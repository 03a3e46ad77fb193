from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot_gateway.db.engine import create_engine, create_sessionmaker
from bot_gateway.db.models import PracticeSession, Trainee, Turn
from bot_gateway.rescore import rescore
from scoring.analysis import analyze
from scoring.rubric import RUBRIC_VERSION

CUSTOMER = "我的快递三天了还没到，你们到底管不管？"
REPLIES = [
    "非常抱歉让您久等了，我理解您现在很着急。能说说订单是哪天下的吗？",
    "我确认一下，您是12号下的单，到现在还没有物流更新，对吗？",
    "我马上为您补发，今天下午五点前发出，发货后我把单号发给您。",
]


async def _seed(database_url: str, *, version: str = "0.1-old") -> str:
    sessionmaker = create_sessionmaker(create_engine(database_url))
    start = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    async with sessionmaker.begin() as db:
        trainee = Trainee(channel="web", external_id="x", display_name="Li Lei")
        db.add(trainee)
        await db.flush()
        practice = PracticeSession(
            trainee_id=trainee.id,
            persona_id="angry_zh_test",
            persona_type="angry",
            language="zh",
            mode="practice",
            status="ended",
            outcome="resolved",
            overall_score=1,
            rubric_version=version,
            started_at=start,
        )
        db.add(practice)
        await db.flush()
        index = 0
        for n, reply in enumerate(REPLIES):
            db.add(
                Turn(
                    session_id=practice.id,
                    index=index,
                    role="customer",
                    text=CUSTOMER,
                    at=start + timedelta(minutes=2 * n),
                    state={"mood": {"anger": 80.0 - 20 * n}},
                )
            )
            db.add(
                Turn(
                    session_id=practice.id,
                    index=index + 1,
                    role="trainee",
                    text=reply,
                    at=start + timedelta(minutes=2 * n + 1),
                    reply_seconds=20.0,
                    analysis=analyze(reply, "zh", context=CUSTOMER),
                    rating={"overall": 1, "rubric_version": version},
                )
            )
            index += 2
        return practice.id


async def test_outdated_sessions_are_rerated_with_the_current_rubric(database_url: str) -> None:
    session_id = await _seed(database_url)
    report = await rescore(create_sessionmaker(create_engine(database_url)))
    assert (report.sessions, report.changed) == (1, 1)
    sessionmaker = create_sessionmaker(create_engine(database_url))
    async with sessionmaker() as db:
        practice = await db.get(PracticeSession, session_id)
        replies = (
            await db.scalars(
                select(Turn).where(Turn.session_id == session_id, Turn.role == "trainee")
            )
        ).all()
    assert practice.rubric_version == RUBRIC_VERSION
    assert 0 <= practice.overall_score <= 100 and practice.overall_score != 1
    assert practice.scorecard["mood"][:3] == [0.8, 0.6, 0.4]
    assert all(r.rating["rubric_version"] == RUBRIC_VERSION for r in replies)
    # the re-rated scorecard carries the evidence of rubric 2 (issue 15): the paraphrase of
    # reply 2 confirmed, and the empathy of reply 1 is cited
    card = practice.scorecard
    assert card["step_evidence"]["confirm"]["turn"] == 2
    assert card["step_evidence"]["confirm"]["quote"].startswith("我确认一下")
    assert any(e["turn"] == 1 for e in card["dimension_evidence"]["empathy"])


async def test_rescoring_is_deterministic_and_skips_current_sessions(database_url: str) -> None:
    await _seed(database_url)
    sessionmaker = create_sessionmaker(create_engine(database_url))
    await rescore(sessionmaker)
    async with sessionmaker() as db:
        first = (await db.scalars(select(PracticeSession))).one().scorecard
    assert (await rescore(sessionmaker)).sessions == 0  # already current
    again = await rescore(sessionmaker, everything=True)
    assert (again.sessions, again.changed) == (1, 0)
    async with sessionmaker() as db:
        assert (await db.scalars(select(PracticeSession))).one().scorecard == first
