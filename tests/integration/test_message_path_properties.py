"""Property, through the real stack: whatever a trainee types reaches Rasa as text that its NLU
reads (never as an intent command), is stored as typed, and answered; or it is refused with a
clear message. Never a 500, a traceback, or a lost reply.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot_gateway.conversation import ConversationError, clean_reply
from tests.bot_gateway.test_message_path_properties import replies
from tests.integration.test_turns import CONTROL, rasa_url, stored


class Chat:
    """A signed-in trainee with a session; a new session when the customer has left."""

    def __init__(self, gateway_url: str) -> None:
        self.http = httpx.Client(base_url=gateway_url, timeout=90)
        assert self.http.post("/api/signin", json={"name": "property"}).status_code == 200
        self.persona = self.http.get("/api/personas?lang=en").json()[0]["id"]
        self.session_id = ""
        self.restart()

    def restart(self) -> None:
        started = self.http.post("/api/sessions", json={"persona_id": self.persona})
        assert started.status_code == 200, started.text
        self.session_id = started.json()["session_id"]


@pytest.fixture(scope="module")
def chat(gateway_url: str) -> Iterator[Chat]:
    chat = Chat(gateway_url)
    yield chat
    chat.http.close()


def users(stack: Any, session_id: str) -> list[dict[str, Any]]:
    tracker = httpx.get(
        f"{rasa_url(stack)}/conversations/{session_id}/tracker",
        params={"token": stack.rasa_auth_token()},
        timeout=30,
    )
    return [e for e in tracker.json()["events"] if e["event"] == "user"]


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=st.one_of(replies, st.sampled_from(["end practice", "结束练习", "/restart"])))
def test_any_typed_text_reaches_the_customer_as_text(stack, chat: Chat, text: str) -> None:
    session_id = chat.session_id
    seen_before = len(users(stack, session_id))
    response = chat.http.post(
        f"/api/sessions/{session_id}/replies",
        content=json.dumps({"text": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code != 500 and "Traceback" not in response.text
    body = response.json()
    try:
        cleaned: str | None = clean_reply(text) if len(text) <= 20_000 else None
    except ConversationError:
        cleaned = None
    seen = users(stack, session_id)
    if cleaned is None:
        assert response.status_code == 400 and body["message"], body
        assert len(seen) == seen_before  # nothing reached Rasa
        return
    assert response.status_code == 200, body
    event = seen[-1]
    assert len(seen) == seen_before + 1 and event["text"] == cleaned
    parse = event["parse_data"]
    assert parse["intent"]["name"] not in CONTROL
    assert len(parse["intent_ranking"]) > 3  # the classifier's reading, not "/intent"
    assert event["metadata"]["turn_key"].startswith("reply:")
    practice, turns = stored(stack, session_id)
    assert ("trainee", cleaned, "done") in turns
    if body["ended"]:  # the customer left (in character): go on with a new one
        assert practice.status == "ended" and practice.scorecard
        chat.restart()
