"""Full reading (trained NLU + cues), both languages, of the session-11 kinds (issue 14: kinds
the reading still missed on outside emotional-support text): a remedy put forward through what
helped the speaker, a thing said to help, advice as what the speaker would do in the person's
place, the agent's own commitment to help (read as a brush-off by the classifier before), and
statements that open like a question. Each sentence was written for this test and is in no
training file (rasa_project/data/nlu/support_kinds_s11.yml trains the same kinds in other words).
"""

from __future__ import annotations

import pytest

from practice.vocabulary import MOVE_FAMILIES, NEGATIVE_MOVES, QUESTION_MOVES

#: (reply, language, expected family of the primary move)
PRIMARY: dict[str, list[tuple[str, str, str]]] = {
    "remedy_from_experience": [
        (
            "Keeping the receipts in one envelope helped me a lot with my tax return.",
            "en",
            "solution",
        ),
        ("I find an early train really helps when the roadworks are on.", "en", "solution"),
        ("我之前也总忘记还款，设个自动扣款对我特别管用。", "zh", "solution"),
    ],
    "thing_said_to_help": [
        ("A draught excluder can help with a cold hallway.", "en", "solution"),
    ],
    "advice_in_your_place": [
        ("I wouldn't pay the second invoice until they explain the first.", "en", "solution"),
    ],
    "commitment_to_help": [
        ("I can help with that.", "en", "reassurance"),
        ("Sure, we can help you get the parking permit renewed.", "en", "reassurance"),
    ],
    "statement_opening_like_a_question": [
        ("What usually happens is the courier tries again the next morning.", "en", "inform"),
    ],
}

CASES = [
    pytest.param(text, lang, family, id=f"{kind}-{i}")
    for kind, rows in PRIMARY.items()
    for i, (text, lang, family) in enumerate(rows)
]


@pytest.mark.parametrize(("text", "lang", "family"), CASES)
def test_the_primary_family_follows_the_definitions(analyse, text, lang, family):
    moves = [m["move"] for m in analyse(text, lang, "")["moves"]]
    assert moves and MOVE_FAMILIES[moves[0]] == family, (text, moves)


@pytest.mark.parametrize(
    "text", ["I can help you with that.", "We can help with the forms, no problem."]
)
def test_offering_help_costs_nothing(analyse, text):
    moves = {m["move"] for m in analyse(text, "en", "")["moves"]}
    assert not moves & set(NEGATIVE_MOVES), moves


@pytest.mark.parametrize(
    "text",
    [
        "What you're describing is a known fault with that router.",
        "When the office reopens, the team will call you back.",
        "What matters is that nobody was hurt in the crash.",
    ],
)
def test_a_statement_opening_like_a_question_asks_nothing(analyse, text):
    moves = {m["move"] for m in analyse(text, "en", "")["moves"]}
    assert not moves & set(QUESTION_MOVES), moves


def test_refusing_help_still_brushes_off(analyse):
    moves = {m["move"] for m in analyse("I can't help with that, try the bank.", "en", "")["moves"]}
    assert moves & set(NEGATIVE_MOVES), moves
