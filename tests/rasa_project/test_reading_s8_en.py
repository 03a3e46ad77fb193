"""English reading of supporters' and agents' habits (session 8, issue 14), full reading.

Advice asked as a question about what the person could do, affirmations and normalising,
restating frames that open the restatement asked back, more named feelings, condolence that is
no apology, and advice as an imperative. Each sentence here was written for this test and is in
no training file; each asserts the primary move of the full reading (trained NLU + cues), so
the classifier cannot overrule the cue rules these kinds rest on (scoring/cues/en.yml).
"""

from __future__ import annotations

import pytest

#: (reply, the customer's previous message or "", expected primary move)
PRIMARY: dict[str, list[tuple[str, str, str]]] = {
    "advice_asked": [
        (
            "Would it be possible to ask the letting agent for a later move-in date?",
            "",
            "offer_solution",
        ),
        ("Have you had a chance to call the insurer about the claim?", "", "offer_solution"),
        ("Would you feel comfortable mentioning it to your team leader?", "", "offer_solution"),
    ],
    "request_stays_a_question": [
        ("Could you possibly tell me the booking reference?", "", "closed_question"),
    ],
    "affirmed_and_normalised": [
        ("Six weeks at the gym without missing a session is huge!", "", "reassurance"),
        (
            "There are plenty of other renters going through the same thing this year.",
            "",
            "reassurance",
        ),
    ],
    "restatement_asked_back": [
        ("If I heard you right, the meter was read twice in one month?", "", "paraphrase"),
        ("Are you telling me the courier left it in the bin?", "", "paraphrase"),
    ],
    "feeling_named": [
        ("It sounds like you don't feel supported by your manager.", "", "empathy"),
        ("I'm so sorry for your loss.", "", "empathy"),
    ],
    "apology_for_our_fault": [
        ("I'm so sorry about the mix-up with your order.", "", "apology"),
    ],
    "advice_as_an_imperative": [
        ("Don't sign the new contract until you've read the break clause.", "", "offer_solution"),
    ],
    "invitation_to_say_more": [
        ("Can you talk a bit more about what happened at the branch?", "", "open_question"),
    ],
}

CASES = [
    pytest.param(text, context, move, id=f"{kind}-{i}")
    for kind, rows in PRIMARY.items()
    for i, (text, context, move) in enumerate(rows)
]


@pytest.mark.parametrize(("text", "context", "move"), CASES)
def test_the_primary_move_follows_the_definitions(analyse, text, context, move):
    moves = [m["move"] for m in analyse(text, "en", context)["moves"]]
    assert moves and moves[0] == move, (text, moves)
