"""The three actions of a practice session.

The action server only adapts: it reads the tracker, calls `scoring` (move analysis and rating)
and `personas` (the customer's reaction), writes the new persona state into slots (so any
action-server replica can serve the next turn) and answers with the customer's line plus the
turn payload documented in docs/payload.md.
"""

from __future__ import annotations

import zlib
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from personas import PersonaLibrary, engine
from personas.mood import mood_0_1
from scoring import analysis as move_analysis
from scoring import rubric, scorecard

PAYLOAD_TYPE = "counterpart.turn"


@lru_cache(maxsize=1)
def persona_library() -> PersonaLibrary:
    """Built on first use, not at import; it re-reads persona files that changed on disk."""
    return PersonaLibrary()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _metadata(tracker: Tracker) -> dict[str, Any]:
    return tracker.latest_message.get("metadata") or {}


def session_seed(sender_id: str) -> int:
    """Stable per session, so a session replays identically in tests and re-scoring."""
    return zlib.crc32(sender_id.encode("utf-8"))


def _payload(persona_id: str, reaction: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "type": PAYLOAD_TYPE,
        "persona": persona_id,
        "customer": reaction.get("line"),
        "state": reaction.get("state"),
        "stage": reaction.get("stage"),
        "ended": bool(reaction.get("ended")),
        "outcome": reaction.get("outcome"),
        "reaction": reaction.get("reaction"),
        **extra,
    }


def _error(dispatcher: CollectingDispatcher, code: str, message: str) -> list[EventType]:
    dispatcher.utter_message(json_message={"type": PAYLOAD_TYPE, "error": code, "message": message})
    return []


def _finish_events(reaction: dict[str, Any]) -> list[EventType]:
    return [
        SlotSet("persona_state", reaction["state"]),
        SlotSet("ended", bool(reaction.get("ended"))),
    ]


def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat(timespec="seconds")


def transcript_from_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Both sides of the conversation so far, rebuilt from the tracker's events.

    Each customer line was sent with its turn payload (analysis and rating of the reply it
    answers, persona state after it), so the tracker already holds everything the scorecard
    needs; keeping a copy in a slot would grow the tracker with every turn.
    """
    transcript: list[dict[str, Any]] = []
    pending_user: dict[str, Any] | None = None
    for event in events:
        kind = event.get("event")
        if kind == "user":
            text = event.get("text") or ""
            pending_user = None if text.startswith("/") else event
        elif kind == "bot":
            payload = (event.get("data") or {}).get("custom") or {}
            if payload.get("type") != PAYLOAD_TYPE or payload.get("error"):
                continue
            if pending_user is not None and payload.get("analysis") is not None:
                transcript.append(
                    {
                        "role": "trainee",
                        "text": pending_user.get("text") or "",
                        "at": _iso(pending_user.get("timestamp")),
                        "analysis": payload["analysis"],
                        "rating": payload.get("rating"),
                        "reply_seconds": (pending_user.get("metadata") or {}).get("reply_seconds"),
                    }
                )
            pending_user = None
            if payload.get("customer"):
                transcript.append(
                    {
                        "role": "customer",
                        "text": payload["customer"],
                        "at": _iso(event.get("timestamp")),
                        "state": mood_0_1(payload.get("state")),
                    }
                )
    return transcript


def _scorecard(tracker: Tracker, transcript: list[dict[str, Any]], outcome: str | None) -> dict:
    persona = persona_library().get(tracker.get_slot("persona"))
    return scorecard.score_session(
        transcript,
        lang=tracker.get_slot("lang") or persona.language,
        persona_type=persona.type,
        outcome=outcome,
        mode=tracker.get_slot("mode") or "practice",
    )


class ActionStartPractice(Action):
    def name(self) -> str:
        return "action_start_practice"

    def run(self, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
        meta = _metadata(tracker)
        persona_id = meta.get("persona") or tracker.get_slot("persona")
        try:
            persona = persona_library().get(persona_id)
        except KeyError:
            return _error(dispatcher, "unknown_persona", f"No persona '{persona_id}'.")
        mode = meta.get("mode") if meta.get("mode") in ("practice", "assessment") else "practice"
        seed = int(meta.get("seed", session_seed(tracker.sender_id)))
        reaction = engine.start(persona, seed)
        dispatcher.utter_message(
            text=reaction["line"], json_message=_payload(persona.id, reaction, mode=mode)
        )
        return [
            SlotSet("persona", persona.id),
            SlotSet("lang", persona.language),
            SlotSet("mode", mode),
            *_finish_events(reaction),
        ]


class ActionCustomerTurn(Action):
    def name(self) -> str:
        return "action_customer_turn"

    def run(self, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
        persona_id = tracker.get_slot("persona")
        state = tracker.get_slot("persona_state")
        if not persona_id or not state:
            return _error(dispatcher, "no_session", "Start a practice session first.")
        if tracker.get_slot("ended"):
            return _error(dispatcher, "ended", "This practice session has ended.")
        try:
            persona = persona_library().get(persona_id)
        except KeyError:
            return _error(dispatcher, "unknown_persona", f"No persona '{persona_id}'.")
        lang = tracker.get_slot("lang") or persona.language
        meta = _metadata(tracker)
        transcript = transcript_from_events(tracker.events)
        last_customer = next((t for t in reversed(transcript) if t["role"] == "customer"), None)
        customer_text = last_customer["text"] if last_customer else ""

        message = tracker.latest_message
        silent = (message.get("intent") or {}).get("name") == "trainee_silent"
        if silent:
            analysis = None
            reaction = engine.react(
                persona, state, None, silence_seconds=float(meta.get("silence_seconds") or 60)
            )
            rating = None
        else:
            text = message.get("text") or ""
            analysis = move_analysis.analyze(text, lang, context=customer_text, nlu=message)
            reaction = engine.react(persona, state, analysis)
            history = [t["rating"] for t in transcript if t.get("rating")]
            rating = rubric.rate_turn(
                analysis,
                {
                    "lang": lang,
                    "text": text,
                    "persona_type": persona.type,
                    "mode": tracker.get_slot("mode"),
                    "customer_text": customer_text,
                    "state_before": mood_0_1(state),
                    "state_after": mood_0_1(reaction["state"]),
                    "stage": reaction.get("stage"),
                    "turn_index": len(history),
                    "reply_seconds": meta.get("reply_seconds"),
                    "history": history,
                },
            )
            transcript.append(
                {
                    "role": "trainee",
                    "text": text,
                    "at": _now(),
                    "analysis": analysis,
                    "rating": rating,
                    "reply_seconds": meta.get("reply_seconds"),
                }
            )
        transcript.append(
            {
                "role": "customer",
                "text": reaction["line"],
                "at": _now(),
                "state": mood_0_1(reaction["state"]),
            }
        )
        extra: dict[str, Any] = {"analysis": analysis, "rating": rating}
        if reaction.get("ended"):
            extra["scorecard"] = _scorecard(tracker, transcript, reaction.get("outcome"))
        dispatcher.utter_message(
            text=reaction["line"], json_message=_payload(persona.id, reaction, **extra)
        )
        return _finish_events(reaction)


class ActionEndPractice(Action):
    def name(self) -> str:
        return "action_end_practice"

    def run(self, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
        persona_id = tracker.get_slot("persona")
        state = tracker.get_slot("persona_state")
        if not persona_id or not state:
            return _error(dispatcher, "no_session", "Start a practice session first.")
        try:
            persona = persona_library().get(persona_id)
        except KeyError:
            return _error(dispatcher, "unknown_persona", f"No persona '{persona_id}'.")
        transcript = transcript_from_events(tracker.events)
        if tracker.get_slot("ended"):
            reaction = {
                "line": None,
                "state": state,
                "ended": True,
                "outcome": state.get("outcome"),
            }
        else:
            reaction = engine.finish(persona, state, "trainee_ended")
            if reaction.get("line"):
                transcript.append(
                    {
                        "role": "customer",
                        "text": reaction["line"],
                        "at": _now(),
                        "state": mood_0_1(state),
                    }
                )
        card = _scorecard(tracker, transcript, reaction.get("outcome"))
        dispatcher.utter_message(
            text=reaction.get("line") or "",
            json_message=_payload(persona.id, {**reaction, "ended": True}, scorecard=card),
        )
        return _finish_events({**reaction, "ended": True})
