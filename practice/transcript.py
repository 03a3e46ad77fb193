"""The one transcript builder: both sides of a conversation as the scorecard reads them.

A transcript is a list of plain JSON entries (``TraineeEntry`` / ``CustomerEntry``). The
practice core appends to it turn by turn; the action server rebuilds it from Rasa's tracker
events (each customer line was sent with its turn payload, so the tracker already holds the
analysis and rating of every reply); `make score` builds it from a transcript file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from personas.mood import mood_0_1
from practice.contracts import (
    Analysis,
    CustomerEntry,
    PersonaState,
    Rating,
    TraineeEntry,
    TranscriptEntry,
)
from practice.vocabulary import PAYLOAD_TYPE

#: the session's own intents (the gateway's commands), never a trainee reply
CONTROL_INTENTS = frozenset({"start_practice", "end_practice", "trainee_silent"})


def trainee_entry(
    text: str,
    *,
    analysis: Analysis | None = None,
    rating: Rating | None = None,
    reply_seconds: float | None = None,
    at: str | None = None,
) -> TraineeEntry:
    return {
        "role": "trainee",
        "text": text,
        "at": at,
        "analysis": analysis,
        "rating": rating,
        "reply_seconds": reply_seconds,
    }


def customer_entry(
    text: str, *, state: PersonaState | Mapping[str, float] | None = None, at: str | None = None
) -> CustomerEntry:
    """A customer line; ``state`` is the persona state after it (or its mood already 0-1)."""
    mood: dict[str, float] | None = None
    if isinstance(state, Mapping):
        mood = mood_0_1(state) if "mood" in state else _numbers(state)
    return {"role": "customer", "text": text, "at": at, "state": mood}


def _numbers(values: Mapping[str, Any]) -> dict[str, float]:
    return {
        key: float(value)
        for key, value in values.items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    }


def last_customer_text(transcript: Sequence[TranscriptEntry]) -> str:
    """What the customer said last (the context a reply answers); empty before the opening."""
    for entry in reversed(transcript):
        if entry["role"] == "customer":
            return entry["text"]
    return ""


def ratings(transcript: Iterable[TranscriptEntry]) -> list[Rating]:
    """The ratings of the trainee's replies so far, oldest first."""
    return [e["rating"] for e in transcript if e["role"] == "trainee" and e["rating"] is not None]


def _iso(timestamp: object) -> str | None:
    if not isinstance(timestamp, int | float) or isinstance(timestamp, bool):
        return None
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat(timespec="seconds")


def from_tracker_events(events: Iterable[Mapping[str, Any]]) -> list[TranscriptEntry]:
    """Both sides of the conversation so far, rebuilt from Rasa tracker events (plain dicts).

    Control messages (the session intents: start, end, silence) are not trainee replies, even
    when the trainee's text starts with "/"; a bot message counts only when it carries a turn
    payload without an error.
    """
    transcript: list[TranscriptEntry] = []
    pending: Mapping[str, Any] | None = None
    for event in events:
        kind = event.get("event")
        if kind == "user":
            text = event.get("text") or ""
            pending = None if _is_control(event, text) else event
        elif kind == "bot":
            payload = (event.get("data") or {}).get("custom") or {}
            if payload.get("type") != PAYLOAD_TYPE or payload.get("error"):
                continue
            if pending is not None and payload.get("analysis") is not None:
                transcript.append(
                    trainee_entry(
                        pending.get("text") or "",
                        analysis=payload["analysis"],
                        rating=payload.get("rating"),
                        reply_seconds=(pending.get("metadata") or {}).get("reply_seconds"),
                        at=_iso(pending.get("timestamp")),
                    )
                )
            pending = None
            if payload.get("customer"):
                transcript.append(
                    customer_entry(
                        payload["customer"],
                        state=payload.get("state"),
                        at=_iso(event.get("timestamp")),
                    )
                )
    return transcript


#: what `from_tracker_events` reads of a turn payload (a bot event's data.custom)
_PAYLOAD_READ = ("type", "error", "analysis", "rating", "customer", "state")


def read_fields(event: Mapping[str, Any]) -> Mapping[str, Any]:
    """The parts of one tracker event (Rasa's `as_dict` form) that `from_tracker_events` reads,
    so that ``from_tracker_events(map(read_fields, events)) == from_tracker_events(events)``.

    The Rasa server sends the action server these instead of whole events (rasa_project/serve.py):
    a user event's parse keeps its intent (not the ranking, tokens and a copy of the metadata), a
    bot event only its turn payload, of which the persona state only its mood. Other kinds, and
    values of a shape this reader does not expect, are kept as they are.
    """
    kind = event.get("event")
    if kind == "user":
        kept = {k: event[k] for k in ("event", "text", "timestamp", "metadata") if k in event}
        metadata = kept.get("metadata")
        if isinstance(metadata, Mapping):
            kept["metadata"] = {k: metadata[k] for k in ("reply_seconds",) if k in metadata}
        if "parse_data" in event:
            parse = event["parse_data"]
            kept["parse_data"] = (
                {"intent": parse.get("intent")} if isinstance(parse, Mapping) else parse
            )
        return kept
    if kind == "bot":
        kept = {k: event[k] for k in ("event", "timestamp") if k in event}
        data = event.get("data")
        if not isinstance(data, Mapping):
            kept["data"] = data
            return kept
        payload = data.get("custom")
        if isinstance(payload, Mapping):
            payload = {k: payload[k] for k in _PAYLOAD_READ if k in payload}
            state = payload.get("state")
            if isinstance(state, Mapping) and "mood" in state:
                payload["state"] = {"mood": state["mood"]}
        kept["data"] = {"custom": payload}
        return kept
    return event


def _is_control(event: Mapping[str, Any], text: str) -> bool:
    parse = event.get("parse_data")
    if not isinstance(parse, Mapping):  # a hand-written event without a parse
        return text.startswith("/")
    intent = parse.get("intent") or {}
    return intent.get("name") in CONTROL_INTENTS


def from_turns(turns: Iterable[Mapping[str, Any]]) -> list[TranscriptEntry]:
    """A transcript from stored or scripted turns ``{"role", "text", "at"?, "state"?,
    "analysis"?, "rating"?, "reply_seconds"?}``; entries of another role are skipped."""
    transcript: list[TranscriptEntry] = []
    for turn in turns:
        role, text, at = turn.get("role"), str(turn.get("text") or ""), turn.get("at")
        at = at if isinstance(at, str) else None
        if role == "customer":
            state = turn.get("state")
            transcript.append(
                customer_entry(text, state=state if isinstance(state, Mapping) else None, at=at)
            )
        elif role == "trainee":
            seconds = turn.get("reply_seconds")
            transcript.append(
                trainee_entry(
                    text,
                    analysis=turn.get("analysis")
                    if isinstance(turn.get("analysis"), Mapping)
                    else None,
                    rating=turn.get("rating") if isinstance(turn.get("rating"), Mapping) else None,
                    reply_seconds=float(seconds) if isinstance(seconds, int | float) else None,
                    at=at,
                )
            )
    return transcript
