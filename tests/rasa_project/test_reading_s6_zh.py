"""Chinese reading of service and everyday replies (issue 14, session 6): the primary move.

Held-apart sentences written for this test (none is in the NLU training data). The kinds:
plain factual answers are information, not recommendations; options, found matches and
"去…吧" proposals are offers; a courtesy 抱歉 before a proposal does not lead; statement-final
呢/吧 make no question; casual everyday questions are questions, not contempt; leave-takings,
replies to thanks and comfort; blunt red lines (contempt, refusal, blame, argument) stay
negative. Seed basis: 001 提问技巧 / 推荐, 002 §2a 解释事实, 003 ch3 安慰与道歉, 004 ch1 敷衍.
"""

from __future__ import annotations

import pytest

#: (reply, the customer's previous message, expected primary move)
CASES: list[tuple[str, str, str]] = [
    # plain factual answers (inform), also with a place, a price or opening hours
    ("健身房早上六点开门，晚上十一点关门。", "你们几点开门？", "inform"),
    ("从火车站坐地铁过去要半个小时，票价四块。", "怎么过去比较方便？", "inform"),
    ("这家店的推荐菜是红烧肉和清蒸鱼，人均六十左右。", "那家店怎么样？", "inform"),
    ("这款吸尘器重两点六公斤，续航四十分钟。", "它重不重？", "inform"),
    ("宽带安装费一百元，包年的话免收。", "装宽带要多少钱？", "inform"),
    ("附近根本没有地铁站，不过有两路公交直达。", "附近有地铁吗？", "inform"),
    # options, matches found for a request, proposals (offer_solution)
    ("为您找到了两款符合预算的空气炸锅，四升和六升。", "帮我找个空气炸锅", "offer_solution"),
    ("年卡和季卡都挺合适的，您看选哪个？", "我该办什么卡？", "offer_solution"),
    ("那就选周末的班次吧，人少一些。", "哪天出发好？", "offer_solution"),
    ("这几款都不错，您自己挑吧。", "有什么好看的手机壳？", "offer_solution"),
    ("没办法当天送到，不过可以给您改成加急，明早到。", "今天能到吗？", "offer_solution"),
    ("您要不要去试试我们的免费体验课？", "", "offer_solution"),
    # a courtesy sorry before a proposal: the proposal leads
    ("抱歉，蓝色的已经卖完了，推荐您看看同款的灰色。", "蓝色还有吗？", "recommend"),
    # statement-final 呢/吧 make no question
    ("这个月的流量还剩不少呢", "我流量还够用吗", "inform"),
    # casual everyday questions are questions, not contempt or a brush-off
    ("你到家了没有", "", "closed_question"),
    ("你明天还去加班吗", "", "closed_question"),
    ("他们今天不来了吧", "", "closed_question"),
    ("你怎么了", "", "open_question"),
    ("你去哪儿", "", "open_question"),
    # replies to thanks and leave-takings
    ("不用谢，应该的。", "太感谢你了", "thanks_closing"),
    ("跟我还客气什么", "谢谢你啊", "thanks_closing"),
    ("我得去接孩子了，回头聊", "", "thanks_closing"),
    ("那今天就到这儿吧", "", "thanks_closing"),
    # comfort
    ("别跟他计较了，不值得。", "他又说我坏话", "reassurance"),
    ("不能再钻牛角尖了，先睡一觉。", "我就是想不通", "reassurance"),
    ("不用紧张，慢慢说。", "我……我不知道怎么说", "reassurance"),
    # blunt red lines stay negative
    ("你少跟我来这套", "", "rude"),
    ("你对手机一窍不通吧", "", "rude"),
    ("我对这个一点兴趣都没有", "", "dismiss"),
    ("我根本没说过能退", "你说过能退的", "argue"),
    ("是你自己选的尺码，现在又说小了", "鞋子太小了", "blame_customer"),
]


@pytest.mark.parametrize(("text", "context", "move"), CASES, ids=[c[0] for c in CASES])
def test_primary_move(analyse, text, context, move):
    moves = analyse(text, "zh", context)["moves"]
    assert moves, f"{text!r}: no move read"
    assert moves[0]["move"] == move, f"{text!r}: read as {moves}"
