"""The action server's adapters, run in the rasa env against the real engine and scorer."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.practice import (
    ActionCustomerTurn,
    ActionEndPractice,
    ActionStartPractice,
    persona_library,
)
from practice.transcript import from_tracker_events as transcript_from_events
from practice.vocabulary import MOVES, PAYLOAD_TYPE


class Conversation:
    """Plays Rasa's part: keeps slots and events, and runs actions as the server would."""

    def __init__(self, sender: str = "s1") -> None:
        self.sender = sender
        self.slots: dict[str, Any] = {}
        self.events: list[dict[str, Any]] = []

    def run(self, action, message: dict[str, Any]) -> dict[str, Any]:
        user = {"event": "user", "timestamp": time.time(), **message}
        self.events.append(user)
        tracker = Tracker(
            self.sender, dict(self.slots), user, list(self.events), False, None, {}, "action_listen"
        )
        dispatcher = CollectingDispatcher()
        for event in action.run(dispatcher, tracker, {}):
            if event["event"] == "slot":
                self.slots[event["name"]] = event["value"]
        payloads = [m["custom"] for m in dispatcher.messages if m.get("custom")]
        assert len(payloads) == 1
        assert payloads[0]["type"] == PAYLOAD_TYPE
        json.dumps(payloads[0])  # the payload must survive the REST channel
        for m in dispatcher.messages:
            self.events.append(
                {
                    "event": "bot",
                    "timestamp": time.time(),
                    "text": m.get("text"),
                    "data": {"custom": m.get("custom")},
                }
            )
        return payloads[0]

    def start(self, language: str) -> dict[str, Any]:
        persona = _persona(language)
        return self.run(
            ActionStartPractice(),
            {
                "text": "/start_practice",
                "parse_data": {"intent": {"name": "start_practice", "confidence": 1.0}},
                "metadata": {
                    "persona": persona.id,
                    "lang": language,
                    "mode": "practice",
                    "seed": 7,
                },
            },
        )

    def say(self, text: str, intent: str = "nlu_fallback") -> dict[str, Any]:
        return self.run(
            ActionCustomerTurn(),
            {
                "text": text,
                "intent": {"name": intent, "confidence": 0.9},
                "entities": [],
                "metadata": {"reply_seconds": 12.5},
            },
        )


def _persona(language: str):
    return next(p for p in persona_library().list() if p.language == language)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_start_sets_persona_slots_and_opens_the_conversation(language: str) -> None:
    chat = Conversation()
    payload = chat.start(language)
    assert payload["customer"]
    assert chat.slots["persona"] == _persona(language).id
    assert chat.slots["lang"] == language and chat.slots["mode"] == "practice"
    assert chat.slots["persona_state"] == payload["state"]
    assert chat.slots["ended"] is False


def test_a_reply_is_analysed_rated_and_answered_in_character() -> None:
    chat = Conversation()
    opening = chat.start("zh")
    payload = chat.say("非常抱歉给您添麻烦了，我理解您现在很着急。能具体说说发生了什么吗？")
    assert payload["customer"] and payload["customer"] != opening["customer"]
    moves = [m["move"] for m in payload["analysis"]["moves"]]
    assert moves and set(moves) <= set(MOVES)
    assert 0 <= payload["rating"]["overall"] <= 100
    assert chat.slots["persona_state"] == payload["state"] != opening["state"]


def test_the_transcript_is_rebuilt_from_the_trackers_events() -> None:
    chat = Conversation()
    chat.start("en")
    chat.say("Sorry about that. What happened?")
    chat.say("Could you give me the order number?")
    transcript = transcript_from_events(chat.events)
    assert [t["role"] for t in transcript] == [
        "customer",
        "trainee",
        "customer",
        "trainee",
        "customer",
    ]
    assert transcript[1]["text"] == "Sorry about that. What happened?"
    assert transcript[1]["analysis"]["moves"] and transcript[1]["rating"]
    assert transcript[1]["reply_seconds"] == 12.5
    assert transcript[2]["state"]


def test_the_same_session_replays_identically() -> None:
    first, second = Conversation(), Conversation()
    first.start("en")
    second.start("en")
    a = first.say("Sorry about that. What happened?")
    b = second.say("Sorry about that. What happened?")
    assert (a["customer"], a["state"]) == (b["customer"], b["state"])


def test_end_returns_a_scorecard_and_closes_the_session() -> None:
    chat = Conversation()
    chat.start("en")
    chat.say("I'm sorry about the trouble. Could you tell me what happened?")
    payload = chat.run(ActionEndPractice(), {"text": "/end_practice"})
    assert payload["ended"] is True
    assert 0 <= payload["scorecard"]["overall"] <= 100
    assert chat.slots["ended"] is True
    assert chat.say("hello?")["error"] == "ended"


def test_a_reply_without_a_session_is_refused_clearly() -> None:
    assert Conversation().say("hello")["error"] == "no_session"


def test_an_unknown_persona_is_refused_clearly() -> None:
    payload = Conversation().run(
        ActionStartPractice(), {"text": "/start_practice", "metadata": {"persona": "nobody"}}
    )
    assert payload["error"] == "unknown_persona"


def test_the_scorecard_charts_the_customers_mood_on_a_0_to_1_scale() -> None:
    chat = Conversation()
    chat.start("zh")
    chat.say("非常抱歉，我理解您的心情。能具体说说发生了什么吗？")
    card = chat.run(ActionEndPractice(), {"text": "/end_practice"})["scorecard"]
    values = [m for m in card["mood"] if m is not None]
    assert values and all(0 <= m <= 1 for m in values)


def test_the_rasa_launcher_still_rejects_malformed_action_responses() -> None:
    import jsonschema
    import serve
    from rasa.core.actions.action import RemoteAction

    serve.install()
    remote = RemoteAction("action_customer_turn", None)
    assert remote._validate_action_result({"events": [], "responses": [{"text": "hi"}]})
    with pytest.raises(jsonschema.ValidationError):
        remote._validate_action_result({"events": [{"event": 42}], "responses": []})
