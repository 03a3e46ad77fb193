"""Cross-site requests are refused: a staff form posted from another site, or a WebSocket opened
from another site's page, is turned away before it acts; scripts without an Origin still work."""

from __future__ import annotations

import asyncio

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine
from starlette.websockets import WebSocketDisconnect

from bot_gateway.config import Settings
from bot_gateway.web.app import create_app
from tests.bot_gateway.supervisor.conftest import PASSWORD, World, sign_in

EVIL = "https://evil.example"
SAME = "http://testserver"  # the TestClient's own origin


def _overrides(url: str) -> int:
    async def go() -> int:
        from bot_gateway.db.models import RatingOverride

        engine = create_async_engine(url)
        async with engine.connect() as db:
            found = await db.scalar(select(func.count()).select_from(RatingOverride))
        await engine.dispose()
        return int(found or 0)

    return asyncio.run(go())


def _override(client: TestClient, world: World, **headers: str):
    return client.post(
        f"/staff/turns/{world.reply_a}/override",
        data={"overall": "90", "comment": "good"},
        headers=headers,
        follow_redirects=False,
    )


def test_a_staff_post_from_another_site_is_refused(client: TestClient, world: World) -> None:
    sign_in(client, "sue")
    refused = _override(client, world, origin=EVIL)
    assert refused.status_code == 403
    assert "cross-site" in refused.json()["detail"] and "跨站" in refused.json()["detail"]
    assert _overrides(world.database_url) == 0
    # signing out from another site is refused too, so the sign-in survives
    assert client.post("/staff/logout", headers={"origin": EVIL}).status_code == 403
    assert client.get("/staff/sessions").status_code == 200
    # and so is a sign-in posted by another site (login CSRF)
    login = client.post(
        "/staff/login",
        data={"name": "ada", "password": PASSWORD},
        headers={"origin": EVIL},
        follow_redirects=False,
    )
    assert login.status_code == 403


def test_a_referer_from_another_site_is_refused_when_there_is_no_origin(
    client: TestClient, world: World
) -> None:
    sign_in(client, "sue")
    assert _override(client, world, referer=f"{EVIL}/page").status_code == 403
    assert _override(client, world, origin="null").status_code == 403
    assert _overrides(world.database_url) == 0


def test_same_site_posts_and_scripts_without_an_origin_work(
    client: TestClient, world: World
) -> None:
    sign_in(client, "sue")
    assert _override(client, world, origin=SAME).status_code == 303
    assert _override(client, world, referer=f"{SAME}/staff/sessions").status_code == 303
    assert _override(client, world).status_code == 303
    assert _overrides(world.database_url) == 3


def test_trusted_origins_are_accepted(world: World) -> None:
    settings = Settings(
        _env_file=None,
        database_url=world.database_url,
        environment="test",
        trusted_origins="https://training.example.com, https://other.example.com",
    )
    with TestClient(create_app(settings)) as client:
        ok = client.post(
            "/staff/login",
            data={"name": "sue", "password": PASSWORD},
            headers={"origin": "https://training.example.com"},
            follow_redirects=False,
        )
        assert ok.status_code == 303
        bad = client.post("/staff/logout", headers={"origin": EVIL}, follow_redirects=False)
        assert bad.status_code == 403


def _started_session(client: TestClient) -> str:
    assert client.post("/api/signin", json={"name": "王芳"}).status_code == 200
    started = client.post("/api/sessions", json={"persona_id": "angry_zh_test"})
    assert started.status_code == 200, started.text
    return started.json()["session_id"]


def test_a_websocket_opened_from_another_site_is_refused(client: TestClient) -> None:
    session_id = _started_session(client)
    with pytest.raises(WebSocketDisconnect) as refused:
        with client.websocket_connect(f"/ws/sessions/{session_id}", headers={"origin": EVIL}):
            pass
    assert refused.value.code == 4403
    with client.websocket_connect(f"/ws/sessions/{session_id}", headers={"origin": SAME}) as socket:
        socket.send_json({"type": "nonsense"})
        assert socket.receive_json()["code"] == "bad_message"
