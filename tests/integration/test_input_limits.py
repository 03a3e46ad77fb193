"""Sizes through the real gateway process (uvicorn): an oversized HTTP body gets 413, an
oversized WebSocket frame is closed by the server (1009) before it is read whole, a long message
under that is answered with ``too_long`` and the conversation goes on (issue 16)."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import websockets

from bot_gateway.web.limits import LimitSettings

DEFAULTS = LimitSettings(_env_file=None)
REPLY = "非常抱歉让您久等了，我理解您的心情。能具体说说发生了什么吗？"


def test_an_oversized_body_is_refused_by_the_running_gateway(gateway_url: str) -> None:
    big = b'{"name": "' + b"x" * (DEFAULTS.max_body_bytes + 1) + b'"}'
    response = httpx.post(
        f"{gateway_url}/api/signin",
        content=big,
        headers={"Content-Type": "application/json", "Accept-Language": "zh-CN"},
        timeout=30,
    )
    assert response.status_code == 413
    assert response.json()["error"] == "too_large" and "太大" in response.json()["message"]


def _start(gateway_url: str) -> tuple[str, str]:
    with httpx.Client(base_url=gateway_url, timeout=60) as client:
        assert client.post("/api/signin", json={"name": "限额学员"}).status_code == 200
        opening = client.post("/api/sessions", json={"persona_id": "angry_zh_broadband_outage"})
        assert opening.status_code == 200, opening.text
        cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
        return opening.json()["session_id"], cookie


async def _next(socket: websockets.ClientConnection, *kinds: str) -> dict:
    while True:
        message = json.loads(await asyncio.wait_for(socket.recv(), 60))
        if message["type"] in kinds:
            return message


def test_websocket_frames_are_limited_at_the_server(gateway_url: str) -> None:
    session_id, cookie = _start(gateway_url)
    url = gateway_url.replace("http", "ws", 1) + f"/ws/sessions/{session_id}"

    async def scenario() -> None:
        headers = {"Cookie": cookie}
        # a 4 MiB frame: the server closes with 1009 (message too big) instead of reading it
        async with websockets.connect(url, additional_headers=headers, max_size=None) as socket:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await socket.send(json.dumps({"type": "reply", "text": "x" * (4 << 20)}))
                await _next(socket, "turn")
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
        # under the frame limit but over the message limit: a clear error, then go on
        async with websockets.connect(url, additional_headers=headers) as socket:
            await socket.send("[" * (DEFAULTS.ws_max_message_chars + 1))
            error = await _next(socket, "error", "turn")
            assert error["code"] == "too_long", error
            await socket.send(json.dumps({"type": "reply", "text": REPLY}))
            turn = await _next(socket, "turn", "error")
            assert turn["type"] == "turn" and turn["customer"], turn

    asyncio.run(scenario())
