"""The reply analysis reads the seeds' red lines (issue 15's scorecard caps depend on it).

Held-apart sentences: none of them is in the training data (rasa_project/data/nlu/
negative_contempt_*.yml, service_moves_extra_*.yml train the same kinds in other words).
Each kind must be read as its move in at least PASS_BAR of its sentences; polite replies that
share the words of a red line must never be read as negative.

Seed basis: 001 (pressuring shoppers, 不要欺骗, 不要让自己陷入争论, 复述), 003 (complaint
handling, no blame), 004 (敷衍 vs 共情话术, 回访).
"""

from __future__ import annotations

import pytest

PASS_BAR = 0.8

NEGATIVE_MOVES = {"blame_customer", "argue", "rude", "dismiss", "perfunctory", "deceive"}

#: kind -> (expected move, [(lang, reply)])
KINDS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "contempt_for_knowledge": (
        "rude",
        [
            ("en", "Honestly, you don't seem to understand the first thing about laptops."),
            ("en", "I doubt you'd follow the details of how the engine works."),
            ("en", "This is basic stuff, I can't believe you're asking it."),
            ("en", "Skincare obviously isn't your area, so just trust me."),
            ("zh", "连开机都不会，你还买这么贵的电脑干嘛"),
            ("zh", "跟你讲参数你也听不懂"),
            ("zh", "这种常识性的问题也要来问客服？"),
            ("zh", "你对汽车一窍不通吧"),
        ],
    ),
    "stop_asking": (
        "rude",
        [
            ("en", "Enough questions, please, I've got other customers."),
            ("en", "Can you quit asking me the same thing over and over?"),
            ("en", "No more questions, just place the order."),
            ("zh", "你问题怎么这么多，别再问了"),
            ("zh", "不要一直问东问西的"),
            ("zh", "问够了没有？"),
        ],
    ),
    "pushy_bandwagon": (
        "rude",
        [
            ("en", "Everybody gets the grey sofa, stop overthinking and take it."),
            ("en", "All our customers pick this plan, just sign up already."),
            ("en", "Loads of people have it, you don't need to compare, just buy it."),
            ("zh", "别纠结了，人人都买这个套餐"),
            ("zh", "这款卖得最多，你直接拍就完了，别问那么多"),
            ("zh", "别人都选这个，你还犹豫什么"),
        ],
    ),
    "impatience": (
        "rude",
        [
            ("en", "Pushing me won't make the courier drive faster."),
            ("en", "Stop chasing me, I heard you the first time."),
            ("en", "Can you just be patient for once?"),
            ("zh", "一直催有什么用，该到的时候自然会到"),
            ("zh", "别再催我了，我也很忙"),
            ("zh", "你再催也快不了"),
        ],
    ),
    "blame": (
        "blame_customer",
        [
            ("en", "Nine times out of ten it's the user who broke it."),
            ("en", "That kind of damage is always down to how the owner treats it."),
            ("en", "Cracks like that come from people dropping their phones."),
            ("zh", "这种问题基本都是顾客自己使用不当造成的"),
            ("zh", "一般是你们自己摔的，不是质量问题"),
            ("zh", "肯定是您自己没按说明书操作"),
        ],
    ),
    "made_up_scarcity": (
        "deceive",
        [
            ("en", "If you don't order now, this colour will be gone by tonight."),
            ("en", "This price ends in ten minutes, you won't see it again."),
            ("en", "There's only one left in the whole country, decide now."),
            ("zh", "这个价格只有今天，过了今天就恢复原价再也没有了"),
            ("zh", "仓库就剩最后一台了，现在不下单就被别人抢走了"),
            ("zh", "这批卖完就停产了，错过就买不到了"),
            ("en", "Honestly, if you wait until tomorrow it'll be sold out."),
            ("zh", "今天不订，明天这个房型肯定就没了"),
        ],
    ),
    "paraphrase": (
        "paraphrase",
        [
            ("en", "So you need it for a photography class."),
            ("en", "So the fridge stopped cooling on Sunday."),
            ("en", "Right, so it's a gift for your daughter."),
            ("zh", "也就是说，您是买来给孩子上网课用的"),
            ("zh", "您的意思是洗衣机周一开始漏水"),
            ("zh", "所以您是想要一款适合油皮的粉底"),
            ("en", "So it's for a cooking class."),
            ("en", "So it's the blue one you ordered last week."),
            ("zh", "所以是给爸爸买的剃须刀"),
        ],
    ),
    "follow_up": (
        "follow_up",
        [
            ("en", "I'll ring you on Thursday at ten to check the new router is working."),
            ("en", "I'll message you on Monday morning to confirm the refund arrived."),
            ("en", "Someone from our team will call you after the repair to see how it went."),
            ("zh", "我周四上午十点再给您打电话，确认一下网络恢复没有"),
            ("zh", "明天下午我再联系您，看看师傅修得怎么样"),
            ("zh", "退款到账后我会再回访您一次"),
            ("en", "I'll phone you Wednesday at 4 to make sure the card works."),
            ("en", "I'll text you at 9 tomorrow to check the parcel arrived."),
            ("zh", "后天上午十点我再打给您，确认一下热水器装好没有"),
        ],
    ),
    "empathy": (
        "empathy",
        [
            ("en", "I really do understand how much this has been bothering you."),
            ("en", "I can tell how much care you put into choosing this gift."),
            ("en", "That must have been so stressful with the trip coming up."),
            ("zh", "您的心情我非常能理解"),
            ("zh", "您这么用心挑礼物，我很能体会"),
            ("zh", "遇到这种事换谁都会着急的"),
            ("en", "I totally get how worrying that is."),
            ("zh", "您的无奈我特别理解"),
            ("zh", "这份心意我真的很理解"),
        ],
    ),
}

#: polite, correct replies that share words with the red lines above
NOT_NEGATIVE: list[tuple[str, str]] = [
    ("en", "Everyone who bought this one loved the battery; would you like to see it?"),
    ("en", "Please ask as many questions as you like, I'm happy to help."),
    ("en", "Don't worry, I'll check the delivery for you right now."),
    ("en", "Many customers choose this model for its camera, but let's see what suits you."),
    ("en", "There are only a few left in stock, so I can reserve one for you if you like."),
    ("zh", "大家都很喜欢这款的续航，要不要看看？"),
    ("zh", "请别着急，我马上帮您查"),
    ("zh", "您有什么问题都可以随时问我"),
    ("zh", "这款是我们店的热销款，不过还是要看您自己的需求"),
    ("zh", "您先别担心，我这就帮您催一下物流"),
]


@pytest.fixture(scope="module")
def moves_of(analyse):
    def run(lang: str, text: str) -> set[str]:
        return {m["move"] for m in analyse(text, lang, "")["moves"]}

    return run


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_is_read_as_its_move(moves_of, kind):
    move, sentences = KINDS[kind]
    misses = [(lang, text) for lang, text in sentences if move not in moves_of(lang, text)]
    share = 1 - len(misses) / len(sentences)
    assert share >= PASS_BAR, f"{kind}: {share:.0%} read as {move}; missed {misses}"


@pytest.mark.parametrize(("lang", "text"), NOT_NEGATIVE)
def test_polite_replies_with_the_same_words_are_not_negative(moves_of, lang, text):
    assert not (moves_of(lang, text) & NEGATIVE_MOVES)
