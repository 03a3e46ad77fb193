"""batch.eval_moves: the external-set metrics as ../shared/eval/README.md defines them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from batch.eval_moves import _has_move_gold, costly_confusions, evaluate_external, f1_scores


def test_external_metrics_are_macro_over_gold_groups_and_count_unfair_negatives(
    tmp_path: Path,
) -> None:
    rows = [
        ("zh", "非常抱歉给您添麻烦了", ["apology"]),  # hit
        ("zh", "是你自己操作错了", ["apology"]),  # miss, and negative without cause
        ("en", "Hello, this is Sam from support.", ["greeting"]),  # hit
        ("en", "Calm down!", ["negative"]),  # hit, negative with cause
    ]
    path = tmp_path / "dev.jsonl"
    path.write_text(
        "\n".join(
            json.dumps({"id": str(i), "lang": lang, "text": text, "context": "", "gold": gold})
            for i, (lang, text, gold) in enumerate(rows)
        ),
        encoding="utf-8",
    )
    result = evaluate_external(path, None)
    # groups: apology 1/2, greeting 1/1, negative 1/1 -> macro (0.5 + 1 + 1) / 3
    assert result["primary_accuracy"] == pytest.approx(2.5 / 3)
    assert result["primary_by_group"] == {"apology": 0.5, "greeting": 1.0, "negative": 1.0}
    # three replies have no negative gold; one of them is read as negative
    assert result["wrongly_negative"] == pytest.approx(1 / 3)


def test_f1_handles_sets_and_absent_labels() -> None:
    gold = [{"apology"}, {"apology", "empathy"}, {"greeting"}]
    pred = [{"apology"}, {"empathy"}, set()]
    f1 = f1_scores(gold, pred, ["apology", "empathy", "greeting", "rude"])
    assert f1 == {"apology": pytest.approx(2 / 3), "empathy": 1.0, "greeting": 0.0, "rude": 0.0}


def test_only_dev_sets_with_move_gold_are_evaluated(tmp_path: Path):
    moves = tmp_path / "moves.jsonl"
    moves.write_text(json.dumps({"text": "sorry", "gold": ["apology"]}) + "\n", encoding="utf-8")
    ratings = tmp_path / "ratings.jsonl"
    ratings.write_text(json.dumps({"text": "sorry", "empathy": 2}) + "\n", encoding="utf-8")
    assert _has_move_gold(moves)
    assert not _has_move_gold(ratings)


def test_costliest_confusions_weigh_misses_by_their_group_size() -> None:
    def row(gold: list[str], predicted: str) -> dict:
        return {"gold": gold, "predicted": predicted, "primary_hit": predicted in gold}

    rows = (
        [row(["inform"], "paraphrase")] * 2
        + [row(["inform"], "inform")] * 8
        + [row(["closing"], "inform")]
        + [row(["closing"], "closing")]
    )
    # two groups: one miss of two closings costs 1/2/2, two misses of ten informs 2/10/2
    assert costly_confusions(rows) == [
        ("closing", "inform", 1, pytest.approx(0.25)),
        ("inform", "paraphrase", 2, pytest.approx(0.1)),
    ]


def test_folds_of_one_language_do_not_move_when_the_other_language_changes() -> None:
    from batch.eval_moves import make_folds

    zh = [(f"退款{i}", "apology") for i in range(12)] + [(f"您好{i}", "greeting") for i in range(9)]
    en = [(f"sorry {i}", "apology") for i in range(10)]
    more_en = en + [(f"sorry again {i}", "apology") for i in range(7)]

    def zh_folds(examples: list[tuple[str, str]]) -> list[set[str]]:
        return [
            {examples[i][0] for i in fold if "退" in examples[i][0] or "您" in examples[i][0]}
            for fold in make_folds(examples, 3)
        ]

    assert zh_folds(zh + en) == zh_folds(zh + more_en)
    # every example is held out exactly once, and each stratum is spread over every fold
    examples = zh + more_en
    folds = make_folds(examples, 3)
    assert sorted(i for fold in folds for i in fold) == list(range(len(examples)))
    for fold in folds:
        assert {examples[i][1] for i in fold} == {"apology", "greeting"}
