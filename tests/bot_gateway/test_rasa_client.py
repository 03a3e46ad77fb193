from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest
from aiohttp import web

from bot_gateway.rasa_client import (
    ConnectFailed,
    RasaClient,
    RasaUnavailable,
    extract_turn_payload,
)
from bot_gateway.rasa_pool import error_kind, never_reached

PAYLOAD = {"type": "counterpart.turn", "customer": "你们到底管不管？"}


def test_the_turn_payload_is_found_among_rasas_messages() -> None:
    messages = [
        {"recipient_id": "s1", "text": "你们到底管不管？"},
        {"recipient_id": "s1", "custom": PAYLOAD},
    ]
    assert extract_turn_payload(messages) == PAYLOAD


def test_no_payload_means_the_customer_simulation_did_not_answer() -> None:
    with pytest.raises(RasaUnavailable):
        extract_turn_payload([{"recipient_id": "s1", "text": "fallback"}])


@pytest.fixture
async def rasa() -> Any:
    """A stand-in Rasa on loopback: answers by `mode`, notes every request it read."""
    seen: list[tuple[str, Any]] = []
    mode = {"status": 200}

    async def webhook(request: web.Request) -> web.Response:
        seen.append((request.path, await request.json()))
        if mode.get("hang"):
            await asyncio.sleep(mode["hang"])
        if mode.get("drop"):  # accepted the request, then the process went away
            assert request.transport is not None
            request.transport.close()
        return web.json_response([{"custom": PAYLOAD}], status=mode["status"])

    app = web.Application()
    app.router.add_post("/webhooks/counterpart/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}", seen, mode
    await runner.cleanup()


async def test_text_and_commands_travel_in_separate_fields_with_a_key(rasa: Any) -> None:
    url, seen, _mode = rasa
    client = RasaClient(url)
    assert await client.reply("s1", "/end_practice", {"lang": "en"}, key="reply:7") == PAYLOAD
    assert seen[-1] == (
        "/webhooks/counterpart/webhook",
        {"sender": "s1", "key": "reply:7", "metadata": {"lang": "en"}, "text": "/end_practice"},
    )
    assert await client.command("s1", "end", {}, key="end") == PAYLOAD
    assert seen[-1][1] == {"sender": "s1", "key": "end", "metadata": {}, "command": "end"}
    with pytest.raises(ValueError):
        await client.command("s1", "restart", {}, key="x")
    await client.aclose()


async def test_http_errors_become_rasa_unavailable_that_may_have_reached_rasa(rasa: Any) -> None:
    url, _seen, mode = rasa
    client = RasaClient(url, timeout=0.5)
    for setting, kind in [({"status": 500}, "http_500"), ({"hang": 2}, "timeout")]:
        mode.clear()
        mode.update({"status": 200, **setting})
        with pytest.raises(RasaUnavailable) as caught:
            await client.reply("s1", "hello", {}, key="reply:1")
        assert error_kind(caught.value) == kind
        assert not never_reached(caught.value)  # Rasa may have played it: no other server
    mode.clear()
    mode.update({"status": 200, "drop": True})
    with pytest.raises(RasaUnavailable) as caught:
        await client.reply("s1", "hello", {}, key="reply:1")
    assert not never_reached(caught.value)
    await client.aclose()


async def test_a_refused_connection_never_reached_rasa() -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = RasaClient(f"http://127.0.0.1:{port}", connect_retries=1)
    with pytest.raises(RasaUnavailable) as caught:
        await client.reply("s1", "hello", {}, key="reply:1")
    assert isinstance(caught.value.__cause__, ConnectFailed)
    assert never_reached(caught.value) and error_kind(caught.value) == "connect"
    assert not await client.is_ready()
    await client.aclose()
