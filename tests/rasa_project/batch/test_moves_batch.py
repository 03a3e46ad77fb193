"""`make moves` (batch.moves) and the in-process NLU it runs on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from batch import moves
from batch.nlu import load_nlu
from practice.vocabulary import MOVES


def test_parse_gives_a_rasa_parse_result_with_move_intents(nlu) -> None:
    result = nlu.parse("非常抱歉给您带来不便")
    assert set(result) >= {"text", "intent", "intent_ranking", "entities"}
    assert result["intent"]["name"].split("+")[0] in MOVES
    assert "apology" in result["intent"]["name"]


def test_parse_many_keeps_order_and_matches_single_parses(nlu) -> None:
    texts = ["Hi, this is Sarah from support.", "请问您的订单号是多少？", "Calm down!"]
    many = nlu.parse_many(texts)
    assert [r["text"] for r in many] == texts
    assert [r["intent"]["name"] for r in many] == [nlu.parse(t)["intent"]["name"] for t in texts]


@pytest.mark.parametrize(
    "plain, polite",
    [
        ("你结婚了吗", "您结婚了吗"),
        ("你方便说一下订单号吗", "您方便说一下订单号吗"),
        ("你别着急，我马上帮你查", "您别着急，我马上帮您查"),
    ],
)
def test_the_plain_you_reads_as_the_polite_one(nlu, plain: str, polite: str) -> None:
    # rudeness is in what a reply says, not in 你 instead of 您
    ranking = [(i["name"], round(i["confidence"], 6)) for i in nlu.parse(plain)["intent_ranking"]]
    assert ranking == [
        (i["name"], round(i["confidence"], 6)) for i in nlu.parse(polite)["intent_ranking"]
    ]
    assert nlu.parse(plain)["intent"]["name"] != "rude"


def test_a_multi_move_reply_gets_a_probability_for_each_move(nlu) -> None:
    ranking = {
        i["name"]: i["confidence"]
        for i in nlu.parse("非常抱歉让您久等了，我非常理解您的着急")["intent_ranking"]
    }
    assert ranking["apology"] > 0.5 and ranking["empathy"] > 0.5


def test_load_nlu_refuses_a_missing_model(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_nlu(tmp_path / "nope.tar.gz")


def run_moves(tmp_path: Path, raw: bytes, model_path: Path) -> tuple[int, list[dict]]:
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_bytes(raw)
    code = moves.main(["--model", str(model_path), str(src), str(dst)])
    return code, [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]


def test_every_line_gets_one_output_line_in_order_and_bad_lines_get_errors(
    tmp_path: Path, model_path: Path
) -> None:
    lines = [
        json.dumps({"id": "ok-zh", "lang": "zh", "text": "非常抱歉，我理解您的心情", "x": 1}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"id": "fr", "lang": "fr", "text": "bonjour"}),
        json.dumps({"id": "empty", "lang": "en", "text": "   "}),
        json.dumps({"id": "no-text", "lang": "en"}),
        json.dumps({"id": "emoji", "lang": "en", "text": "👍👍"}),
        json.dumps({"id": "long", "lang": "en", "text": "a" * 10_000}),
        json.dumps({"id": "ctrl", "lang": "en", "text": "sorry\u0000 for\u0007 the wait"}),
        "",
        json.dumps({"id": "ok-en", "lang": "en", "text": "What happened?", "context": None}),
    ]
    raw = "\n".join(lines).encode() + b"\n" + b'{"id": "latin1", "text": "caf\xe9"}\n'
    code, out = run_moves(tmp_path, raw, model_path)
    assert code == 0
    assert len(out) == len(lines) + 1
    by_pos = dict(enumerate(out))
    assert by_pos[0]["id"] == "ok-zh"
    assert {"apology", "empathy"} <= {m["move"] for m in by_pos[0]["moves"]}
    assert set(by_pos[0]) == {"id", "moves", "scores"}
    assert by_pos[1] == {"id": None, "error": by_pos[1]["error"]}
    assert "invalid JSON" in by_pos[1]["error"]
    assert "not a JSON object" in by_pos[2]["error"]
    assert by_pos[3]["id"] == "fr" and "unsupported language" in by_pos[3]["error"]
    assert "empty" in by_pos[4]["error"]
    assert "string" in by_pos[5]["error"]
    assert [m["move"] for m in by_pos[6]["moves"]] == ["perfunctory"]
    assert "too long" in by_pos[7]["error"]
    assert by_pos[8]["moves"][0]["move"] == "apology"
    assert "invalid JSON" in by_pos[9]["error"]
    assert by_pos[10]["moves"][0]["move"] == "open_question"
    assert "UTF-8" in by_pos[11]["error"]


def test_output_moves_are_ordered_and_scores_are_in_range(tmp_path: Path, model_path) -> None:
    texts = ["您好，请问有什么可以帮您？", "是你自己操作错了", "I can refund you today."]
    raw = "".join(
        json.dumps({"id": str(i), "lang": "en" if t.isascii() else "zh", "text": t}) + "\n"
        for i, t in enumerate(texts)
    ).encode()
    code, out = run_moves(tmp_path, raw, model_path)
    assert code == 0
    for record in out:
        confidences = [m["confidence"] for m in record["moves"]]
        assert confidences == sorted(confidences, reverse=True)
        assert all(0.0 <= v <= 1.0 for v in record["scores"].values())
    assert out[1]["moves"][0]["move"] == "blame_customer"
    assert out[2]["moves"][0]["move"] == "offer_solution"


def test_unreadable_input_exits_non_zero(tmp_path: Path, model_path: Path) -> None:
    code = moves.main(["--model", str(model_path), str(tmp_path / "missing.jsonl"), "-"])
    assert code == 2
