"""`make score` batch (rasa_project/batch/score.py), run here with cue-only analysis."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "rasa_project" / "batch" / "score.py"

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("scoring.analysis") is None, reason="move analysis not present"
)


@pytest.fixture(scope="module")
def batch():
    spec = importlib.util.spec_from_file_location("score_batch", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GOOD = {
    "id": "t1",
    "lang": "en",
    "persona": "angry_en_vacuum_broken",
    "turns": [
        {"role": "customer", "text": "It arrived broken!!", "at": "2026-01-05T10:00:00Z"},
        {"role": "trainee", "text": "I'm so sorry. What happened?", "at": "2026-01-05T10:00:15Z"},
    ],
}


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_each_line_gets_a_scorecard_or_an_error_in_order(batch, tmp_path):
    lines = [
        json.dumps(GOOD),
        "not json",
        json.dumps({"id": "t3", "lang": "fr", "turns": GOOD["turns"]}),
        json.dumps({"id": "t4", "lang": "zh", "turns": []}),
        json.dumps({"id": "t5", "lang": "zh", "turns": [{"role": "boss", "text": "x"}]}),
        json.dumps({**GOOD, "id": "t6", "persona": None, "lang": "zh"}),
    ]
    inp = write_lines(tmp_path / "in.jsonl", lines)
    out = tmp_path / "out.jsonl"
    assert batch.main(["--in", str(inp), "--out", str(out), "--no-nlu"]) == 0
    results = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r.get("id") for r in results] == ["t1", None, "t3", "t4", "t5", "t6"]
    assert ["error" in r for r in results] == [False, True, True, True, True, False]
    card = results[0]
    assert {"overall", "dimensions", "five_steps", "outcome", "tips"} <= set(card)
    assert 0 <= card["overall"] <= 100
    assert set(card["five_steps"]) == {"listen", "understand", "confirm", "solve", "follow_up"}


def test_the_same_input_gives_the_same_output(batch, tmp_path):
    inp = write_lines(tmp_path / "in.jsonl", [json.dumps(GOOD)])
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    batch.main(["--in", str(inp), "--out", str(first), "--no-nlu"])
    batch.main(["--in", str(inp), "--out", str(second), "--no-nlu"])
    assert first.read_bytes() == second.read_bytes()


def test_unreadable_input_fails_the_run(batch, tmp_path):
    out = tmp_path / "out.jsonl"
    assert batch.main(["--in", str(tmp_path / "missing.jsonl"), "--out", str(out)]) != 0


def test_persona_ids_resolve_to_types(batch):
    resolve = batch.persona_type_resolver()
    assert resolve("angry_en_vacuum_broken") == "angry"
    assert resolve("silent_zh_unknown_id") == "silent"
    assert resolve(None) is None
