"""batch.eval_ratings: Spearman of the per-reply scores against raters' ratings (issue 15)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from batch.eval_ratings import evaluate_ratings, report_ratings


def _write(path: Path, field: str, rows: list[tuple[str, float]]) -> None:
    path.write_text(
        "\n".join(
            json.dumps({"id": str(i), "lang": "en", "text": text, "context": "", field: rating})
            for i, (text, rating) in enumerate(rows)
        ),
        encoding="utf-8",
    )


def test_rated_sets_report_spearman_and_leave_refused_replies_out(tmp_path: Path) -> None:
    _write(
        tmp_path / "epitome_dev.jsonl",
        "empathy_level",
        [
            ("The form is on page two.", 0),
            ("Sorry to hear that.", 1),
            ("I'm so sorry, that sounds awful. I'm here for you.", 2),
            ("x" * 9000, 2),  # refused: too long, no score
        ],
    )
    _write(
        tmp_path / "politeness_dev.jsonl",
        "politeness_score",
        [
            ("Why didn't you fix it? Are you blind?", -1.5),
            ("Fix the link.", -0.2),
            ("Could you fix the link, please? Thanks!", 1.2),
        ],
    )
    results = evaluate_ratings(tmp_path, None)
    assert results["epitome_dev"]["refused"] == 1 and results["epitome_dev"]["rows"] == 4
    assert results["epitome_dev"]["spearman"] == pytest.approx(1.0)
    assert results["politeness_dev"]["spearman"] == pytest.approx(1.0)
    report = report_ratings(tmp_path, None, tmp_path / "reports")
    assert report is not None and "| epitome_dev | empathy |" in report.read_text(encoding="utf-8")


def test_no_rated_set_gives_no_report(tmp_path: Path) -> None:
    assert evaluate_ratings(tmp_path, None) == {}
    assert report_ratings(tmp_path, None, tmp_path / "reports") is None
