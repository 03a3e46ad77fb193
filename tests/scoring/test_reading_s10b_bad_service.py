"""The guideline seeds' don'ts, rule by rule, read by the cue rules alone (session 10, badread).

Each kind is bad service a trainee types in chat, polite-sounding or blunt, across service
domains; each has good look-alikes in the same words (an apology with a remedy, a handover the
agent follows up, a record read out and then checked, comfort that says "don't worry") that
must not read negative. Sentences written for these tests; the seed behind each kind is named
in scoring/cues/*.yml (groups ``*_s10b``).
"""

from __future__ import annotations

import pytest

from scoring.analysis import analyze

NEGATIVE = {"argue", "blame_customer", "dismiss", "rude", "deceive"}
#: the persona types' strong_confidence: a negative move under it next to a sure good move is
#: not heard by the customer
SURE = 0.6

COMPLAINT_EN = "I've been waiting ten days for my sofa and nobody tells me anything!"
COMPLAINT_ZH = "沙发等了十天还没送到，也没人跟我说一声！"


def negatives(text: str, lang: str, context: str = "") -> dict[str, float]:
    moves = analyze(text, lang, context)["moves"]
    return {m["move"]: m["confidence"] for m in moves if m["move"] in NEGATIVE}


BAD = [
    # defending the company instead of taking the matter on (001 R-LIS-4)
    ("That one's not on us, the warehouse handed it over on time.", "en", "argue"),
    ("The fault was caused by the bank, not us.", "en", "argue"),
    ("There was nothing wrong with the installation, our fitter checked it twice.", "en", "argue"),
    ("In our defence, it was the busiest week of the year.", "en", "argue"),
    ("We can't be held liable for what the airline does.", "en", "argue"),
    ("延误是物流公司那边的原因，我们这边发货很及时。", "zh", "argue"),
    ("我们公司的流程上没有任何过错。", "zh", "argue"),
    ("说到底也不能全怪我们吧。", "zh", "argue"),
    ("收费是没错的，您办卡时勾选过的。", "zh", "argue"),
    # correcting the customer's account (001 R-LIS-D5, R-AWR-2)
    ("That's not quite what happened, the driver did ring your bell.", "en", "argue"),
    ("Our system shows you cancelled the table yourself.", "en", "argue"),
    ("Actually, you ordered the grey one, not the blue.", "en", "argue"),
    ("We have no record of you phoning us last month.", "en", "argue"),
    ("我们后台显示您根本没有申请过退货。", "zh", "argue"),
    ("您买的是单人套餐，不是双人的哦。", "zh", "argue"),
    ("我之前可没这样答应过您。", "zh", "argue"),
    # telling the customer how to feel or speak (001 R-LIS-D7, 003 Ch6.1)
    ("You don't need to get so worked up about a late sofa.", "en", "rude"),
    ("Please lower your tone, I'm trying to help.", "en", "rude"),
    ("Being nasty to me won't get it delivered sooner.", "en", "rude"),
    ("I'm not going to be spoken to like that.", "en", "rude"),
    ("我们注意一下说话的态度好吗。", "zh", "rude"),
    ("您吼也解决不了问题。", "zh", "rude"),
    ("别这么较真嘛，就晚了两天。", "zh", "rude"),
    # not my job (003, 002 不推诿)
    ("I'm only the chat support, so deliveries aren't something I deal with.", "en", "dismiss"),
    ("You'd have to take that up with the furniture maker directly.", "en", "dismiss"),
    ("I'm not the right person to ask about refunds.", "en", "dismiss"),
    ("规矩又不是我定的，您跟我说也没用。", "zh", "dismiss"),
    ("我们只负责卖，送货您直接问物流公司吧。", "zh", "dismiss"),
    # subtle blame (001 R-LIS-D3, D4)
    ("Did you even check the delivery slot before you booked?", "en", "blame_customer"),
    ("You must have entered the wrong postcode.", "en", "blame_customer"),
    ("The listing clearly says delivery takes up to three weeks.", "en", "blame_customer"),
    ("下单前没仔细看配送说明吗？", "zh", "blame_customer"),
    ("是不是您地址填错了？", "zh", "blame_customer"),
    ("别的顾客都按时收到了，就您这单有问题。", "zh", "blame_customer"),
    # impatience (001 R-LIS-I1)
    ("Can we wrap this up quickly?", "en", "rude"),
    ("I've got other customers waiting, so is there anything else?", "en", "rude"),
    ("We're just going round in circles now.", "en", "rude"),
    ("您到底想要怎么样？", "zh", "rude"),
    ("行了行了，我知道了。", "zh", "rude"),
    ("我已经跟您说了半个小时了。", "zh", "rude"),
    # the brush-off that answers nothing, vague promises, giving up, "up to you" (002 §2a, 000 §2)
    ("Your complaint has been noted.", "en", "dismiss"),
    ("We'll look into it.", "en", "dismiss"),
    ("I'm sure it'll turn up eventually.", "en", "dismiss"),
    ("Just give it a couple more days and see.", "en", "dismiss"),
    ("There's not much more I can do, I'm afraid.", "en", "dismiss"),
    ("您的反馈我们已经记录了。", "zh", "dismiss"),
    ("再等等看吧。", "zh", "dismiss"),
    ("这个真不好说。", "zh", "dismiss"),
    ("我也无能为力。", "zh", "dismiss"),
    # arguing with the customer's opinion, sarcasm (001 R-AWR-2, R-LIS-5e)
    ("That's only your opinion, most people love it.", "en", "argue"),
    ("Well, it's not like we lost it on purpose.", "en", "argue"),
    ("那只是您个人的感觉。", "zh", "argue"),
    ("又不是故意不给您送的。", "zh", "argue"),
]


@pytest.mark.parametrize(("text", "lang", "move"), BAD)
def test_bad_service_reads_surely_negative(text: str, lang: str, move: str) -> None:
    found = negatives(text, lang)
    assert found.get(move, 0.0) >= SURE, (text, found)


GOOD = [
    # an apology with a remedy, naming the cause honestly
    (
        "I'm sorry, the warehouse handed it to the courier late, and that's ours to fix: "
        "I've booked delivery for Thursday morning.",
        "en",
    ),
    ("非常抱歉，是物流那边耽误了，但这是我们该负责的，我今天就给您安排加急配送。", "zh"),
    # a record read out, then checked
    (
        "Our system shows the order as cancelled, which isn't what you remember, so I'm checking "
        "what happened and I'll put it back if it was our mistake.",
        "en",
    ),
    ("系统里显示已取消，和您说的不一样，我马上核实，如果是我们的问题立刻给您恢复。", "zh"),
    # comfort that says "don't worry" / "take your time"
    ("Don't worry, I'll chase it right now.", "en"),
    ("Take your time, I'm here.", "en"),
    ("您别着急，我这就帮您查。", "zh"),
    ("您慢慢说，不着急。", "zh"),
    # a handover the agent follows up
    (
        "Deliveries are run by our logistics team, so I've passed your case to them and "
        "they'll call you before 5 pm today.",
        "en",
    ),
    ("配送归物流部门负责，我已经把您的情况转过去了，他们明天中午前会联系您。", "zh"),
    # a diagnostic question
    ("Which postcode did you give when you ordered?", "en"),
    ("请问您下单时填的是哪个地址？", "zh"),
    # a polite closing question
    ("Is there anything else I can help you with today?", "en"),
    ("请问还有什么可以帮您的吗？", "zh"),
    # a time frame and an action
    ("I'll look into it and call you back by 3 pm.", "en"),
    ("我今天下午三点前给您回复具体送货时间。", "zh"),
    # the policy named honestly, with what can be done
    (
        "I know it's frustrating: the policy is a three-week window, but I've asked the "
        "warehouse to put yours first and I'll update you tomorrow.",
        "en",
    ),
]


@pytest.mark.parametrize(("text", "lang"), GOOD)
def test_good_service_in_the_same_words_is_not_negative(text: str, lang: str) -> None:
    context = COMPLAINT_EN if lang == "en" else COMPLAINT_ZH
    assert not negatives(text, lang, context), text


UPSELL = [
    ("Have you considered upgrading to our premium delivery plan?", "en"),
    ("By the way, our new range of armchairs is on sale this week.", "en"),
    ("您可以考虑升级一下我们的会员，以后配送优先。", "zh"),
    ("顺便给您推荐一下我们新出的款式，现在买有活动价。", "zh"),
]


@pytest.mark.parametrize(("text", "lang"), UPSELL)
def test_selling_more_to_a_complaining_customer_brushes_the_complaint_off(
    text: str, lang: str
) -> None:
    context = COMPLAINT_EN if lang == "en" else COMPLAINT_ZH
    assert negatives(text, lang, context).get("dismiss", 0.0) >= SURE, text


@pytest.mark.parametrize(("text", "lang"), UPSELL)
def test_the_same_pitch_to_a_shopper_is_no_brush_off(text: str, lang: str) -> None:
    context = (
        "I'm looking for a comfortable armchair for my living room."
        if lang == "en"
        else "我想给客厅买一把舒服的扶手椅。"
    )
    assert "dismiss" not in negatives(text, lang, context), text


def test_a_pitch_with_an_apology_and_a_remedy_is_no_brush_off() -> None:
    text = (
        "I'm so sorry about the wait. I've booked your delivery for Thursday, and once it's "
        "with you, our new armchairs are on sale if you ever want one."
    )
    assert not negatives(text, "en", COMPLAINT_EN)
