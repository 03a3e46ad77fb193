"""Supportive and service phrasing read by the cue rules alone (session 11, issue 14: kinds the
reading still missed on outside emotional-support text): a remedy put forward through what helped
the speaker, advice as what the speaker would (not) do in the person's place, sympathy for what
other people did, and clauses that open like a question but state something ("What matters is
that you're safe", "When this all started, nobody knew…"). Each kind is tested with its
counterpart in similar words that must keep its reading. Sentences written for these tests
(seed 001 cases of other buyers and 复述情感, 000 §2, 003 ch3, 004 ch1)."""

from __future__ import annotations

import pytest

from practice.vocabulary import MOVE_FAMILIES, QUESTION_MOVES
from scoring.analysis import analyze


def moves(text: str, lang: str = "en", context: str = "") -> list[str]:
    return [m["move"] for m in analyze(text, lang, context)["moves"]]


def primary_family(text: str, lang: str = "en") -> str:
    found = moves(text, lang)
    assert found, text
    return MOVE_FAMILIES[found[0]]


@pytest.mark.parametrize(
    "text",
    [
        "Keeping a diary of every call helped me a lot when I fought my phone bill.",
        "I find a cup of tea and ten minutes outside really helps when the shop gets hectic.",
        "Unplugging the printer for a minute has always helped me with that error.",
        "It helped me when I was waiting on my own visa to keep the papers in one folder.",
        "I found that booking the earliest slot helps, the waiting room is empty.",
    ],
)
def test_what_helped_the_speaker_is_put_forward(text: str) -> None:
    assert "offer_solution" in moves(text), moves(text)
    assert primary_family(text) == "solution", moves(text)


@pytest.mark.parametrize(
    "text",
    [
        "Thanks, that helps me a lot.",
        "You've helped me so much with the forms.",
        "That helps me find your booking faster.",
    ],
)
def test_thanks_and_what_helps_the_agent_propose_nothing(text: str) -> None:
    assert "offer_solution" not in moves(text), moves(text)


@pytest.mark.parametrize(
    "text",
    [
        "我之前也总睡不好，睡前泡泡脚对我特别管用。",
        "我自己的洗衣机也报过这个错，断电十分钟再开机，每次都有用。",
    ],
)
def test_what_helped_the_speaker_is_put_forward_zh(text: str) -> None:
    assert primary_family(text, "zh") == "solution", moves(text, "zh")


def test_thanks_for_the_advice_is_no_remedy_of_ones_own_zh() -> None:
    assert "offer_solution" not in moves("谢谢您，您说的对我很有帮助。", "zh")


@pytest.mark.parametrize(
    "text",
    [
        "I wouldn't sign anything until the survey comes back.",
        "Honestly, I would not lend him the money again.",
        "I would be firm with the garage about the quote they gave you.",
    ],
)
def test_what_the_speaker_would_do_in_your_place_advises(text: str) -> None:
    assert primary_family(text) == "solution", moves(text)


@pytest.mark.parametrize(
    "text",
    [
        "I would be upset too if they'd lost my parcel twice.",
        "I would love to hear how the move went.",
    ],
)
def test_a_feeling_or_wish_of_the_speaker_advises_nothing(text: str) -> None:
    assert "offer_solution" not in moves(text), moves(text)


@pytest.mark.parametrize(
    "text",
    [
        "I'm so sorry they treated you like that at the counter.",
        "Sorry your landlord spoke to you that way.",
        "I'm sorry people were so dismissive when you asked.",
    ],
)
def test_sympathy_for_what_others_did_is_empathy(text: str) -> None:
    assert "empathy" in moves(text), moves(text)


def test_an_apology_for_our_doing_stays_an_apology() -> None:
    assert moves("I'm so sorry we sent you the wrong size.")[0] == "apology"


@pytest.mark.parametrize(
    "text",
    [
        "What matters most right now is that you're safe.",
        "What usually happens is the bank holds the payment for a day.",
        "What you're describing is a known fault with that model.",
        "When the clocks change, the timetable moves by an hour.",
        "When you get a minute, send me a photo of the label.",
    ],
)
def test_a_clause_that_only_opens_like_a_question_asks_nothing(text: str) -> None:
    assert not set(moves(text)) & set(QUESTION_MOVES), moves(text)


@pytest.mark.parametrize(
    "text",
    [
        "what is your order number",
        "when did it arrive",
        "when you say broken, what do you mean",
        "what do you think",
    ],
)
def test_questions_typed_without_a_question_mark_still_ask(text: str) -> None:
    assert set(moves(text)) & set(QUESTION_MOVES), moves(text)


@pytest.mark.parametrize(
    "text",
    [
        "Blackout curtains can help.",
        "A warm bath before bed might really help you switch off.",
        "Sometimes a second quote can help with a repair that size.",
    ],
)
def test_a_thing_said_to_help_is_a_remedy(text: str) -> None:
    assert primary_family(text) == "solution", moves(text)


@pytest.mark.parametrize(
    "text",
    [
        "Nothing will help at this point.",
        "What would help you most right now?",
    ],
)
def test_a_question_or_a_denial_of_help_is_no_remedy(text: str) -> None:
    assert "offer_solution" not in moves(text), moves(text)


@pytest.mark.parametrize(
    "text",
    [
        "I can help with that.",
        "Sure, we can help you sort out the refund.",
        "Of course, I'd be happy to help you with the forms.",
    ],
)
def test_the_agents_commitment_to_help_reassures_and_brushes_nothing_off(text: str) -> None:
    found = moves(text)
    assert MOVE_FAMILIES[found[0]] == "reassurance", found
    assert not {MOVE_FAMILIES[m] for m in found} & {"negative"}, found


@pytest.mark.parametrize(
    "text",
    [
        "Is there anything else I can help you with?",
        "I'm glad I could help.",
    ],
)
def test_closing_courtesies_about_help_are_no_commitment(text: str) -> None:
    assert "reassurance" not in moves(text), moves(text)


def test_refusing_to_help_stays_a_brush_off() -> None:
    assert "dismiss" in moves("I can't help with that, you'll have to ring the bank.")
