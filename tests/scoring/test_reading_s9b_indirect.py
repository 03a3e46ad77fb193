"""A senior agent's indirect phrasing (session 9, lead), read by the cue rules alone: a proposal
put as "what if I…" / "how would it be if we…" proposes (seed 003 ch3: offer options, let the
customer choose); a wish to hear ("I'd love to hear a bit about…") asks, as "tell me about…"
does (seed 004 ch1). Look-alikes keep their reading. Sentences written for these tests."""

from __future__ import annotations

import pytest

from scoring.analysis import analyze

QUESTIONS = {"open_question", "closed_question", "confirm"}


def moves(text: str) -> list[str]:
    return [m["move"] for m in analyze(text, "en")["moves"]]


@pytest.mark.parametrize(
    "text",
    [
        "How would it be if we booked you on the earlier train instead?",
        "What if I held the grey one for you until Saturday?",
        "Would it help if I sent the engineer first thing tomorrow?",
        "How about if we swap it for the smaller model?",
    ],
)
def test_a_proposal_put_as_what_if_proposes(text: str) -> None:
    assert moves(text)[0] == "offer_solution"


@pytest.mark.parametrize("text", ["What if it breaks again?", "What if the train is late?"])
def test_a_worry_put_as_what_if_is_no_proposal(text: str) -> None:
    assert "offer_solution" not in moves(text)


@pytest.mark.parametrize(
    "text",
    [
        "I'd love to hear a bit about what you cook most days",
        "I would like to understand what happened when it stopped",
        "And tell me a little about where you'll be using it",
    ],
)
def test_a_wish_to_hear_asks(text: str) -> None:
    assert set(moves(text)) & QUESTIONS


def test_a_wish_that_asks_nothing_is_no_question() -> None:
    assert not set(moves("I'd love to help you with that today.")) & QUESTIONS
