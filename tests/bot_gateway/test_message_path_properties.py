"""Property: whatever a trainee types reaches the customer as text, intact, or is refused with a
clear message; never a 500, a traceback, a lost reply, or a session command.

The gateway's HTTP and WebSocket paths over the real service and database, with a fake Rasa that
records whether each message came as text or as a command (the real Rasa side of the same
property: tests/integration/test_message_path_properties.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot_gateway.config import Settings
from bot_gateway.conversation import MAX_REPLY_CHARS, ConversationError, clean_reply
from bot_gateway.db.models import Turn
from bot_gateway.web.app import create_app
from tests.bot_gateway.conftest import FakeLibrary, FakeRasa

# What reads like Rasa's "/intent{entities}" syntax, with the tricks that passed the old guard.
PREFIXES = ["/", "/ /", "//", "\u200b/ /", "/\n/", " /", "\ufeff/", "\t/ / /", "／"]
INTENTS = ["empathy", "apology", "end_practice", "start_practice", "trainee_silent", "x"]
SUFFIXES = ["", '{"persona": "x"}', "@1.0", "@0.1{}", "{", " please", "\x00"]
TRICKY = "/{}@[]\"'\\ \n\t\r\x00\x07\x1b\x7f\u200b\u200e\u2028\u2060\ufeff\ud800中文émoji😀"

slash_commands = st.builds(
    lambda p, i, s: p + i + s,
    st.sampled_from(PREFIXES),
    st.sampled_from(INTENTS),
    st.sampled_from(SUFFIXES),
)
replies = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from(TRICKY), max_size=60),
    slash_commands,
    st.builds(lambda c, t: c + t, slash_commands, st.text(max_size=40)),
    st.integers(MAX_REPLY_CHARS - 5, 25_000).map(lambda n: "我" * n),
)
PROPERTY = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def app_client(database_url: str) -> Iterator[tuple[TestClient, FakeRasa, str]]:
    app = create_app(Settings(_env_file=None, database_url=database_url, environment="test"))
    rasa = FakeRasa()
    with TestClient(app) as client:
        app.state.conversations.rasa = rasa
        app.state.conversations.library = FakeLibrary()
        assert client.post("/api/signin", json={"name": "prop", "lang": "en"}).status_code == 200
        started = client.post("/api/sessions", json={"persona_id": "angry_zh_test"})
        assert started.status_code == 200, started.text
        yield client, rasa, started.json()["session_id"]


def _last_trainee_text(client: TestClient, session_id: str) -> tuple[int, str | None]:
    service = client.app.state.conversations

    async def load() -> tuple[int, str | None]:
        async with service.sessionmaker() as db:
            texts = list(
                await db.scalars(
                    select(Turn.text)
                    .where(Turn.session_id == session_id, Turn.role == "trainee")
                    .order_by(Turn.index)
                )
            )
        return len(texts), texts[-1] if texts else None

    return client.portal.call(load)


def _expected(text: str) -> tuple[str | None, str | None]:
    """(stored text, refusal code) the gateway must produce for this input."""
    try:
        return clean_reply(text), None
    except ConversationError as error:
        return None, error.code


def _check(
    client: TestClient,
    rasa: FakeRasa,
    session_id: str,
    text: str,
    status: int,
    body: dict,
    before: int,
) -> None:
    assert status != 500 and "Traceback" not in json.dumps(body)
    count, last = _last_trainee_text(client, session_id)
    assert rasa.commands == ["start"], "typed text became a session command"
    stored, refused = _expected(text)
    if refused:
        assert (status, body.get("error") or body.get("code")) == (400, refused), body
        assert body.get("message")
        assert count == before  # nothing stored, the text stays with the trainee
    else:
        assert status == 200, body
        assert (count, last) == (before + 1, stored), "the reply was not stored as typed"
        assert rasa.sent[-1][1] == stored, "the customer did not get the reply as typed"
        assert rasa.keys[-1].startswith("reply:")


@PROPERTY
@given(text=replies)
def test_any_reply_over_http_is_delivered_as_text_or_refused_clearly(
    app_client: tuple[TestClient, FakeRasa, str], text: str
) -> None:
    client, rasa, session_id = app_client
    before, _ = _last_trainee_text(client, session_id)
    response = client.post(
        f"/api/sessions/{session_id}/replies",
        content=json.dumps({"text": text}).encode(),  # escapes lone surrogates, as browsers do
        headers={"Content-Type": "application/json"},
    )
    _check(client, rasa, session_id, text, response.status_code, response.json(), before)


@PROPERTY
@given(text=replies)
def test_any_reply_over_the_websocket_is_delivered_as_text_or_refused_clearly(
    app_client: tuple[TestClient, FakeRasa, str], text: str
) -> None:
    client, rasa, session_id = app_client
    before, _ = _last_trainee_text(client, session_id)
    with client.websocket_connect(f"/ws/sessions/{session_id}") as socket:
        socket.send_json({"type": "reply", "text": text})
        message = socket.receive_json()
        while message["type"] == "typing":
            message = socket.receive_json()
    if message["type"] == "turn":
        status, body = 200, message
    else:
        assert message["type"] == "error"
        status, body = 400, message
    _check(client, rasa, session_id, text, status, body, before)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(frame=st.one_of(st.text(max_size=200), st.binary(max_size=200)))
def test_any_websocket_frame_gets_an_answer_and_the_socket_stays_open(
    app_client: tuple[TestClient, FakeRasa, str], frame: str | bytes
) -> None:
    client, rasa, session_id = app_client
    with client.websocket_connect(f"/ws/sessions/{session_id}") as socket:
        if isinstance(frame, bytes):
            socket.send_bytes(frame)
        else:
            socket.send_text(frame)
        first = socket.receive_json()
        assert first["type"] in {"error", "hint", "idle", "typing", "turn"}
        socket.send_json({"type": "hint"})
        while (reply := socket.receive_json())["type"] != "hint":
            assert reply["type"] in {"error", "typing", "turn", "idle"}
    assert "start" == rasa.commands[0] and set(rasa.commands) <= {"start", "end"}
