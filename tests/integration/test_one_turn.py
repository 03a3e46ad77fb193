"""One real turn: web API → gateway → Rasa REST channel → NLU → custom action → back, stored."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from bot_gateway.db.models import PracticeSession, Turn
from practice.vocabulary import MOVES

REPLIES = {
    "zh": "非常抱歉让您久等了，我理解您的心情。能具体说说发生了什么吗？",
    "en": "I'm so sorry for the wait, I understand how frustrating this is. "
    "Could you tell me what happened?",
}


async def _stored(database_url: str, session_id: str) -> tuple[PracticeSession, list[Turn]]:
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        practice = (
            await connection.execute(
                select(PracticeSession).where(PracticeSession.id == session_id)
            )
        ).one()
        turns = (
            await connection.execute(
                select(Turn).where(Turn.session_id == session_id).order_by(Turn.index)
            )
        ).all()
    await engine.dispose()
    return practice, turns


def test_a_trainee_reply_gets_the_customers_answer_and_is_stored(gateway_url: str, stack) -> None:
    with httpx.Client(base_url=gateway_url, timeout=30) as client:
        assert client.post("/api/signin", json={"name": "Li Lei"}).status_code == 200
        personas = client.get("/api/personas").json()
        assert personas, "the persona library is empty"
        persona = personas[0]

        opening = client.post("/api/sessions", json={"persona_id": persona["id"]})
        assert opening.status_code == 200, opening.text
        opening = opening.json()
        assert opening["customer"], "the customer did not open the conversation"

        answer = client.post(
            f"/api/sessions/{opening['session_id']}/replies",
            json={"text": REPLIES[persona["language"]]},
        )
        assert answer.status_code == 200, answer.text
        turn = answer.json()

    assert turn["customer"] and turn["customer"] != opening["customer"]
    moves = [m["move"] for m in turn["analysis"]["moves"]]
    assert moves and set(moves) <= set(MOVES)
    assert turn["state"], "the persona state did not come back"
    assert turn["rating"]["dimensions"]

    practice, turns = asyncio.run(_stored(stack.database_url, opening["session_id"]))
    assert practice.persona_id == persona["id"]
    assert [t.role for t in turns] == ["customer", "trainee", "customer"]
    assert turns[1].status == "done" and turns[1].moves
    assert turns[2].text == turn["customer"]


def test_the_web_chat_page_is_served(gateway_url: str) -> None:
    page = httpx.get(gateway_url + "/", timeout=10)
    assert page.status_code == 200
    assert "Counterpart" in page.text and "/static/chat.js" in page.text
    assert httpx.get(gateway_url + "/healthz", timeout=10).json()["rasa_ready"] is True
