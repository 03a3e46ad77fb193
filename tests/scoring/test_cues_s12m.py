"""Cue rules for poor agents in new voices (session 12, issue 13): running down where the
customer's doubt came from is arguing, waving away their story or their question is rude or
dismissive, manufactured urgency is pressure, the small print of a named scheme is company
policy; a promise that a list is written clearly is no blame. Sentences are this module's own."""

from __future__ import annotations

import pytest

from scoring.analysis import analyze


def _moves(text: str, lang: str) -> set[str]:
    return {m["move"] for m in analyze(text, lang)["moves"]}


@pytest.mark.parametrize(
    ("text", "lang", "move"),
    [
        ("Those bankruptcy stories are scaremongering spread by rival firms.", "en", "argue"),
        ("The reviews you read online are all paid, ignore them.", "en", "argue"),
        ("Anyone who says that has never owned one.", "en", "argue"),
        ("那些测评博主都拿了竞品的钱，别当真。", "zh", "argue"),
        ("网上那些差评全是友商抹黑的。", "zh", "argue"),
        ("觉得贵的都是没买过的人。", "zh", "argue"),
        ("Could we skip the backstory? Just the model number.", "en", "rude"),
        ("Dunno, they're all the same really.", "en", "dismiss"),
        ("It's in the loyalty scheme rules, sorry.", "en", "dismiss"),
        ("Refund dates are as per the system, I am unable to change them.", "en", "dismiss"),
        ("We can only hold the quote until Friday noon, so sign now.", "en", "deceive"),
        ("This flash deal ends at midnight.", "en", "deceive"),
        ("Order today or it'll be gone, honestly.", "en", "deceive"),
        ("Sign today, the price is going up next month.", "en", "deceive"),
        ("Did you bother to check the size guide?", "en", "blame_customer"),
        ("Did you open it without reading the leaflet?", "en", "blame_customer"),
        ("Do you honestly think a new one will be any different?", "en", "argue"),
        ("What do you expect me to do, fly it over myself?", "en", "rude"),
        ("What's the rush? It's only two days.", "en", "rude"),
        ("Can't you just call the courier yourself?", "en", "dismiss"),
        ("You're a bit shy, aren't you? Never mind.", "en", "rude"),
        ("您懂相机吗？", "zh", "argue"),
        ("一个月电费您算过吗？", "zh", "argue"),
        ("问这么细干嘛？", "zh", "rude"),
        ("您不说我怎么给您查？", "zh", "rude"),
        ("您是不是洗得太勤了？", "zh", "blame_customer"),
        ("您确定还要再考虑吗？就剩两台了。", "zh", "deceive"),
        ("明天就恢复原价了，赶紧下单吧。", "zh", "deceive"),
        ("这套不买就亏大了哦。", "zh", "deceive"),
    ],
)
def test_poor_agents_new_voices_are_read(text: str, lang: str, move: str) -> None:
    assert move in _moves(text, lang)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The reviews are all on our site if you'd like to compare for yourself.", "en"),
        ("They're all different, so let me ask what you'll be drilling into.", "en"),
        ("费用清单写得清清楚楚，没有隐形收费。", "zh"),
        ("We'll hold the room for you until Friday at no cost.", "en"),
        ("Did you get the confirmation email we sent on Monday?", "en"),
        ("What would you like me to do to put this right?", "en"),
        ("Have you tried restarting the router?", "en"),
        ("您查过订单状态吗？", "zh"),
        ("您了解过RO净水器吗？", "zh"),
        ("您是不是已经下单了？", "zh"),
    ],
)
def test_fair_replies_are_not_read_as_negative(text: str, lang: str) -> None:
    assert not _moves(text, lang) & {"argue", "rude", "dismiss", "deceive", "blame_customer"}


@pytest.mark.parametrize(
    "text",
    ["说明书上写得清清楚楚，您没看吗？", "规定写得清清楚楚，没什么好谈的", "早就写得很清楚了"],
)
def test_pointing_at_what_the_customer_should_have_read_still_blames(text: str) -> None:
    assert "blame_customer" in _moves(text, "zh")


@pytest.mark.parametrize(
    ("text", "lang", "move"),
    [
        ("Talk me through what happened when you switched it on?", "en", "open_question"),
        ("你一眼就相中这款，眼光在线！", "zh", "praise"),
        ("这方面您肯定比我看得透。", "zh", "praise"),
    ],
)
def test_invitations_and_praise_in_chat_registers(text: str, lang: str, move: str) -> None:
    assert move in _moves(text, lang)


@pytest.mark.parametrize(
    "text", ["Talk me through what happened when you switched it on?", "Take your time."]
)
def test_an_invitation_or_take_your_time_proposes_nothing(text: str) -> None:
    assert not _moves(text, "en") & {"offer_solution", "recommend"}


def test_advice_imperatives_still_propose() -> None:
    assert _moves("Talk to your manager about flexible hours.", "en") & {"offer_solution"}
    assert _moves("Take a deep breath and try again tomorrow.", "en") & {"offer_solution"}


@pytest.mark.parametrize(
    ("text", "move"),
    [
        ("Per our exchange policy, opened items must be sent to the depot first.", "dismiss"),
        ("I'm afraid I am not permitted to make an exception for you.", "dismiss"),
        ("'Faulty' is your word, not mine.", "argue"),
        ("You mean a 'refund', not a 'credit' - let's use the right terms.", "argue"),
        ("Most people manage to follow the quick-start card.", "blame_customer"),
        ("Usually it's user error at home, to be honest.", "blame_customer"),
        ("Well, I'm sure you know best.", "rude"),
        ("You do know what a router is, right?", "rude"),
        ("Let me guess, you didn't keep the receipt.", "rude"),
    ],
)
def test_polite_refusals_wording_and_sarcasm_are_read(text: str, move: str) -> None:
    assert move in _moves(text, "en")


@pytest.mark.parametrize(
    "text",
    [
        "Under our refund policy the money goes back to the original card, so I'll do that today.",
        "You know this area far better than I do, so tell me what matters most.",
        "I'm sure you know best what suits your living room - shall I show you both fabrics?",
    ],
)
def test_policy_with_action_and_genuine_deference_are_not_negative(text: str) -> None:
    assert not _moves(text, "en") & {"dismiss", "rude", "argue", "blame_customer"}
