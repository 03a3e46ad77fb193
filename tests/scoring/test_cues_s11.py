"""Cue rules found by playing (session 11)."""

from __future__ import annotations

import pytest

from scoring.analysis import analyze


@pytest.mark.parametrize("text", ["维修单号是多少来着？", "这个要多少來著？", "减少来回跑的麻烦"])
def test_what_was_it_again_is_no_rudeness(text: str):
    # "少来" ("cut it out") inside 多少来着 ("what was it again") made a red line of a question
    assert "rude" not in {c["cue"] for c in analyze(text, "zh")["cues"]}


@pytest.mark.parametrize("text", ["少来这套！", "你少来！"])
def test_cut_it_out_is_still_rude(text: str):
    assert "rude" in {c["cue"] for c in analyze(text, "zh")["cues"]}


@pytest.mark.parametrize(
    "text", ["您对机械表很懂行，这个误差确实不正常。", "这个噪音是不正常的，我们马上处理。"]
)
def test_agreeing_it_is_not_normal_is_no_argument(text: str):
    # "误差…正常" minimising the fault matched "误差确实不正常", agreeing with the customer
    assert "argue" not in {c["cue"].split("_")[0] for c in analyze(text, "zh")["cues"]}


@pytest.mark.parametrize("text", ["这个误差是正常的。", "机械表走时误差很正常啊"])
def test_calling_the_fault_normal_still_argues(text: str):
    assert "argue" in {c["cue"].split("_")[0] for c in analyze(text, "zh")["cues"]}


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Before we get lost in the details, what matters most to you in the hotel?", "en"),
        ("王先生您好，直接说重点，问您两三个问题就给您配置。", "zh"),
        ("王先生您好，直说重点。请问主要处理什么工作？", "zh"),
        ("王先生您好 懂行的我就不绕弯子了 直接说重点 电脑主要用来干什么", "zh"),
    ],
)
def test_the_agent_keeping_it_short_is_no_rudeness(text: str, lang: str):
    # found in the blind sets' well-run conversations: the agent's own pace, not an order
    assert "rude" not in {m["move"] for m in analyze(text, lang)["moves"]}


@pytest.mark.parametrize(
    ("text", "lang"), [("Oh get lost.", "en"), ("你直接说重点行不行", "zh"), ("说重点！", "zh")]
)
def test_telling_the_customer_to_get_to_the_point_stays_rude(text: str, lang: str):
    assert "rude" in {m["move"] for m in analyze(text, lang)["moves"]}


@pytest.mark.parametrize(
    ("text", "move"),
    [
        ("sorry busy here. drills are aisle 12", "rude"),
        ("anything else? got a queue", "rude"),
        ("Are you buying today or just looking? I've got a few people waiting.", "rude"),
        ("I'm sorry, I can only follow the script I have on screen.", "dismiss"),
    ],
)
def test_a_hurried_or_scripted_brush_off_is_read(text: str, move: str):
    # blind set 13's bad floor and phone agents
    assert move in {m["move"] for m in analyze(text, "en")["moves"]}


@pytest.mark.parametrize(
    "text",
    ["I'm busy here helping you, no rush at all.", "I can only imagine how annoying that was."],
)
def test_the_agents_own_effort_is_no_brush_off(text: str):
    assert not {"rude", "dismiss"} & {m["move"] for m in analyze(text, "en")["moves"]}


@pytest.mark.parametrize(
    "text",
    [
        "Hi Mark. Sorry - late, broken, and no callback. That's a lot. I'm on it.",
        "Ugh, sorry. Order # pls? I'll pull it up right away.",
        "OK. Sorry you had to wait so long.",
    ],
)
def test_a_sentence_that_opens_with_sorry_apologises(text: str):
    # blind set 12's terse agent: the angry customer never heard the apology and stayed venting
    assert "apology" in {m["move"] for m in analyze(text, "en")["moves"]}


def test_sorry_to_hear_mid_reply_stays_empathy():
    moves = {m["move"] for m in analyze("Thanks. Sorry to hear that.", "en")["moves"]}
    assert "empathy" in moves and "apology" not in moves


@pytest.mark.parametrize(
    "text", ["这事儿是我们办砸了，我给您赔个不是。", "給您賠個不是。", "先给您赔礼了。"]
)
def test_making_amends_in_words_is_an_apology_not_compensation(text: str):
    # blind set 13: 赔个不是 ("I owe you an apology") was read as an offer to pay
    moves = {m["move"] for m in analyze(text, "zh")["moves"]}
    assert "apology" in moves and "offer_solution" not in moves


def test_compensation_stays_an_offer():
    assert "offer_solution" in {m["move"] for m in analyze("我给您赔偿50元话费。", "zh")["moves"]}
