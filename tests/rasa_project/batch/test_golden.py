"""Golden outputs of `make simulate` and `make score` (cue analysis, no model).

The files in golden/ were written by the batch tools before the practice core existed; the
core must give the same outcomes, customer lines, persona states and scorecards. When a
change is meant to alter them (the persona engine or the rubric changes on purpose), rewrite
them with ``python tests/rasa_project/batch/test_golden.py --rewrite`` and say why in the
commit.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from batch import score, simulate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SCRIPTS = ROOT / "tests" / "personas" / "data" / "simulate_scripts.jsonl"
TRANSCRIPTS = HERE / "golden" / "score_transcripts.jsonl"
SIMULATE_GOLDEN = HERE / "golden" / "simulate_cues.jsonl"
SCORE_GOLDEN = HERE / "golden" / "score_cues.jsonl"


def simulated() -> list[dict]:
    lines = SCRIPTS.read_text(encoding="utf-8").splitlines()
    return simulate.simulate_lines(lines, simulate.cue_analyzer)


def scored() -> list[dict]:
    lines = [line for line in TRANSCRIPTS.read_text(encoding="utf-8").splitlines() if line]
    return score.score_lines(lines, None)


def _golden(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _by_id(rows: list[dict]) -> dict[str, dict]:
    return {row["id"]: row for row in rows}


@pytest.fixture(scope="module")
def simulation() -> dict[str, dict]:
    return _by_id(simulated())


@pytest.mark.parametrize("expected", _golden(SIMULATE_GOLDEN), ids=lambda row: row["id"])
def test_simulate_gives_the_golden_conversation(simulation, expected):
    got = simulation[expected["id"]]
    assert got["outcome"] == expected["outcome"]
    assert got["opening"] == expected["opening"]
    assert [t["customer"] for t in got["turns"]] == [t["customer"] for t in expected["turns"]]
    assert got == expected


@pytest.fixture(scope="module")
def scorecards() -> dict[str, dict]:
    return _by_id(scored())


@pytest.mark.parametrize("expected", _golden(SCORE_GOLDEN), ids=lambda row: row["id"])
def test_score_gives_the_golden_scorecard(scorecards, expected):
    got = scorecards[expected["id"]]
    assert (got["overall"], got["outcome"]) == (expected["overall"], expected["outcome"])
    assert got == expected


def _rewrite() -> None:
    for path, rows in ((SIMULATE_GOLDEN, simulated()), (SCORE_GOLDEN, scored())):
        text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {len(rows)} rows to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--rewrite"]:
        raise SystemExit("usage: python tests/rasa_project/batch/test_golden.py --rewrite")
    _rewrite()
