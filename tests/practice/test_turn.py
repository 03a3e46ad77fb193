"""A turn is one function: `practice.turn.start`, `play_turn`, `finish`."""

from __future__ import annotations

import json

from personas import Persona
from practice import transcript as transcripts
from practice import turn
from practice.contracts import Analysis, Reply
from practice.vocabulary import PAYLOAD_TYPE
from scoring.rubric import RUBRIC_VERSION


def moves(*names: str) -> Analysis:
    return {
        "moves": [{"move": m, "confidence": 0.9} for m in names],
        "scores": {"empathy": 0.5, "politeness": 0.5},
        "entities": [],
        "cues": [],
        "lang": "en",
    }


class Recorder:
    """An analyzer that answers with fixed moves and remembers what it was asked."""

    def __init__(self, *names: str) -> None:
        self.analysis = moves(*names)
        self.calls: list[tuple[str, str, str]] = []

    def __call__(self, text: str, lang: str, context: str) -> Analysis:
        self.calls.append((text, lang, context))
        return self.analysis


def test_start_opens_with_a_line_and_a_fresh_state(angry_en: Persona):
    result = turn.start(angry_en, seed=3, mode="exam")
    assert result.line and not result.ended and result.outcome is None
    assert result.state["turn"] == 0 and result.state["persona"] == angry_en.id
    assert result.mode == "practice"  # an unknown mode falls back to practice
    assert [e["role"] for e in result.transcript] == ["customer"]
    assert result.transcript[0]["text"] == result.line


def test_a_reply_is_analysed_in_context_reacted_to_and_rated(angry_en: Persona):
    opening = turn.start(angry_en, seed=3)
    analyzer = Recorder("apology", "empathy")
    result = turn.play_turn(
        angry_en,
        opening.state,
        Reply("I'm so sorry, that sounds awful.", reply_seconds=12.0),
        analyzer=analyzer,
        transcript=opening.transcript,
    )
    assert analyzer.calls == [("I'm so sorry, that sounds awful.", "en", opening.line)]
    assert result.analysis == analyzer.analysis
    assert result.rating is not None and result.rating["rubric_version"] == RUBRIC_VERSION
    assert "listen" in result.rating["steps"]
    assert result.state["turn"] == 1
    assert result.state["mood"]["anger"] < opening.state["mood"]["anger"]
    roles = [(e["role"], e["text"]) for e in result.transcript]
    assert roles[1:] == [("trainee", "I'm so sorry, that sounds awful."), ("customer", result.line)]
    assert result.transcript[1]["reply_seconds"] == 12.0


def test_earlier_ratings_are_the_history_of_the_next(angry_en: Persona):
    result = turn.start(angry_en, seed=3)
    apologies = Recorder("apology")
    rule_ids = []
    for _ in range(3):
        result = turn.play_turn(
            angry_en,
            result.state,
            Reply("Sorry."),
            analyzer=apologies,
            transcript=result.transcript,
        )
        assert result.rating is not None
        rule_ids.append({r["id"] for r in result.rating["rules"]})
    assert "emotion.repeated_apology" not in rule_ids[0]
    assert "emotion.repeated_apology" in rule_ids[2]


def test_silence_is_reacted_to_without_analysis_or_rating(angry_en: Persona):
    opening = turn.start(angry_en, seed=3)
    analyzer = Recorder("greeting")
    result = turn.play_turn(
        angry_en,
        opening.state,
        Reply(silence_seconds=90),
        analyzer=analyzer,
        transcript=opening.transcript,
    )
    assert analyzer.calls == []
    assert result.analysis is None and result.rating is None
    assert result.state["silences"] == 1 and result.reaction["reaction"] in (
        "silence",
        "end_walked_away",
    )
    assert [e["role"] for e in result.transcript] == ["customer", "customer"]


def test_when_the_customer_ends_it_the_turn_carries_the_scorecard(angry_en: Persona):
    result = turn.start(angry_en, seed=3)
    rude = Recorder("rude", "blame_customer")
    for _ in range(10):
        result = turn.play_turn(
            angry_en,
            result.state,
            Reply("Not my problem."),
            analyzer=rude,
            transcript=result.transcript,
        )
        if result.ended:
            break
    assert result.ended and result.outcome in ("escalated", "walked_away")
    assert result.scorecard is not None
    assert result.scorecard["outcome"] == result.outcome
    assert len(result.scorecard["turns"]) == result.state["turn"]


def test_finish_ends_an_open_session_with_a_parting_line_and_a_scorecard(angry_en: Persona):
    opening = turn.start(angry_en, seed=3)
    done = turn.finish(angry_en, opening.state, transcript=opening.transcript, mode="assessment")
    assert done.ended and done.outcome is None
    assert done.line and done.transcript[-1]["text"] == done.line
    assert done.scorecard is not None and done.scorecard["mode"] == "assessment"
    # asking again for an ended session gives the same outcome and no new line
    again = turn.finish(angry_en, done.state, transcript=done.transcript)
    assert again.line == "" and again.ended and again.outcome == done.outcome


def test_payload_is_json_and_carries_the_extras_of_its_kind(angry_en: Persona):
    opening = turn.start(angry_en, seed=3)
    body = turn.payload(opening, mode="practice")
    assert json.loads(json.dumps(body)) == body
    assert body["type"] == PAYLOAD_TYPE and body["customer"] == opening.line
    assert body["mode"] == "practice" and "analysis" not in body and "scorecard" not in body
    assert turn.error_payload("ended", "over") == {
        "type": PAYLOAD_TYPE,
        "error": "ended",
        "message": "over",
    }


def test_the_tracker_events_rebuild_the_transcript_the_turns_built(angry_en: Persona):
    result = turn.start(angry_en, seed=3)
    events = [
        {"event": "user", "text": "/start_practice", "timestamp": 1_700_000_000},
        {"event": "bot", "timestamp": 1_700_000_001, "data": {"custom": turn.payload(result)}},
    ]
    for i, text in enumerate(["Hello, I'm sorry. What happened?", "Can I have the order number?"]):
        result = turn.play_turn(
            angry_en,
            result.state,
            Reply(text),
            analyzer=Recorder("apology", "open_question"),
            transcript=result.transcript,
        )
        body = turn.payload(result, analysis=result.analysis, rating=result.rating)
        events.append(
            {"event": "user", "text": text, "timestamp": 1_700_000_010 + i, "metadata": {}}
        )
        events.append({"event": "bot", "timestamp": 1_700_000_011 + i, "data": {"custom": body}})
    events.append({"event": "bot", "data": {"custom": turn.error_payload("ended", "x")}})
    rebuilt = transcripts.from_tracker_events(events)
    assert [(e["role"], e["text"]) for e in rebuilt] == [
        (e["role"], e["text"]) for e in result.transcript
    ]
    assert [e.get("rating") for e in rebuilt if e["role"] == "trainee"] == transcripts.ratings(
        result.transcript
    )


def test_a_reply_starting_with_a_slash_is_a_reply_and_commands_are_known_by_intent(
    angry_en: Persona,
):
    """Typed text reaches Rasa as text (it may start with "/"); the session's own messages are
    known by their intent, not by their text."""
    result = turn.start(angry_en, seed=3)
    start = {"intent": {"name": "start_practice", "confidence": 1.0}}
    events = [
        {"event": "user", "text": "/start_practice", "parse_data": start},
        {"event": "bot", "data": {"custom": turn.payload(result)}},
    ]
    result = turn.play_turn(
        angry_en,
        result.state,
        Reply("/ /empathy"),
        analyzer=Recorder("perfunctory"),
        transcript=result.transcript,
    )
    typed = {"intent": {"name": "perfunctory", "confidence": 0.6}}
    events.append({"event": "user", "text": "/ /empathy", "parse_data": typed})
    body = turn.payload(result, analysis=result.analysis, rating=result.rating)
    events.append({"event": "bot", "data": {"custom": body}})
    rebuilt = transcripts.from_tracker_events(events)
    assert [(e["role"], e["text"]) for e in rebuilt] == [
        (e["role"], e["text"]) for e in result.transcript
    ]
    assert ("trainee", "/ /empathy") in [(e["role"], e["text"]) for e in rebuilt]


def test_the_hint_after_a_proposal_follows_the_customers_answer(library):
    """A remedy offered to the arrogant watch owner before he has been asked what he needs:
    he says he is not ready, and the hint says to find out first rather than to follow up."""
    from scoring.analysis import analyze

    watch = library.get("arrogant_zh_watch_service")
    opening = turn.start(watch, seed=1)
    result = turn.play_turn(
        watch,
        opening.state,
        Reply("给您安排免费返修，周四中午前送回。"),
        analyzer=lambda text, lang, context: analyze(text, lang, context=context),
        transcript=opening.transcript,
    )
    assert result.state["heard"]["kind"] == "offer"
    assert result.state["heard"]["judged"] == "not_ready"
    assert result.rating is not None
    assert result.rating["tip"]["guideline"] in {
        "steps.solve_before_understanding",
        "emotion.empathise",
    }
