"""Polite bad service, full reading (trained NLU + cues; session 9, issue 13).

The customer reacts to a negative move only when it is sure (the persona types'
``strong_confidence``, 0.6) or when nothing else in the reply is: so each bad reply below must
carry its negative move at least that sure, whatever the classifier reads besides (a reply that
hides the brush-off in information, a time frame or a smile). The good replies, in the same
words, must carry none. Sentences written for this test (none from a blind set or a training
file); the kinds and their seed basis are in tests/scoring/test_reading_s9_polite_bad_service.py
and scoring/cues/*.yml (groups ``*_s9``).
"""

from __future__ import annotations

import pytest

from practice.vocabulary import NEGATIVE_MOVES

#: the persona types' strong_confidence: a move under it counts half, or not at all next to a
#: sure move that is not negative
SURE = 0.6

BAD = [
    ("As I already explained, the warranty ends after twelve months.", "en", "rude"),
    ("You'll have to chase the insurer yourself for the excess.", "en", "dismiss"),
    ("We're only the reseller, so the airline decides that.", "en", "dismiss"),
    ("Upgrades are decided by the system at check-in.", "en", "dismiss"),
    (
        "With respect, I've sold pianos for twenty years, I do know what I'm talking about.",
        "en",
        "argue",
    ),
    ("Honestly, the scratch is purely cosmetic 😊", "en", "argue"),
    ("Sorry to interrupt, but I don't need to hear about your neighbour.", "en", "rude"),
    ("This heater will 100% never trip the fuse.", "en", "deceive"),
    ("正如我刚才已经说过的，押金不退。", "zh", "rude"),
    ("保修的事您可以自己打厂家电话问一下。", "zh", "dismiss"),
    ("我们是专业的，比您懂多了。", "zh", "argue"),
    ("一个月多扣了五块钱而已嘛😊", "zh", "argue"),
    ("我这边排队的顾客挺多的，您快点说。", "zh", "rude"),
    ("喝了这个水还能调理肠胃，百分之百有效。", "zh", "deceive"),
]

GOOD = [
    ("As I mentioned, I've booked the engineer for tomorrow morning.", "en"),
    ("I'll chase the insurer myself and call you back by Thursday.", "en"),
    ("You seem to know this model inside out, so I'll skip the basics.", "en"),
    ("正如我刚才说的，今天下午就给您安排师傅上门。", "zh"),
    ("您慢慢说，不着急，我在听。", "zh"),
]


@pytest.mark.parametrize(("text", "lang", "move"), BAD)
def test_polite_bad_service_is_surely_negative(analyse, text, lang, move):
    found = {m["move"]: m["confidence"] for m in analyse(text, lang, "")["moves"]}
    assert found.get(move, 0.0) >= SURE, (text, found)


@pytest.mark.parametrize(("text", "lang"), GOOD)
def test_the_same_words_in_good_service_are_not_negative(analyse, text, lang):
    moves = [m["move"] for m in analyse(text, lang, "")["moves"]]
    assert not [m for m in moves if m in NEGATIVE_MOVES], (text, moves)
