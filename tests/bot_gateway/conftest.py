from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot_gateway.conversation import ConversationService
from bot_gateway.db import migrate
from bot_gateway.db.engine import create_engine, create_sessionmaker
from bot_gateway.rasa_client import RasaUnavailable
from personas import UnknownPersonaError


class FakeRasa:
    """Unit-test stand-in for Rasa's REST channel: records what the gateway sends."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, dict[str, Any]]] = []
        self.down = False
        self.end_after: int | None = None

    async def send(self, sender: str, text: str, metadata: dict[str, Any]) -> dict[str, Any]:
        if self.down:
            raise RasaUnavailable("connection refused")
        self.sent.append((sender, text, metadata))
        turn = len([s for s in self.sent if s[0] == sender])
        if text == "/trainee_silent":
            return {
                "type": "counterpart.turn",
                "customer": "喂？还在吗？",
                "state": {"mood": {"anger": 60.0}},
                "ended": False,
                "reaction": "silence",
            }
        ended = text == "/end_practice" or (self.end_after is not None and turn > self.end_after)
        return {
            "type": "counterpart.turn",
            "customer": f"customer line {turn}",
            "state": {"mood": {"anger": 50.0}, "turn": turn},
            "stage": "venting",
            "ended": ended,
            "outcome": "resolved" if ended else None,
            "analysis": {"moves": [{"move": "apology", "confidence": 0.9}]},
            "rating": {"overall": 70, "tip": {"text": "tip", "guideline": "g1"}},
            "scorecard": {"overall": 72, "rubric_version": "test"} if ended else None,
        }


class FakePersona:
    id = "angry_zh_test"
    type = "angry"
    language = "zh"
    difficulty = "medium"
    silence_timeout_seconds = 60.0

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "language": self.language}


class FakeLibrary:
    def get(self, persona_id: str) -> FakePersona:
        if persona_id != FakePersona.id:
            raise UnknownPersonaError(persona_id)
        return FakePersona()

    def list(self) -> list[FakePersona]:
        return [FakePersona()]


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}"
    migrate.upgrade(url)
    return url


@pytest.fixture
async def service(database_url: str) -> AsyncIterator[ConversationService]:
    engine = create_engine(database_url)
    yield ConversationService(FakeRasa(), create_sessionmaker(engine), FakeLibrary())
    await engine.dispose()
