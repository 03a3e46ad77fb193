"""Bad service in polite words is still bad service (issue 13/14; found with session 7's blind
bad-agent scripts, where such agents left customers calm and 'ongoing').

Cue rules alone; sentences written for this test, across service domains. Seed basis: 001 and
003 (do not blame the customer, do not argue, do not hide behind rules or say nothing more can
be done), 002 §2 (the customer's age or skill is never the customer's fault).
"""

from __future__ import annotations

import pytest

from practice.vocabulary import NEGATIVE_MOVES
from scoring.analysis import analyze


def _moves(text: str, lang: str) -> list[str]:
    return [m["move"] for m in analyze(text, lang, context="", nlu=None)["moves"]]


def _negative(moves: list[str]) -> bool:
    return any(m in NEGATIVE_MOVES for m in moves)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("An error like that normally means someone has changed the settings.", "en"),
        ("You really shouldn't leave the charger plugged in overnight.", "en"),
        ("I'm afraid we don't do installation walkthroughs over the phone.", "en"),
        ("Refunds go in order of request, whoever you are.", "en"),
        ("Most customers don't have any problem with it.", "en"),
        ("I'm not sure what else you were expecting.", "en"),
        ("That's all I can do for you.", "en"),
        ("我能做的就这些了。", "zh"),
        ("没别的办法了，只能这样。", "zh"),
        ("这是正常现象，多用几天就好了。", "zh"),
        ("不管谁来我们都是按统一标准处理的。", "zh"),
        ("您这个岁数用这种确实费劲。", "zh"),
        ("当初就不该买这个型号。", "zh"),
        ("实在不会用就退了吧。", "zh"),
    ],
)
def test_bad_service_in_polite_words_reads_as_negative(text: str, lang: str) -> None:
    assert _negative(_moves(text, lang)), _moves(text, lang)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("I'm afraid we can't do a refund, but I can send a new one today.", "en"),
        ("That's all I can do today, and I'll call you tomorrow with the rest.", "en"),
        ("A blinking light usually means the router has restarted.", "en"),
        ("You shouldn't have to wait that long, I'm sorry.", "en"),
        ("这不是正常现象，我马上给您换。", "zh"),
        ("我们会按统一标准给您补偿。", "zh"),
        ("如果当初就不该买，我们可以给您退。", "zh"),
    ],
)
def test_the_same_words_doing_right_by_the_customer_are_not_negative(text: str, lang: str) -> None:
    assert not _negative(_moves(text, lang)), _moves(text, lang)
