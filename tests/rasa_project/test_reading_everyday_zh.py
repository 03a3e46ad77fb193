"""Chinese everyday speech and plain answers, read with the trained model (issue 14, Chinese).

Held-apart sentences written for this test (none is in the NLU training data), across home,
work, shops, clinics, banks, repair and travel. The kinds (data/nlu/reading_everyday_zh.yml):
a sharp-sounding question that attacks nobody asks (001 提问技巧); mild disagreement argues and
a refusal brushes off (001 不要让自己陷入争论); taking leave and thanks close (002/003 礼貌结束);
"let it go, rest" comforts (003 ch3); names, hours, prices and phone numbers given in answer to
a question inform (000 §6, 002 §2a), while 推荐您…/建议… still propose.
"""

from __future__ import annotations

import pytest

from practice.vocabulary import MOVE_FAMILIES

#: (customer's line, reply, expected family of the primary move)
CASES: list[tuple[str, str, str]] = [
    # sharp but only asking
    ("", "你到底几号搬家啊", "question"),
    ("", "你大清早的敲门干嘛", "question"),
    ("", "那你下午还去不去银行了", "question"),
    ("", "你确定钥匙放包里了", "question"),
    ("", "这药是谁给你开的呀", "question"),
    # mild disagreement and refusal
    ("", "我不同意把会议改到周六", "negative"),
    ("", "你这么讲可就不对了", "negative"),
    ("", "这个要求我没法答应", "negative"),
    ("", "凭什么让我一个人收拾", "negative"),
    ("", "不必了，我不需要", "negative"),
    # taking leave and thanks
    ("", "行，那我先回公司了", "closing"),
    ("", "好嘞，回头见啊", "closing"),
    ("", "谢了啊，改天请你吃饭", "closing"),
    # comfort
    ("", "别想那么多了，先把身体养好", "reassurance"),
    ("", "没事的，检查结果会好的", "reassurance"),
    ("", "你已经很努力了，别太责怪自己", "reassurance"),
    # plain answers that name things
    ("营业厅几点下班？", "营业厅下午五点半下班，周六上午也开。", "inform"),
    ("这附近有加油站吗？", "有的，往前五百米右手边就有一座中石化加油站。", "inform"),
    ("那家酒店电话多少？", "前台电话是0755-26001234。", "inform"),
    ("小区周边有哪些幼儿园？", "周边有阳光幼儿园和蓝天幼儿园，步行都在十分钟以内。", "inform"),
    ("这家理发店评价怎么样？", "这家店的评分是4.7分，人均八十元。", "inform"),
    # recommending stays a proposal
    ("帮我挑一家适合带孩子的餐厅", "推荐您去河边那家亲子餐厅，有儿童游乐区。", "solution"),
    ("", "建议您周末上午来，人少一些。", "solution"),
]


@pytest.mark.parametrize(("context", "text", "family"), CASES, ids=[c[1] for c in CASES])
def test_primary_family(analyse, context, text, family):
    moves = analyse(text, "zh", context)["moves"]
    assert moves, f"{text!r}: no move read"
    assert MOVE_FAMILIES[moves[0]["move"]] == family, f"{text!r}: read as {moves}"


@pytest.mark.parametrize(
    "text",
    ["你到底几号搬家啊", "你大清早的敲门干嘛", "你确定钥匙放包里了", "别想那么多了，先把身体养好"],
)
def test_plain_questions_and_comfort_carry_no_negative_move(analyse, text):
    moves = analyse(text, "zh", "")["moves"]
    assert not [m for m in moves if MOVE_FAMILIES[m["move"]] == "negative"], moves
