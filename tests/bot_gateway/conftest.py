from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from bot_gateway.conversation import ConversationService
from bot_gateway.db import migrate
from bot_gateway.db.engine import create_engine, create_sessionmaker
from bot_gateway.rasa_client import RasaUnavailable
from personas import UnknownPersonaError


class FakeRasa:
    """Unit-test stand-in for Rasa's counterpart channel: records what the gateway sends.

    `sent` holds (sender, text, metadata) with commands written as "/start_practice" etc.; like
    the real channel, a key answered before gets the same answer again (`replayed` counts them).
    """

    INTENTS: ClassVar[dict[str, str]] = {
        "start": "/start_practice",
        "end": "/end_practice",
        "silence": "/trainee_silent",
    }

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, dict[str, Any]]] = []
        self.keys: list[str] = []
        self.answers: dict[tuple[str, str], dict[str, Any]] = {}
        self.commands: list[str] = []
        self.replayed = 0
        self.down = False
        self.end_after: int | None = None
        self.ended: set[str] = set()
        #: answer this many requests, then lose the answer on its way back (a read timeout)
        self.lose_answers = 0
        #: seconds each new request takes (so concurrent requests overlap)
        self.delay = 0.0

    async def reply(
        self, sender: str, text: str, metadata: dict[str, Any], *, key: str
    ) -> dict[str, Any]:
        return await self._answer(sender, text, metadata, key, None)

    async def command(
        self, sender: str, command: str, metadata: dict[str, Any], *, key: str
    ) -> dict[str, Any]:
        self.commands.append(command)
        return await self._answer(sender, self.INTENTS[command], metadata, key, command)

    async def _answer(
        self, sender: str, text: str, metadata: dict[str, Any], key: str, command: str | None
    ) -> dict[str, Any]:
        if self.down:
            raise RasaUnavailable("connection refused")
        if (sender, key) in self.answers:
            self.replayed += 1
            return self.answers[(sender, key)]
        self.sent.append((sender, text, metadata))
        self.keys.append(key)
        if self.delay:
            await asyncio.sleep(self.delay)
        if sender in self.ended and command != "end":
            answer = {"type": "counterpart.turn", "error": "ended", "message": "ended"}
        else:
            answer = self._react(sender, command)
        if answer.get("ended"):
            self.ended.add(sender)
        self.answers[(sender, key)] = answer
        if self.lose_answers:
            self.lose_answers -= 1
            raise RasaUnavailable("ReadTimeout")
        return answer

    def _react(self, sender: str, command: str | None) -> dict[str, Any]:
        turn = len([s for s in self.sent if s[0] == sender])
        if command == "silence":
            return {
                "type": "counterpart.turn",
                "customer": "喂？还在吗？",
                "state": {"mood": {"anger": 60.0}},
                "ended": False,
                "reaction": "silence",
            }
        ended = command == "end" or (self.end_after is not None and turn > self.end_after)
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
    service = ConversationService(FakeRasa(), create_sessionmaker(engine), FakeLibrary())
    yield service
    await service.aclose()
    await engine.dispose()
