"""Full reading (trained NLU + cues) of the session-15 kinds (issue 14): a greeting followed by a
question asks first (English); how things are, said as a fact about the world (news, what usually
happens, the writer's own place or people), informs; praise of what the person did and a hope for
them reassure; advice and commitments keep their reading. Each sentence was written for this test
and is in no training file (rasa_project/data/nlu/support_kinds_s15.yml trains the same kinds in
other words).
"""

from __future__ import annotations

import pytest

from practice.vocabulary import MOVE_FAMILIES, NEGATIVE_MOVES

#: (reply, language, expected family of the primary move)
CASES = [
    ("Hi there, how has your week been?", "en", "question"),
    ("Good afternoon! Which flight are you asking about?", "en", "question"),
    ("The pharmacy on the high street shuts at six on Saturdays.", "en", "inform"),
    ("Parcels to the islands usually take an extra two days.", "en", "inform"),
    ("House prices in the suburbs have gone up a lot this year.", "en", "inform"),
    ("My brother waited three weeks for his new passport.", "en", "inform"),
    ("Most phone repairs are done within a week.", "en", "inform"),
    ("You did well to keep all the receipts.", "en", "reassurance"),
    ("I hope the move goes smoothly next week.", "en", "reassurance"),
    ("You could ask the council for a payment plan.", "en", "solution"),
    ("Don't worry, I'll sort the refund out today.", "en", "reassurance"),
    ("一般来说，快递到偏远地区要多两天。", "zh", "inform"),
    ("我们这边的营业厅周日下午不开门。", "zh", "inform"),
]


@pytest.mark.parametrize(("text", "lang", "family"), CASES)
def test_the_primary_family_follows_the_definitions_s15(analyse, text, lang, family):
    moves = [m["move"] for m in analyse(text, lang, "")["moves"]]
    assert moves and MOVE_FAMILIES[moves[0]] == family, (text, moves)


@pytest.mark.parametrize(
    "text",
    [
        "Parcels to the islands usually take an extra two days.",
        "House prices in the suburbs have gone up a lot this year.",
        "Hi there, how has your week been?",
    ],
)
def test_a_plain_fact_or_a_friendly_opening_costs_nothing_s15(analyse, text):
    moves = {m["move"] for m in analyse(text, "en", "")["moves"]}
    assert not moves & set(NEGATIVE_MOVES), moves


@pytest.mark.parametrize(
    "text",
    [
        "Please let me know if you need any further help.",
        "Please let me know if anything else comes up with the delivery.",
    ],
)
def test_a_polite_open_door_is_no_rudeness_s15(analyse, text):
    moves = [m["move"] for m in analyse(text, "en", "")["moves"]]
    assert moves and moves[0] == "follow_up" and not set(moves) & set(NEGATIVE_MOVES), moves


@pytest.mark.parametrize(
    "text",
    [
        "Let me know when you've calmed down.",
        "Please let me know when you're ready to stop shouting.",
    ],
)
def test_a_curt_let_me_know_is_still_rude_s15(analyse, text):
    moves = {m["move"] for m in analyse(text, "en", "")["moves"]}
    assert moves & set(NEGATIVE_MOVES), moves
