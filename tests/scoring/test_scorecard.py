"""Session scorecard: five steps, order, mood, strengths and improvements, determinism."""

from __future__ import annotations

import json
import re

import pytest

from scoring.rubric import DIMENSIONS, RUBRIC_VERSION, load_catalogue
from scoring.scorecard import evidence_problems, overall_of, quote_of, score_session

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
    for dim in DIMENSIONS:
        if bad["dimensions"][dim] is not None:
            assert (
                good["dimensions"][dim] is not None
                and good["dimensions"][dim] >= bad["dimensions"][dim]
            ), dim


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


# ---- issue 15: evidence for every credit, "not observed", red lines ----------------------

CURT = [
    said("Hi, which of these two phones has the better camera?"),
    replied("What do you want?", "open_question"),
    said("I asked which phone has the better camera."),
    replied("Just buy the Pixel, everyone buys it. Stop asking.", "rude", "recommend"),
    said("But what's the difference?"),
    replied("It's the last one and the price doubles tomorrow.", "deceive", "recommend"),
    said("Can you explain the battery?"),
    replied("I don't have time. Buy it or don't.", "rude"),
]

CONTENT_FREE = [
    said("My parcel didn't arrive."),
    replied("ok", "perfunctory"),
    said("Can you check where it is?"),
    replied("hm", "perfunctory"),
]


def test_every_credit_names_the_reply_that_earned_it():
    card = score_session(MODEL, lang="en", persona_type="angry", outcome="resolved")
    assert evidence_problems(card) == []
    texts = [t["text"] for t in MODEL if t["role"] == "trainee"]
    for strength in card["strengths"]:
        for item in strength["evidence"]:
            assert item["quote"].rstrip(" …") in texts[item["turn"] - 1]
        assert strength["evidence_text"].startswith("Reply ")
    for step, ticked in card["five_steps"].items():
        assert ticked and card["step_evidence"][step]["turn"] >= 1
    # the paraphrase earned the confirm step, the remedy the solve step, and they say so
    assert card["step_evidence"]["confirm"]["turn"] == 2
    assert card["step_evidence"]["solve"]["turn"] == 3
    assert card["step_evidence"]["solve"]["quote"].startswith("I'll send a new one today")
    for dim, value in card["dimensions"].items():
        assert value is None or card["dimension_evidence"][dim], dim
    # no timestamps: how fast the trainee replied was not observed, so it is not scored
    assert card["dimensions"]["responsiveness"] is None
    assert card["not_observed"] == ["responsiveness"]


def test_a_curt_abusive_agent_ticks_no_step_and_earns_no_strength():
    card = score_session(CURT, lang="en", persona_type="male_shopper", outcome="walked_away")
    assert not any(card["five_steps"].values())
    assert card["strengths"] == []
    assert card["overall"] <= 30
    # the curt question is neither listening nor questioning: nothing credits it
    first = card["turns"][0]
    assert first["steps"] == [] and all(r["effect"] == "-" for r in first["rules"])
    assert "listening.curt_reply" in {r["id"] for r in first["rules"]}
    assert card["dimensions"]["questioning"] is None
    assert evidence_problems(card) == []


def test_red_lines_cap_the_score_and_the_tips_name_the_reply():
    card = score_session(CURT, lang="en", persona_type="male_shopper")
    crossed = [(item["turn"], item["guideline"]) for item in card["red_lines"]]
    assert crossed == [
        (1, "listening.curt_reply"),
        (2, "emotion.stay_calm"),
        (3, "emotion.made_up_pressure"),
        (4, "emotion.stay_calm"),
    ]
    # the lowest cap (35), 15 lower for each of the three further replies
    assert card["overall_parts"]["cap"] == 0 and card["overall"] == 0
    assert card["tips"][0]["text"].startswith("Reply 2: “Just buy the Pixel")
    assert all(tip["evidence"] for tip in card["tips"])


def test_one_red_line_caps_an_otherwise_model_conversation():
    blaming = [*MODEL[:-1], replied("You should have read the manual though.", "blame_customer")]
    card = score_session(blaming, lang="en", persona_type="angry", outcome="resolved")
    assert card["overall_parts"]["cap"] == 40
    assert card["overall"] == 40
    assert [item["turn"] for item in card["red_lines"]] == [4]


def test_not_observed_is_none_and_counts_as_not_done():
    card = score_session(CONTENT_FREE, lang="en")
    assert card["dimensions"]["confirmation"] is None
    assert "confirmation" in card["not_observed"]
    assert card["dimension_evidence"].get("confirmation") is None
    assert card["overall"] <= 20
    # required dimensions not observed count 0; language and responsiveness are left out
    dims = dict.fromkeys(DIMENSIONS, None) | {"listening": 80}
    covered = dict.fromkeys(("listen", "understand", "confirm", "solve", "follow_up"), False)
    overall, parts = overall_of(dims, covered, None, None, upset=False)
    assert parts["dimension_mean"] == 16.0  # 80 over listening + the four other required ones
    assert overall == round(0.7 * 16.0)
    _, upset_parts = overall_of(dims, covered, None, None, upset=True)
    assert upset_parts["dimension_mean"] == round(80 / 6, 1)  # empathy counts when upset


def test_the_outcome_moves_the_score_in_proportion_and_a_cap_holds_it():
    dims = dict.fromkeys(DIMENSIONS, 80)
    covered = dict.fromkeys(("listen", "understand", "confirm", "solve", "follow_up"), True)
    resolved, _ = overall_of(dims, covered, "resolved", None, upset=False)
    walked, _ = overall_of(dims, covered, "walked_away", None, upset=False)
    capped, _ = overall_of(dims, covered, "resolved", 40, upset=False)
    assert (resolved, walked, capped) == (round(86 * 1.06), round(86 * 0.9), 40)


@pytest.mark.parametrize(
    ("text", "lang", "moves", "customer", "expected"),
    [
        (
            "Thanks. So you sent it back on Monday, right?",
            "en",
            ["paraphrase"],
            "I sent it back on Monday",
            "So you sent it back on Monday, right?",
        ),
        ("好的。请问您的订单号是多少？", "zh", ["closed_question"], "", "请问您的订单号是多少？"),
        (
            "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三",
            "zh",
            [],
            "",
            "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十…",
        ),
    ],
)
def test_a_quote_shows_the_sentence_that_earned_the_credit(text, lang, moves, customer, expected):
    assert quote_of(text, lang, None, moves, customer) == expected


def test_the_scorecard_help_documents_the_overall_formula():
    help_text = load_catalogue().scorecard.help
    assert "0.7" in help_text["en"] and "0.3" in help_text["en"] and "cap" in help_text["en"]
    assert "0.7" in help_text["zh"] and "红线" in help_text["zh"]
