"""Telling the customer to keep out of their own matter (session 12, listen12): 「这些你就别管
了」「你管那么多干嘛」 shut the customer out and are a brush-off (seed 003, 002: no passing the
buck, respect the customer; 001 R-LIS-4 take the problem over and say what you can do); 「您别
操心了，交给我，明早十点前回复您」 takes it over and is not. Cue rules alone; sentences written
for these tests."""

from __future__ import annotations

import pytest

from scoring.analysis import analyze


def moves(text: str) -> list[str]:
    return [m["move"] for m in analyze(text, "zh")["moves"]]


@pytest.mark.parametrize(
    "text",
    ["这些你就别管了。", "那个事您不用过问了", "你管那么多干嘛？", "其他的你别操心那么多"],
)
def test_keeping_the_customer_out_is_a_brush_off(text: str) -> None:
    assert "dismiss" in moves(text)


@pytest.mark.parametrize(
    "text",
    ["您别操心了，交给我，明早十点前回复您。", "这事您不用管了，我来跟快递对接，下午给您消息。"],
)
def test_taking_it_over_is_not(text: str) -> None:
    assert "dismiss" not in moves(text)
