"""Rating agreement (issue 15): do the per-reply scores rank replies as independent raters do?

For each rated dev set in ../shared/eval/dev (read at run time, never copied) every reply goes
through the same reading as `make moves` (NLU + `scoring.analysis.analyze`) and the Spearman
rank correlation between its score and the raters' rating is reported:

- epitome_dev: `scores.empathy` against `empathy_level` (EPITOME emotional reactions, 0/1/2);
- politeness_dev: `scores.politeness` against `politeness_score` (Stanford Politeness Corpus,
  the normalised score of five raters).

The goal (../shared/eval/README.md) is 0.5 or more on each. A reply the analysis refuses (too
long, wrong language) has no score and is left out; the report says how many.

Called by `make eval-moves` (batch.eval_moves) and on its own:

    python -m batch.eval_ratings [--model PATH] [--no-nlu]

Writes reports/moves/ratings.md (reports/ is gitignored).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from batch.moves import nlu_text
from batch.nlu import RASA_PROJECT
from scoring.analysis import analyze
from scoring.calibration.calibrate import spearman

REPO = RASA_PROJECT.parent
EVAL_DIR = REPO.parent / "shared" / "eval" / "dev"
REPORT_DIR = REPO / "reports" / "moves"
#: dev set -> (the raters' field, the score it is compared with)
RATED_SETS = {
    "epitome_dev": ("empathy_level", "empathy"),
    "politeness_dev": ("politeness_score", "politeness"),
}
GOAL = 0.5


def evaluate_rated_set(path: Path, rating: str, score: str, nlu: Any) -> dict[str, Any]:
    """Spearman between one score and the raters' rating over a JSONL dev set."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    started = time.perf_counter()
    parses = nlu.parse_many([nlu_text(r["text"]) for r in rows]) if nlu else [None] * len(rows)
    ratings, scores, refused = [], [], 0
    for row, parse in zip(rows, parses, strict=True):
        analysis = analyze(row["text"], row["lang"], row.get("context") or "", nlu=parse)
        if "error" in analysis:
            refused += 1
            continue
        ratings.append(float(row[rating]))
        scores.append(float(analysis["scores"][score]))
    elapsed = time.perf_counter() - started
    return {
        "rows": len(rows),
        "refused": refused,
        "score": score,
        "rating": rating,
        "spearman": spearman(ratings, scores) if len(scores) >= 2 else 0.0,
        "replies_per_second": len(rows) / elapsed if elapsed else 0.0,
    }


def evaluate_ratings(eval_dir: Path, nlu: Any) -> dict[str, dict[str, Any]]:
    """Every rated dev set found in eval_dir, by name."""
    return {
        name: evaluate_rated_set(eval_dir / f"{name}.jsonl", rating, score, nlu)
        for name, (rating, score) in RATED_SETS.items()
        if (eval_dir / f"{name}.jsonl").is_file()
    }


def report_ratings(eval_dir: Path, nlu: Any, report_dir: Path = REPORT_DIR) -> Path | None:
    """Evaluate, print one line per set and write report_dir/ratings.md (None: no rated set)."""
    results = evaluate_ratings(eval_dir, nlu)
    if not results:
        print(f"eval-ratings: no rated dev set in {eval_dir}", file=sys.stderr)
        return None
    md = [
        "# Rating agreement: per-reply scores against independent raters",
        "",
        f"Spearman between the score and the raters' rating (goal >= {GOAL}); replies the",
        "analysis refuses are left out.",
        "",
        "| dev set | score | rating | rows | refused | Spearman | replies/s |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        mark = "" if r["spearman"] >= GOAL else " (below goal)"
        print(
            f"{name}: Spearman(scores.{r['score']}, {r['rating']}) {r['spearman']:.3f}{mark} "
            f"({r['rows'] - r['refused']} of {r['rows']} rows, "
            f"{r['replies_per_second']:.0f} replies/s)"
        )
        md.append(
            f"| {name} | {r['score']} | {r['rating']} | {r['rows']} | {r['refused']} | "
            f"**{r['spearman']:.3f}** | {r['replies_per_second']:.0f} |"
        )
    report_dir.mkdir(parents=True, exist_ok=True)
    out = report_dir / "ratings.md"
    out.write_text("\n".join(md) + "\n", encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="eval-ratings", description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=None, help="trained model (default: $COUNTERPART_MODEL)")
    parser.add_argument("--no-nlu", action="store_true", help="cue rules only (no model)")
    parser.add_argument("--eval-dir", type=Path, default=EVAL_DIR)
    args = parser.parse_args(argv)
    if not args.eval_dir.is_dir():
        print(f"eval-ratings: {args.eval_dir} not found", file=sys.stderr)
        return 2
    nlu = None
    if not args.no_nlu:
        from batch.nlu import load_nlu

        nlu = load_nlu(args.model)
    report = report_ratings(args.eval_dir, nlu)
    if report is not None:
        print(f"report: {report.relative_to(REPO) if report.is_relative_to(REPO) else report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
