"""Issue 15 on our own conversation sets with the cue rules alone (no model; the trained-NLU
version with the full bar is tests/rasa_project/batch/test_scorecard_sets.py)."""

from __future__ import annotations

from collections import defaultdict

import pytest

from practice import transcript as transcripts
from scoring.scorecard import evidence_problems, score_session
from tests.scoring.scorecard_sets import CUE_ANALYSIS_GAPS, load_sets

ITEMS = load_sets()


@pytest.fixture(scope="module")
def cards() -> dict[str, dict]:
    return {
        item["id"]: score_session(
            transcripts.from_turns(item["turns"]),
            lang=item["lang"],
            persona_type=item["persona"],
            outcome=item.get("outcome"),
            mode="assessment",
        )
        for item in ITEMS
    }


def test_abusive_conversations_stay_low_and_far_below_good_ones(cards):
    groups: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for item in ITEMS:
        groups[(item["lang"], item["scenario"])][item["kind"]].append(cards[item["id"]]["overall"])
    for group, kinds in groups.items():
        assert max(kinds["abusive"]) <= 30, group
        # the cue rules miss some moves the model reads, so the good floor is lower here
        assert min(kinds["good"]) >= 70, group
        assert min(kinds["good"]) - max(kinds["abusive"]) >= 50, group
        assert min(kinds["good"]) > max(kinds["mixed"] + kinds["content_free"]), group


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item["id"])
def test_every_credit_is_evidenced(cards, item):
    assert evidence_problems(cards[item["id"]]) == []


@pytest.mark.parametrize(
    "item",
    [
        pytest.param(
            item, marks=pytest.mark.xfail(strict=True, reason=CUE_ANALYSIS_GAPS[item["id"]])
        )
        if item["id"] in CUE_ANALYSIS_GAPS
        else item
        for item in ITEMS
        if item["kind"] == "abusive"
    ],
    ids=lambda item: item["id"],
)
def test_an_abusive_agent_ticks_no_step_and_its_tips_name_the_reply(cards, item):
    # (no strengths either with the trained NLU; the cue rules alone read a few curt replies
    # as plain information: see the rasa-env test)
    card = cards[item["id"]]
    assert card["red_lines"] and card["overall_parts"]["cap"] is not None
    assert card["tips"][0]["text"].startswith(("Reply ", "第"))
    assert not any(card["five_steps"].values())
