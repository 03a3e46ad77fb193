"""Chinese everyday phrasing (issue 14, session 7): the primary move, and no negative reading.

Held-apart sentences written for this test (none is in the NLU training data). The kinds:
plain 你/您-questions with a 语气词 are questions, not blame or rudeness; comfort that makes the
trouble small or gives another chance, and "别…了" comfort, is reassurance; "咱不说这个了",
"辛苦了", "别送了" close the conversation; remarks on someone's arrival ("来啦") greet; owning
the fault ("是我没讲清楚") apologises; "不X吧" guesses are questions. Blame and rudeness in the
same words must still read as negative. Seed basis: 001 提问技巧, 002 §2a 简单的问候,
002/003 礼貌结束, 003 ch3 用温暖的语言表示关心 / 道歉, 003 不要指责客户.
"""

from __future__ import annotations

import pytest

NEGATIVE_MOVES = {"blame_customer", "argue", "rude", "dismiss", "perfunctory", "deceive"}
QUESTION_MOVES = {"open_question", "closed_question", "confirm"}

#: (reply, the customer's previous message, expected primary move or move family)
CASES: list[tuple[str, str, str]] = [
    # everyday questions with 你/您 and a 语气词 (question family)
    ("你想吃点什么呀，我去点", "", "question"),
    ("您也是来办护照的吗", "", "question"),
    ("你们楼下的电梯修好了没", "", "question"),
    ("你刚才在跟谁打电话呀", "", "question"),
    ("明天的课你还来上吗", "", "question"),
    ("师傅今天不过来了吧", "", "question"),
    # comfort (reassurance)
    ("只是个小误会，说清楚就没事了", "我是不是惹他生气了", "reassurance"),
    ("这回没考好，大不了明年再考", "我没考上", "reassurance"),
    ("别自己憋着了，有我陪你呢", "我心里好难受", "reassurance"),
    # closings
    ("咱们先不聊这个了，您早点回去", "唉，这事真烦", "thanks_closing"),
    ("辛苦啦", "资料我都整理好了", "thanks_closing"),
    ("别送了别送了，您留步", "我送送你", "thanks_closing"),
    ("今天咱们就先到这儿", "还有别的吗", "thanks_closing"),
    # greetings by remarking on arrival
    ("来啦，里边请", "", "greeting"),
    ("小周，你可回来了", "", "greeting"),
    # owning the fault
    ("是我没讲清楚，给您添麻烦了", "你之前可不是这么说的", "apology"),
]

FAMILIES = {"question": QUESTION_MOVES}

#: the same words as blame or rudeness: still negative
STILL_NEGATIVE: list[str] = [
    "你别说了，烦不烦",
    "都是你自己没看清楚，怪不了别人",
    "你懂什么，听我的就行",
    "不想买就别问那么多",
]


@pytest.mark.parametrize(("text", "context", "expected"), CASES, ids=[c[0] for c in CASES])
def test_primary_move(analyse, text, context, expected):
    moves = analyse(text, "zh", context)["moves"]
    assert moves, f"{text!r}: no move read"
    assert moves[0]["move"] in FAMILIES.get(expected, {expected}), f"{text!r}: read as {moves}"
    assert not {m["move"] for m in moves} & NEGATIVE_MOVES, f"{text!r}: read as {moves}"


@pytest.mark.parametrize("text", STILL_NEGATIVE)
def test_blame_and_rudeness_stay_negative(analyse, text):
    moves = analyse(text, "zh", "")["moves"]
    assert moves and moves[0]["move"] in NEGATIVE_MOVES, f"{text!r}: read as {moves}"
