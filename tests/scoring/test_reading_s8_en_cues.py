"""English cue rules of session 8 (issue 14), read without a classifier (cue rules alone).

Supporters' and agents' habits the reading missed: advice asked as a question about what the
person could do, affirmations of what the person has or did said as a verdict, normalising
("others go through the same"), and a restating frame that opens the question it restates.
Each kind comes with look-alikes that must keep their reading. Sentences written for these tests
(../shared/moves.md definitions).
"""

from __future__ import annotations

import pytest

from scoring.analysis import analyze


def moves(text: str, context: str = "") -> list[str]:
    return [m["move"] for m in analyze(text, "en", context)["moves"]]


@pytest.mark.parametrize(
    "text",
    [
        "Is it possible to raise it with your landlord before the lease ends?",
        "Would it be an option to split the payment over two months?",
        "Would you feel comfortable telling your sister how much it hurt?",
        "Would you be open to trying a different charger first?",
        "Have you had a chance to speak to the bank about the second charge?",
        "Have you let your manager know you're covering two shifts?",
        "Have you discussed the noise with the neighbours?",
        "Have you seen a doctor about the headaches?",
        "Could you perhaps ask the courier to leave it with a neighbour?",
    ],
)
def test_advice_asked_as_a_question_proposes(text: str) -> None:
    assert moves(text)[0] == "offer_solution"


@pytest.mark.parametrize(
    ("text", "move"),
    [
        # a request for something from the customer stays a question
        ("Would it be possible to send me a photo of the label?", "closed_question"),
        ("Could you possibly tell me the order number?", "closed_question"),
        ("Could you maybe confirm the postcode for me?", "closed_question"),
        # a question about what happened asks for a fact
        ("Have you received the confirmation email yet?", "closed_question"),
    ],
)
def test_requests_and_fact_questions_stay_questions(text: str, move: str) -> None:
    assert moves(text)[0] == move


@pytest.mark.parametrize(
    "text",
    [
        "A 92 on the driving theory test is a great result!",
        "That's really thoughtful of you.",
        "Wow, that is terrific!",
        "Three months of sobriety is huge.",
        "Your new routine sounds wonderful.",
        "There are plenty of other parents who are going through the same thing.",
        "There may be other tenants in the building dealing with it too.",
        "We're all in this together.",
        "Everyone moves at their own pace.",
    ],
)
def test_affirming_and_normalising_reassure(text: str) -> None:
    assert moves(text)[0] == "reassurance"


@pytest.mark.parametrize(
    ("text", "move"),
    [
        # an option put forward, not a verdict on what the person did
        ("There is a lovely two-bedroom flat on Mill Road for $1,900 a month.", "inform"),
        # people who can help: information about where help is
        ("There are lots of people at the advice centre who can help with forms.", "inform"),
        # a verdict that goes on to advise
        ("Walking after dinner is a great way to unwind.", "offer_solution"),
    ],
)
def test_look_alikes_keep_their_reading(text: str, move: str) -> None:
    assert moves(text)[0] == move


@pytest.mark.parametrize(
    "text",
    [
        "If I heard you right, your landlord kept the whole deposit?",
        "If I understand correctly, the refund went to your old card?",
        "Correct me if I'm wrong, you were charged twice in May?",
        "Are you telling me the engineer never turned up?",
    ],
)
def test_restating_frame_opens_the_question_it_restates(text: str) -> None:
    assert moves(text)[0] == "paraphrase"


@pytest.mark.parametrize(
    "text",
    [
        "It sounds like you don't feel listened to by the school.",
        "You must feel so taken for granted after all those extra shifts.",
        "You seem to be feeling really torn between the two offers.",
        "You don't feel valued at work anymore.",
    ],
)
def test_more_named_feelings_are_empathy(text: str) -> None:
    assert moves(text)[0] == "empathy"


@pytest.mark.parametrize(
    ("text", "move"),
    [
        # "not alone" comforts, it names no feeling
        ("You're not alone in feeling this way.", "reassurance"),
        # an invitation to say more is a question, not advice
        ("Can you talk more about what happened at the branch?", "open_question"),
        ("Could you talk me through what the engineer did?", "open_question"),
        # ... while talking to someone else is advice
        ("Could you talk to your manager about the rota?", "offer_solution"),
    ],
)
def test_feeling_and_invitation_look_alikes(text: str, move: str) -> None:
    assert moves(text)[0] == move


@pytest.mark.parametrize(
    ("text", "move"),
    [
        ("Think about what you'd want from the next job before you apply.", "offer_solution"),
        ("Don't sign anything until the surveyor has been.", "offer_solution"),
        ("Ask around at the library, they often know of local groups.", "offer_solution"),
        ("A few days away from the screen would be really good for you.", "offer_solution"),
        # comfort and an open door keep their readings
        ("Don't worry, the deposit is protected.", "reassurance"),
    ],
)
def test_advice_as_an_imperative_or_as_what_does_good(text: str, move: str) -> None:
    assert moves(text)[0] == move
