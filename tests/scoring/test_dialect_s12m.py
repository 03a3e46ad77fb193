"""Cantonese written forms are read as standard Chinese (session 12, blind set 16's Hong Kong
agents): an apology in Cantonese is an apology, a question is a question; standard Chinese,
traditional 關係 included, comes out unchanged. Sentences are this module's own."""

from __future__ import annotations

import pytest

from scoring.analysis import analyze
from scoring.dialect import fold


@pytest.mark.parametrize(
    ("cantonese", "standard"),
    [
        ("真係对唔住", "真是对不起"),
        ("我哋而家冇货", "我们现在没货"),
        ("呢部手机係咪坏咗？", "这部手机是不是坏了？"),
        ("单号稍后发俾您", "单号稍后发给您"),
        ("唔该您把单号话俾我", "麻烦您把单号告诉我"),
    ],
)
def test_cantonese_is_folded(cantonese: str, standard: str) -> None:
    assert fold(cantonese) == standard


@pytest.mark.parametrize(
    "text", ["我们的关係很好", "關係不大", "你好呢？", "系统显示已发货", "今天天气很好。"]
)
def test_standard_chinese_is_unchanged(text: str) -> None:
    assert fold(text) == text


def test_an_apology_in_cantonese_is_an_apology() -> None:
    moves = {m["move"] for m in analyze("呢件事係我哋做得唔好，真係对唔住。", "zh")["moves"]}
    assert "apology" in moves
