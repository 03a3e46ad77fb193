"""Chinese cues found misread in well-run scripts written blind in session 7 (issue 13/14).

Cue rules alone (no classifier). Sentences written for this test; seed basis: 003 不要指责客户
(saying it is *not* the customer's fault is the opposite of blame), 001 R-LIS-I4 (respect for an
expert customer), 002 自己说话的节奏 (an agent setting their own pace is not hurrying anyone).
"""

from __future__ import annotations

import pytest

from scoring.analysis import analyze


def _moves(text: str) -> list[str]:
    return [m["move"] for m in analyze(text, "zh", context="", nlu=None)["moves"]]


@pytest.mark.parametrize(
    "text",
    [
        "路由器的灯一直红着，这是机房那边的事，不怪您。",
        "这事真不能怪您，快递那天把地址录错了。",
        "不是你的错，包装本来就容易压坏。",
    ],
)
def test_not_the_customers_fault_is_reassurance_not_blame(text: str) -> None:
    moves = _moves(text)
    assert "blame_customer" not in moves
    assert "reassurance" in moves


@pytest.mark.parametrize("text", ["都怪您自己没保存好发票。", "谁让你不提前预约的。"])
def test_blame_in_the_same_words_still_reads_as_blame(text: str) -> None:
    assert "blame_customer" in _moves(text)


@pytest.mark.parametrize(
    "text",
    ["这方面您比我懂，我就不班门弄斧了。", "您精通红酒，我直接向您请教：平时喜欢哪个产区？"],
)
def test_owning_the_customers_expertise_is_praise(text: str) -> None:
    assert "praise" in _moves(text)


def test_getting_to_the_point_after_introducing_oneself_is_not_rude() -> None:
    assert "rude" not in _moves("您好，我是门店顾问阿杰，直接说重点。您这次想看哪一类？")
    # said to the customer, it still hurries them
    assert "rude" in _moves("你直接说重点行不行。")
