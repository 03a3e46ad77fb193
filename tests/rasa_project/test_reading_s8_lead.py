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
