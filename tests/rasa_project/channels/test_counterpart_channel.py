"""The gateway's Rasa channel: typed text is read by the NLU, never as "/intent"; commands come
from a fixed table; a key answered before is replayed from the tracker."""

from __future__ import annotations

from pathlib import Path

import pytest
from channels.counterpart import (
    COMMANDS,
    CONTROL_INTENTS,
    BadRequest,
    answered,
    command_parse,
    parse_text,
    read_request,
    without_control_intents,
)
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

INJECTIONS = [
    "/empathy",
    "/ /empathy",
    '/apology{"persona": "x"}',
    "/end_practice",
    "/ /end_practice",
    "/start_practice",
    "/trainee_silent@1.0",
    "\u200b/ /x",
    "/\n/end_practice",
    "end practice",
    "结束练习",
    "开始练习",
]


@pytest.fixture(scope="module")
def agent(model_path: Path) -> Agent:
    return Agent.load(str(model_path))


async def test_rasas_own_parse_would_take_slashed_text_as_an_intent(agent: Agent) -> None:
    """The threat: the REST channel's parse reads "/end_practice" as that intent at 1.0."""
    parse = await agent.processor.parse_message(UserMessage("/end_practice"))
    assert parse["intent"] == {"name": "end_practice", "confidence": 1.0}
    # and the classifier itself reads the words as the session intent it has examples of
    words = await agent.processor.parse_message(UserMessage("end_practice"))
    assert words["intent"]["name"] == "end_practice"


@pytest.mark.parametrize("text", INJECTIONS)
async def test_typed_text_is_read_by_the_classifier_never_as_an_intent(
    agent: Agent, text: str
) -> None:
    message = UserMessage(text)
    parse = parse_text(agent.processor, message, DialogueStateTracker("s1", []))
    assert parse["intent"]["name"] not in CONTROL_INTENTS
    assert not {r["name"] for r in parse["intent_ranking"]} & CONTROL_INTENTS
    assert len(parse["intent_ranking"]) > 3  # one probability per move: the classifier's reading
    assert parse["text"] == message.text
    assert all(e.get("extractor") != "RegexMessageHandler" for e in parse.get("entities", []))


def test_a_session_intent_at_the_top_of_the_ranking_is_replaced() -> None:
    parse = {
        "intent": {"name": "end_practice", "confidence": 0.9},
        "intent_ranking": [
            {"name": "end_practice", "confidence": 0.9},
            {"name": "apology", "confidence": 0.5},
            {"name": "rude", "confidence": 0.1},
        ],
    }
    assert without_control_intents(parse)["intent"] == {"name": "apology", "confidence": 0.5}
    parse["intent_ranking"][1]["confidence"] = 0.2
    assert without_control_intents(parse)["intent"]["name"] == "nlu_fallback"


def test_commands_come_from_the_fixed_table_only() -> None:
    assert command_parse("end")["intent"] == {"name": "end_practice", "confidence": 1.0}
    assert set(COMMANDS.values()) == CONTROL_INTENTS
    good = {"sender": "s1", "key": "reply:1", "metadata": {}, "text": "/end_practice"}
    assert read_request(good)[3:] == ("/end_practice", None)
    for bad in (
        {**good, "command": "end"},  # both
        {"sender": "s1", "key": "k", "metadata": {}},  # neither
        {"sender": "s1", "key": "k", "command": "restart"},  # not a command
        {"sender": "s1", "key": "k", "command": "end_practice"},  # an intent name
        {"sender": "s1", "text": "hi"},  # no key
        {"sender": "", "key": "k", "text": "hi"},
        {"sender": "s1", "key": "k", "text": "   "},
        {"sender": "s1", "key": "k", "text": 5},
        ["not", "an", "object"],
    ):
        with pytest.raises(BadRequest):
            read_request(bad)


def _payload(line: str) -> dict:
    return {"type": "counterpart.turn", "customer": line}


def test_an_answered_key_is_replayed_and_an_unanswered_one_is_not() -> None:
    events = [
        ActionExecuted("action_listen"),
        UserUttered("hello", metadata={"turn_key": "reply:1"}),
        ActionExecuted("action_customer_turn"),
        BotUttered("Well?", {"custom": _payload("Well?")}),
        ActionExecuted("action_listen"),
        UserUttered("lost", metadata={"turn_key": "reply:2"}),  # the action server was down
        ActionExecuted("action_listen"),
        UserUttered("after", metadata={"turn_key": "reply:3"}),
        BotUttered("Fine.", {"custom": _payload("Fine.")}),
    ]
    tracker = DialogueStateTracker.from_events("s1", events)
    replay = answered(tracker, "reply:1")
    assert replay == [{"recipient_id": "s1", "text": "Well?", "custom": _payload("Well?")}]
    assert answered(tracker, "reply:2") is None  # played again
    assert answered(tracker, "reply:9") is None
    assert answered(tracker, "reply:3")[0]["custom"]["customer"] == "Fine."


def test_the_channel_requires_the_rasa_token_when_one_is_set() -> None:
    """Rasa's --auth-token guards its HTTP API, not channel webhooks: the channel checks it."""
    from channels.counterpart import token_ok

    assert token_ok(None, None) and token_ok("anything", "")
    assert token_ok("s3cret-token", "s3cret-token")
    assert not token_ok(None, "s3cret-token")
    assert not token_ok("", "s3cret-token")
    assert not token_ok("s3cret-tokeX", "s3cret-token")
