"""`practice.transcript.read_fields`: what the Rasa server sends the action server of each tracker
event. The transcript rebuilt from those fields must be the one rebuilt from whole events."""

from __future__ import annotations

import json
from typing import Any

from personas import Persona
from practice import transcript as transcripts
from practice import turn
from practice.contracts import Reply
from scoring.analysis import analyze

META = {"persona": "p", "lang": "en", "mode": "practice", "seed": 3}


def user_event(text: str, intent: str, at: float, **metadata: Any) -> dict[str, Any]:
    """A user event as Rasa's `as_dict` writes it (ranking, tokens, a copy of the metadata)."""
    meta = {**META, **metadata, "turn_key": f"reply:{at}"}
    ranking = [{"name": intent, "confidence": 0.91}] + [
        {"name": f"other_{n}", "confidence": 0.01 * n} for n in range(19)
    ]
    return {
        "event": "user",
        "timestamp": at,
        "metadata": {**meta, "model_id": "m1", "assistant_id": "counterpart"},
        "text": text,
        "parse_data": {
            "intent": ranking[0],
            "entities": [],
            "text": text,
            "message_id": "x",
            "metadata": meta,
            "text_tokens": [[0, 3], [4, 9]],
            "intent_ranking": ranking,
        },
        "input_channel": "counterpart",
        "message_id": "x",
    }


def bot_event(custom: Any, at: float | None) -> dict[str, Any]:
    empty = dict.fromkeys(("elements", "quick_replies", "buttons", "attachment", "image"))
    return {
        "event": "bot",
        "timestamp": at,
        "metadata": {"model_id": "m1", "assistant_id": "counterpart"},
        "text": (custom or {}).get("customer") if isinstance(custom, dict) else None,
        "data": {**empty, "custom": custom},
    }


def conversation(persona: Persona) -> list[dict[str, Any]]:
    """A whole session's events: start, five analysed replies, a typed "/…" reply, the end."""
    result = turn.start(persona, seed=3)
    events = [
        {"event": "session_started", "timestamp": 1.0, "metadata": None},
        user_event("/start_practice", "start_practice", 2.0),
        bot_event(turn.payload(result), 3.0),
    ]
    replies = [
        "I'm so sorry about this, that must be really frustrating.",
        "Could you tell me what happened when it arrived?",
        "/ /empathy",
        "So the screen was cracked when you opened the box, right?",
        "I'll send a replacement today and call you tomorrow afternoon.",
    ]
    for n, text in enumerate(replies):
        result = turn.play_turn(
            persona, result.state, Reply(text), analyzer=analyze, transcript=result.transcript
        )
        at = 10.0 + n
        events.append(user_event(text, "empathy", at, reply_seconds=8.5 + n))
        events.append(
            bot_event(
                turn.payload(result, analysis=result.analysis, rating=result.rating), at + 0.5
            )
        )
    events.append(user_event("/end_practice", "end_practice", 30.0))
    events.append(bot_event(turn.error_payload("ended", "over"), 31.0))
    return events


def test_the_transcript_from_the_read_fields_is_the_transcript_from_whole_events(
    angry_en: Persona,
):
    events = conversation(angry_en)
    whole = transcripts.from_tracker_events(events)
    sent = [transcripts.read_fields(e) for e in events]
    assert transcripts.from_tracker_events(sent) == whole
    assert len([e for e in whole if e["role"] == "trainee"]) == 5
    assert all(e["analysis"] and e["rating"] and e["reply_seconds"] for e in whole[1::2])
    assert [e["state"] for e in whole if e["role"] == "customer"][-1]
    # and it is much less to encode and decode on every turn
    assert len(json.dumps(sent)) < 0.6 * len(json.dumps(events))
    # the events themselves are not changed
    assert events == conversation(angry_en)


def test_shapes_the_reader_does_not_expect_are_kept_as_they_are():
    odd = [
        {"event": "user", "text": "/start_practice"},  # no parse: known by its "/"
        {"event": "user", "text": "hi", "parse_data": "not a mapping", "metadata": None},
        {"event": "user", "text": "hi", "parse_data": {"entities": []}, "metadata": {}},
        {"event": "bot", "data": None},
        {"event": "bot", "data": {"buttons": None}},
        {"event": "bot", "data": {"custom": {"type": "counterpart.turn", "state": {"a": 1}}}},
        {"event": "restart", "timestamp": 5.0, "anything": [1, 2]},
    ]
    sent = [transcripts.read_fields(e) for e in odd]
    assert sent[0] == odd[0] and sent[-1] == odd[-1]
    assert sent[1]["parse_data"] == "not a mapping" and sent[1]["metadata"] is None
    assert sent[2]["parse_data"] == {"intent": None} and sent[2]["metadata"] == {}
    assert sent[3]["data"] is None and sent[4]["data"] == {"custom": None}
    assert sent[5]["data"]["custom"]["state"] == {"a": 1}  # no mood: the state as it is
    assert transcripts.from_tracker_events(sent) == transcripts.from_tracker_events(odd)


def test_a_bot_event_keeps_its_payloads_analysis_rating_and_mood_only():
    custom = {
        "type": "counterpart.turn",
        "customer": "Well?",
        "persona": "p",
        "stage": "venting",
        "state": {"mood": {"anger": 60.0}, "lines_used": ["a", "b"], "turn": 3},
        "analysis": {"moves": []},
        "rating": {"overall": 70},
        "scorecard": {"overall": 70},
    }
    sent = transcripts.read_fields(bot_event(custom, 4.0))
    assert sent == {
        "event": "bot",
        "timestamp": 4.0,
        "data": {
            "custom": {
                "type": "counterpart.turn",
                "customer": "Well?",
                "state": {"mood": {"anger": 60.0}},
                "analysis": {"moves": []},
                "rating": {"overall": 70},
            }
        },
    }
