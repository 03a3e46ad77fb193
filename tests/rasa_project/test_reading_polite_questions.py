"""A fair question about who uses, buys or pays for something is a question, never a red line.

Before, "这表是您自己买的吗？" was read as blaming the customer (the cue for "您自己买…" blame) and
"Who's paying for it, if you don't mind me asking?" as rude, so the simulated customer took
offence at the second step of the five (理解: understand the need; seed 000, seed 001 提问).
Held-apart sentences written for this test (none is in the NLU training data); the blame that
does use these words still reads as blame.
"""

from __future__ import annotations

import pytest

from practice.vocabulary import MOVE_TABLE

NEGATIVE = {name for name, move in MOVE_TABLE.items() if move.family == "negative"}

FAIR = [
    ("这部相机是您自己拍照用吗？", "zh"),
    ("是您自己穿，还是帮家里人买的？", "zh"),
    ("這台冰箱是您自己挑的嗎？", "zh"),
    ("您自己买的时候，店员有没有说过保修的事？", "zh"),
    ("Who's the bike for, if you don't mind me asking?", "en"),
    ("If you don't mind me asking, is somebody else paying for the repair?", "en"),
    ("Is the watch for yourself, or is it a present?", "en"),
]

BLAME = [
    ("是您自己买错了型号，我们也没办法", "zh"),
    ("这是你自己摔坏的，不属于质量问题", "zh"),
]


@pytest.mark.parametrize(("text", "lang"), FAIR, ids=[t for t, _ in FAIR])
def test_a_fair_personal_question_reads_as_a_question_and_no_red_line(analyse, text, lang):
    moves = [m["move"] for m in analyse(text, lang, "")["moves"]]
    assert moves and moves[0] in {"closed_question", "open_question"}, f"{text!r}: {moves}"
    assert not NEGATIVE & set(moves), f"{text!r}: {moves}"


@pytest.mark.parametrize(("text", "lang"), BLAME, ids=[t for t, _ in BLAME])
def test_blame_in_the_same_words_still_reads_as_blame(analyse, text, lang):
    moves = [m["move"] for m in analyse(text, lang, "")["moves"]]
    assert "blame_customer" in moves, f"{text!r}: {moves}"
