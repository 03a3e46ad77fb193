"""English cue rules of session 9 (issue 14), read without a classifier (cue rules alone).

A trainee comforting an upset customer writes much like a supporter, and a service agent names
what was found for the customer: options named ("Another option is…", "I've found two…"), found
things put forward with a word in their favour ("The Grand is a lovely hotel…"), general
knowledge and experience shared ("there are charities that…", "most banks have…", "I have a
friend who…"), encouragement that is no advice ("you can do it"), the feeling seen in the person
("you seem really shaken"), what is doing it to the person restated ("the fees are what's making
you feel cornered"), booking details asked back ("2 seats for Friday at 8?"). Each kind comes
with look-alikes that must keep their reading. Sentences written for these tests
(../shared/moves.md definitions).
"""

from __future__ import annotations

import pytest

from practice.vocabulary import MOVE_FAMILIES
from scoring.analysis import analyze


def moves(text: str, context: str = "") -> list[str]:
    return [m["move"] for m in analyze(text, "en", context)["moves"]]


def cues(text: str) -> set[str]:
    return {c["cue"] for c in analyze(text, "en")["cues"]}


@pytest.mark.parametrize(
    "text",
    [
        "Another option is the riverside campsite.",
        "A cheaper alternative would be the off-peak return.",
        "The Linden is another option if you want to be near the station.",
        "It's another four-star hotel, a little further out.",
        "I've found two flights that land before noon.",
        "I have got three rooms free on those dates.",
        "I've lined up a couple of plumbers who can come on Monday.",
    ],
)
def test_an_option_named_for_the_customer_is_an_offer(text: str) -> None:
    assert "option_named" in cues(text)
    assert moves(text)[0] == "offer_solution"


@pytest.mark.parametrize(
    "text",
    [
        "I've found a problem with the payment you made.",
        "I found an error on the invoice from March.",
        "I've got a note here saying the engineer called twice.",
    ],
)
def test_a_fault_found_is_no_option(text: str) -> None:
    assert "option_named" not in cues(text)
    assert moves(text)[0] != "offer_solution"


@pytest.mark.parametrize(
    "text",
    [
        "The Blue Door is a lovely little restaurant near the harbour.",
        "A great family-friendly option is the Sea View Inn.",
        "The 7 pm screening is a popular one with families.",
    ],
)
def test_a_found_thing_named_in_its_favour_is_recommended(text: str) -> None:
    assert moves(text)[0] == "recommend"


@pytest.mark.parametrize(
    "text",
    [
        "That's a great choice.",  # a verdict on what the customer chose
        "You are a good person.",
        "This is a great place to start the claim.",
    ],
)
def test_a_verdict_on_the_customer_is_not_a_recommendation(text: str) -> None:
    assert "recommend_named" not in cues(text)


@pytest.mark.parametrize(
    "text",
    [
        "There are charities that help with funeral costs.",
        "There are free apps that track your spending for you.",
        "Most airlines keep lost luggage for three months.",
        "Many insurers cover accidental damage on phones bought on credit.",
        "A lot of people find the evening classes easier to fit in.",
        "Plenty of tenants say the second viewing is when they spot the damp.",
        "I have a neighbour who had the same boiler for twenty years.",
        "It's well known that the first bill after a move is an estimate.",
    ],
)
def test_general_knowledge_and_experience_inform(text: str) -> None:
    assert moves(text)[0] == "inform"


@pytest.mark.parametrize(
    ("text", "move"),
    [
        # comfort that others go through the same stays reassurance
        ("Lots of people find it really hard at first.", "reassurance"),
        ("Lots of people feel the same way after a burglary.", "reassurance"),
        # advice stays advice
        ("You could ask the council for a bulky collection.", "offer_solution"),
    ],
)
def test_comfort_and_advice_keep_their_reading(text: str, move: str) -> None:
    assert moves(text)[0] == move


@pytest.mark.parametrize(
    "text",
    [
        "You can do it!",
        "I believe you can get through this.",
        "I think you can handle the new system just fine.",
        "You can do this, the hardest part is over.",
    ],
)
def test_encouragement_is_no_advice(text: str) -> None:
    got = moves(text)
    assert got[0] == "reassurance"
    assert "offer_solution" not in got


@pytest.mark.parametrize(
    "text",
    [
        "You can try restarting the router first.",
        "I think you can ask the hotel for a late checkout.",
        "You can get it replaced at any branch.",
    ],
)
def test_can_advice_is_still_advice(text: str) -> None:
    assert moves(text)[0] == "offer_solution"


@pytest.mark.parametrize(
    "text",
    [
        "You seem really shaken by what the driver said.",
        "You sound worn out after the week you've had.",
        "You look so disheartened about the fitting.",
    ],
)
def test_the_feeling_seen_in_the_person_is_empathy(text: str) -> None:
    assert moves(text)[0] == "empathy"


@pytest.mark.parametrize(
    "text",
    [
        "It's clear you care about your customers.",
        "It's obvious how much you love that dog.",
    ],
)
def test_affirming_what_the_person_cares_about(text: str) -> None:
    assert MOVE_FAMILIES[moves(text)[0]] == "reassurance"


@pytest.mark.parametrize(
    "text",
    [
        "It seems like the late fees are what's making you feel cornered.",
        "So the noise from the flat upstairs is keeping you up.",
        "It sounds like the move has left you worn out.",
        "Sounds like the new rota makes you feel invisible.",
    ],
)
def test_what_is_doing_it_to_the_person_restated_leads(text: str) -> None:
    got = moves(text)
    assert got[0] == "paraphrase", got


@pytest.mark.parametrize(
    "text",
    [
        "2 seats for the 8 pm show on Friday?",
        "One double room for three nights from the 4th?",
        "Okay. You want 3 tickets for the matinee?",
    ],
)
def test_booking_details_asked_back_restate(text: str) -> None:
    assert moves(text)[0] == "paraphrase"


def test_a_bare_correct_tag_checks_the_details() -> None:
    got = moves("A table for four at 7:30 on Saturday, correct?")
    assert got[0] == "paraphrase"
    assert "confirm" in got


@pytest.mark.parametrize(
    "text",
    [
        "Stay positive, the engineer will have it working by Friday.",
        "Please don't give up, you're nearly through the paperwork.",
        "Don't be so hard on yourself, anyone could miss that email.",
        "Be proud of yourself for sorting the accounts on your own.",
    ],
)
def test_encouragement_as_an_imperative_is_reassurance(text: str) -> None:
    assert moves(text)[0] == "reassurance"


@pytest.mark.parametrize(
    "text",
    [
        # a remedy put first leads; giving up on something is no encouragement
        "Call the bank to cancel the card, and try not to blame yourself.",
        "Don't give up on the claim, send the photos today.",
    ],
)
def test_a_remedy_with_encouragement_still_offers(text: str) -> None:
    assert moves(text)[0] == "offer_solution"


@pytest.mark.parametrize(
    "text",
    [
        "Do you have a neighbour who could take the parcel in?",
        "Is there anyone at the branch you could speak to?",
        "Are you familiar with our price-match scheme?",
        "Have you been able to see a GP about it?",
        "Have you tried using the app instead?",
    ],
)
def test_a_source_of_help_asked_about_proposes_it(text: str) -> None:
    assert moves(text)[0] == "offer_solution"


@pytest.mark.parametrize(
    "text",
    [
        "Do you have your order number?",
        "Have you used the app before?",
        "Have you joined the loyalty scheme yet?",
    ],
)
def test_a_fact_asked_for_stays_a_question(text: str) -> None:
    assert moves(text)[0] == "closed_question"


@pytest.mark.parametrize(
    "text",
    [
        "It's hard to watch your car sit in the garage for weeks.",
        "That's a tough decision to make on your own.",
        "Losing the deposit is a hard pill to swallow.",
        "The anger and the worry are natural reactions.",
        "It's understandable that you want the money back first.",
    ],
)
def test_the_difficulty_validated_is_empathy(text: str) -> None:
    assert moves(text)[0] == "empathy"


@pytest.mark.parametrize(
    "text",
    [
        "It is hard to say when the part will arrive.",
        "It's difficult to find the form on our site, here is the link.",
    ],
)
def test_a_hard_fact_is_no_feeling(text: str) -> None:
    assert "empathy" not in moves(text)


@pytest.mark.parametrize(
    ("text", "rude"),
    [
        ("Honestly, this is basic stuff.", True),
        ("I can't believe you're asking that again.", True),
        ("It is basic stuff, but easy to miss, so here is the guide.", False),
        ("This is basic information about your tariff.", False),
    ],
)
def test_contempt_for_what_the_customer_knows(text: str, rude: bool) -> None:
    assert ("rude" in moves(text)) is rude
