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
from rasa.core import run as rasa_run
from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import EndpointConfig

from practice.transcript import read_fields

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
    monkeypatch.setattr(rasa_run, "close_resources", rasa_run.close_resources)
    # the staticmethod itself (getattr would give the bare function back)
    monkeypatch.setattr(Event, "resolve_by_type", Event.__dict__["resolve_by_type"])
    for name in ("_run_action", "_update_tracker_session"):
        monkeypatch.setattr(MessageProcessor, name, MessageProcessor.__dict__[name])
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
        read_fields(e) for e in full["events"] if e["event"] in {"session_started", "user", "bot"}
    ]
    user = call["tracker"]["events"][1]
    assert user["parse_data"] == {"intent": {"name": "greeting", "confidence": 1.0}}
    assert call["tracker"]["events"][2]["data"] == {
        "custom": {"type": "counterpart.turn", "customer": "Well?"}
    }
    assert call["tracker"]["latest_message"] == full["latest_message"]  # whole, as before
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


def test_event_classes_are_found_by_name_as_rasa_finds_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rasas = Event.resolve_by_type
    names = {c.type_name for c in all_subclasses(Event)}
    expected = {name: rasas(name) for name in names}
    monkeypatch.setattr(Event, "resolve_by_type", Event.__dict__["resolve_by_type"])
    for name in ("_run_action", "_update_tracker_session"):
        monkeypatch.setattr(MessageProcessor, name, MessageProcessor.__dict__[name])
    serve.install()
    assert Event.resolve_by_type is not rasas
    assert {name: Event.resolve_by_type(name) for name in names} == expected
    # names the table lacks take Rasa's own way: the old "topic", a default, an error
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", UserUttered) is UserUttered
    with pytest.raises(ValueError, match="no_such_event"):
        Event.resolve_by_type("no_such_event")
    # events read back are the events written
    written = [
        UserUttered("hi", {"name": "greeting", "confidence": 1.0}),
        SlotSet("persona_state", {"mood": 1}),
        BotUttered("hello"),
    ]
    read = [Event.from_parameters(e.as_dict()) for e in written]
    assert [type(e) for e in read] == [UserUttered, SlotSet, BotUttered]
    assert read == written


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


# ------------------------------------------------------------------ actions in process


@pytest.fixture
async def sdk_action_server() -> Any:
    """An action server on loopback doing what rasa_sdk's endpoint does with a call: the JSON
    body to ActionExecutor.run, its result back as JSON."""
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")

    async def webhook(request: web.Request) -> web.Response:
        return web.json_response(await executor.run(await request.json()))

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/webhook"
    await runner.cleanup()


def _in_process_endpoint() -> serve.InProcessActions:
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    return serve.InProcessActions(executor, EndpointConfig("http://unused", **SELECTIVE))


SELECTIVE = {"enable_selective_domain": True}  # as endpoints.yml sets it


async def _conversation(endpoint: Any, persona_id: str) -> list[list[dict[str, Any]]]:
    """Start, four replies and the end of a session, each action run as Rasa runs a custom
    action (RemoteAction.run) through `endpoint`; the events of each, without timestamps."""
    from pathlib import Path

    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator

    domain = Domain.load(str(Path(serve.__file__).parent / "domain"))
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    tracker = DialogueStateTracker.from_events(
        "hop-equal",
        [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")],
        domain.slots,
    )
    meta = {"persona": persona_id, "lang": "en", "mode": "practice", "seed": 3}
    steps = [("action_start_practice", "/start_practice", "start_practice", meta)]
    for text, intent in [
        ("I'm so sorry about this, that must be frustrating.", "empathy"),
        ("Could you tell me what happened when it arrived?", "open_question"),
        ("So the screen was cracked when you opened the box?", "paraphrase"),
        ("I'll send a replacement today and call you tomorrow.", "solution"),
    ]:
        steps.append(("action_customer_turn", text, intent, {**meta, "reply_seconds": 9.5}))
    steps.append(("action_end_practice", "/end_practice", "end_practice", meta))
    played = []
    for action_name, text, intent, metadata in steps:
        parse = {
            "text": text,
            "intent": {"name": intent, "confidence": 0.8},
            "intent_ranking": [{"name": intent, "confidence": 0.8}],
            "entities": [],
        }
        tracker.update(UserUttered(text, parse["intent"], [], parse, metadata=metadata))
        events = await RemoteAction(action_name, endpoint).run(
            CollectingOutputChannel(), nlg, tracker, domain
        )
        played.append([{k: v for k, v in e.as_dict().items() if k != "timestamp"} for e in events])
        tracker.update(ActionExecuted(action_name))
        for event in events:
            tracker.update(event)
        tracker.update(ActionExecuted("action_listen"))
    return played


async def test_a_conversation_gives_the_same_events_in_process_as_over_http(
    patched: None, sdk_action_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from actions import practice

    monkeypatch.setattr(practice, "_now", lambda: "2026-01-05T09:30:00+00:00")
    persona = next(p for p in practice.persona_library().list() if p.language == "en")
    over_http = await _conversation(EndpointConfig(sdk_action_server, **SELECTIVE), persona.id)
    in_process = await _conversation(_in_process_endpoint(), persona.id)
    assert in_process == over_http
    assert len(over_http) == 6 and all(over_http)
    customs = [e["data"].get("custom") for step in over_http for e in step if e["event"] == "bot"]
    assert all(c and c["type"] == "counterpart.turn" for c in customs)
    assert customs[-1]["ended"]


async def test_in_process_actions_share_no_object_with_the_tracker() -> None:
    endpoint = _in_process_endpoint()
    state = {"mood": {"anger": 50}}
    call = {
        "next_action": "action_no_such_action",
        "sender_id": "s1",
        "tracker": {"slots": {"persona_state": state}},
    }
    from rasa.shared.exceptions import RasaException

    with pytest.raises(RasaException):  # an action server answers 404: Rasa raises this
        await endpoint.request(json=call, method="post")
    sent = serve._as_sent(call)
    assert sent == call and sent["tracker"]["slots"]["persona_state"] is not state


def test_in_process_mode_gives_every_remote_action_the_in_process_endpoint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(RemoteAction, "__init__", RemoteAction.__init__)
    serve.actions_in_process()
    action = RemoteAction("action_customer_turn", EndpointConfig("http://x", **SELECTIVE))
    assert isinstance(action.action_endpoint, serve.InProcessActions)
    assert action._is_selective_domain_enabled()


async def test_the_kept_alive_sessions_are_closed_when_the_server_stops(
    patched: None, action_server, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed_resources: list[bool] = []

    async def rasas_own(_app: Any, _loop: Any) -> None:
        closed_resources.append(True)

    monkeypatch.setattr(rasa_run, "close_resources", rasas_own)
    serve._close_sessions_at_shutdown()
    url, _seen = action_server
    endpoint = EndpointConfig(url)
    await endpoint.request(json={"n": 1}, method="post")
    session = endpoint._counterpart_session
    assert not session.closed
    await rasa_run.close_resources(None, None)  # what Sanic calls after the server stopped
    assert closed_resources == [True] and session.closed
