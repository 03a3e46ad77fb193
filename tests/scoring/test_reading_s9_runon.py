"""Replies typed without punctuation (session 9, issue 13/14), read by the cue rules alone.

Voice input and hurried thumbs run an acknowledgement and a question together: "oh no what
does the screen show", "方便给下单号吗 我帮您查". The question is still what the customer is
to answer (seed 004 ch1: listen, acknowledge, then ask). Each kind comes with look-alikes
that must not turn into questions. Sentences written for these tests.
"""

from __future__ import annotations

import pytest

from scoring.analysis import _split_clauses, analyze


def moves(text: str, lang: str) -> list[str]:
    return [m["move"] for m in analyze(text, lang)["moves"]]


def asks(text: str, lang: str) -> bool:
    found = {c["cue"] for c in analyze(text, lang)["cues"]}
    return bool(found & {"open_question_form", "closed_question_form", "confirm_form"})


@pytest.mark.parametrize(
    "text",
    [
        "oh dear i'm so sorry is there anything on the display when it stops",
        "I totally understand sir could you tell me the booking reference",
        "no worries Jamie what exactly happened when the courier came",
        "thanks for waiting do you still have the receipt",
        "oh no how long has it been doing that",
        "fair enough which one did you have in mind",
    ],
)
def test_a_question_after_an_acknowledgement_in_one_run_asks(text: str) -> None:
    assert asks(text, "en")


@pytest.mark.parametrize(
    "text",
    [
        "I'm so sorry I know what you mean",
        "sorry about that here's how much it costs",
        "thanks for waiting we will call you when the part arrives",
        "oh no that's where the hinge is",
        "great news the engineer is there at nine",
    ],
)
def test_a_statement_with_a_question_word_inside_does_not_ask(text: str) -> None:
    assert not asks(text, "en")


@pytest.mark.parametrize(
    "text",
    [
        "周总方便给下保养单号吗 我这边帮您查一下",
        "方便给下手机号吗，我帮您登记一下",
        "方便说下预算嘛 我好帮您挑",
        "可以发张照片嘛 我看看是哪里坏了",
    ],
)
def test_a_chinese_clause_closed_by_a_question_particle_asks(text: str) -> None:
    assert asks(text, "zh")
    assert moves(text, "zh")[0] == "closed_question"


@pytest.mark.parametrize("text", ["这个真的没办法嘛", "好嘛 那就这样", "我们尽快处理 您放心"])
def test_a_chinese_statement_with_a_soft_particle_does_not_ask(text: str) -> None:
    assert not asks(text, "zh")


def test_an_emoji_closes_a_clause_like_a_full_stop() -> None:
    assert [c for _, c in _split_clauses("no rush 🙂 what is it for")] == [
        "no rush 🙂",
        "what is it for",
    ]
    assert moves("no rush at all 🙂 what will you mostly use it for", "en")[0] == "open_question"
