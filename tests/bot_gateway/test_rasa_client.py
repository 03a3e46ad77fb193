from __future__ import annotations

import json

import httpx
import pytest

from bot_gateway.rasa_client import RasaClient, RasaUnavailable, extract_turn_payload

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


async def test_http_errors_become_rasa_unavailable() -> None:
    client = RasaClient("http://rasa.test")
    client._http = httpx.AsyncClient(
        base_url="http://rasa.test",
        transport=httpx.MockTransport(lambda request: httpx.Response(500, json={})),
    )
    with pytest.raises(RasaUnavailable):
        await client.reply("s1", "hello", {}, key="reply:1")
    await client.aclose()


async def test_text_and_commands_travel_in_separate_fields_with_a_key() -> None:
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["path"] = request.url.path
        seen["body"] = request.read()
        return httpx.Response(200, json=[{"custom": PAYLOAD}])

    client = RasaClient("http://rasa.test")
    client._http = httpx.AsyncClient(
        base_url="http://rasa.test", transport=httpx.MockTransport(handler)
    )
    assert await client.reply("s1", "/end_practice", {"lang": "en"}, key="reply:7") == PAYLOAD
    assert seen["path"] == "/webhooks/counterpart/webhook"
    assert json.loads(seen["body"]) == {
        "sender": "s1",
        "key": "reply:7",
        "metadata": {"lang": "en"},
        "text": "/end_practice",
    }
    assert await client.command("s1", "end", {}, key="end") == PAYLOAD
    assert json.loads(seen["body"]) == {
        "sender": "s1",
        "key": "end",
        "metadata": {},
        "command": "end",
    }
    with pytest.raises(ValueError):
        await client.command("s1", "restart", {}, key="x")
    await client.aclose()


def test_httpcore_finds_its_async_library_without_searching_for_a_missing_sniffio() -> None:
    """httpcore asks for sniffio on every request; when it is not installed, the failed import
    must not search the import path each time (rasa_client.py), and the answer stays asyncio."""
    import importlib.util
    import sys

    from httpcore._synchronization import current_async_library

    import bot_gateway.rasa_client  # noqa: F401  (the module that sets it up)

    looked_up: list[str] = []

    class Recorder:
        @staticmethod
        def find_spec(name: str, *_args: object) -> None:
            looked_up.append(name)

    installed = importlib.util.find_spec("sniffio") is not None
    sys.meta_path.insert(0, Recorder)  # type: ignore[arg-type]
    try:
        assert current_async_library() == "asyncio"
    finally:
        sys.meta_path.remove(Recorder)  # type: ignore[arg-type]
    if not installed:
        assert "sniffio" not in looked_up
