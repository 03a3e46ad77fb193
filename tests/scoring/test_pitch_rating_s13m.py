"""The rating of a reply the customer heard as a sales pitch in place of their matter (session 13):
the pitch earns no solution credit and costs listening (listening.stay_on_their_matter, seed 003
Ch3.2, 001 R-LIS-D1); the same reply with no persona hearing it, and a real remedy, are rated as
before. Sentences are this module's own."""

from __future__ import annotations

from practice.contracts import RatingContext
from scoring.analysis import analyze
from scoring.rubric import rate_turn

PITCH = "You could trade yours in for our new 65-inch model today, it's on sale."


def _rate(text: str, **context: object):
    return rate_turn(analyze(text, "en"), RatingContext(lang="en", text=text, **context))


def _ids(rating) -> set[str]:
    return {r["id"] for r in rating["rules"]}


def test_a_pitch_the_customer_heard_costs_listening_and_solves_nothing() -> None:
    heard = _rate(PITCH, heard_by_persona=True, hollow="pitch", persona_type="talkative")
    assert "listening.stay_on_their_matter" in _ids(heard)
    assert "solve" not in heard["steps"]
    assert "offer_solution" not in heard["moves"] and "recommend" not in heard["moves"]
    plain = _rate(PITCH, heard_by_persona=True, persona_type="talkative")
    assert "listening.stay_on_their_matter" not in _ids(plain)
    assert heard["dimensions"]["listening"] < plain["dimensions"]["listening"]


def test_other_hollow_kinds_and_offline_ratings_are_not_pitches() -> None:
    text = "Someone from the team will be in touch."
    vague = _rate(text, heard_by_persona=True, hollow="vague_promise")
    assert "listening.stay_on_their_matter" not in _ids(vague)
    offline = _rate(PITCH, hollow="pitch")  # no persona heard it: nothing to go on
    assert "listening.stay_on_their_matter" not in _ids(offline)
