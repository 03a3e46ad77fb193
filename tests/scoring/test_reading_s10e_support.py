"""Supportive phrasing read by the cue rules alone (session 10, issue 14: kinds the reading
missed on outside emotional-support text): the feeling named back in more of its forms, the
person affirmed, self-blame denied without reading the denied insult as rudeness, a remedy put as
what usually works, "I understand how you feel" not taken for a question, and "your" typed for
"you're". Sentences written for these tests (seed 001 复述情感 and R-LIS-I4, 003 ch3, 004 ch2)."""

from __future__ import annotations

import pytest

from practice.vocabulary import MOVE_FAMILIES
from scoring.analysis import analyze

NEGATIVE = {"argue", "blame_customer", "dismiss", "rude", "deceive", "perfunctory"}


def moves(text: str, lang: str = "en", context: str = "") -> list[str]:
    return [m["move"] for m in analyze(text, lang, context)["moves"]]


def primary_family(text: str, lang: str = "en") -> str:
    found = moves(text, lang)
    assert found, text
    return MOVE_FAMILIES[found[0]]


@pytest.mark.parametrize(
    "text",
    [
        "I can appreciate how draining the back-and-forth with the landlord has been.",
        "I understand your hesitation about paying upfront.",
        "You're probably anxious the flight won't be rebooked in time.",
        "I'm sure that was frightening, with the smoke alarm going off at night.",
        "I'm sure you're exhausted after a week of calls about the boiler.",
        "I get that changing banks after twenty years is daunting.",
        "It must be weighing on you, not knowing when the repair will happen.",
        "That would leave anyone feeling let down after waiting all morning.",
        "I know what you're going through with the insurer.",
        "You've been going through a really rough patch with the shop.",
    ],
)
def test_the_feeling_named_back_is_empathy(text: str) -> None:
    assert primary_family(text) == "empathy", moves(text)


@pytest.mark.parametrize(
    "text",
    [
        "It takes a lot of courage to call about a debt you're worried about.",
        "Reading the small print first shows you really know what you're doing.",
        "You've already proven you can keep the account in order.",
        "You're being really level-headed about a stressful refund.",
        "You clearly have the patience for this, more than most.",
        "Your persistence with the council has paid off.",
        "You've done everything right with the claim so far.",
        "You're handling the whole move remarkably well.",
    ],
)
def test_the_person_affirmed_reassures(text: str) -> None:
    assert primary_family(text) == "reassurance", moves(text)


@pytest.mark.parametrize(
    "text",
    [
        "Forgetting the PIN doesn't make you stupid, it happens all the time.",
        "You're not dumb for missing that box on the form.",
        "There are no silly questions about your pension.",
        "You're not being fussy, the colour is clearly wrong.",
        "You aren't a nuisance, ring us as often as you need.",
    ],
)
def test_a_denied_insult_reassures_and_is_not_rude(text: str) -> None:
    found = moves(text)
    assert found and MOVE_FAMILIES[found[0]] == "reassurance", found
    assert not set(found) & NEGATIVE, found


@pytest.mark.parametrize(
    "text",
    [
        "Don't be stupid, it's on the receipt.",
        "Are you dumb? It says it right there.",
        "That was a stupid thing to do with the router.",
    ],
)
def test_a_real_insult_stays_rude(text: str) -> None:
    assert "rude" in moves(text), moves(text)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("问三遍也一点都不傻，这个设置本来就藏得深。", "zh"),
        ("这不代表您笨，新版本的菜单确实改乱了。", "zh"),
        ("不是您多事，这个问题确实该反映。", "zh"),
    ],
)
def test_a_denied_insult_reassures_and_is_not_rude_zh(text: str, lang: str) -> None:
    found = moves(text, lang)
    assert found and MOVE_FAMILIES[found[0]] == "reassurance", found
    assert not set(found) & NEGATIVE, found


@pytest.mark.parametrize("text", ["你是不是傻？这都不会。", "你笨啊，说了多少遍了。"])
def test_a_real_insult_stays_rude_zh(text: str) -> None:
    assert "rude" in moves(text, "zh"), moves(text, "zh")


@pytest.mark.parametrize(
    "text",
    [
        "能开口说出来就需要很大的勇气。",
        "这说明您特别用心，连保修卡都留着。",
        "我真的很佩服您，一个人跑了这么多趟。",
        "您已经尽力了，剩下的交给我们。",
    ],
)
def test_the_person_affirmed_reassures_zh(text: str) -> None:
    assert primary_family(text, "zh") == "reassurance", moves(text, "zh")


@pytest.mark.parametrize(
    "text",
    [
        "Unplugging the modem for thirty seconds usually fixes the drop-outs.",
        "Logging out and back in often does the trick with the app.",
        "Soaking the stain in cold water first really helps.",
    ],
)
def test_a_remedy_put_as_what_works_proposes(text: str) -> None:
    assert primary_family(text) == "solution", moves(text)


@pytest.mark.parametrize(
    "text",
    [
        "Waiting another week doesn't help anyone.",
        "Nothing we tried fixed it, I'm afraid.",
    ],
)
def test_what_does_not_work_proposes_nothing(text: str) -> None:
    assert "offer_solution" not in moves(text), moves(text)


@pytest.mark.parametrize(
    "text",
    [
        "I can understand how you are feeling about the delay.",
        "I see how that would be overwhelming with the kids at home.",
        "I understand why people are upset about the price change.",
        "I found it annoying when I have to log in twice.",
    ],
)
def test_a_clause_after_a_verb_of_knowing_asks_nothing(text: str) -> None:
    found = moves(text)
    assert not {"open_question", "closed_question"} & set(found), found


@pytest.mark.parametrize(
    "text",
    ["got it what time would suit you for the visit", "i get it is there something else going on"],
)
def test_a_run_on_question_still_asks(text: str) -> None:
    found = moves(text)
    assert {"open_question", "closed_question", "confirm"} & set(found), found


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("your welcome, glad the refund came through", "closing"),
        ("your not alone, loads of customers had the same bill", "reassurance"),
        ("i know your going through a lot with the move", "empathy"),
    ],
)
def test_your_typed_for_youre_is_read_as_youre(text: str, family: str) -> None:
    assert primary_family(text) == family, moves(text)


def test_your_as_a_possessive_is_left_alone() -> None:
    assert "thanks_closing" not in moves("Your welcome pack is in the post today.")


@pytest.mark.parametrize(
    "text",
    [
        "听得出来您对这个安装时间特别着急。",
        "听起来您这两天为了退款真是折腾坏了。",
        "我能感觉到您对这次服务挺失望的。",
    ],
)
def test_the_feeling_heard_is_empathy_zh(text: str) -> None:
    assert primary_family(text, "zh") == "empathy", moves(text, "zh")


@pytest.mark.parametrize(
    ("text", "family"),
    [("看得出来您对音响很在行。", "reassurance"), ("听起来您是想把套餐改成按月付。", "inform")],
)
def test_what_is_heard_that_is_no_feeling_is_no_empathy_zh(text: str, family: str) -> None:
    assert primary_family(text, "zh") == family, moves(text, "zh")


@pytest.mark.parametrize(
    "text",
    ["王姐您好，今天想看点什么？", "李老师早上好，您的报告已经出来了。", "亲您好，这边是售后。"],
)
def test_a_greeting_after_the_address_greets_zh(text: str) -> None:
    assert moves(text, "zh")[0] == "greeting", moves(text, "zh")


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("我给您寄一份样品过去？", "solution"),
        ("我帮您预留周六下午那个位置？", "solution"),
        ("我帮您查一下，您的手机号是多少？", "question"),
    ],
)
def test_an_offer_asked_as_a_question_proposes_zh(text: str, family: str) -> None:
    assert primary_family(text, "zh") == family, moves(text, "zh")


@pytest.mark.parametrize(
    "text",
    [
        "If you keep thinking about it, you'll miss out on this price.",
        "Sleep on it and you'll lose the deal, honestly.",
    ],
)
def test_fear_of_missing_out_pressed_is_made_up_urgency(text: str) -> None:
    assert "deceive" in moves(text), moves(text)


def test_waiting_for_something_real_is_no_pressure() -> None:
    assert "deceive" not in moves("If you wait until Friday, you'll get the new colour.")


def test_a_question_after_comfort_still_asks_zh() -> None:
    # the classifier's comfort reading belongs to the clause before the question
    nlu = {
        "intent": {"name": "reassurance", "confidence": 0.83},
        "intent_ranking": [
            {"name": "reassurance", "confidence": 0.83},
            {"name": "greeting", "confidence": 0.08},
        ],
    }
    found = analyze("您好，不着急，慢慢看。这部手机准备给谁用呢？", "zh", "", nlu=nlu)
    assert "closed_question" in [m["move"] for m in found["moves"]], found["moves"]
