"""rasa_project/batch/simulate.py without a model: the plumbing from script lines to results,
with a stand-in analyzer that reads moves straight from the text ("apology+empathy")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from batch import simulate
from tests.personas.persona_scripts import analysis

# the example scripts live with the persona tests (personas/README.md points trainers to them)
EXAMPLE_SCRIPTS = (
    Path(__file__).resolve().parents[2] / "personas" / "data" / "simulate_scripts.jsonl"
)


# Replies the customer must understand (a question is answered by what it asks, so its words
# matter), with the moves the stand-in analyzer gives them.
SPOKEN = {
    "I'm so sorry. What happened?": "empathy open_question",
    "Sorry. So the bumper is cracked and the dock is dead. What's your order number?": (
        "apology paraphrase closed_question"
    ),
    "I see. Is there a reason you need it sorted so quickly?": "empathy open_question",
}


def fake_analyzer(text: str, lang: str, context: str) -> dict:
    words = SPOKEN.get(text, text).split()
    moves = [w for w in words if not w.startswith("remedy=")]
    remedy = next((w.split("=", 1)[1] for w in words if w.startswith("remedy=")), None)
    result = analysis(*moves, remedy=remedy)
    result["lang"] = lang
    return result


GOOD_ANGRY = [
    "greeting apology empathy",
    "I'm so sorry. What happened?",
    "Sorry. So the bumper is cracked and the dock is dead. What's your order number?",
    "I see. Is there a reason you need it sorted so quickly?",
    "reassurance confirm",
    "offer_solution remedy=refund",
    "follow_up thanks_closing",
]


def line(**item) -> str:
    return json.dumps(item, ensure_ascii=False)


def test_good_script_resolves_and_reports_every_turn(library):
    lines = [line(id="a", persona="angry_en_vacuum_broken", seed=1, trainee_turns=GOOD_ANGRY)]
    [result] = simulate.simulate_lines(lines, fake_analyzer, library)
    assert result["id"] == "a" and result["outcome"] == "resolved"
    assert result["opening"]
    assert len(result["turns"]) == len(GOOD_ANGRY)
    first = result["turns"][0]
    assert set(first) >= {"trainee", "customer", "moves", "state"}
    assert first["trainee"] == GOOD_ANGRY[0]
    assert [m["move"] for m in first["moves"]] == ["greeting", "apology", "empathy"]
    json.dumps(result)  # plain JSON all the way down


def test_turns_after_the_end_are_not_played(library):
    turns = ["dismiss", "dismiss", "dismiss", "apology", "apology"]
    lines = [line(id="b", persona="angry_en_vacuum_broken", trainee_turns=turns)]
    [result] = simulate.simulate_lines(lines, fake_analyzer, library)
    assert result["outcome"] == "escalated"
    assert result["unplayed_turns"] == len(turns) - len(result["turns"])


def test_unfinished_script_is_ongoing_and_silence_turns_work(library):
    turns = ["greeting", {"silence_seconds": 120}]
    lines = [line(id="c", persona="silent_zh_phone_for_father", seed=3, trainee_turns=turns)]
    [result] = simulate.simulate_lines(lines, fake_analyzer, library)
    assert result["outcome"] == "ongoing"
    assert result["turns"][1]["trainee"] is None
    assert result["turns"][1]["reaction"] == "silence"


def test_same_seed_same_results(library):
    lines = [line(id="d", persona="talkative_en_tv_setup", seed=5, trainee_turns=GOOD_ANGRY)]
    assert simulate.simulate_lines(lines, fake_analyzer, library) == simulate.simulate_lines(
        lines, fake_analyzer, library
    )


@pytest.mark.parametrize(
    ("raw", "expected_id", "words"),
    [
        ("{not json", None, "not valid JSON"),
        (line(id="e", persona="nobody", trainee_turns=["hi"]), "e", "unknown persona"),
        (line(id="f", trainee_turns=["hi"]), "f", "persona"),
        (line(id="g", persona="angry_en_vacuum_broken", trainee_turns="hi"), "g", "list"),
        (
            line(id="h", persona="angry_en_vacuum_broken", trainee_turns=[3]),
            "h",
            "trainee_turns[0]",
        ),
        (line(id="i", persona="angry_en_vacuum_broken", seed="x", trainee_turns=[]), "i", "seed"),
    ],
)
def test_bad_lines_get_an_error_and_the_run_goes_on(library, raw, expected_id, words):
    ok = line(id="ok", persona="male_en_cordless_drill", trainee_turns=["greeting"])
    results = simulate.simulate_lines([raw, ok], fake_analyzer, library)
    assert results[0]["id"] == expected_id
    assert words in results[0]["error"]
    assert results[1]["id"] == "ok" and "error" not in results[1]


def test_cli_writes_one_line_per_script(tmp_path, monkeypatch):
    src = tmp_path / "in.jsonl"
    out = tmp_path / "out" / "results.jsonl"
    src.write_text(
        line(id="x", persona="male_en_cordless_drill", trainee_turns=["greeting"]) + "\n\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(simulate, "cue_analyzer", fake_analyzer)
    assert simulate.main(["--no-nlu", "--in", str(src), "--out", str(out)]) == 0
    results = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in results] == ["x"]
    assert simulate.main(["--no-nlu", "--in", str(tmp_path / "missing"), "--out", str(out)]) == 2


def test_example_scripts_cover_every_persona(library):
    items = [json.loads(x) for x in EXAMPLE_SCRIPTS.read_text(encoding="utf-8").splitlines()]
    ids = {p.id for p in library.list()}
    for kind in ("good", "bad", "neutral"):
        assert {i["persona"] for i in items if i["id"].endswith(kind)} == ids
