"""A terse chat recommendation (session 11, issue 13): one option named and put to the customer
with its price, stock or when it can be had, and no "I recommend" ("Go with the 14-inch one,
1,299, in stock.", 「就拿这台吧，6999，今天能提」), recommends it (seed 001 售前推荐; 003 Ch3.1
step 5). Found in a blind set's well-run drill sale, where "Then go body-only: <drill>, 119. In
stock, collect today." was read as information and the customer never heard an offer. Requests
for a detail ("Get the order number ready"), directions and a price or stock line with no option
put forward stay as they were. Cue rules alone; sentences written for these tests."""

from __future__ import annotations

import pytest

from scoring.analysis import analyze


def moves(text: str, lang: str) -> list[str]:
    return [m["move"] for m in analyze(text, lang)["moves"]]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Go with the 14-inch one, 1,299, in stock.", "en"),
        ("Then go body-only: the compact impact driver, bare tool, 89. Collect today.", "en"),
        ("OK, take the grey fabric one - 849, delivery Thursday.", "en"),
        ("Your best bet is the 55-inch: 649, we can deliver Saturday.", "en"),
        ("就拿这台吧，6999，今天能提。", "zh"),
        ("直接上这款，32G内存，7299，有现货。", "zh"),
        ("这款4999，有现货，今天能发。", "zh"),
    ],
)
def test_a_terse_recommendation_recommends(text: str, lang: str) -> None:
    assert "recommend" in moves(text, lang)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Get the order number ready for me, please.", "en"),
        ("Take a look at the two options and tell me which you prefer.", "en"),
        ("Delivery is 9.99 on orders under 50.", "en"),
        ("这款没货了。", "zh"),
        ("运费9.9元。", "zh"),
    ],
)
def test_a_request_a_direction_or_a_bare_price_does_not(text: str, lang: str) -> None:
    assert "recommend" not in moves(text, lang)
