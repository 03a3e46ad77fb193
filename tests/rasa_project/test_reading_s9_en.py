"""English reading of supporter-style replies to upset customers (session 9, issue 14).

A trainee comforting an upset customer writes much like a supporter: reflecting the feeling
(empathy), affirming the person or what they did and saying it will be all right (reassurance,
praise), sharing what is generally known or what they have seen (inform), restating the person's
situation (paraphrase); and a service agent names what was found (an offer or a recommendation).
Each sentence here was written for this test and is in no training file
(rasa_project/data/nlu/reading_s9_en.yml trains the same kinds in other words, across service
domains); each asserts the family of the primary move of the full reading (trained NLU + cues).
"""

from __future__ import annotations

import pytest

from practice.vocabulary import MOVE_FAMILIES

#: (reply, the customer's previous message or "", expected family of the primary move)
PRIMARY: dict[str, list[tuple[str, str, str]]] = {
    "feeling_reflected": [
        ("That sounds so tiring, having to ring the energy company every week.", "", "empathy"),
        ("You must feel let down by the courier after all that.", "", "empathy"),
        ("You must have felt humiliated when the alarm went off at the exit.", "", "empathy"),
        ("It sounds like the whole renovation has worn you down.", "", "empathy"),
        ("I can see why the letter left you so anxious.", "", "empathy"),
        ("It must be really disheartening to see the same fault come back.", "", "empathy"),
        ("You seem really rattled by what the driver said.", "", "empathy"),
    ],
    "affirmed_and_reassured": [
        ("You did the right thing ringing us before paying.", "", "reassurance"),
        ("It's clear you care about getting your mum's account right.", "", "reassurance"),
        ("Things will get better once the new line is installed.", "", "reassurance"),
        ("You're not alone, this happens to plenty of passengers.", "", "reassurance"),
        ("It's good that you spotted the error so early.", "", "reassurance"),
        ("You can do this, the hardest part is over.", "", "reassurance"),
        ("I know you'll find the right flat soon.", "", "reassurance"),
    ],
    "knowledge_and_experience_shared": [
        ("In my experience the garage is quick with warranty jobs.", "", "inform"),
        ("There are support groups for people caring for a parent with dementia.", "", "inform"),
        ("Most airlines keep lost luggage for three months.", "", "inform"),
        ("I have a neighbour who had the same boiler for twenty years.", "", "inform"),
        ("Many insurers cover accidental damage on phones bought on credit.", "", "inform"),
        ("There are free apps that track your spending for you.", "", "inform"),
        ("A lot of people find the evening classes easier to fit in.", "", "inform"),
    ],
    "situation_restated": [
        ("So you're saying the new meter was never switched on.", "", "paraphrase"),
        (
            "It seems like the missed payments are what's making you feel stuck.",
            "",
            "paraphrase",
        ),
        ("So the dentist cancelled twice and now says you're off the list.", "", "paraphrase"),
        ("You've been waiting since March for the loft to be insulated.", "", "paraphrase"),
        (
            "If I understand right, the shop refused the return because the box was opened.",
            "",
            "paraphrase",
        ),
        ("Three tickets for the Saturday matinee?", "", "paraphrase"),
    ],
    "found_and_put_forward": [
        ("Another option is the riverside campsite.", "", "solution"),
        ("I've found three rooms that match your dates.", "", "solution"),
        ("The Blue Door is a lovely little restaurant near the harbour.", "", "solution"),
    ],
}

CASES = [
    pytest.param(text, context, family, id=f"{kind}-{i}")
    for kind, rows in PRIMARY.items()
    for i, (text, context, family) in enumerate(rows)
]


@pytest.fixture(scope="module")
def read(analyse):
    def run(text: str, context: str) -> list[str]:
        return [m["move"] for m in analyse(text, "en", context)["moves"]]

    return run


@pytest.mark.parametrize(("text", "context", "family"), CASES)
def test_the_primary_family_follows_the_definitions(read, text, context, family):
    moves = read(text, context)
    assert moves and MOVE_FAMILIES[moves[0]] == family, (text, moves)


@pytest.mark.parametrize(
    "text",
    [
        "You can do it, I know the forms are long.",
        "I believe you can get through the audit.",
    ],
)
def test_encouragement_is_not_read_as_advice(read, text):
    moves = read(text, "")
    assert moves[0] in ("reassurance", "praise"), moves
    assert "offer_solution" not in moves


@pytest.mark.parametrize(
    "text",
    [
        "I've found a problem with the direct debit you set up.",
        "That's a great choice for a first car.",
    ],
)
def test_look_alikes_are_no_offer(read, text):
    moves = read(text, "")
    assert moves and MOVE_FAMILIES[moves[0]] != "solution", moves
