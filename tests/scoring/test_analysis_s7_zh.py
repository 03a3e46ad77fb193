"""Chinese reading steps and cues of session 7 (issue 14), without a classifier where possible.

Sentences written for this test. Seed basis: 002 §2a 简单的问候, 002/003 礼貌结束,
003 ch3 用温暖的语言表示关心, 001 提问技巧, 001/002 负面语气.
"""

from __future__ import annotations

import pytest

from scoring.analysis import (
    ADJUSTMENTS,
    NLU_NEGATIVE_OVER_KIND_CUE_MIN,
    AnalysisState,
    Evidence,
    analyze,
    sure_negative_outweighs_classifier_comfort_zh,
)


def _state(text: str, lang: str, cue: dict[str, float], nlu: dict[str, float]) -> AnalysisState:
    return AnalysisState(
        text=text, lang=lang, evidence=Evidence(cue_moves=dict(cue), nlu_moves=dict(nlu))
    )


def test_sure_rude_command_drops_the_classifier_comfort() -> None:
    sure = NLU_NEGATIVE_OVER_KIND_CUE_MIN
    s = _state("你就别再催了", "zh", {}, {"rude": sure, "reassurance": 0.6})
    sure_negative_outweighs_classifier_comfort_zh(s)
    assert s.evidence.nlu_moves == {"rude": sure}


@pytest.mark.parametrize(
    ("lang", "cue", "nlu"),
    [
        # comfort words found by the cues: the comfort stays
        ("zh", {"reassurance": 0.8}, {"rude": 0.95, "reassurance": 0.6}),
        # the classifier is not sure of the negative reading
        ("zh", {}, {"rude": NLU_NEGATIVE_OVER_KIND_CUE_MIN - 0.01, "reassurance": 0.6}),
        # English replies have their own steps
        ("en", {}, {"rude": 0.99, "reassurance": 0.6}),
    ],
)
def test_comfort_stays_otherwise(lang: str, cue: dict[str, float], nlu: dict[str, float]) -> None:
    s = _state("别哭了", lang, cue, nlu)
    sure_negative_outweighs_classifier_comfort_zh(s)
    assert s.evidence.nlu_moves == nlu


def test_the_step_runs_before_the_combination() -> None:
    names = [step.__name__ for step in ADJUSTMENTS]
    assert names.index("sure_negative_outweighs_classifier_comfort_zh") < names.index(
        "combine_cue_and_classifier"
    )


#: (reply, expected primary move) from the cues alone
CUE_CASES: list[tuple[str, str]] = [
    ("来啦，外面热吧", "greeting"),
    ("老周，你可算回来了", "greeting"),
    ("今天咱们就先到这", "thanks_closing"),
    ("咱们不说这些了，先吃饭", "thanks_closing"),
    ("辛苦啦", "thanks_closing"),
    ("不用送了，您留步", "thanks_closing"),
    ("这只是个误会，说开就好了", "reassurance"),
    ("大不了重新再来一次", "reassurance"),
    ("是我太着急了，没听您说完", "apology"),
    ("那个师傅今天不来了吧", "closed_question"),
    ("我这么理解没错吧", "confirm"),
    ("你还犹豫什么，直接拍", "rude"),
    ("我刚才说的您听明白了没有", "confirm"),
    ("您看周四上午合不合适", "confirm"),
    ("这个是您的吧", "closed_question"),
]


#: rhetorical jabs asked as questions: rude, and no question move
JABS: list[str] = [
    "你能不能有点礼貌",
    "喊什么喊，我听得见",
    "你连验证码都不会填？",
    "你到底懂不懂啊",
]


@pytest.mark.parametrize("text", JABS)
def test_a_rhetorical_jab_asks_nothing(text: str) -> None:
    moves = [m["move"] for m in analyze(text, "zh", "")["moves"]]
    assert moves == ["rude"], f"{text!r}: read as {moves}"


def test_a_real_question_after_a_jab_stays_a_question() -> None:
    moves = {m["move"] for m in analyze("别嚷了，你的手机号是多少？", "zh", "")["moves"]}
    assert {"rude", "closed_question"} <= moves


def test_the_jab_step_runs_after_the_default_question_is_weighed() -> None:
    names = [step.__name__ for step in ADJUSTMENTS]
    assert names.index("weigh_default_question") < names.index("rhetorical_jab_asks_nothing_zh")


@pytest.mark.parametrize(("text", "move"), CUE_CASES)
def test_cues_read_the_kind(text: str, move: str) -> None:
    moves = analyze(text, "zh", "")["moves"]
    assert moves and moves[0]["move"] == move, f"{text!r}: read as {moves}"


#: the same words without the kind: not read as it
NOT_THE_KIND: list[tuple[str, str]] = [
    ("快递到了", "greeting"),
    ("我在你家楼下", "reassurance"),
    ("外人我不放心", "reassurance"),
    ("可是我没时间", "apology"),
    ("您还需要点什么吗", "rude"),
    ("您想问什么都可以", "rude"),
    ("你可以把作业拆成几个小部分", "closed_question"),
    ("您能不能有点时间聊聊", "rude"),
    ("您能不能一次性付清", "rude"),
    # 句末「吧」without a guess is a suggestion, not a question
    ("下周再说吧", "closed_question"),
    ("那就明天来取吧", "closed_question"),
]


@pytest.mark.parametrize(("text", "move"), NOT_THE_KIND)
def test_same_words_without_the_kind(text: str, move: str) -> None:
    assert move not in {m["move"] for m in analyze(text, "zh", "")["moves"]}
