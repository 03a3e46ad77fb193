"""rasa_project/batch/chat.py with the cue-rule analysis standing in for the NLU model."""

from __future__ import annotations

import io

from batch.chat import play
from scoring.analysis import analyze


def _cues(text: str, lang: str, context: str) -> dict:  # the analyzer, minus the model
    return analyze(text, lang, context=context, nlu=None)


def test_a_terminal_chat_shows_the_customer_moves_mood_and_tip() -> None:
    replies = io.StringIO("非常抱歉让您久等了，我理解您的心情。\n/quit\n")
    out = io.StringIO()
    outcome = play("angry_zh_broadband_outage", _cues, replies, out)
    text = out.getvalue()
    assert outcome == "ongoing"
    assert text.count("customer: ") == 2
    assert "moves: " in text and "apology" in text
    assert "mood: anger" in text and "tip: " in text


def test_a_rude_trainee_can_end_the_conversation() -> None:
    replies = io.StringIO("你自己搞错了，别烦我。\n" * 12)
    out = io.StringIO()
    outcome = play("angry_zh_broadband_outage", _cues, replies, out)
    assert outcome in {"escalated", "walked_away", "turn_limit"}
    assert f"== ended: {outcome}" in out.getvalue()
