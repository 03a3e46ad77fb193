"""Two readings found in a blind set's well-run conversations (session 10): a terse request with
a courtesy word ("Understood. Booking reference, please?") is a closed question, not rudeness for
being short; owning a fault with a relative clause ("a callback that never happened: that's on
us") is no denial of the customer's account. A bare denial still argues, a telling-off with
"please" is still rude. Full reading with the trained model; sentences written for this test."""

from __future__ import annotations

import pytest

from practice.vocabulary import MOVE_FAMILIES


def read(analyse, text: str) -> list[str]:
    return [m["move"] for m in analyse(text, "en", "")["moves"]]


@pytest.mark.parametrize(
    "text",
    ["Understood. Postcode, please?", "Got it. Your membership number, please?"],
)
def test_a_terse_polite_request_asks(analyse, text):
    moves = read(analyse, text)
    assert moves and moves[0] == "closed_question", moves
    assert not any(MOVE_FAMILIES[m] == "negative" for m in moves), moves


def test_owning_a_fault_that_never_happened_is_no_denial(analyse):
    moves = read(
        analyse,
        "Two missed visits and a refund that never arrived - that's our failure, and I'm sorry.",
    )
    assert "argue" not in moves and "apology" in moves, moves


@pytest.mark.parametrize(
    ("text", "move"),
    [("That never happened, I checked the log.", "argue"), ("Just calm down, please?", "rude")],
)
def test_a_denial_or_a_telling_off_keeps_its_reading(analyse, text, move):
    assert move in read(analyse, text)
