"""The suite-wide evidence check (tests/conftest.py) is live: a scorecard that credits
something without a quoted reply fails the test that built it."""

from __future__ import annotations

import pytest

from scoring import scorecard


def test_the_suite_checks_every_scorecard_it_builds(monkeypatch):
    assert scorecard.SCORECARD_CHECKS, "tests/conftest.py registers the evidence check"
    transcript = [
        {"role": "customer", "text": "The dock is dead."},
        {
            "role": "trainee",
            "text": "So the dock is dead, right?",
            "analysis": {"moves": [{"move": "paraphrase", "confidence": 0.9}]},
        },
    ]
    # a builder that forgot the evidence of its steps is caught
    real = scorecard._five_steps

    def without_evidence(replies, lang):
        covered, order_ok, first, _evidence = real(replies, lang)
        return covered, order_ok, first, {}

    monkeypatch.setattr(scorecard, "_five_steps", without_evidence)
    with pytest.raises(AssertionError, match=r"step \w+ is ticked without a quoted reply"):
        scorecard.score_session(transcript, lang="en")
