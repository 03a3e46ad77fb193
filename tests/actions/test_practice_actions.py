"""The action server's adapters, run in the rasa env against the real engine and scorer."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.practice import (
    PAYLOAD_TYPE,
    ActionCustomerTurn,
    ActionEndPractice,
    ActionStartPractice,
    persona_library,
)
from scoring.moves import MOVES


def _tracker(slots: dict[str, Any], message: dict[str, Any], sender: str = "s1") -> Tracker:
    return Tracker(sender, slots, message, [], False, None, {}, "action_listen")


def _run(action, slots: dict[str, Any], message: dict[str, Any]):  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, _tracker(slots, message), {})
    payloads = [m["custom"] for m in dispatcher.messages if m.get("custom")]
    assert len(payloads) == 1
    assert payloads[0]["type"] == PAYLOAD_TYPE
    json.dumps(payloads[0])  # the payload must survive the REST channel
    slots_after = dict(slots)
    for event in events:
        if event["event"] == "slot":
            slots_after[event["name"]] = event["value"]
    return payloads[0], slots_after, dispatcher


def _persona(language: str):  # type: ignore[no-untyped-def]
    return next(p for p in persona_library().list() if p.language == language)


def _start(language: str) -> tuple[dict[str, Any], dict[str, Any]]:
    persona = _persona(language)
    message = {
        "text": "/start_practice",
        "intent": {"name": "start_practice", "confidence": 1.0},
        "metadata": {"persona": persona.id, "lang": language, "mode": "practice", "seed": 7},
    }
    payload, slots, dispatcher = _run(ActionStartPractice(), {}, message)
    assert dispatcher.messages[0]["text"] == payload["customer"]
    return payload, slots


@pytest.mark.parametrize("language", ["zh", "en"])
def test_start_sets_persona_slots_and_opens_the_conversation(language: str) -> None:
    payload, slots = _start(language)
    assert payload["customer"]
    assert slots["persona"] == _persona(language).id
    assert slots["lang"] == language and slots["mode"] == "practice"
    assert slots["persona_state"] == payload["state"]
    assert slots["transcript"][0]["role"] == "customer"
    assert slots["ended"] is False


def test_a_reply_is_analysed_rated_and_answered_in_character() -> None:
    _, slots = _start("zh")
    text = "非常抱歉给您添麻烦了，我理解您现在很着急。能具体说说发生了什么吗？"
    message = {"text": text, "intent": {"name": "apology", "confidence": 0.9}, "entities": []}
    payload, after, _ = _run(ActionCustomerTurn(), slots, message)
    assert payload["customer"]
    moves = [m["move"] for m in payload["analysis"]["moves"]]
    assert moves and set(moves) <= set(MOVES)
    assert 0 <= payload["rating"]["overall"] <= 100
    assert after["persona_state"] == payload["state"] != slots["persona_state"]
    assert [t["role"] for t in after["transcript"]] == ["customer", "trainee", "customer"]


def test_the_same_session_replays_identically() -> None:
    message = {"text": "Sorry about that. What happened?", "intent": {"name": "apology"}}
    first = _run(ActionCustomerTurn(), _start("en")[1], message)[0]
    second = _run(ActionCustomerTurn(), _start("en")[1], message)[0]
    assert first["customer"] == second["customer"]
    assert first["state"] == second["state"]


def test_end_returns_a_scorecard_and_closes_the_session() -> None:
    _, slots = _start("en")
    payload, after, _ = _run(ActionEndPractice(), slots, {"text": "/end_practice"})
    assert payload["ended"] is True
    assert 0 <= payload["scorecard"]["overall"] <= 100
    assert after["ended"] is True
    refused, _, _ = _run(ActionCustomerTurn(), after, {"text": "hello?", "intent": {}})
    assert refused["error"] == "ended"


def test_a_reply_without_a_session_is_refused_clearly() -> None:
    payload, _, _ = _run(ActionCustomerTurn(), {}, {"text": "hello", "intent": {}})
    assert payload["error"] == "no_session"


def test_an_unknown_persona_is_refused_clearly() -> None:
    message = {"text": "/start_practice", "metadata": {"persona": "nobody"}}
    payload, _, _ = _run(ActionStartPractice(), {}, message)
    assert payload["error"] == "unknown_persona"
