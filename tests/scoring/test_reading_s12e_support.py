"""Supportive phrasing read by the cue rules alone (session 12, issue 14: kinds the reading still
missed on outside emotional-support text): being there offered, the speaker's own same experience
or feeling, the load or the times named as hard, "what a shame", a fear about oneself denied, a
hope for what will come, and the restating frames "like you said" / "in a way, you're saying".
Each kind is tested with a counterpart in similar words that must keep its reading. Sentences
written for these tests (seed 001 复述情感, 给对方足够的空间发泄情绪,
肯定对方的谈话价值; 003 ch3)."""

from __future__ import annotations

import pytest

from practice.vocabulary import MOVE_FAMILIES
from scoring.analysis import analyze


def moves(text: str, lang: str = "en", context: str = "") -> list[str]:
    return [m["move"] for m in analyze(text, lang, context)["moves"]]


def primary(text: str) -> str:
    found = moves(text)
    assert found, text
    return found[0]


@pytest.mark.parametrize(
    "text",
    [
        "I'm here to listen whenever you want to talk.",
        "That's what I'm here for, take your time.",
        "Feel free to vent, I won't judge.",
        "I'd be glad to be a sounding board while you decide about the course.",
        "We'll get through this together, one form at a time.",
    ],
)
def test_being_there_offered_reassures(text: str) -> None:
    assert primary(text) == "reassurance", moves(text)


@pytest.mark.parametrize(
    "text",
    [
        "I'm not here to listen to this.",
        "Are you still there?",
        "Are you here to listen or to argue?",
    ],
)
def test_refusal_or_question_is_not_being_there(text: str) -> None:
    assert "reassurance" not in moves(text), moves(text)


@pytest.mark.parametrize(
    "text",
    [
        "I went through something similar when my shop closed.",
        "I've felt exactly that way after a bad month at work.",
        "The same thing happened to me with my landlord last year.",
        "I've had trouble sleeping in the past when money was tight.",
        "I get anxious about exams as well.",
        "I've been through my share of rows with the council too.",
    ],
)
def test_same_experience_shared_is_empathy(text: str) -> None:
    assert primary(text) == "empathy", moves(text)


@pytest.mark.parametrize(
    "text",
    [
        "I went through your file and found the order.",
        "I have had the parcel scanned twice.",
    ],
)
def test_going_through_records_is_no_empathy(text: str) -> None:
    assert "empathy" not in moves(text), moves(text)


@pytest.mark.parametrize(
    "text",
    [
        "That's a lot to handle on your own.",
        "Exams on top of a part-time job is a lot to carry.",
        "These are uncertain times for everyone.",
        "Times are hard for a lot of families right now.",
        "This year has been hard on all of us.",
        "The rail strikes have made everything so much harder.",
        "You've got a full plate with the twins and the shop.",
        "What a shame, after all the work you put in.",
    ],
)
def test_hard_load_or_times_named_is_empathy(text: str) -> None:
    assert primary(text) == "empathy", moves(text)


@pytest.mark.parametrize(
    "text",
    [
        "There's a lot to do before Friday, so let's start with the forms.",
        "We have a lot going on this week, so delivery is Friday.",
    ],
)
def test_busy_schedule_is_no_empathy(text: str) -> None:
    assert "empathy" not in moves(text), moves(text)


def test_too_bad_that_blames_stays_negative() -> None:
    found = moves("That's too bad you didn't read the terms.")
    assert "empathy" not in found and MOVE_FAMILIES[found[0]] == "negative", found


@pytest.mark.parametrize(
    "text",
    [
        "It's not weird to miss your old team.",
        "There's nothing wrong with asking for a second opinion.",
        "Your worries are not silly.",
        "The problem lies with the landlord, not you.",
        "There is always someone out there for you.",
        "You may meet someone much better at the new job.",
        "A new term is a fresh start.",
        "Maybe you'll find a job that suits you even better.",
    ],
)
def test_fear_denied_or_hope_ahead_reassures(text: str) -> None:
    assert primary(text) == "reassurance", moves(text)


def test_the_customers_figure_denied_is_no_comfort() -> None:
    assert "reassurance" not in moves("Your bill is not wrong, the rate went up in April.")


@pytest.mark.parametrize(
    "text",
    ["Maybe you could ask the school for an extension.", "Maybe try restarting the router."],
)
def test_maybe_you_could_still_suggests(text: str) -> None:
    assert primary(text) == "offer_solution", moves(text)


@pytest.mark.parametrize(
    "text",
    [
        "Like you said, the first engineer never turned up.",
        "In a way, you're saying the course isn't what was advertised.",
    ],
)
def test_restating_frames_paraphrase(text: str) -> None:
    assert primary(text) == "paraphrase", moves(text)
