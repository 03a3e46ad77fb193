"""A remedy or an arrangement stated as what will happen, with who, where and when, proposes it
(session 10; seed 003 Ch3.1 step 5: solve and give the expected time); it is not the empty
guarantee or made-up urgency the deceive move is. Each sentence here was written for this test
and is in no training file (rasa_project/data/nlu/arranged_s10.yml trains the same kind in other
words); each asserts the family of the primary move of the full reading (trained NLU + cues)."""

from __future__ import annotations

import pytest

from practice.vocabulary import MOVE_FAMILIES

ARRANGED = [
    ("A bottle of wine will be waiting at your table for the birthday tonight.", "en"),
    ("The plumber will be with you between one and three this afternoon.", "en"),
    ("A replacement kettle will be sent out today and reach you on Tuesday.", "en"),
    ("The spare key will be left at reception for you from 4 pm.", "en"),
    ("师傅明天下午两点到四点之间上门换滤芯。", "zh"),
    ("新键盘周三前给您送到，旧的到时候快递员一起带走。", "zh"),
]
EMPTY_PROMISES = [
    ("I promise this phone will never slow down, ever.", "en"),
    ("This price will be gone in ten minutes, you have to decide now.", "en"),
    ("这台冰箱保证二十年都不会坏。", "zh"),
]


@pytest.mark.parametrize(("text", "lang"), ARRANGED)
def test_an_arrangement_with_who_and_when_proposes(analyse, text, lang):
    moves = [m["move"] for m in analyse(text, lang, "")["moves"]]
    assert moves and MOVE_FAMILIES[moves[0]] == "solution", (text, moves)
    assert "deceive" not in moves


@pytest.mark.parametrize(("text", "lang"), EMPTY_PROMISES)
def test_an_empty_guarantee_or_made_up_urgency_is_still_deceit(analyse, text, lang):
    moves = [m["move"] for m in analyse(text, lang, "")["moves"]]
    assert any(MOVE_FAMILIES[m] == "negative" for m in moves), (text, moves)
