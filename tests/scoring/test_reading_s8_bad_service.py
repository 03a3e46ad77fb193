"""Bad service that reads like information is still bad service (session 8; found with the
blind set 8 bad agents, where such replies were read as plain information and the customer
heard goodwill in them).

Cue rules alone; sentences written for this test, across service domains (none taken from the
blind scripts). Seed basis: 003 and 002 (do not hide behind rules, do not send the customer off
to look it up, do not close the door without another way), 001 (do not argue, do not talk down
to the customer), 003 (do not put the fault on the customer before checking).
"""

from __future__ import annotations

import pytest

from practice.vocabulary import NEGATIVE_MOVES
from scoring.analysis import analyze


def _moves(text: str, lang: str) -> list[str]:
    return [m["move"] for m in analyze(text, lang, context="", nlu=None)["moves"]]


def _negative(moves: list[str]) -> bool:
    return any(m in NEGATIVE_MOVES for m in moves)


@pytest.mark.parametrize(
    ("text", "lang", "move"),
    [
        # sent off to look it up
        ("Opening hours are on our website.", "en", "dismiss"),
        ("All the colour options are in the brochure.", "en", "dismiss"),
        ("Have a look through the accessories page on our site.", "en", "dismiss"),
        ("Everything's online, just have a look there.", "en", "dismiss"),
        ("Please refer to the installation guide.", "en", "dismiss"),
        # the rule as the answer, the closed door
        ("Our policy is that we don't exchange opened items.", "en", "dismiss"),
        ("We don't do price matching, I'm afraid.", "en", "dismiss"),
        ("You're free to shop elsewhere if you like.", "en", "dismiss"),
        ("We're sorry you feel like that.", "en", "dismiss"),
        ("You'll have to take my word for it.", "en", "dismiss"),
        ("Honestly I don't know what else to tell you.", "en", "dismiss"),
        ("I'm not going to get into that with you.", "en", "dismiss"),
        ("You'll need to work it out yourself from the floor plan.", "en", "dismiss"),
        ("Water damage is not something we cover.", "en", "dismiss"),
        # minimising the complaint, condescension
        ("Those online reviews are mostly hype.", "en", "argue"),
        ("A week in Rome for that money? That's not realistic.", "en", "argue"),
        ("Have you ever actually read the contract?", "en", "rude"),
        ("Your company is paying for it anyway, so go for the top model.", "en", "rude"),
        ("If you keep swearing I'll close this chat.", "en", "rude"),
        ("Are you ordering it or not?", "en", "rude"),
        # zh: sent off to look it up, the rule as the answer, the closed door
        ("尺寸在商品页面上。", "zh", "dismiss"),
        ("请您自己查看说明书。", "zh", "dismiss"),
        ("说明书上都写着呢。", "zh", "dismiss"),
        ("按规定不能给您看维修记录。", "zh", "dismiss"),
        ("这份资料属于公司内部文件。", "zh", "dismiss"),
        ("延保就一年，别的没有了。", "zh", "dismiss"),
        ("上门安装我们不提供。", "zh", "dismiss"),
        ("想退就得排队，慢慢等吧。", "zh", "dismiss"),
        ("买哪个都一样。", "zh", "dismiss"),
        ("这个预算就别想了。", "zh", "dismiss"),
        # zh: minimising, guessing blame, talking down
        ("屏幕有点色差是正常的。", "zh", "argue"),
        ("差评都是同行黑的。", "zh", "argue"),
        ("您那个测速软件准不准还不一定呢。", "zh", "argue"),
        ("一分钱一分货，贵有贵的道理。", "zh", "argue"),
        ("是不是您自己摔过？", "zh", "blame_customer"),
        ("打印不出来就是使用方法不对。", "zh", "blame_customer"),
        ("这种故障一般是用户操作不当。", "zh", "blame_customer"),
        ("您可能不太懂相机，我给您普及一下。", "zh", "rude"),
        ("普通人用不上这么高的配置。", "zh", "rude"),
        ("您先搞清楚再来问吧。", "zh", "rude"),
    ],
)
def test_bad_service_reading_like_information_is_negative(text: str, lang: str, move: str) -> None:
    moves = _moves(text, lang)
    assert move in moves, (text, moves)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # the same places named while helping
        ("The size guide is on our website; I'll send you the link and we'll go through it.", "en"),
        ("Prices are on the tags, but tell me your budget and I'll show you three that fit.", "en"),
        ("Our policy is that we don't charge for collection, so it costs you nothing.", "en"),
        ("If you're not happy with it, let me know and I'll arrange a refund.", "en"),
        ("I'm sorry you've had to wait so long for this.", "en"),
        ("Have a look at the photos I've just sent and tell me which one you like.", "en"),
        ("Let's check the manual together.", "en"),
        ("尺码表在详情页，我发给您，咱们一起对一下。", "zh"),
        ("按规定我们不能透露库存，不过我可以帮您预留一台，明天回复您。", "zh"),
        ("您担心这个很正常，我先给您看检测报告。", "zh"),
        ("声音有点大是正常的吗？我帮您查一下。", "zh"),
        ("我可能不太了解您平时的用法，能说说吗？", "zh"),
        ("别的颜色也有，您喜欢哪种？", "zh"),
        ("是不是因为物流太慢，让您等急了？", "zh"),
        ("我们一起看一下说明书第十二页。", "zh"),
    ],
)
def test_the_same_words_while_helping_stay_clear(text: str, lang: str) -> None:
    moves = _moves(text, lang)
    assert not _negative(moves), (text, moves)


def test_owning_that_our_service_was_not_acceptable_is_no_argument() -> None:
    """'That's simply not acceptable, and I apologise' sides with the customer (seed 003 ch3:
    own the failure); 'that's simply not true' contradicts them."""
    assert "argue" not in _moves("That's simply not good enough from us, and I'm sorry.", "en")
    assert "argue" in _moves("That's simply not true.", "en")


@pytest.mark.parametrize(
    ("text", "lang", "move"),
    [
        # hiding behind the small print or the system (blind set 9; seed 003, 002)
        ("As per the policy, claims have to be made in writing within a week.", "en", "dismiss"),
        ("The system won't let me reopen a closed case.", "en", "dismiss"),
        ("We can't give you any prices over the phone.", "en", "dismiss"),
        ("Maybe a smart meter just isn't for you then.", "en", "dismiss"),
        ("You don't need to think about the wiring, it's standard.", "en", "dismiss"),
        ("这个我们也不知道。", "zh", "dismiss"),
        ("您去问卖家吧。", "zh", "dismiss"),
        # blame guessed, the complaint waved away, talking down
        ("That's most likely something you did when you set it up.", "en", "blame_customer"),
        ("The noise cancelling is mostly hype.", "en", "argue"),
        ("It's never the router, trust me.", "en", "argue"),
        ("I honestly don't have time to explain every setting.", "en", "rude"),
        ("Maybe ask your son to help you with it.", "en", "rude"),
        # made-up urgency and over-claiming (seed 001 不要欺骗)
        ("Rates are going up next week, so book now.", "en", "deceive"),
        ("The offer ends on Sunday, so you'll have to decide today.", "en", "deceive"),
        ("If you wait, you'll regret it.", "en", "deceive"),
        ("We've only got a few left in that colour.", "en", "deceive"),
        ("Every single one of our clients has saved money with it.", "en", "deceive"),
    ],
)
def test_system_walls_guessed_blame_and_pressure_are_negative(text: str, lang: str, move: str):
    moves = _moves(text, lang)
    assert move in moves, (text, moves)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("As per our terms you're owed a full refund, and I'll send it today.", "en"),
        ("The system won't let me change it, but I can book you a new slot now.", "en"),
        ("I can't give you exact prices until the survey, but I'll send a range today.", "en"),
        ("If it isn't something you did, we'll replace it free.", "en"),
        ("我们也不清楚原因，不过我马上帮您问厂家，今天回复您。", "zh"),
        ("I don't have time to go through it right now, but I'll call you at three.", "en"),
    ],
)
def test_the_same_walls_with_a_way_forward_stay_clear(text: str, lang: str):
    moves = _moves(text, lang)
    assert not _negative(moves), (text, moves)


def test_a_diagnosis_in_our_own_words_is_no_argument_and_doubting_the_customer_is() -> None:
    """'I think I know what's happened: …' explains; 'I think I know what works' talks down;
    doubting the customer's own measurement and guessing they knocked it are negative (tuned
    bad agents, session 8)."""
    assert "argue" not in _moves("I think I know what's happened: the input is set wrong.", "en")
    assert "argue" in _moves("I think I know better, I do this every day.", "en")
    assert "argue" in _moves("您那个测温枪未必准，别拿它当依据。", "zh")
    assert "blame_customer" in _moves("多半是您搬家的时候碰过。", "zh")
    assert "blame_customer" not in _moves("多半是运输途中碰到的，我马上给您换。", "zh")
