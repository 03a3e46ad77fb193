"""The web chat's HTTP and WebSocket routes, over the real service with a fake Rasa."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot_gateway.config import Settings
from bot_gateway.conversation import ConversationService
from bot_gateway.db.engine import create_engine, create_sessionmaker
from bot_gateway.web.app import create_app
from tests.bot_gateway.conftest import FakeLibrary, FakeRasa


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    settings = Settings(_env_file=None, database_url=database_url, environment="test")
    app = create_app(settings)
    with TestClient(app) as test_client:
        engine = create_engine(database_url)
        app.state.conversations = ConversationService(
            FakeRasa(), create_sessionmaker(engine), FakeLibrary()
        )
        yield test_client


def _sign_in(client: TestClient, name: str = "Li Lei") -> dict:
    response = client.post("/api/signin", json={"name": name, "lang": "zh"})
    assert response.status_code == 200, response.text
    return response.json()


def test_the_page_and_its_assets_are_served(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and 'name="viewport"' in page.text
    assert client.get("/static/chat.js").status_code == 200
    assert client.get("/static/chat.css").status_code == 200


def test_practice_needs_a_signed_in_trainee(client: TestClient) -> None:
    assert client.get("/api/me").status_code == 401
    assert client.post("/api/sessions", json={"persona_id": "angry_zh_test"}).status_code == 401


def test_sign_in_remembers_the_trainee_in_a_signed_cookie(client: TestClient) -> None:
    me = _sign_in(client)
    assert me["display_name"] == "Li Lei" and me["interface_lang"] == "zh"
    assert client.get("/api/me").json()["id"] == me["id"]
    client.cookies.set("counterpart_session", "forged")
    assert client.get("/api/me").status_code == 401


def test_a_bad_invite_code_is_explained(client: TestClient) -> None:
    response = client.post("/api/signin", json={"name": "Li Lei", "cohort_code": "NOPE"})
    assert response.status_code == 400
    assert response.json()["error"] == "unknown_cohort"


def test_a_conversation_over_the_websocket_ends_with_a_scorecard(client: TestClient) -> None:
    _sign_in(client)
    opening = client.post("/api/sessions", json={"persona_id": "angry_zh_test"}).json()
    assert opening["customer"] == "customer line 1"
    with client.websocket_connect(f"/ws/sessions/{opening['session_id']}") as socket:
        socket.send_json({"type": "reply", "text": "非常抱歉，能说说发生了什么吗？"})
        assert socket.receive_json() == {"type": "typing"}
        turn = socket.receive_json()
        assert turn["type"] == "turn" and turn["customer"] == "customer line 2"
        assert turn["hint"] == "tip"
        socket.send_json({"type": "hint"})
        assert socket.receive_json() == {"type": "hint", "text": "tip"}
        socket.send_json({"type": "reply", "text": "   "})
        socket.receive_json()  # typing
        assert socket.receive_json()["code"] == "empty"
        socket.send_json({"type": "end"})
        socket.receive_json()  # typing
        final = socket.receive_json()
    assert final["ended"] is True and final["scorecard"]["overall"] == 72
    history = client.get("/api/history").json()
    assert history[0]["session_id"] == opening["session_id"]
    assert history[0]["overall"] == 72
    chart = client.get(f"/api/sessions/{opening['session_id']}/mood.png?lang=zh")
    assert chart.headers["content-type"] == "image/png"


def test_an_outage_is_reported_and_the_reply_delivered_on_retry(client: TestClient) -> None:
    _sign_in(client)
    opening = client.post("/api/sessions", json={"persona_id": "angry_zh_test"}).json()
    rasa = client.app.state.conversations.rasa
    with client.websocket_connect(f"/ws/sessions/{opening['session_id']}") as socket:
        rasa.down = True
        socket.send_json({"type": "reply", "text": "请问您的订单号是多少？"})
        socket.receive_json()  # typing
        error = socket.receive_json()
        assert error["code"] == "customer_unavailable" and "已保存" in error["message"]
        rasa.down = False
        socket.send_json({"type": "retry"})
        socket.receive_json()  # typing
        turn = socket.receive_json()
    assert turn["type"] == "turn" and turn["customer"]
    assert rasa.sent[-1][1] == "请问您的订单号是多少？"


def test_a_silent_trainee_gets_a_nudge_from_the_customer(client: TestClient) -> None:
    _sign_in(client)
    opening = client.post("/api/sessions", json={"persona_id": "angry_zh_test"}).json()
    client.app.state.conversations.library.get(
        "angry_zh_test"
    ).__class__.silence_timeout_seconds = 0.2
    try:
        with client.websocket_connect(f"/ws/sessions/{opening['session_id']}") as socket:
            assert socket.receive_json() == {"type": "typing"}
            nudge = socket.receive_json()
    finally:
        client.app.state.conversations.library.get(
            "angry_zh_test"
        ).__class__.silence_timeout_seconds = 60.0
    assert nudge["customer"] == "喂？还在吗？"


def test_a_reconnect_counts_the_silence_from_the_customers_last_line(client: TestClient) -> None:
    """Before: every (re)connect waited the whole timeout again, so a trainee who reconnected
    (or met a restarted gateway) after 59 s of silence got the nudge only after 119 s."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from bot_gateway.db.models import Turn

    _sign_in(client)
    opening = client.post("/api/sessions", json={"persona_id": "angry_zh_test"}).json()
    service = client.app.state.conversations

    async def silent_for_59_5_seconds() -> None:
        async with service.sessionmaker.begin() as db:
            await db.execute(
                update(Turn)
                .where(Turn.session_id == opening["session_id"])
                .values(at=datetime.now(UTC) - timedelta(seconds=59.5))
            )

    client.portal.call(silent_for_59_5_seconds)
    connected = time.monotonic()
    with client.websocket_connect(f"/ws/sessions/{opening['session_id']}") as socket:
        assert socket.receive_json() == {"type": "typing"}
        nudge = socket.receive_json()
    assert time.monotonic() - connected < 10  # about 0.5 s, not another 60 s
    assert nudge["customer"] == "喂？还在吗？"
    assert service.rasa.sent[-1][2]["silence_seconds"] >= 59.5


def test_another_trainee_cannot_open_my_session(client: TestClient) -> None:
    _sign_in(client)
    opening = client.post("/api/sessions", json={"persona_id": "angry_zh_test"}).json()
    client.cookies.clear()
    _sign_in(client, "Intruder")
    assert client.get(f"/api/sessions/{opening['session_id']}").status_code == 404
    with client.websocket_connect(f"/ws/sessions/{opening['session_id']}") as socket:
        assert socket.receive_json()["code"] == "unknown_session"


def test_persona_filters(client: TestClient) -> None:
    assert [p["id"] for p in client.get("/api/personas?lang=zh&type=angry").json()] == [
        "angry_zh_test"
    ]
    assert client.get("/api/personas?lang=en").json() == []


def test_a_deeply_nested_frame_is_answered_and_the_socket_stays_open(client: TestClient) -> None:
    """Nesting deeper than the JSON parser goes (well under the size limit) raised RecursionError
    and closed the trainee's socket; it is an unknown message like any other that is not JSON."""
    _sign_in(client)
    opening = client.post("/api/sessions", json={"persona_id": "angry_zh_test"}).json()
    with client.websocket_connect(f"/ws/sessions/{opening['session_id']}") as socket:
        socket.send_text("[" * 5000)
        assert socket.receive_json()["code"] == "bad_message"
        socket.send_json({"type": "reply", "text": "能说说发生了什么吗？"})
        assert socket.receive_json() == {"type": "typing"}
        assert socket.receive_json()["customer"] == "customer line 2"


def test_an_invite_code_of_other_digits_is_an_unknown_cohort(client: TestClient) -> None:
    """'²'.isdigit() is True but int('²') fails: such codes were a 500, now an unknown cohort."""
    for code in ("²", "٣", "99999999999999999999"):
        response = client.post("/api/signin", json={"name": "Li Lei", "cohort_code": code})
        assert response.status_code == 400, code
        assert response.json()["error"] == "unknown_cohort"
