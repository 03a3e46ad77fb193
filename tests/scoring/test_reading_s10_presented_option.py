"""An option put in front of the customer with what it offers and then checked ("这款屏幕大、
字也大，1299元，您看合适吗？", "This one has a big screen and one-tap video calls, 129 pounds -
how does that sound?") recommends first and checks second (seed 001 pre-sales recommending, 003
ch3 propose then ask). Found playing the silent phone buyer in the web chat: the recommendation
the customer accepted was read as a bare check, so the scorecard saw no solution and the hint
kept asking for one. A fact checked by a tag or a case that is not a product stays as it was.
Cue rules alone; sentences written for these tests."""

from __future__ import annotations

import pytest

from scoring.analysis import analyze

SOLUTIONS = {"recommend", "offer_solution"}


def moves(text: str, lang: str) -> list[str]:
    return [m["move"] for m in analyze(text, lang)["moves"]]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("这台扫地机噪音只有50分贝，带自动集尘，2599元，您看合适吗？", "zh"),
        ("这款面霜是无香精的，敏感肌也能用，您觉得怎么样？", "zh"),
        ("那间海景房带阳台，早餐含两位，您看可以吗？", "zh"),
        ("这雙鞋是防滑底，走山路很穩，您看喜歡嗎？", "zh"),
        (
            "This one has a washable cover and a 10-year frame guarantee - how does that sound?",
            "en",
        ),
        (
            "The Trek 300 weighs 9 kg and folds in seconds, it's 450 pounds. Would that suit you?",
            "en",
        ),
        ("That package is all-inclusive with airport transfers; what do you think?", "en"),
    ],
)
def test_a_presented_option_then_a_check_recommends_first(text: str, lang: str) -> None:
    assert moves(text, lang)[0] in SOLUTIONS


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("这个问题我们已经登记了，您看可以吗？", "zh"),
        ("这个订单号是AV-1，对吗？", "zh"),
        ("Your order number is AV-558213, is that right?", "en"),
        ("That is a lot to deal with, how do you feel about it?", "en"),
    ],
)
def test_a_checked_fact_or_a_case_is_no_recommendation(text: str, lang: str) -> None:
    assert "recommend" not in moves(text, lang)
