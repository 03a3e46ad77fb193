"""The customer listens (issue 13), measured through the practice core with the trained NLU:
the fact probes and the scripts written from the persona files (tests/personas/data/).

Goals the product meets are asserted as the issue states them; where it does not yet, the
floor is what it reaches today (the figures are in the issue's closing note), so a change
that makes the customer listen worse fails here.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from batch import listen_check
from batch.nlu import nlu_analyzer
from batch.simulate import cue_analyzer

#: the goal (in listen_check) on both probe sets; another fact drawn out stays under these
#: ceilings, just above what is measured (0.3 % of the tuning probes, 1.7 % of the held-out ones)
#: while the goal of never is not reached
PROBE_FLOOR = {
    "probes": listen_check.FACT_PROBE_GOAL,
    "probes_heldout": listen_check.FACT_PROBE_GOAL,
}
OTHER_FACT_CEILING = {"probes": 0.01, "probes_heldout": 0.025}


@pytest.fixture(scope="module")
def figures(model_path, library) -> listen_check.Figures:
    result = listen_check.Figures()
    analyzer = nlu_analyzer(model_path)
    for name, path in listen_check.PROBE_SETS.items():
        listen_check.check_probes(result, analyzer, library, name, path)
    listen_check.check_scripts(result, analyzer, library)
    return result


def _share(counts: Counter[str], key: str) -> float:
    about_a_fact = ("right", "held_back", "other_fact", "not_answered")
    total = sum(counts[k] for k in about_a_fact)
    return counts[key] / total


@pytest.mark.parametrize("name", ["probes", "probes_heldout"])
def test_a_question_about_a_fact_draws_it_out_or_the_customer_holds_back(figures, name):
    assert figures.probe_share(name) >= PROBE_FLOOR[name]


@pytest.mark.parametrize("name", ["probes", "probes_heldout"])
def test_a_question_about_a_fact_seldom_draws_out_another(figures, name):
    assert _share(figures.probes[name], "other_fact") <= OTHER_FACT_CEILING[name]


def test_well_run_conversations_end_resolved_for_every_persona(figures):
    assert figures.goals()["well_run_all_resolved"], figures.script_misses


def test_a_fitting_remedy_after_a_rejected_one_still_resolves(figures):
    assert figures.goals()["rejected_then_fitting_all_resolved"], figures.script_misses


def test_bad_agents_never_resolve_and_drive_most_customers_off(figures):
    bad = figures.scripts["bad"]
    assert bad["resolved"] == 0
    driven_off = (bad["escalated"] + bad["walked_away"]) / sum(bad.values())
    assert driven_off >= listen_check.DRIVEN_OFF_GOAL


def test_content_free_agents_never_resolve(figures):
    assert figures.scripts["content_free"]["resolved"] == 0


def test_dont_ask_again_fires_only_when_the_customer_had_given_that_detail(figures):
    assert figures.asked_again_fired > 0  # the rule is exercised by the scripts
    assert figures.asked_again_unfounded == []


def _play(library, persona_id: str, replies: list[str]) -> list[Any]:
    return listen_check.play(persona_id, replies, cue_analyzer, library)


def test_asking_again_for_a_given_fact_refers_to_it(library):
    results = _play(
        library,
        "angry_en_vacuum_broken",
        ["Could you give me your order number?", "What was your order number?"],
    )
    first, again = results[1], results[2]
    assert first.state["heard"] == {
        "kind": "question",
        "answer": "fact",
        "fact": "order_number",
        "how": "asked",
    }
    assert again.state["heard"]["answer"] == "already_told"
    assert "AV-558213" in again.line
    assert again.rating is not None
    assert "listening.asked_again" in {r["id"] for r in again.rating["rules"]}


def test_another_script_set_is_reported_and_judged_on_its_own():
    result = listen_check.Figures()
    result.scripts["well_run"] = Counter(resolved=16)
    result.scripts["blind7:well_run"] = Counter(resolved=15, ongoing=1)
    result.scripts["blind7:bad"] = Counter(walked_away=9, resolved=1)
    goals = result.goals()
    assert goals["well_run_all_resolved"]
    assert not goals["blind7_well_run_all_resolved"]
    assert not goals["blind7_bad_never_resolve"]
    assert goals["blind7_bad_drive_off"]  # 9 of 10 driven off
    # a kind the set lacks is not a goal of it
    assert "blind7_content_free_never_resolve" not in goals


def test_a_set_played_alone_is_judged_alone():
    result = listen_check.Figures()
    result.scripts["blind7:well_run"] = Counter(resolved=16)
    goals = result.goals()
    assert goals["blind7_well_run_all_resolved"]
    assert "well_run_all_resolved" not in goals
