"""Session scorecard: five steps, order, mood, strengths and improvements, determinism."""

from __future__ import annotations

import json
import re

import pytest

from scoring.rubric import DIMENSIONS, RUBRIC_VERSION, load_catalogue
from scoring.scorecard import score_session

CJK = re.compile(r"[\u4e00-\u9fff]")


def said(text: str, anger: float | None = None, at: str | None = None) -> dict:
    turn = {"role": "customer", "text": text, "at": at}
    if anger is not None:
        turn["state"] = {"anger": anger}
    return turn


def replied(text: str, *moves: str, at: str | None = None, entities=()) -> dict:
    return {
        "role": "trainee",
        "text": text,
        "at": at,
        "analysis": {
            "moves": [{"move": m, "confidence": 0.9} for m in moves],
            "entities": [{"entity": e, "value": ""} for e in entities],
        },
    }


MODEL = [
    said("The vacuum arrived broken!!", anger=0.9),
    replied("I'm so sorry. What happened?", "apology", "empathy", "open_question"),
    said("Cracked bumper, dead dock. Order 558213.", anger=0.6),
    replied("So the bumper is cracked and the dock is dead - right?", "paraphrase", "confirm"),
    said("Yes.", anger=0.5),
    replied(
        "I'll send a new one today, arriving in 2 days. OK?",
        "offer_solution",
        "confirm",
        entities=["remedy", "time_frame"],
    ),
    said("Fine.", anger=0.2),
    replied("I'll check in tomorrow to make sure it works.", "follow_up", entities=["time_frame"]),
]

HOSTILE = [
    said("The vacuum arrived broken!!", anger=0.9),
    replied("That's impossible, we check everything.", "argue"),
    said("Are you calling me a liar?", anger=1.0),
    replied("Company policy, nothing I can do.", "dismiss"),
    said("Get me a manager!", anger=1.0),
    replied("Calm down.", "rude"),
]

SOLVE_FIRST = [
    said("The vacuum arrived broken!!", anger=0.9),
    replied("I can refund you.", "offer_solution"),
    said("I don't want a refund!", anger=0.9),
    replied("What exactly is wrong?", "open_question"),
    said("The dock is dead.", anger=0.8),
    replied("I'll check back tomorrow.", "follow_up"),
]


def test_a_model_conversation_beats_a_hostile_one():
    good = score_session(MODEL, lang="en", persona_type="angry", outcome="resolved")
    bad = score_session(HOSTILE, lang="en", persona_type="angry", outcome="escalated")
    assert good["overall"] >= 80
    assert bad["overall"] <= 30
    assert all(good["dimensions"][d] >= bad["dimensions"][d] for d in DIMENSIONS)


def test_five_steps_coverage_and_order():
    good = score_session(MODEL, lang="en")
    assert good["five_steps"] == {
        "listen": True,
        "understand": True,
        "confirm": True,
        "solve": True,
        "follow_up": True,
    }
    assert good["five_steps_order_ok"] is True
    early = score_session(SOLVE_FIRST, lang="en")
    assert early["five_steps"]["solve"] is True
    assert early["five_steps_order_ok"] is False
    hostile = score_session(HOSTILE, lang="en")
    assert not any(hostile["five_steps"].values())


def test_scorecard_follows_the_contract():
    card = score_session(MODEL, lang="en", persona_type="angry", outcome="resolved")
    assert set(card) >= {
        "overall",
        "dimensions",
        "five_steps",
        "five_steps_order_ok",
        "outcome",
        "mood",
        "strengths",
        "improvements",
        "tips",
        "rubric_version",
        "turns",
    }
    assert card["rubric_version"] == RUBRIC_VERSION
    assert card["outcome"] == "resolved"
    assert len(card["turns"]) == 4
    assert set(card["dimensions"]) == set(DIMENSIONS)
    guidelines = load_catalogue().guidelines
    for key in ("strengths", "improvements", "tips"):
        assert len(card[key]) == 3, key
        for item in card[key]:
            assert item["guideline"] in guidelines and item["text"], key
    json.dumps(card)  # plain JSON all the way down


def test_improvements_name_what_went_wrong():
    card = score_session(HOSTILE, lang="en", persona_type="angry")
    improvement_ids = {item["guideline"] for item in card["improvements"]}
    lapses = {r["id"] for turn in card["turns"] for r in turn["rules"] if r["effect"] == "-"}
    assert improvement_ids <= lapses
    assert "emotion.stay_calm" in improvement_ids  # the gravest lapse is never left out
    strengths = {item["guideline"] for item in card["strengths"]}
    assert not strengths & improvement_ids


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_strengths_and_tips_are_in_the_session_language(lang):
    card = score_session(MODEL, lang=lang)
    for item in card["strengths"] + card["improvements"] + card["tips"]:
        assert bool(CJK.search(item["text"])) == (lang == "zh")


def test_mood_has_one_entry_per_customer_turn():
    transcript = [said("Hi"), replied("Hello!", "greeting"), said("Broken!!", anger=0.8)]
    assert score_session(transcript, lang="en")["mood"] == [None, 0.8]


def test_the_same_transcript_always_gets_the_same_scorecard():
    first = score_session(MODEL, lang="en", persona_type="angry", outcome="resolved")
    second = score_session(MODEL, lang="en", persona_type="angry", outcome="resolved")
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


def test_the_outcome_counts():
    resolved = score_session(SOLVE_FIRST, lang="en", outcome="resolved")
    walked = score_session(SOLVE_FIRST, lang="en", outcome="walked_away")
    assert resolved["overall"] > walked["overall"]


def test_turns_without_analysis_go_through_the_analyzer():
    calls = []

    def fake_analyzer(text, lang, context=""):
        calls.append((text, lang, context))
        return {"moves": [{"move": "empathy", "confidence": 0.9}]}

    transcript = [
        said("It broke!!"),
        {"role": "trainee", "text": "That sounds awful.", "at": None},
        said("Yes."),
        {"role": "trainee", "text": "Tell me more?"},
    ]
    card = score_session(transcript, lang="en", analyzer=fake_analyzer)
    assert calls == [("That sounds awful.", "en", "It broke!!"), ("Tell me more?", "en", "Yes.")]
    assert card["turns"][0]["moves"] == ["empathy"]


def test_stored_ratings_are_reused_only_from_the_current_rubric():
    current = {"rubric_version": RUBRIC_VERSION, "overall": 11, "dimensions": {}, "rules": []}
    current["dimensions"] = dict.fromkeys(DIMENSIONS, 11)
    outdated = {**current, "rubric_version": "0.0.1"}
    base = replied("I'm sorry, what happened?", "apology", "open_question")
    kept = score_session([said("Broken!!"), {**base, "rating": current}], lang="en")
    redone = score_session([said("Broken!!"), {**base, "rating": outdated}], lang="en")
    assert kept["turns"][0]["overall"] == 11
    assert redone["turns"][0]["overall"] != 11
    assert redone["turns"][0]["rubric_version"] == RUBRIC_VERSION


def test_reply_times_come_from_the_timestamps():
    transcript = [
        said("Hello? Anyone?", at="2026-01-05T10:00:00+00:00"),
        replied("Hi, how can I help?", "greeting", "open_question", at="2026-01-05T10:06:00Z"),
        said("My order.", at="2026-01-05T10:06:10+00:00"),
        replied("Sure, what's wrong?", "open_question", at="2026-01-05T10:06:20+00:00"),
    ]
    turns = score_session(transcript, lang="en")["turns"]
    assert "responsiveness.slow_reply" in {r["id"] for r in turns[0]["rules"]}
    assert "responsiveness.quick_reply" in {r["id"] for r in turns[1]["rules"]}


def test_history_carries_context_between_turns():
    transcript = [
        said("Sorry?"),
        replied("Sorry.", "apology"),
        said("And?"),
        replied("Sorry again.", "apology"),
        said("Well?"),
        replied("Very sorry.", "apology"),
    ]
    turns = score_session(transcript, lang="en")["turns"]
    assert "emotion.apologise_once" in {r["id"] for r in turns[0]["rules"]}
    assert "emotion.repeated_apology" in {r["id"] for r in turns[2]["rules"]}


def test_assessment_mode_is_recorded_and_the_card_still_carries_advice():
    card = score_session(MODEL, lang="en", mode="assessment")
    assert card["mode"] == "assessment"
    # whether a per-reply tip is shown is the channel's decision by mode, not the rating's
    assert all("show_tip" not in turn for turn in card["turns"])
    assert card["tips"]


@pytest.mark.parametrize(
    "transcript",
    [[], [said("Hello")], [None, {"role": "system", "text": "x"}, {"role": "trainee"}]],
)
def test_odd_transcripts_do_not_crash(transcript):
    def nothing(text, lang, context=""):
        return {"moves": []}

    card = score_session(transcript, lang="xx", analyzer=nothing)
    assert 0 <= card["overall"] <= 100
    assert len(card["improvements"]) == 3
