"""English reading of what trainees write to angry and upset customers (session 7).

The kinds of ../shared/moves.md that go missing when the customer is upset: the feeling named in
many ways (empathy), commitments and calming (reassurance), the customer's point restated
(paraphrase), how long things take (inform), advice framed as a suggestion or a tip
(offer_solution), agreement checks (confirm), and the blunt negatives said without insults.
Each sentence here was written for this test and is in no training file
(rasa_project/data/nlu/reading_s7_en.yml trains the same kinds in other words); each asserts
the primary move of the full reading (trained NLU + cues).
"""

from __future__ import annotations

import pytest

#: (reply, the customer's previous message or "", expected primary move)
PRIMARY: dict[str, list[tuple[str, str, str]]] = {
    "feeling_named": [
        ("That has to be maddening when the lift is out again.", "", "empathy"),
        ("I can tell how anxious you are about the test results.", "", "empathy"),
        ("No wonder you're exhausted after two nights without heating.", "", "empathy"),
        ("What a nightmare of a journey home.", "", "empathy"),
        ("It's really frustrating when the app logs you out mid-payment.", "", "empathy"),
        ("I'd be livid too if the garage kept my car for a week.", "", "empathy"),
        ("I can completely understand that.", "My order is late again!", "empathy"),
    ],
    "commitment_and_calm": [
        ("Leave this one with me and I'll ring the depot.", "", "reassurance"),
        ("You're not on your own with the claim, I'll help you fill it in.", "", "reassurance"),
        ("You won't be out of pocket, the fee comes straight back.", "", "reassurance"),
        ("We'll get the boiler fixed before the weekend.", "", "reassurance"),
        ("You did the right thing keeping the broken part.", "", "reassurance"),
    ],
    "point_restated": [
        ("So the missed appointment is what upset you most.", "", "paraphrase"),
        ("What I'm hearing is that the new charges came with no warning.", "", "paraphrase"),
    ],
    "how_long_it_takes": [
        ("Most repairs like this come back within a week.", "", "inform"),
        ("Transfers between our accounts normally clear in a few hours.", "", "inform"),
    ],
    "advice_as_a_suggestion": [
        (
            "My suggestion would be to reset the thermostat before the engineer comes.",
            "",
            "offer_solution",
        ),
        ("One thing that often works is reinstalling the printer driver.", "", "offer_solution"),
        ("It might be worth asking the hotel for a quieter room.", "", "offer_solution"),
        ("Maybe you could try charging it overnight first.", "", "offer_solution"),
    ],
    "agreement_checked": [
        ("Are you happy with that plan for the delivery?", "", "confirm"),
        ("Is that fair for you?", "", "confirm"),
        ("Sounds okay?", "", "confirm"),
    ],
    # a question after the feeling is what the customer is to answer
    "feeling_then_question": [
        ("That sounds really stressful. When did the leak start?", "", "closed_question"),
        ("I'm so sorry to hear that. What happened at the counter?", "", "open_question"),
    ],
    "blunt_negatives": [
        ("You've got it wrong, the offer ended on Sunday.", "", "argue"),
        ("Rules are rules and the fee stands, so no.", "", "dismiss"),
        ("Parking fines go through the council, not us.", "", "dismiss"),
        ("You left the window open, that's why the carpet got wet.", "", "blame_customer"),
    ],
}

CASES = [
    pytest.param(text, context, move, id=f"{kind}-{i}")
    for kind, rows in PRIMARY.items()
    for i, (text, context, move) in enumerate(rows)
]


@pytest.fixture(scope="module")
def read(analyse):
    def run(text: str, context: str) -> list[str]:
        return [m["move"] for m in analyse(text, "en", context)["moves"]]

    return run


@pytest.mark.parametrize(("text", "context", "move"), CASES)
def test_the_primary_move_follows_the_definitions(read, text, context, move):
    moves = read(text, context)
    assert moves and moves[0] == move, (text, moves)


def test_the_feeling_stays_second_behind_the_question(read):
    moves = read("That must have been so upsetting. Which branch was it?", "")
    assert moves[0] == "closed_question"
    assert "empathy" in moves


@pytest.mark.parametrize(
    "text",
    [
        "That's not weakness, it's good sense to ask.",  # comfort, not a contradiction
        "I'm sorry if I misunderstood your question.",  # our own doubt, not arguing
        "You fixed it yourself, brilliant work.",  # praise, not blame
        "The earliest slot is the best one for you.",  # no tautology
    ],
)
def test_kind_replies_in_the_same_words_are_not_negative(read, text):
    negatives = {"blame_customer", "argue", "rude", "dismiss", "deceive"}
    moves = read(text, "")
    assert moves and moves[0] not in negatives, (text, moves)
