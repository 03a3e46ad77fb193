"""The web chat's sign-out ends the sign-in for good: a copy of the trainee's cookie taken
before signing out no longer reaches their history, their sessions or the chat WebSocket."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

COOKIE = "counterpart_session"


def test_a_trainee_cookie_copied_before_sign_out_is_dead(client: TestClient) -> None:
    assert client.post("/api/signin", json={"name": "王芳"}).status_code == 200
    started = client.post("/api/sessions", json={"persona_id": "angry_zh_test"})
    session_id = started.json()["session_id"]
    copied = client.cookies.get(COOKIE)
    assert copied and client.get("/api/history").status_code == 200

    assert client.post("/api/signout").status_code == 200
    client.cookies.set(COOKIE, copied)
    assert client.get("/api/me").status_code == 401
    assert client.get("/personas", follow_redirects=False).status_code == 303
    assert client.get("/api/history").status_code == 401
    assert client.get(f"/api/sessions/{session_id}").status_code == 401
    reply = client.post(f"/api/sessions/{session_id}/replies", json={"text": "hello"})
    assert reply.status_code == 401
    with client.websocket_connect(f"/ws/sessions/{session_id}") as socket:
        message = socket.receive_json()
        assert message["code"] == "signed_out"
        with pytest.raises(WebSocketDisconnect):
            socket.receive_json()


def test_signing_in_again_after_sign_out_works(client: TestClient) -> None:
    assert client.post("/api/signin", json={"name": "Tom"}).status_code == 200
    assert client.post("/api/signout").status_code == 200
    assert client.get("/api/me").status_code == 401
    assert client.post("/api/signin", json={"name": "Tom"}).status_code == 200
    assert client.get("/api/me").json()["display_name"] == "Tom"
    started = client.post("/api/sessions", json={"persona_id": "angry_zh_test"})
    assert started.status_code == 200
