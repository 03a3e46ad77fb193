"""Chinese service replies (issue 14, session 8): negative moves read as such, not as information.

Held-apart sentences written for this test (none is in the NLU training data). In the
cross-validation the classifier was about a third sure of blunt overpromises, brush-offs,
contradictions, impatience and blame, and the analysis read them as plain information; praise
of the customer's taste and restatements of the customer's facts went the same way. The kinds:
overpromised effects and made-up urgency are deceit; impatience and contempt are rude; "您记错了",
"这不算…" argue; "不归我们管", "规定就这样" brush off; "是您自己…", "谁让您…" blame. Farewells,
own-fault apologies and comfort with 自责/别… stay free of any negative reading. Seed basis:
001 不要欺骗女性客户 / 不要让自己陷入争论 / 对顾客的赞美, 003 过度承诺与推卸, 004 ch1 复述事实,
002/003 礼貌结束, 003 ch3 道歉与安慰.
"""

from __future__ import annotations

import pytest

NEGATIVE_MOVES = {"blame_customer", "argue", "rude", "dismiss", "perfunctory", "deceive"}

#: (reply, expected primary move)
CASES: list[tuple[str, str]] = [
    # overpromised effects, guarantees nobody can give, made-up urgency
    ("这款电饭煲煮的饭比五星级酒店的还香，用二十年都不坏", "deceive"),
    ("我跟您打包票，这个股票下个月肯定翻倍", "deceive"),
    ("只剩今天最后三个名额，错过就再也报不上了", "deceive"),
    ("这个枕头睡一晚，颈椎病就全好了", "deceive"),
    # ... also without a word of guarantee (an everyday claim no product meets)
    ("这款跑步机放在卧室里一点声音都没有", "deceive"),
    ("这期理财年化百分之十五，一点风险都没有", "deceive"),
    # impatience and contempt
    ("你到底听没听我说话，烦死了", "rude"),
    ("这么简单的步骤都弄不明白，真服了", "rude"),
    # contradicting the customer
    ("您记错了，我们从来没说过可以退差价", "argue"),
    ("这根本不算漏水，只是一点水汽", "argue"),
    ("这个划痕是运输中正常的，不算瑕疵", "argue"),
    # brush-offs
    ("这个不归我们售后管，您自己找厂家去", "dismiss"),
    ("规定就这样，谁来说都没用", "dismiss"),
    ("我们只负责卖，安装的事找师傅", "dismiss"),
    # the fault put on the customer
    ("是您自己没关窗，雨水才进来的", "blame_customer"),
    ("谁让您不提前预约，现在当然没号了", "blame_customer"),
    ("您没把充电器拔掉，电池才鼓包的", "blame_customer"),
    # praise and restatement
    ("您这眼光真毒，一挑就挑中了店里最好的面料", "praise"),
    ("您对咖啡豆这么有讲究，一看就是行家", "praise"),
    ("您的意思是，新换的门锁晚上老是自己弹开", "paraphrase"),
    # farewell, owning a fault, comfort: nothing negative
    ("您慢走，外面风大，多穿点", "thanks_closing"),
    ("是我记错了您的房型，真是对不起", "apology"),
    ("您别太自责了，谁都有忘事的时候，我帮您补办", "reassurance"),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_primary_move(analyse, text, expected):
    moves = analyse(text, "zh", "")["moves"]
    assert moves, f"{text!r}: no move read"
    assert moves[0]["move"] == expected, f"{text!r}: read as {moves}"
    if expected not in NEGATIVE_MOVES:
        assert not {m["move"] for m in moves} & NEGATIVE_MOVES, f"{text!r}: read as {moves}"
    else:
        assert "inform" not in {m["move"] for m in moves}, f"{text!r}: read as {moves}"


#: short replies that greet, check or see the customer off are no filler
@pytest.mark.parametrize("text", ["李经理好", "您慢走啊"])
def test_short_content_is_no_filler(analyse, text):
    moves = analyse(text, "zh", "")["moves"]
    assert moves and "perfunctory" not in {m["move"] for m in moves}, f"{text!r}: {moves}"
