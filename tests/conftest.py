"""Shared by both environments' test runs: keep it free of app-only or rasa-only imports."""

from __future__ import annotations

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item):
    """Expose each phase's report on the item, so fixtures can act on failures (screenshots)."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(autouse=True, scope="session")
def every_scorecard_names_its_evidence():
    """Issue 15: every scorecard the suite builds (fixtures, golden files, the practice core,
    the gateway's stored sessions) is checked as it is built: no strength, ticked step or
    observed dimension without a quoted reply behind it. A violation fails the test that
    built the scorecard."""
    from scoring import scorecard

    def check(card):
        problems = scorecard.evidence_problems(card)
        assert not problems, f"scorecard credits without evidence: {problems}"

    scorecard.SCORECARD_CHECKS.append(check)
    yield
    scorecard.SCORECARD_CHECKS.remove(check)
