"""The Rasa server's hop to the action server (serve.py): kept-alive connections, a faster
encoder, only the events the actions read, and the response schema checked event by event."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
import serve
from aiohttp import web
from jsonschema.exceptions import best_match
from rasa.core import processor as rasa_processor
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.utils.endpoints import EndpointConfig

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [greeting]
actions: [action_customer_turn]
slots:
  persona_state:
    type: any
    influence_conversation: false
    mappings: [{type: custom}]
"""
)


@pytest.fixture
def patched(monkeypatch: pytest.MonkeyPatch) -> None:
    """serve.py's patches for one test; monkeypatch puts Rasa's own functions back after."""
    monkeypatch.setattr(EndpointConfig, "session", EndpointConfig.session)
    monkeypatch.setattr(RemoteAction, "_action_call_format", RemoteAction._action_call_format)
    monkeypatch.setattr(
        RemoteAction, "_validate_action_result", RemoteAction._validate_action_result
    )
    monkeypatch.setattr(rasa_processor, "copy", rasa_processor.copy)
    serve.install()


@pytest.fixture
async def action_server() -> Any:
    """A stand-in action server on loopback that notes the client port of each request."""
    seen: list[tuple[int, Any]] = []

    async def webhook(request: web.Request) -> web.Response:
        seen.append((request.transport.get_extra_info("peername")[1], await request.json()))
        return web.json_response({"events": [], "responses": []})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/webhook", seen
    await runner.cleanup()


async def test_calls_reuse_one_connection_and_arrive_as_sent(patched: None, action_server) -> None:
    url, seen = action_server
    endpoint = EndpointConfig(url)
    bodies = [
        {"n": 1, "text": "你好 / héllo", "x": 0.1 + 0.2},
        {"n": 2, "big": 2**70},  # beyond ujson's integers: the standard encoder takes it
        {"n": 3, "nested": [{"a": None, "b": True}]},
    ]
    for body in bodies:
        assert await endpoint.request(json=body, method="post") == {"events": [], "responses": []}
    assert [body for _, body in seen] == bodies
    assert len({port for port, _ in seen}) == 1  # one kept-alive connection


def test_the_action_call_carries_the_events_the_actions_read(patched: None) -> None:
    events = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered("hi", {"name": "greeting", "confidence": 1.0}),
        ActionExecuted("action_customer_turn"),
        BotUttered("Well?", {"custom": {"type": "counterpart.turn", "customer": "Well?"}}),
        SlotSet("persona_state", {"mood": 40}),
        ActionExecuted("action_listen"),
    ]
    tracker = DialogueStateTracker.from_events("s1", events, DOMAIN.slots)
    call = RemoteAction("action_customer_turn", EndpointConfig("http://x"))._action_call_format(
        tracker, DOMAIN
    )
    full = tracker.current_state(EventVerbosity.ALL)
    assert [e["event"] for e in call["tracker"]["events"]] == ["session_started", "user", "bot"]
    assert call["tracker"]["events"] == [
        e for e in full["events"] if e["event"] in {"session_started", "user", "bot"}
    ]
    assert {k: v for k, v in call["tracker"].items() if k != "events"} == {
        k: v for k, v in full.items() if k != "events"
    }
    assert call["tracker"]["slots"]["persona_state"] == {"mood": 40}
    assert call["next_action"] == "action_customer_turn" and call["sender_id"] == "s1"


RESPONSES = [
    {"events": [], "responses": []},
    {
        "events": [
            {"event": "slot", "name": "persona_state", "value": {"mood": 1}, "timestamp": None},
            {"event": "bot", "text": "Hi", "data": {"custom": {"a": 1}}},
        ],
        "responses": [{"text": "Hi", "custom": {"type": "counterpart.turn"}}],
    },
    {"events": [{"event": "slot", "name": 5, "value": 1}], "responses": []},  # name: a string
    {"events": [{"event": "no_such_event"}], "responses": []},
    {"events": [{"name": "persona_state"}], "responses": []},  # no "event"
    {"events": [{"event": "bot", "text": 7}], "responses": []},
    {"events": [{"event": "action", "name": "x", "confidence": "high"}], "responses": []},
    {"events": "not a list", "responses": []},
    {"events": [], "responses": "not a list"},
]


@pytest.mark.parametrize("response", RESPONSES)
def test_a_response_is_valid_exactly_when_the_whole_schema_says_so(response: Any) -> None:
    full, _without, by_kind = serve._response_validators()
    assert by_kind, "the schema's event branches are told apart by their `event` const"
    ours = best_match(serve.response_errors(response))
    assert (ours is None) == full.is_valid(response)
    if ours is not None:
        assert ours.message == best_match(full.iter_errors(response)).message


def test_rasas_debug_snapshots_are_copied_only_when_debug_is_logged(patched: None) -> None:
    events = [{"event": "bot", "data": {"custom": {"big": list(range(5))}}}]
    shim = rasa_processor.copy
    logger = logging.getLogger("rasa.core.processor")
    level = logger.level
    try:
        logger.setLevel(logging.INFO)
        assert shim.deepcopy(events) is events
        logger.setLevel(logging.DEBUG)
        snapshot = shim.deepcopy(events)
        assert snapshot == events and snapshot is not events
        assert snapshot[0]["data"] is not events[0]["data"]
    finally:
        logger.setLevel(level)
    assert json.dumps(events)
