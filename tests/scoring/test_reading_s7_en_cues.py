"""English cue rules and steps of session 7, read without a classifier (cue rules alone).

Contractions as people type them ("I'll", "we'll", "I'd", typographic apostrophes), the feeling
named in more ways, exclamations that are no questions, agreement checks, advice framed as a
suggestion, the question asked after the feeling, and the blunt negatives with their kind
look-alikes. Sentences written for these tests (../shared/moves.md definitions).
"""

from __future__ import annotations

import pytest

from scoring.analysis import analyze


def moves(text: str, context: str = "") -> list[str]:
    return [m["move"] for m in analyze(text, "en", context)["moves"]]


@pytest.mark.parametrize(
    ("text", "move"),
    [
        # contractions typed without the space the old patterns expected
        ("I'll make sure the engineer calls ahead.", "reassurance"),
        ("We'll sort it before Friday.", "reassurance"),
        ("It'll be fine once the update finishes.", "reassurance"),
        ("I'd be annoyed too.", "empathy"),
        ("I'll send a new charger today.", "offer_solution"),
        ("We’ll refund the delivery fee.", "offer_solution"),  # typographic apostrophe
        ("I’m sure you’ll find a flat you like.", "reassurance"),
        # the feeling named
        ("That has to be infuriating.", "empathy"),
        ("I can tell how worried you are about the deposit.", "empathy"),
        ("No wonder you're fed up with the noise.", "empathy"),
        ("It's so frustrating when a delivery doesn't show up.", "empathy"),
        ("You have every right to be annoyed.", "empathy"),
        ("I totally understand.", "empathy"),
        # exclamations are no questions
        ("What a week you've had with the movers.", "empathy"),
        # agreement checks
        ("Are you comfortable with that?", "confirm"),
        ("Is that fair?", "confirm"),
        ("Sound good?", "confirm"),
        ("Shall I go ahead and process it?", "confirm"),
        # commitments and calm
        ("Leave it with me.", "reassurance"),
        ("You're not on your own with this.", "reassurance"),
        ("No need to apologise, you've done nothing wrong.", "reassurance"),
        # the point restated
        ("So it sounds like the delay is what hurts most.", "paraphrase"),
        ("What I'm hearing is that the second charge is the real problem.", "paraphrase"),
        # how long things take
        ("Most orders like this arrive within two days.", "inform"),
        # advice framed as a suggestion or a tip
        ("My suggestion would be to back up your photos first.", "offer_solution"),
        ("One thing that usually works is unplugging the router for a minute.", "offer_solution"),
        ("It might be worth calling the bank first.", "offer_solution"),
        # blunt negatives
        ("You misunderstood, the offer ended on Sunday.", "argue"),
        ("Out of stock is out of stock.", "dismiss"),
        ("Refunds take as long as they take.", "dismiss"),
        ("Parcel claims go through the courier, not us.", "dismiss"),
        ("Your password was 1234, that's why you got hacked.", "blame_customer"),
    ],
)
def test_primary_move_from_the_cue_rules(text, move):
    found = moves(text)
    assert found and found[0] == move, (text, found)


@pytest.mark.parametrize(
    "text",
    [
        "I don't understand.",
        "I understand the error message now.",
        "It's hard to say when it will arrive.",
        "It's important to note that the warranty ends in May.",
        "Are you okay?",  # a wellbeing question, not an agreement check
    ],
)
def test_look_alikes_keep_their_own_reading(text):
    found = moves(text)
    assert "empathy" not in found[:1] and "offer_solution" not in found[:1], (text, found)
    if text == "Are you okay?":
        assert found[0] == "closed_question", found


@pytest.mark.parametrize(
    "text",
    [
        "That's not weakness, it's good sense to ask.",
        "I might have misunderstood, sorry.",
        "You've been waiting all week, that's why you're upset.",
        "The hotel is the best in town.",
        "Your kids will love it, not just you.",
    ],
)
def test_kind_or_neutral_replies_get_no_negative_move(text):
    negatives = {"blame_customer", "argue", "rude", "dismiss", "deceive"}
    assert not negatives & set(moves(text)), (text, moves(text))


def test_a_question_after_the_feeling_leads_and_the_feeling_stays():
    found = moves("That sounds really stressful. When did the leak start?")
    assert found[:2] == ["closed_question", "empathy"], found


def test_a_question_before_the_feeling_keeps_the_order():
    found = moves("When did the leak start? That sounds really stressful.")
    assert found[0] == "empathy", found


def test_a_restatement_asked_as_a_question_is_not_reordered():
    found = moves("Right. So you're saying the fridge stopped on Monday?")
    assert found[0] == "paraphrase", found


@pytest.mark.parametrize(
    ("text", "move"),
    [
        # an apology for what we put the customer through, not sympathy
        ("I'm sorry you had to chase us for the refund.", "apology"),
        ("Sorry you were kept waiting on the line.", "apology"),
        # sympathy with what the customer goes through
        ("I'm sorry you're dealing with all this.", "empathy"),
        # a commitment, not a goodbye
        ("I'll take care of the paperwork for you.", "reassurance"),
        ("Thanks for calling, stay safe.", "thanks_closing"),
        # a call at a stated time is a follow-up; "to confirm" mid-sentence restates nothing
        ("I'll ring you on Friday to confirm the part has arrived.", "follow_up"),
    ],
)
def test_apology_sympathy_commitment_and_follow_up_are_told_apart(text, move):
    found = moves(text)
    assert found and found[0] == move, (text, found)
