"""Everyday bad service of blind set 11's kinds (session 9, lead), read by the cue rules alone:
policy quoted instead of a way forward, talking down to the customer, made-up urgency; zh:
不归我们管, 偶尔…很正常, 自己看详情页, the person who knows is off today, 都是恰饭的,
不买就去招呼别人.
Each kind has a good counterpart in the same words that must not read negative. Sentences
written for these tests (seed 001, 002 §2a, 003 ch3)."""

from __future__ import annotations

import pytest

from scoring.analysis import analyze

NEGATIVE = {"argue", "blame", "dismiss", "rude", "deceive"}


def negative(text: str, lang: str) -> set[str]:
    return {m["move"] for m in analyze(text, lang)["moves"]} & NEGATIVE


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Gold membership doesn't entitle you to free delivery.", "en"),
        ("You're not entitled to a refund after thirty days.", "en"),
        ("Most people who buy white carpets regret it within a month.", "en"),
        ("It's dry-clean only. I'd have thought that was obvious.", "en"),
        ("At your age you might find the smaller phone easier.", "en"),
        ("I do actually know how our warranty works.", "en"),
        ("Do you actually want to book the tour or not?", "en"),
        ("I can't promise the seats will still be available tomorrow.", "en"),
        ("发票这块不归我们门店管，您去找开票的同事。", "zh"),
        ("信号偶尔不好很正常的哦。", "zh"),
        ("尺码您自己看一下详情页哈。", "zh"),
        ("这个得问一下师傅，他今天休息。", "zh"),
        ("那些测评都是软文，别当真。", "zh"),
        ("您不买的话我先去招呼别的客人了。", "zh"),
    ],
)
def test_everyday_bad_service_reads_negative(text: str, lang: str) -> None:
    assert negative(text, lang)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "Gold membership doesn't entitle you to free delivery, but I'll waive it this time.",
            "en",
        ),
        ("Most people who buy this one love how soft it is.", "en"),
        (
            "I can't promise it'll still be there next week, so I've put it on hold until Friday.",
            "en",
        ),
        ("发票这块不归我们门店管，不过我帮您直接联系财务，今天给您开好。", "zh"),
        ("偶尔有点杂音是正常的，不过您说的这种咔咔声，我马上帮您安排师傅上门看看。", "zh"),
        ("尺码表在详情页，我帮您对一下：您说的身高选M正好。", "zh"),
    ],
)
def test_the_same_words_that_go_on_to_help_are_not_negative(text: str, lang: str) -> None:
    assert not negative(text, lang)
