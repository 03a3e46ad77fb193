"""Rasa or the action server going down mid-session: a clear message, nothing lost, recovery."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from bot_gateway.db.models import Turn


def _start(client: httpx.Client) -> str:
    assert client.post("/api/signin", json={"name": "outage"}).status_code == 200
    persona = client.get("/api/personas?lang=en").json()[0]
    response = client.post("/api/sessions", json={"persona_id": persona["id"]})
    assert response.status_code == 200, response.text
    return response.json()["session_id"]


def _turns(database_url: str, session_id: str) -> list[tuple[str, str, str]]:
    async def load() -> list[tuple[str, str, str]]:
        engine = create_async_engine(database_url)
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(Turn.role, Turn.text, Turn.status)
                .where(Turn.session_id == session_id)
                .order_by(Turn.index)
            )
            result = [tuple(row) for row in rows]
        await engine.dispose()
        return result

    return asyncio.run(load())


@pytest.mark.parametrize("service", ["action-server", "rasa"])
def test_an_outage_mid_session_loses_nothing(stack, gateway_url: str, service: str) -> None:
    with httpx.Client(base_url=gateway_url, timeout=60) as client:
        session_id = _start(client)
        stack.stop_service(service)
        try:
            down = client.post(
                f"/api/sessions/{session_id}/replies",
                json={"text": "I'm sorry about that. What exactly happened?"},
            )
            assert down.status_code == 503
            assert down.json()["error"] == "customer_unavailable"
            assert "saved" in down.json()["message"]
            assert _turns(stack.database_url, session_id)[-1] == (
                "trainee",
                "I'm sorry about that. What exactly happened?",
                "pending",
            )
        finally:
            stack.start_service(service)
        back = client.post(
            f"/api/sessions/{session_id}/replies", json={"text": "Could I have your order number?"}
        )
        assert back.status_code == 200, back.text
        assert back.json()["customer"]
    roles = [(role, status) for role, _, status in _turns(stack.database_url, session_id)]
    assert roles == [
        ("customer", "done"),
        ("trainee", "done"),
        ("customer", "done"),
        ("trainee", "done"),
        ("customer", "done"),
    ]
