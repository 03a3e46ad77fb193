"""Sizes and rates through the gateway app (issue 16, bad input): HTTP body limit, WebSocket
message limit before decoding, sign-in limits per IP, per invite code and for wrong codes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from bot_gateway.config import Settings
from bot_gateway.conversation import ConversationService
from bot_gateway.db.engine import create_engine, create_sessionmaker
from bot_gateway.web.app import create_app
from bot_gateway.web.limits import LimitSettings, RateLimited, SignInLimiter
from tests.bot_gateway.conftest import FakeLibrary, FakeRasa

GENEROUS = {
    "signin_rate_per_ip": "1000/minute",
    "signin_rate_per_code": "1000/minute",
    "signin_failures_per_ip": "1000/minute",
}


def make_client(database_url: str, **limits: object) -> Iterator[TestClient]:
    settings = Settings(_env_file=None, database_url=database_url, environment="test")
    app = create_app(settings, limits=LimitSettings(_env_file=None, **{**GENEROUS, **limits}))
    with TestClient(app) as test_client:
        engine = create_engine(database_url)
        service = ConversationService(FakeRasa(), create_sessionmaker(engine), FakeLibrary())
        app.state.conversations = service
        test_client.portal.call(service.create_cohort, "Cohort A", "COHORT-A")
        yield test_client
        test_client.portal.call(engine.dispose)


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    yield from make_client(database_url, max_body_bytes=64 * 1024, ws_max_message_chars=8192)


def sign_in(client: TestClient, name: str = "Li Lei", **extra: object):
    return client.post("/api/signin", json={"name": name, "lang": "zh", **extra})


# ---------------------------------------------------------------------------- HTTP body


def test_a_body_over_the_limit_is_refused_before_it_is_read(client: TestClient) -> None:
    big = {"name": "Li Lei", "padding": "x" * (100 * 1024)}
    response = client.post("/api/signin", json=big, headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 413
    body = response.json()
    assert body["error"] == "too_large" and body["limit_bytes"] == 64 * 1024
    assert "64 KB" in body["message"] and "太大" in body["message"]
    english = client.post("/api/signin", json=big, headers={"Accept-Language": "en-GB"})
    assert "too large" in english.json()["message"]
    assert sign_in(client).status_code == 200  # an ordinary request still goes through


def test_a_streamed_body_without_length_is_cut_at_the_limit(client: TestClient) -> None:
    chunks = (b'{"name": "' + b"x" * 8192 if i == 0 else b"x" * 8192 for i in range(20))
    response = client.post(
        "/api/signin", content=chunks, headers={"Content-Type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"


# ---------------------------------------------------------------------------- WebSocket


def _session(client: TestClient) -> str:
    assert sign_in(client).status_code == 200
    return client.post("/api/sessions", json={"persona_id": "angry_zh_test"}).json()["session_id"]


def test_a_websocket_message_over_the_limit_is_refused_before_decoding(client: TestClient) -> None:
    session_id = _session(client)
    rasa = client.app.state.conversations.rasa
    with client.websocket_connect(f"/ws/sessions/{session_id}") as socket:
        # 200,000 nested brackets: json.loads would die of RecursionError and drop the socket
        socket.send_text("[" * 200_000)
        error = socket.receive_json()
        assert error == {"type": "error", "code": "too_long", "message": error["message"]}
        socket.send_json({"type": "reply", "text": "x" * 1_000_000})
        assert socket.receive_json()["code"] == "too_long"
        socket.send_bytes(b"\x00" * 50_000)
        assert socket.receive_json()["code"] == "too_long"
        # the conversation goes on: the next reply is played
        socket.send_json({"type": "reply", "text": "非常抱歉，能说说发生了什么吗？"})
        assert socket.receive_json() == {"type": "typing"}
        assert socket.receive_json()["type"] == "turn"
    assert [text for _, text, _ in rasa.sent][-1] == "非常抱歉，能说说发生了什么吗？"
    assert all(len(text) < 100 for _, text, _ in rasa.sent)


def test_a_full_length_reply_fits_in_a_websocket_message(client: TestClient) -> None:
    session_id = _session(client)
    reply = "您" * 1999 + '"'  # 2,000 characters, with a character JSON escapes
    with client.websocket_connect(f"/ws/sessions/{session_id}") as socket:
        socket.send_json({"type": "reply", "text": reply})
        assert socket.receive_json() == {"type": "typing"}
        assert socket.receive_json()["type"] == "turn"


# ---------------------------------------------------------------------------- sign-in rates


def test_sign_ins_from_one_ip_are_limited_with_a_clear_429(database_url: str) -> None:
    for client in make_client(database_url, signin_rate_per_ip="3/minute"):
        assert [sign_in(client, f"t{n}").status_code for n in range(3)] == [200] * 3
        refused = sign_in(client, "t4")
        assert refused.status_code == 429
        body = refused.json()
        assert body["error"] == "rate_limited" and body["reason"] == "rate_limited"
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert body["retry_after"] == int(refused.headers["Retry-After"])
        assert "登录尝试太频繁" in body["message"]
        english = client.post("/api/signin", json={"name": "t5", "lang": "en"})
        assert "Too many sign-in attempts" in english.json()["message"]
        # no trainee was created for the refused attempts
        assert client.get("/api/me").json()["display_name"] == "t2"


def test_wrong_invite_codes_from_one_ip_are_limited(database_url: str) -> None:
    for client in make_client(database_url, signin_failures_per_ip="2/15 minutes"):
        for code in ("GUESS-1", "GUESS-2"):
            wrong = sign_in(client, cohort_code=code)
            assert wrong.status_code == 400 and wrong.json()["error"] == "unknown_cohort"
        guessing = sign_in(client, cohort_code="COHORT-A")  # even the right one, for now
        assert guessing.status_code == 429
        assert guessing.json()["reason"] == "code_guessing"
        assert "邀请码错误次数太多" in guessing.json()["message"]
        assert 60 < int(guessing.headers["Retry-After"]) <= 15 * 60
        assert "分钟" in guessing.json()["message"]
        assert sign_in(client).status_code == 200  # without a code: not guessing


def test_sign_ins_with_one_invite_code_are_limited(database_url: str) -> None:
    for client in make_client(database_url, signin_rate_per_code="2/minute"):
        statuses = [sign_in(client, f"t{n}", cohort_code="COHORT-A").status_code for n in range(3)]
        assert statuses == [200, 200, 429]
        assert sign_in(client, "other").status_code == 200


async def test_the_limiter_counts_each_ip_and_code_on_its_own() -> None:
    limiter = SignInLimiter(
        LimitSettings(
            _env_file=None,
            signin_rate_per_ip="2/minute",
            signin_rate_per_code="3/minute",
            signin_failures_per_ip="1/minute",
        )
    )
    for _ in range(2):
        await limiter.check("10.0.0.1", None, "en")
    with pytest.raises(RateLimited):
        await limiter.check("10.0.0.1", None, "en")
    await limiter.check("10.0.0.2", "A", "en")  # another IP is not held back
    await limiter.failed("10.0.0.2")
    with pytest.raises(RateLimited) as guessing:
        await limiter.check("10.0.0.2", "B", "en")
    assert guessing.value.code == "code_guessing"
    await limiter.check("10.0.0.3", "A", "en")
    await limiter.check("10.0.0.4", "A", "en")
    with pytest.raises(RateLimited):
        await limiter.check("10.0.0.5", "a", "en")  # the same code, from anywhere
    await asyncio.sleep(0)


def test_limit_settings_refuse_nonsense() -> None:
    with pytest.raises(ValidationError):
        LimitSettings(_env_file=None, signin_rate_per_ip="lots")
    with pytest.raises(ValidationError):
        LimitSettings(_env_file=None, max_body_bytes=10)
    assert LimitSettings(_env_file=None).ws_max_frame_bytes == 8192 * 4


def test_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNIN_RATE_PER_IP", "5/minute")
    monkeypatch.setenv("MAX_BODY_BYTES", "2048")
    limits = LimitSettings(_env_file=None)
    assert limits.signin_rate_per_ip == "5/minute" and limits.max_body_bytes == 2048


def test_every_limit_setting_is_documented() -> None:
    from bot_gateway.config import PROJECT_ROOT

    example = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Configuration") :]
    for name in LimitSettings.model_fields:
        variable = name.upper()
        assert f"\n{variable}=" in example, f"{variable} is not in .env.example"
        assert f"`{variable}`" in table, f"{variable} is not in the README's settings table"
