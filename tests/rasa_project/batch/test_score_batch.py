"""`make score` batch (rasa_project/batch/score.py), run here with cue-only analysis."""

from __future__ import annotations

import json
from pathlib import Path

from batch import score

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


def test_each_line_gets_a_scorecard_or_an_error_in_order(tmp_path):
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
    assert score.main(["--in", str(inp), "--out", str(out), "--no-nlu"]) == 0
    results = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r.get("id") for r in results] == ["t1", None, "t3", "t4", "t5", "t6"]
    assert ["error" in r for r in results] == [False, True, True, True, True, False]
    card = results[0]
    assert {"overall", "dimensions", "five_steps", "outcome", "tips"} <= set(card)
    assert 0 <= card["overall"] <= 100
    assert set(card["five_steps"]) == {"listen", "understand", "confirm", "solve", "follow_up"}


def test_the_same_input_gives_the_same_output(tmp_path):
    inp = write_lines(tmp_path / "in.jsonl", [json.dumps(GOOD)])
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    score.main(["--in", str(inp), "--out", str(first), "--no-nlu"])
    score.main(["--in", str(inp), "--out", str(second), "--no-nlu"])
    assert first.read_bytes() == second.read_bytes()


def test_unreadable_input_fails_the_run(tmp_path):
    out = tmp_path / "out.jsonl"
    assert score.main(["--in", str(tmp_path / "missing.jsonl"), "--out", str(out)]) != 0


def test_persona_ids_resolve_to_types():
    resolve = score.persona_type_resolver()
    assert resolve("angry_en_vacuum_broken") == "angry"
    assert resolve("silent_zh_unknown_id") == "silent"
    assert resolve(None) is None
