"""The three actions of a practice session: thin adapters over the practice core.

Each action reads the tracker (slots, the latest message and its metadata, the events that
hold the conversation so far), calls `practice.turn` (start / play_turn / finish), writes the
new persona state into slots (so any action-server replica can serve the next turn) and
answers with the customer's line plus the turn payload documented in docs/payload.md.
"""

from __future__ import annotations

import zlib
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from personas import Persona, PersonaLibrary, UnknownPersonaError
from practice import transcript as transcripts
from practice import turn
from practice.contracts import Analysis, Reply, TurnResult
from practice.vocabulary import MODES
from rasa_settings import get_settings
from scoring.analysis import analyze

DomainDict = dict[str, Any]


@lru_cache(maxsize=1)
def persona_library() -> PersonaLibrary:
    """Built on first use, not at import; it re-reads persona files that changed on disk,
    looking at most once a second (a stat of every file on each turn was ~8 % of this
    server's CPU)."""
    settings = get_settings()
    return PersonaLibrary(
        settings.persona_library_dir, types_root=settings.persona_types_dir, recheck_seconds=1.0
    )


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _metadata(tracker: Tracker) -> dict[str, Any]:
    return tracker.latest_message.get("metadata") or {}


def session_seed(sender_id: str) -> int:
    """Stable per session, so a session replays identically in tests and re-scoring."""
    return zlib.crc32(sender_id.encode("utf-8"))


def _error(dispatcher: CollectingDispatcher, code: str, message: str) -> list[EventType]:
    dispatcher.utter_message(json_message=turn.error_payload(code, message))
    return []


def _answer(dispatcher: CollectingDispatcher, result: TurnResult, **extra: Any) -> list[EventType]:
    dispatcher.utter_message(text=result.line, json_message=turn.payload(result, **extra))
    return [SlotSet("persona_state", result.state), SlotSet("ended", result.ended)]


def _session_persona(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> tuple[Persona, dict[str, Any]] | list[EventType]:
    """The session's persona and state, or the error events to return."""
    persona_id = tracker.get_slot("persona")
    state = tracker.get_slot("persona_state")
    if not persona_id or not state:
        return _error(dispatcher, "no_session", "Start a practice session first.")
    try:
        return persona_library().get(persona_id), state
    except UnknownPersonaError:
        return _error(dispatcher, "unknown_persona", f"No persona '{persona_id}'.")


class ActionStartPractice(Action):
    def name(self) -> str:
        return "action_start_practice"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        meta = _metadata(tracker)
        persona_id = meta.get("persona") or tracker.get_slot("persona")
        try:
            persona = persona_library().get(persona_id)
        except UnknownPersonaError:
            return _error(dispatcher, "unknown_persona", f"No persona '{persona_id}'.")
        mode = meta.get("mode") if meta.get("mode") in MODES else "practice"
        seed = int(meta.get("seed", session_seed(tracker.sender_id)))
        result = turn.start(persona, seed=seed, mode=mode)
        return [
            SlotSet("persona", persona.id),
            SlotSet("lang", persona.language),
            SlotSet("mode", mode),
            *_answer(dispatcher, result, mode=mode),
        ]


class ActionCustomerTurn(Action):
    def name(self) -> str:
        return "action_customer_turn"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        found = _session_persona(dispatcher, tracker)
        if isinstance(found, list):
            return found
        persona, state = found
        if tracker.get_slot("ended"):
            return _error(dispatcher, "ended", "This practice session has ended.")
        meta = _metadata(tracker)
        message = tracker.latest_message
        if (message.get("intent") or {}).get("name") == "trainee_silent":
            reply = Reply(silence_seconds=float(meta.get("silence_seconds") or 60))
        else:
            reply = Reply(message.get("text") or "", reply_seconds=meta.get("reply_seconds"))

        def analyzer(text: str, lang: str, context: str) -> Analysis:
            # Rasa has already parsed this reply: the analysis reads its parse
            return analyze(text, lang, context=context, nlu=message)

        result = turn.play_turn(
            persona,
            state,
            reply,
            analyzer=analyzer,
            transcript=transcripts.from_tracker_events(tracker.events),
            mode=tracker.get_slot("mode"),
            at=_now(),
        )
        return _answer(dispatcher, result, analysis=result.analysis, rating=result.rating)


class ActionEndPractice(Action):
    def name(self) -> str:
        return "action_end_practice"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        found = _session_persona(dispatcher, tracker)
        if isinstance(found, list):
            return found
        persona, state = found
        result = turn.finish(
            persona,
            state,
            transcript=transcripts.from_tracker_events(tracker.events),
            mode=tracker.get_slot("mode"),
            at=_now(),
        )
        return _answer(dispatcher, result)
