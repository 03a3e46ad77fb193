"""The seeds' don'ts, full reading (trained NLU + cues; session 10, badread; issue 13: bad agents
must drive customers off, issue 14: blunt negative moves missed).

The customer reacts to a negative move when it is sure (the persona types' strong_confidence,
0.6): each bad reply below must carry one at least that sure, whatever else the classifier reads
in it. The good replies, in the same words (an apology with a remedy, a handover the agent
follows up, a record read out and then checked, a list of options), must carry none. Sentences
written for this test, none from a training file or an evaluation set; the kinds and their seed
basis are in scoring/cues/*.yml (groups ``*_s10b``) and rasa_project/data/nlu/bad_service_s10.yml.
"""

from __future__ import annotations

import pytest

from practice.vocabulary import NEGATIVE_MOVES

SURE = 0.6
COMPLAINT_EN = "My boiler repair was supposed to happen on Monday and the engineer never came."
COMPLAINT_ZH = "说好周一上门修热水器，师傅根本没来。"

BAD = [
    ("That's not on us, the engineer's van broke down.", "en"),
    ("Our diary says you cancelled the visit yourself.", "en"),
    ("There's no call for that tone, I'm only trying to help.", "en"),
    ("I just handle bookings, so you'll need to contact the engineers directly.", "en"),
    ("Did you actually check the appointment text we sent?", "en"),
    ("Is that everything? I have other customers to get to.", "en"),
    ("Someone will be round at some point.", "en"),
    ("Have you thought about our boiler cover plan? It includes priority visits.", "en"),
    ("师傅的车半路坏了，这不是我们的问题。", "zh"),
    ("记录上显示是您自己取消的预约。", "zh"),
    ("您这么大火气也解决不了问题。", "zh"),
    ("我只是负责预约的，维修的事您自己找师傅问。", "zh"),
    ("预约短信您没仔细看吗？", "zh"),
    ("没别的事我就先下线了。", "zh"),
    ("这个说不准。", "zh"),
    ("您可以考虑办一下我们的年度保养套餐，上门更优先。", "zh"),
]

GOOD = [
    (
        "I'm so sorry the engineer didn't come. I've booked you first slot tomorrow, 8 to 10, "
        "and taken the call-out fee off.",
        "en",
    ),
    (
        "Our diary shows the visit as cancelled, which isn't what you asked for, so I'm finding "
        "out why and rebooking you for tomorrow morning.",
        "en",
    ),
    (
        "Repairs are scheduled by our engineering team; I've passed it to them as urgent and "
        "they'll ring you before 4 pm today.",
        "en",
    ),
    ("Don't worry, I'll get this sorted for you today.", "en"),
    ("真的很抱歉师傅没去，我已经给您约了明天上午八点到十点，上门费也免了。", "zh"),
    ("系统里显示预约取消了，跟您说的不一样，我马上查原因，今天就给您重新约好。", "zh"),
    ("维修由工程部安排，我已经加急转过去了，他们今天下午四点前会联系您。", "zh"),
    ("您别着急，我这就帮您处理。", "zh"),
]


@pytest.mark.parametrize(("text", "lang"), BAD)
def test_bad_service_is_surely_negative(analyse, text, lang):
    context = COMPLAINT_EN if lang == "en" else COMPLAINT_ZH
    found = {m["move"]: m["confidence"] for m in analyse(text, lang, context)["moves"]}
    assert any(found.get(m, 0.0) >= SURE for m in NEGATIVE_MOVES), (text, found)


@pytest.mark.parametrize(("text", "lang"), GOOD)
def test_the_same_words_in_good_service_are_not_negative(analyse, text, lang):
    context = COMPLAINT_EN if lang == "en" else COMPLAINT_ZH
    moves = [m["move"] for m in analyse(text, lang, context)["moves"]]
    assert not [m for m in moves if m in NEGATIVE_MOVES], (text, moves)


@pytest.mark.parametrize(
    "text",
    [
        "这三家都挺适合带老人去的，第一家离地铁最近，您看看哪家合适。",
        "东门和西门两家分店都不错，您自己挑一家顺路的就行。",
    ],
)
def test_options_offered_are_not_negative(analyse, text):
    moves = [m["move"] for m in analyse(text, "zh", "附近有什么适合带老人吃饭的地方？")["moves"]]
    assert not [m for m in moves if m in NEGATIVE_MOVES], (text, moves)
