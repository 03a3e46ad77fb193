"""A formal offer ("I would like to offer you …", "we'd be glad to …") is an offer (issue 13/14).

Found in blind well-run scripts of session 7, where a formal upgrade offer to an arrogant hotel
guest was read as no offer at all. Cue rules alone; sentences written for this test. Seed basis:
000 §2 and 003 Ch3.1 step 5 (a solution with what and when).
"""

from __future__ import annotations

import pytest

from scoring.analysis import analyze


def _moves(text: str) -> list[str]:
    return [m["move"] for m in analyze(text, "en", context="", nlu=None)["moves"]]


@pytest.mark.parametrize(
    "text",
    [
        "I would like to offer you our garden suite for both nights, at no extra cost.",
        "We'd be delighted to send a replacement kettle by courier tomorrow.",
        "I'd be happy to refund the delivery charge today.",
    ],
)
def test_a_formal_offer_is_an_offer(text: str) -> None:
    assert _moves(text)[0] == "offer_solution"


@pytest.mark.parametrize(
    "text", ["I would like to know when it arrived.", "I'd love to hear what you use it for."]
)
def test_wanting_to_know_or_hear_is_no_offer(text: str) -> None:
    assert "offer_solution" not in _moves(text)
