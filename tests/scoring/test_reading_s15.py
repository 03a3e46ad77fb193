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
