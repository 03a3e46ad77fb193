"""Proposals judged in their own terms, on the offer engineer's own scripts
(tests/personas/data/scripts_offers/, see its README): a fitting proposal after a refused one
(over budget, missing the need, the wrong remedy) still ends resolved; pushy agents who pitch
priced products before listening, give ultimatums or send the customer away never resolve and
drive most customers off. Played through the practice core with the trained NLU."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from batch import listen_check

FOLDER = listen_check.ROOT / "tests" / "personas" / "data" / "scripts_offers"


def _scripts(name: str) -> list[dict]:
    path: Path = FOLDER / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _outcome(item: dict, analyse, library) -> str:
    results = listen_check.play(
        item["persona"], item["trainee_turns"], analyse, library, seed=int(item.get("seed", 1))
    )
    last = results[-1]
    return str(last.outcome) if last.ended else "ongoing"


@pytest.mark.parametrize(
    "item", _scripts("rejected_then_fitting.jsonl"), ids=lambda item: item["id"]
)
def test_a_fitting_proposal_after_a_refused_one_resolves(item, analyse, library):
    assert _outcome(item, analyse, library) == "resolved"


@pytest.mark.parametrize("item", _scripts("well_run.jsonl"), ids=lambda item: item["id"])
def test_a_well_run_conversation_with_a_proposal_put_as_a_question_resolves(item, analyse, library):
    assert _outcome(item, analyse, library) == "resolved"


def test_pushy_agents_never_resolve_and_drive_most_customers_off(analyse, library):
    outcomes = [_outcome(item, analyse, library) for item in _scripts("bad_agents.jsonl")]
    assert "resolved" not in outcomes
    driven_off = sum(o in ("walked_away", "escalated") for o in outcomes)
    assert driven_off / len(outcomes) >= listen_check.DRIVEN_OFF_GOAL, outcomes
