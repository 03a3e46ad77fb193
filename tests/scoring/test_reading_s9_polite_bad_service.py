"""Bad service said politely still reads as the negative move it is (session 9; issue 13: bad
agents must drive the customer off, and a reply that brushes the customer off in courteous
words was read as information, the customer hearing goodwill in it).

Cue rules alone; sentences written for this test across service domains (banking, travel,
telecoms, furniture, electronics, healthcare products, cars, utilities), none taken from a blind
set. Kinds and seed basis:

- passive-aggressive repetition ("as I already explained", 正如我之前已经说过): seed 001
  「皱眉或面带嘲讽」 (mocking wording), 002 §2a (a calm, patient attitude);
- passing the buck to the customer or a third party, hiding behind the system: seed 003, 002
  (no "not my department", no hiding behind rules);
- credentials instead of listening, minimising the complaint: seed 001 「不要让自己陷入争论」;
- lecturing, sarcasm, talking down, hurrying: seed 001 (「面带嘲讽」, 「永远都不要打断客户的谈话」,
  「处理事务极不耐心」);
- over-promising: seed 003 ch3 「避免過度承諾」.

Each kind has its good counterpart with the same words, which must not read as negative.
"""

from __future__ import annotations

import pytest

from practice.vocabulary import NEGATIVE_MOVES
from scoring.analysis import analyze


def _moves(text: str, lang: str) -> list[str]:
    return [m["move"] for m in analyze(text, lang, context="", nlu=None)["moves"]]


BAD = [
    # passive-aggressive repetition
    ("As I already explained, the gate closes forty minutes before departure.", "en", "rude"),
    ("As previously stated, the account was frozen for security reasons.", "en", "rude"),
    ("As I've said several times, the fee applies to every withdrawal abroad.", "en", "rude"),
    ("As per my last email, the contract runs until March.", "en", "rude"),
    ("I have explained our position quite clearly.", "en", "rude"),
    ("You were already informed that the engineer visit would be rescheduled.", "en", "rude"),
    ("正如我之前已经说过的，改签要收手续费。", "zh", "rude"),
    ("我已经解释得很清楚了。", "zh", "rude"),
    # passing the buck
    ("You'll need to ring the airline yourself about the lost bag.", "en", "dismiss"),
    ("You'd have to take that up with the manufacturer directly.", "en", "dismiss"),
    ("You're welcome to send a complaint to the billing department.", "en", "dismiss"),
    ("We're just the booking agent, so the hotel sets those rules.", "en", "dismiss"),
    ("Honestly that's the courier's responsibility, not ours.", "en", "dismiss"),
    ("Refund timings are handled by another department.", "en", "dismiss"),
    ("We can't comment on other providers' tariffs.", "en", "dismiss"),
    ("Just google it, the installation steps are all out there.", "en", "dismiss"),
    ("Please compare the tariffs yourself on the price list.", "en", "dismiss"),
    ("A technician will be in touch at some point.", "en", "dismiss"),
    ("Your grandson could set the router up for you.", "en", "dismiss"),
    ("Your budget doesn't really matter, these are all basically the same.", "en", "dismiss"),
    ("保险理赔的事您可以自己打保险公司电话。", "zh", "dismiss"),
    ("我们只负责销售，售后您去找品牌方。", "zh", "dismiss"),
    ("要不让您儿子来弄吧。", "zh", "dismiss"),
    ("行吧，那您自己回去对比对比。", "zh", "dismiss"),
    ("您的申请我们已登记，请耐心等待。", "zh", "dismiss"),
    ("合同里写得很清楚。", "zh", "dismiss"),
    ("这款谁穿都合适，尺码随便哪个都行。", "zh", "dismiss"),
    # hiding behind the system
    ("Seat numbers are assigned automatically by the system.", "en", "dismiss"),
    ("Your membership doesn't entitle you to a late checkout.", "en", "dismiss"),
    ("I don't have the authority to waive the charge.", "en", "dismiss"),
    ("这个退款我没有权限。", "zh", "dismiss"),
    ("流程就是这样的。", "zh", "dismiss"),
    # credentials instead of listening
    ("I've been doing this for twelve years, I think I know how a boiler works.", "en", "argue"),
    ("With all due respect, madam, that isn't how interest is calculated.", "en", "argue"),
    ("我干这行十年了，比您清楚多了。", "zh", "argue"),
    ("您听我的就对了。", "zh", "argue"),
    # minimising the complaint
    ("The dent is purely cosmetic.", "en", "argue"),
    ("Nobody will even notice that stain.", "en", "argue"),
    ("Most passengers don't even notice the vibration.", "en", "argue"),
    ("Those forum reviews are mostly paid adverts.", "en", "argue"),
    ("信号偶尔断一下而已。", "zh", "argue"),
    ("这个是老款的通病嘛。", "zh", "argue"),
    # lecturing, sarcasm, talking down
    ("Hesitating is exactly why people miss the best fares.", "en", "rude"),
    ("You need to look at the bigger picture here.", "en", "rude"),
    ("This app isn't really meant for people who don't use smartphones.", "en", "rude"),
    ("Not much of a talker today, are we?", "en", "rude"),
    ("If you really understood mortgages you wouldn't be asking that.", "en", "rude"),
    ("做人得讲点诚信吧。", "zh", "rude"),
    ("年纪大了学不会智能电视也正常。", "zh", "rude"),
    ("这点钱的话，那只能选入门款了。", "zh", "rude"),
    ("您要是真懂车，就不会问这个了。", "zh", "rude"),
    # hurrying
    ("Can we keep this brief, please?", "en", "rude"),
    ("I'll have to stop you there, we have a queue.", "en", "rude"),
    ("Please just answer the question.", "en", "rude"),
    ("您能不能一句话说完？", "zh", "rude"),
    ("我这边很忙的，您快点。", "zh", "rude"),
    ("这张卡您办不办？", "zh", "rude"),
    # over-promising
    ("Your new boiler will never break down again, I promise.", "en", "deceive"),
    ("The signal will be perfect everywhere in the house, 100%.", "en", "deceive"),
    ("You'll have no problems whatsoever with this car.", "en", "deceive"),
    ("Trust me, everyone does it this way.", "en", "deceive"),
    ("这款空气净化器能去除百分之百的甲醛。", "zh", "deceive"),
    ("这台车开十年都不会坏。", "zh", "deceive"),
    ("修好以后再也不会出任何问题。", "zh", "deceive"),
    # guessing the customer's fault, sending them off until they have done it
    ("估计是快递打您电话您没接吧。", "zh", "blame_customer"),
    ("您是不是把路由器的设置弄乱了。", "zh", "blame_customer"),
    ("这次别又说我们没提醒您。", "zh", "blame_customer"),
    ("您先把发票找到了再来找我们。", "zh", "dismiss"),
    ("系统在维护，您改天再来问吧。", "zh", "dismiss"),
    ("Please figure the app settings out yourself.", "en", "dismiss"),
    ("Going for the budget mattress is a false economy.", "en", "argue"),
    ("Go for the silver one, it's what everyone buys.", "en", "deceive"),
    # the complaint disputed by numbers or by our screen, the feeling waved away
    ("You're the first guest this season to complain about the pool.", "en", "argue"),
    ("No other customers have reported a fault with this kettle.", "en", "argue"),
    ("The broadband is running fine on our side.", "en", "argue"),
    ("I'm not sure what you expect us to do about that.", "en", "dismiss"),
    ("You must have entered the wrong PIN.", "en", "blame_customer"),
    ("There's no point getting worked up about a late parcel.", "en", "rude"),
    ("其他用户都没有这个问题。", "zh", "argue"),
    ("系统显示一切正常。", "zh", "argue"),
]


@pytest.mark.parametrize(("text", "lang", "move"), BAD)
def test_polite_bad_service_reads_negative(text: str, lang: str, move: str) -> None:
    moves = _moves(text, lang)
    assert move in moves, (text, moves)


GOOD = [
    # the same words, in service that takes the matter on
    ("As I mentioned, the replacement ships tomorrow morning.", "en"),
    ("You were already told the visit would be Tuesday, and I'm sorry that didn't happen.", "en"),
    ("I'll contact the courier myself and chase the claim for you.", "en"),
    ("You won't need to contact the manufacturer, I'll handle the warranty claim directly.", "en"),
    ("You're welcome to call us back any time.", "en"),
    ("Refunds are handled by another team, so I'll pass this on now and call you by Friday.", "en"),
    ("The dent is purely cosmetic, but I'll still send a replacement panel today.", "en"),
    ("I know the figures look high, and you're right to check them.", "en"),
    ("I'll keep it quick: the refund is on its way.", "en"),
    ("Let me keep this short so you can get on with your day.", "en"),
    ("You'll get 100% of your money back within five days.", "en"),
    ("I promise we'll call you back by 5 pm.", "en"),
    ("You seem to know a lot more about lenses than most of our customers.", "en"),
    ("Here are the facts and figures you can check for yourself.", "en"),
    ("正如我刚才说的，明天上午给您发货。", "zh"),
    ("不该让您自己去联系师傅，是我们的疏忽，我马上帮您联系。", "zh"),
    ("您自己对比一下这两款，我把参数表发给您。", "zh"),
    ("这个我没有权限，不过我马上帮您申请主管审批。", "zh"),
    ("您慢慢看，不着急，有问题随时问我。", "zh"),
    ("我简单说两句，您看合不合适。", "zh"),
    ("这个颜色只剩最后几件了，确实比较抢手。", "zh"),
    ("我们今天下午四点前给您回电话，请耐心等待。", "zh"),
    ("能说说您自己比较看重哪些方面吗？", "zh"),
    ("您想好了再说，不着急。", "zh"),
    ("我明天再联系您，告诉您维修进度。", "zh"),
    ("I'll sort the settings out for you now.", "en"),
    ("Everything is running fine on our end, so could you restart the router for me?", "en"),
    ("You must have been so worried about the booking.", "en"),
    ("我们后台显示正常，不过我马上派师傅去看看。", "zh"),
]


@pytest.mark.parametrize(("text", "lang"), GOOD)
def test_service_that_takes_it_on_is_not_negative(text: str, lang: str) -> None:
    moves = _moves(text, lang)
    assert not [m for m in moves if m in NEGATIVE_MOVES], (text, moves)


@pytest.mark.parametrize(
    ("text", "move"),
    [
        # no pressure on a silent or hesitant shopper, a promise to find the right one (seed 001;
        # 003 ch3 warm words)
        ("您好，不着急，您慢慢挑。", "reassurance"),
        ("慢慢说不着急，我在这儿。", "reassurance"),
        ("放心，我们一定帮您选到合适的。", "reassurance"),
        # the customer's care for family recognised
        ("给妈妈挑按摩椅，您真孝顺。", "praise"),
        ("您真有心，还记得爷爷怕吵。", "praise"),
    ],
)
def test_care_for_a_quiet_shopper_reads_as_care(text: str, move: str) -> None:
    assert move in _moves(text, "zh"), (text, _moves(text, "zh"))


def test_a_hurried_customer_is_not_reassured() -> None:
    # 「着急」 said of the customer's hurry, no promise to take time: no reassurance read
    moves = _moves("您着急的话就直接拍吧。", "zh")
    assert "reassurance" not in moves, moves
