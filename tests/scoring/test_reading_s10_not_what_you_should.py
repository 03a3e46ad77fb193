"""Naming what went wrong as "not what you should see" (session 10, found playing a new persona):
it describes the fault, it proposes nothing; "you should see the refund by Friday" still does.
Cue rules alone; sentences written for these tests."""

from __future__ import annotations

import pytest

from scoring.analysis import analyze

SOLUTIONS = {"offer_solution", "recommend"}


def moves(text: str) -> list[str]:
    return [m["move"] for m in analyze(text, "en")["moves"]]


@pytest.mark.parametrize(
    "text",
    [
        "That's not what you should see after pausing your plan.",
        "Two charges isn't what you should get from us.",
        "I'm sorry, a dead battery on day one is not what you should have to deal with.",
    ],
)
def test_not_what_you_should_names_the_fault(text: str) -> None:
    assert not SOLUTIONS & set(moves(text))


@pytest.mark.parametrize(
    "text",
    [
        "You should see the refund on your card by Friday.",
        "Here's what you should do: call the bank.",
    ],
)
def test_you_should_still_proposes(text: str) -> None:
    assert moves(text)[0] == "offer_solution"
