"""A Chinese restatement checked by a tag (session 10): "明白了，您……，对吗？" says the customer's
facts back and asks whether they are right; it is a paraphrase first and the check second
(seed 004 ch1 复述与确认, seed 002 §2b 反饋與確認), as "…, is that right?" is in English. Questions
that only start with 您 (您看…可以吗, 您试过…吗, 您是不是…) are not restatements. Cue rules alone;
sentences written for these tests."""

from __future__ import annotations

import pytest

from scoring.analysis import analyze


def moves(text: str) -> list[str]:
    return [m["move"] for m in analyze(text, "zh")["moves"]]


@pytest.mark.parametrize(
    "text",
    [
        "明白了，您这双鞋穿了三天鞋底就开胶了，对吗？",
        "了解，您家宽带是从周一晚上开始断的，是吧？",
        "好的，您是想把订单改到下周二送，对吧？",
        "嗯嗯，您主要是给孩子上网课用，预算三千以内，没错吧？",
        "收到，您的房间空调一直在滴水，我理解得對嗎？",
    ],
)
def test_a_restatement_checked_by_a_tag_is_a_paraphrase_first(text: str) -> None:
    assert moves(text)[0] == "paraphrase"


@pytest.mark.parametrize(
    "text",
    [
        "好的，您看这样安排可以吗？",
        "明白，您试过把路由器重启一下吗？",
        "您是不是没有按说明书操作，对吧？",
        "那您先去设置里把定位打开，对吗？",
    ],
)
def test_a_question_that_only_starts_with_you_is_no_restatement(text: str) -> None:
    assert "paraphrase" not in moves(text)[:1]
