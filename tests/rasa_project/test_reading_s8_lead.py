"""A bare check of the customer's view after a proposal is no retort (session 8).

"What do you think?" after a recommendation asks whether it suits (seed 001 提问技巧: check the
customer agrees); the model read it as rude, next to "who do you think you are?", and a silent
customer walked out on an excellent agent in blind set 8. Sentences written for this test, none
in rasa_project/data/nlu/lead_s8_en.yml; full reading (trained NLU + cues).
"""

from __future__ import annotations

import pytest

NEGATIVE = {"blame_customer", "argue", "rude", "dismiss", "deceive"}


@pytest.mark.parametrize(
    "text",
    ["What do you think?", "So what do you think of it?", "What's your feeling about that one?"],
)
def test_asking_the_customers_view_is_not_negative(analyse, text: str) -> None:
    moves = [m["move"] for m in analyse(text, "en", "")["moves"]]
    assert moves and not NEGATIVE & set(moves), (text, moves)


def test_who_do_you_think_you_are_stays_rude(analyse) -> None:
    moves = [m["move"] for m in analyse("Who do you think you are?", "en", "")["moves"]]
    assert "rude" in moves


@pytest.mark.parametrize(
    "text",
    [
        "I've upgraded you to a lake-view suite for the whole stay at no extra charge.",
        "I have switched you to the premium plan for three months, free of charge.",
    ],
)
def test_a_generous_concrete_offer_is_no_deceit(analyse, text: str) -> None:
    """Blind set 9: an upgrade at no charge was read as deceit and an excellent agent lost an
    arrogant customer (seed 003 ch3: a solution the customer can see is what wins them)."""
    moves = [m["move"] for m in analyse(text, "en", "")["moves"]]
    assert moves and moves[0] == "offer_solution" and "deceive" not in moves, (text, moves)


def test_owning_that_we_made_the_customer_do_it_is_no_blame(analyse) -> None:
    """'不该再让您自己弄' owns our failure; '都是您自己弄坏的' blames the customer."""
    owning = [m["move"] for m in analyse("是我们不好，不该总让您自己折腾。", "zh", "")["moves"]]
    assert "blame_customer" not in owning
    blaming = [m["move"] for m in analyse("这都是您自己弄坏的。", "zh", "")["moves"]]
    assert "blame_customer" in blaming
