"""English reading of comfort, restatement, experience and advice (issue 14, English half).

The kinds of ../shared/moves.md that emotional-support replies, and a trainee calming an upset
customer, keep mixing up: reassurance ("that's normal", "you're not alone", "you did the right
thing", "you'll get through this") versus empathy ("that sounds hard"); paraphrase ("so you feel
X because Y", "…, is that right?") versus empathy; inform (the writer's own experience, facts)
versus offer_solution (the other person is to do something). Each sentence here was written for
this test and is in no training file (rasa_project/data/nlu/reading_s6_en.yml trains the same
kinds in other words); each asserts the primary move of the full reading (trained NLU + cues).
"""

from __future__ import annotations

import pytest

from scoring.analysis import load_cues

#: (reply, the customer's previous message or "", expected primary move)
PRIMARY: dict[str, list[tuple[str, str, str]]] = {
    # moves.md reassurance: normalising what the person feels or goes through
    "normalising": [
        ("It's completely normal to feel wobbly after a car accident.", "", "reassurance"),
        ("Feeling homesick in the first term is really common.", "", "reassurance"),
        ("Loads of new managers feel like impostors at first, honestly.", "", "reassurance"),
        (
            "That's perfectly normal for a new boiler, it settles after a week.",
            "It's making a clicking noise.",
            "reassurance",
        ),
    ],
    "not_alone_right_thing_not_your_fault": [
        ("You're not the only one who finds the new app confusing.", "", "reassurance"),
        ("You did the right thing reporting the card stolen straight away.", "", "reassurance"),
        ("None of this was your fault, the courier left it at the wrong door.", "", "reassurance"),
    ],
    "confidence_in_the_person": [
        ("I know you'll smash the driving test on Friday.", "", "reassurance"),
        ("You're going to be just fine in the new team.", "", "reassurance"),
        ("I have every confidence in you.", "", "reassurance"),
    ],
    # naming the feeling, then turning to comfort: the comfort leads
    "feeling_then_but_comfort": [
        ("That sounds stressful, but I'm sure the vet will sort him out.", "", "reassurance"),
        ("I know it's hard right now, but you will get through the exams.", "", "reassurance"),
    ],
    "affirming_a_plan": [
        ("That sounds like a great plan for the weekend.", "", "reassurance"),
        ("Signing up for the night class was a brave decision.", "", "reassurance"),
    ],
    "praise_of_the_person": [
        ("It takes real guts to ask your boss for a raise.", "", "praise"),
        ("You seem like someone who always puts the kids first.", "", "praise"),
    ],
    # the contrast: naming or validating the feeling alone stays empathy
    "feeling_alone_is_empathy": [
        ("That sounds absolutely exhausting.", "", "empathy"),
        ("I can only imagine how let down you felt.", "", "empathy"),
        ("I understand you're upset about the bill.", "", "empathy"),
    ],
    # moves.md paraphrase: restating the situation with its reason, or checked by a tag
    "restatement_with_its_reason": [
        (
            "So you feel invisible at home because nobody helps with the cleaning.",
            "",
            "paraphrase",
        ),
        (
            "It sounds like you're worried about the rent since your hours were cut.",
            "",
            "paraphrase",
        ),
        (
            "It looks like you've had the same fault come back three times.",
            "",
            "paraphrase",
        ),
    ],
    "restatement_checked_by_a_tag": [
        ("You've been covering for your colleague since May, is that right?", "", "paraphrase"),
        ("Your daughter stopped calling after the wedding, am I right?", "", "paraphrase"),
        ("Correct me if I'm wrong, but the heating went off on Sunday night.", "", "paraphrase"),
    ],
    "understood_facts": [
        ("I understand you've already sent the form twice.", "", "paraphrase"),
        ("I understand your son has been off school for two weeks.", "", "paraphrase"),
    ],
    # moves.md inform: the writer's own experience and facts
    "own_experience_and_facts": [
        ("My dad went through the same operation last spring.", "", "inform"),
        ("I had a landlord like that when I was a student.", "", "inform"),
        ("From what I've heard, the new rules start in June.", "", "inform"),
        ("In my town the food bank opens on Tuesdays and Fridays.", "", "inform"),
    ],
    # moves.md offer_solution: the person is to do something
    "advice_in_everyday_forms": [
        ("What if you texted her first instead of calling?", "", "offer_solution"),
        ("You may need to take a few days off to recover.", "", "offer_solution"),
        ("Let's work out a budget for next month together.", "", "offer_solution"),
        ("Is there a neighbour you could leave a spare key with?", "", "offer_solution"),
        ("That's a lot. Go and get some fresh air before you decide.", "", "offer_solution"),
        ("Have you ever considered a payment plan for the arrears?", "", "offer_solution"),
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


def test_comfort_after_but_keeps_the_feeling_it_named(read):
    moves = read("That must be so frustrating, but I know you'll get the deposit back.", "")
    assert moves[0] == "reassurance"
    assert "empathy" in moves


def test_a_restatement_keeps_the_feeling_and_the_check(read):
    moves = read("So you're anxious about the results because the scan was delayed, right?", "")
    assert moves[0] == "paraphrase"
    assert "empathy" in moves


@pytest.mark.parametrize(
    "text",
    [
        "Just trust me, you don't know anything about phones.",  # a put-down, not comfort
        "You'll just have to wait like everyone else.",  # a brush-off, not advice
    ],
)
def test_comfort_and_advice_words_do_not_hide_a_red_line(read, text):
    moves = read(text, "")
    assert moves[0] not in {"reassurance", "praise", "offer_solution"}, (text, moves)


def test_no_english_cue_group_matches_an_empty_or_neutral_reply():
    # an alternation with an empty branch ("a|") matches everywhere and turns every reply into
    # that move; the groups the cue rules read must each need some words of their own
    rules = load_cues("en")
    for group in rules.groups:
        for pattern in group.patterns:
            for text in ("", "table", "The blue one."):
                found = pattern.fullmatch(text) if group.whole else pattern.search(text)
                assert found is None, (group.id, text)
