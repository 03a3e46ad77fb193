"""Session 15 (issue 14): readings the cue rules make on their own.

- A reply that opens with a greeting and then asks is the question first, the greeting second
  (English; analysis.greeting_then_question_leads_s15). A bare greeting, a greeting before a
  statement, a greeting before a proposal asked as a question and Chinese openings keep their
  reading.
Sentences written for these tests, across service and everyday domains.
"""

from __future__ import annotations

import pytest

from practice.vocabulary import MOVE_FAMILIES, QUESTION_MOVES
from scoring.analysis import analyze


def moves(text: str, lang: str = "en", context: str = "") -> list[str]:
    return [m["move"] for m in analyze(text, lang, context)["moves"]]


@pytest.mark.parametrize(
    "text",
    [
        "Hi there, how are you doing today?",
        "Good morning! What brings you in today?",
        "Hello, my name is Priya from the help desk. Could I take your account number?",
        "Hey! How's the new flat treating you?",
        "Good evening, which branch did you visit?",
    ],
)
def test_a_greeting_then_a_question_asks_first_s15(text: str) -> None:
    found = moves(text)
    assert found[0] in QUESTION_MOVES, found
    assert "greeting" in found, found


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("Hello!", "greeting"),
        ("Good afternoon, and welcome to the clinic.", "greeting"),
        ("Hey, have you tried restarting the router?", "solution"),
        ("Hello, so you are saying the parcel never came?", "paraphrase"),
    ],
)
def test_other_openings_keep_their_reading_s15(text: str, family: str) -> None:
    found = moves(text)
    assert found and MOVE_FAMILIES[found[0]] == family, found


def test_a_chinese_opening_keeps_the_greeting_first_s15() -> None:
    assert moves("王姐您好，今天想看点什么？", "zh")[0] == "greeting"


# --- how things are, said as a fact (cue group inform_how_things_are_s15) -------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("It was on the news that the rail strike ends on Friday.", "en"),
        ("Apparently the library has moved to the old post office.", "en"),
        ("In most cases the claim goes to an assessor first.", "en"),
        ("Landlords tend to inspect the flat after six months.", "en"),
        ("From what I've learned, the boiler warranty only covers parts.", "en"),
        ("There are vets who say older cats need more water in summer.", "en"),
        ("You're within your rights to ask for a copy of the contract.", "en"),
        # a statement that opens with "where I live" asks nothing
        ("Where I live the buses run every ten minutes.", "en"),
        ("Where I work, we get two weeks off at Christmas.", "en"),
        ("新闻上说下个月地铁要调价。", "zh"),
        ("一般来说，押金在退租后十天内退回。", "zh"),
        ("据统计，大部分用户三天内就能收到退款。", "zh"),
    ],
)
def test_how_things_are_informs_s15(text: str, lang: str) -> None:
    found = moves(text, lang)
    assert found and found[0] == "inform", found


@pytest.mark.parametrize(
    ("text", "lang", "family"),
    [
        # advice after the same openings still proposes
        ("一般来说，您可以先去营业厅问问。", "zh", "solution"),
        ("I'd strongly suggest you back up your photos first.", "en", "solution"),
        ("I highly recommend the annual plan.", "en", "solution"),
        ("That's what I would do in your place.", "en", "solution"),
        # a feeling one is entitled to is validated, not a right explained
        ("You're entitled to feel let down after all that waiting.", "en", "empathy"),
    ],
)
def test_advice_and_feelings_keep_their_reading_s15(text: str, lang: str, family: str) -> None:
    found = moves(text, lang)
    assert found and MOVE_FAMILIES[found[0]] == family, found


def test_where_do_you_live_still_asks_s15() -> None:
    assert moves("Where do you live?")[0] in QUESTION_MOVES


# --- an invitation to tell more is an open question -----------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Tell me more.",
        "Please tell me what happened with the boiler.",
        "Tell me a bit more about the noise it makes.",
        "Could you tell me a little more about the charge?",
        "I'm sorry to hear that. Please tell me about it.",
    ],
)
def test_an_invitation_to_tell_more_is_an_open_question_s15(text: str) -> None:
    assert "open_question" in moves(text), moves(text)
    assert moves(text)[0] == "open_question", moves(text)


def test_a_request_for_a_fact_stays_closed_s15() -> None:
    assert moves("Can you give me your order number?")[0] == "closed_question"


# --- what the person did, acknowledged (cue group affirm_what_they_did_s15) ---------------------


@pytest.mark.parametrize(
    "text",
    [
        "You dealt with the bank very sensibly.",
        "You did well to keep the receipts.",
        "You've navigated the whole visa process really calmly.",
    ],
)
def test_what_the_person_did_is_acknowledged_s15(text: str) -> None:
    found = moves(text)
    assert found and MOVE_FAMILIES[found[0]] == "reassurance", found


@pytest.mark.parametrize(
    "text",
    ["You handled the cable wrong, it snapped.", "We handled your claim well within the deadline."],
)
def test_handling_that_is_no_praise_s15(text: str) -> None:
    assert "praise" not in moves(text), moves(text)
