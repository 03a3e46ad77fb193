"""Cue rules found by playing blind set 18 (session 15): the policy wall in formal dress,
soft "calm down", rushing and talking down, courteous blame, and Chinese condescension,
written in our own words; with the near misses that must stay clear of them."""

from __future__ import annotations

import pytest

from scoring.analysis import analyze


def moves(text: str, lang: str) -> set[str]:
    return {m["move"] for m in analyze(text, lang)["moves"]}


@pytest.mark.parametrize(
    ("text", "move"),
    [
        ("All refunds are processed strictly in accordance with our Refunds Policy.", "dismiss"),
        ("I'm afraid the procedure does not allow me to book an engineer sooner.", "dismiss"),
        ("We are unable to make exceptions for late claims.", "dismiss"),
        ("I am not authorised to deviate from the standard process.", "dismiss"),
        ("The full terms are available on our website.", "dismiss"),
        ("I trust this clarifies our position on the matter.", "dismiss"),
        ("Let's take a deep breath together before we go on.", "rude"),
        ("Maybe it's time to let this go and move forward.", "rude"),
        ("That's the price. Take it or not?", "rude"),
        ("At your age these gadgets are always hard to manage.", "rude"),
        ("We don't need your room measurements, any of them will do.", "dismiss"),
        ("Decide at home and come back when you know.", "dismiss"),
        ("Please check what you did with the settings before it stopped.", "blame_customer"),
        ("Kindly be more careful with the charger next time.", "blame_customer"),
        ("A new kettle cannot break by itself.", "blame_customer"),
        ("Sir, the router is not having any fault from our side.", "argue"),
        ("Kind regards, Customer Care.", "thanks_closing"),
        ("I wish you every happiness with the new flat.", "thanks_closing"),
        ("It's a once-off price, it's gone tomorrow.", "deceive"),
        ("Only forty extra, everyone takes it.", "deceive"),
        ("Your parents would never notice the difference.", "deceive"),
        ("So to sum up: not us, not us and not us.", "dismiss"),
        ("Honestly, you worry too much about a few steps.", "rude"),
    ],
)
def test_english_bad_service_is_read(text: str, move: str):
    assert move in moves(text, "en")


@pytest.mark.parametrize(
    "text",
    [
        # a rule quoted on the way to what can be done is no wall
        "In accordance with our policy you get a full refund, and I'll process it today.",
        "The policy doesn't allow me to refund the fee, but I can send a replacement tomorrow.",
        # breathing as the customer's own advice, not a command
        "Taking a deep breath was helping you, you said; that makes sense.",
        # the agent owning the fault
        "There was no fault on your side at all; the part we sent was faulty.",
        "It was not us who set the fee, but I will ask my manager to waive it today.",
        "The offer is not gone tomorrow, take your time.",
    ],
)
def test_english_near_misses_stay_clear(text: str):
    assert not moves(text, "en") & {"dismiss", "rude", "blame_customer", "argue"}


@pytest.mark.parametrize(
    ("text", "move"),
    [
        ("普通消费者看不懂成分表很正常，您不用研究，我告诉您买哪个就行。", "rude"),
        ("这款太贵，您可能买不起。", "rude"),
        ("建议您先去学一下基础护肤，再来跟我们聊。", "rude"),
        ("您在网上看的那些测评，大部分都是广告。", "argue"),
        ("其实就是您的使用习惯本身有问题。", "blame_customer"),
        ("最基本的步骤都没做对，当然会过敏。", "blame_customer"),
        ("这事儿搁谁身上都得急。", "empathy"),
        ("您这功课做得可真到家。", "praise"),
    ],
)
def test_chinese_reading(text: str, move: str):
    assert move in moves(text, "zh")


@pytest.mark.parametrize(
    "text",
    ["我们的基础款买不起的话还有入门款，您看看？", "先别急，我这就帮您查。"],
)
def test_chinese_near_misses_are_not_blame(text: str):
    assert "blame_customer" not in moves(text, "zh")
