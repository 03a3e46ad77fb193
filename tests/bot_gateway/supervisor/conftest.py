"""A migrated SQLite database with two cohorts, their trainees, scored sessions and staff."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot_gateway import auth
from bot_gateway.config import Settings
from bot_gateway.conversation import ConversationService
from bot_gateway.db import migrate
from bot_gateway.db.engine import create_engine, create_sessionmaker
from bot_gateway.db.models import Cohort, PracticeSession, Trainee, Turn
from bot_gateway.web.app import create_app
from tests.bot_gateway.conftest import FakeLibrary, FakeRasa

PASSWORD = "correct horse battery"
DIMS = {
    "listening": 70,
    "empathy": 80,
    "questioning": 40,
    "confirmation": 55,
    "solution": 60,
    "follow_up": 35,
    "language": 75,
    "responsiveness": 65,
}


@dataclass
class World:
    database_url: str
    cohort_a: int
    cohort_b: int
    session_a: str  # Wang Fang's, in cohort A
    session_b: str  # Tom's, in cohort B
    reply_a: int  # the trainee turn of session_a
    tokens: dict[str, str]


def _session(trainee: Trainee, persona: str, kind: str, lang: str, started: datetime, score: int):
    practice = PracticeSession(
        trainee=trainee,
        persona_id=persona,
        persona_type=kind,
        language=lang,
        mode="practice",
        status="ended",
        outcome="resolved",
        started_at=started,
        ended_at=started + timedelta(minutes=4),
        overall_score=score,
        rubric_version="test",
        scorecard={
            "overall": score,
            "dimensions": DIMS,
            "five_steps": {
                "listen": True,
                "understand": True,
                "confirm": False,
                "solve": True,
                "follow_up": False,
            },
        },
    )
    practice.turns = [
        Turn(index=0, role="customer", text="你们宽带断了三天了！", state={"mood": {"anger": 80}}),
        Turn(
            index=1,
            role="trainee",
            text="非常抱歉，我理解您的心情。",
            reply_seconds=12.5,
            moves=[{"move": "apology", "confidence": 0.9}],
            rating={
                "overall": 68,
                "dimensions": DIMS,
                "rules": [{"id": "empathy.empathise", "effect": "+", "why": "共情"}],
            },
        ),
        Turn(index=2, role="customer", text="好吧。", state={"mood": {"anger": 40}}),
    ]
    return practice


async def _seed(url: str) -> World:
    engine = create_engine(url)
    async with create_sessionmaker(engine).begin() as db:
        a = Cohort(name="Cohort A", invite_code="COHORT-A")
        b = Cohort(name="Cohort B", invite_code="COHORT-B")
        wang = Trainee(channel="web", external_id="w1", display_name="王芳", cohort=a)
        tom = Trainee(channel="web", external_id="w2", display_name="Tom", cohort=b)
        db.add_all([a, b, wang, tom])
        start = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
        first = _session(wang, "angry_zh_test", "angry", "zh", start, 71)
        later = _session(wang, "doubtful_zh_test", "doubtful", "zh", start + timedelta(days=1), 64)
        other = _session(tom, "angry_en_test", "angry", "en", start, 55)
        db.add_all([first, later, other])
        await db.flush()
        await auth.create_user(db, "sue", "supervisor", PASSWORD, ["COHORT-A"])
        await auth.create_user(db, "bob", "supervisor", PASSWORD, ["COHORT-B"])
        await auth.create_user(db, "ada", "admin", PASSWORD)
        await auth.create_user(db, "tia", "trainer", PASSWORD)
        await auth.create_user(db, "li", "trainee", PASSWORD)
        tokens = {name: await auth.create_token(db, name) for name in ("sue", "ada", "li")}
        world = World(url, a.id, b.id, first.id, other.id, first.turns[1].id, tokens)
    await engine.dispose()
    return world


@pytest.fixture
def world(tmp_path: Path) -> World:
    url = f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}"
    migrate.upgrade(url)
    return asyncio.run(_seed(url))


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    settings = Settings(_env_file=None, database_url=world.database_url, environment="test")
    app = create_app(settings)
    with TestClient(app) as test_client:
        engine = create_engine(world.database_url)
        app.state.conversations = ConversationService(
            FakeRasa(), create_sessionmaker(engine), FakeLibrary()
        )
        yield test_client
        # on the app's own loop, before it closes: else aiosqlite's thread outlives the loop
        test_client.portal.call(engine.dispose)


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> None:
    response = client.post(
        "/staff/login", data={"name": name, "password": password}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
