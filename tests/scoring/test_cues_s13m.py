"""Cue rules for pressure and promises nothing backs (session 13, issue 13): a deadline pinned on
a deal, "only five left, everyone's grabbing them", "don't think about it", a promise of a
perfect outcome or a company that can never fail, "no need to check the figures", "buy it with
your eyes closed" are manufactured urgency and over-promising (seed 001 售前 不要欺骗, 003 ch3
「避免過度承諾」, digest_doubtful). A date for what we will do is a time frame, not pressure.
Sentences are this module's own."""

from __future__ import annotations

import pytest

from scoring.analysis import analyze


def _moves(text: str, lang: str) -> set[str]:
    return {m["move"] for m in analyze(text, lang)["moves"]}


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("This bundle deal ends on Sunday, so I'd grab it.", "en"),
        ("Weekend only, that price.", "en"),
        ("It's the last day of the spring offer.", "en"),
        ("You get a free extended warranty if you order today.", "en"),
        ("Everyone's buying the cordless ones now.", "en"),
        ("Honestly, this firm will never go bankrupt, 100 percent.", "en"),
        ("No need to compare quotes, ours is the one.", "en"),
        ("I promise you it will be perfect.", "en"),
        ("You just need to sign and I'll handle the rest.", "en"),
        ("这个优惠本周日就结束了，您抓紧。", "zh"),
        ("今天是最后一天了哦。", "zh"),
        ("错过这次就要等到双十一了。", "zh"),
        ("仓库只剩三台了，好多人在抢。", "zh"),
        ("现在不下单，明天就涨价了。", "zh"),
        ("别犹豫了，直接拍吧。", "zh"),
        ("这款闭眼买就行。", "zh"),
        ("百分百没问题，包您满意。", "zh"),
        ("不用看合同了，都是标准的。", "zh"),
        ("这个谁都能用，不挑人。", "zh"),
    ],
)
def test_pressure_and_promises_nothing_backs_deceive(text: str, lang: str) -> None:
    assert "deceive" in _moves(text, lang), analyze(text, lang)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The replacement will reach you by Friday.", "en"),
        ("The offer isn't ending soon, so take your time.", "en"),
        ("No need to worry, I'll check the order myself.", "en"),
        ("I'll call you tomorrow at ten with the figures in writing.", "en"),
        ("这款有现货，明天上午就能送到。", "zh"),
        ("活动不会今天就结束，您慢慢考虑。", "zh"),
        ("您不用着急，我先帮您查一下。", "zh"),
        ("只剩一个问题：您家的水压大概多少？", "zh"),
    ],
)
def test_dates_for_what_we_do_and_no_pressure_are_not_deceit(text: str, lang: str) -> None:
    assert "deceive" not in _moves(text, lang), analyze(text, lang)


@pytest.mark.parametrize(
    ("text", "move"),
    [
        ("Speak up, I can't hear a thing over the till.", "rude"),
        ("Come back with your dad when you've decided.", "rude"),
        ("All the kids your age have this one.", "deceive"),
    ],
)
def test_talking_down_to_the_customer(text: str, move: str) -> None:
    assert move in _moves(text, "en"), analyze(text, "en")


@pytest.mark.parametrize(
    "text",
    [
        "Could you speak up a little? The line is crackly, sorry.",
        "If you'd like, come back with your dad and I'll go through it with you both.",
    ],
)
def test_asking_kindly_is_not_talking_down(text: str) -> None:
    assert "rude" not in _moves(text, "en"), analyze(text, "en")
