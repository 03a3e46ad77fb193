"""`make eval-moves`: how well the move analysis works, on own data and on text nobody here wrote.

1. Own data, cross-validated: the NLU examples in data/nlu/ are split into k stratified folds;
   for each fold a model is trained on the rest (both languages together, as in production) and
   the held-out replies go through NLU + `scoring.analysis.analyze`. Reported per language:
   the move macro F1 of the classifier alone (every move it rates at 0.5 or more) and of the
   full analysis (a reply's moves as a set against its labelled moves).
2. External dev sets (../shared/eval/dev/*.jsonl, read at run time, never copied): macro primary
   accuracy and macro recall@set over the gold family groups, as ../shared/eval/README.md defines,
   and the share of replies with no negative gold that the analysis gives a negative move.

Writes reports/moves/eval.md (eval-cv.md / eval-external.md for partial runs) and one
confusion-matrix PNG per evaluation (reports/ is gitignored).

    python -m batch.eval_moves [--model PATH] [--folds 3] [--skip-cv] [--skip-external]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import yaml

from batch.eval_ratings import report_ratings
from batch.moves import nlu_text
from batch.nlu import RASA_PROJECT, load_nlu
from practice.vocabulary import MOVE_FAMILIES, MOVES
from rasa_settings import get_settings
from scoring.analysis import analyze

REPO = RASA_PROJECT.parent


def _eval_dir() -> Path:
    """The external dev sets: $COUNTERPART_EVAL_DIR, else the first ``shared/eval/dev`` beside
    the clone or a folder above it (a clone at ``<team>/main`` and a worktree at
    ``<team>/wt/<name>`` both find ``<team>/shared``)."""
    if env := os.environ.get("COUNTERPART_EVAL_DIR"):
        return Path(env)
    for parent in REPO.parents:
        candidate = parent / "shared" / "eval" / "dev"
        if candidate.is_dir():
            return candidate
    return REPO.parent / "shared" / "eval" / "dev"


EVAL_DIR = _eval_dir()
REPORT_DIR = REPO / "reports" / "moves"
NLU_DIR = RASA_PROJECT / "data" / "nlu"
_CJK = re.compile(r"[\u3400-\u9fff]")
_ANNOTATION = re.compile(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})")


# --- metrics -------------------------------------------------------------------------------


def f1_scores(gold: list[set[str]], pred: list[set[str]], labels: list[str]) -> dict[str, float]:
    """Per-label F1 for set-valued gold and predictions (single-label is the 1-element case)."""
    out = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if label in g and label in p)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if label not in g and label in p)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if label in g and label not in p)
        out[label] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return out


def grouped_macro(rows: list[dict[str, Any]], hit: str) -> tuple[float, dict[str, float]]:
    """Mean of `hit` per gold group, then the groups averaged with equal weight."""
    groups: dict[str, list[bool]] = defaultdict(list)
    for row in rows:
        groups["+".join(row["gold"])].append(bool(row[hit]))
    per_group = {g: sum(v) / len(v) for g, v in sorted(groups.items())}
    return sum(per_group.values()) / len(per_group), per_group


# --- own data ------------------------------------------------------------------------------


def load_examples() -> list[tuple[str, str]]:
    """(text, intent) for every trainee-move example in data/nlu (annotations stripped)."""
    examples = []
    for path in sorted(NLU_DIR.glob("*.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in doc.get("nlu") or []:
            intent = block.get("intent")
            if not intent or not all(m in MOVES for m in intent.split("+")):
                continue
            for line in (block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    examples.append((_ANNOTATION.sub(r"\1", line[2:]).strip(), intent))
    return examples


def lang_of(text: str) -> str:
    return "zh" if _CJK.search(text) else "en"


def make_folds(examples: list[tuple[str, str]], k: int, seed: int = 7) -> list[list[int]]:
    """Stratified by intent and language, so every fold sees every move in both languages.

    Each stratum is shuffled by its own generator (seeded by the seed, the intent and the
    language): an example added to one stratum moves no other stratum's examples between folds,
    so an edit of the English data leaves the Chinese folds as they were (with one generator
    for all strata, any edit reshuffled every fold and moved the figures by about 0.01).
    """
    by_stratum: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, (text, intent) in enumerate(examples):
        by_stratum[(intent, lang_of(text))].append(i)
    folds: list[list[int]] = [[] for _ in range(k)]
    for key in sorted(by_stratum):
        idx = by_stratum[key]
        random.Random(f"{seed}:{key[0]}:{key[1]}").shuffle(idx)
        for j, i in enumerate(idx):
            folds[j % k].append(i)
    return folds


def _write_training_data(path: Path, examples: list[tuple[str, str]], keep: set[int]) -> None:
    """Training data without the held-out examples; other files (synonyms, regexes) as they are."""
    held_out = {examples[i] for i in range(len(examples)) if i not in keep}
    for src in sorted(NLU_DIR.glob("*.yml")):
        doc = yaml.safe_load(src.read_text(encoding="utf-8")) or {}
        for block in doc.get("nlu") or []:
            intent = block.get("intent")
            if not intent or "examples" not in block:
                continue
            lines = []
            for line in block["examples"].splitlines():
                text = _ANNOTATION.sub(r"\1", line.strip()[2:]).strip()
                if (text, intent) not in held_out:
                    lines.append(line.strip())
            block["examples"] = "\n".join(lines) + "\n"
        (path / src.name).write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")


def _train(data_dir: Path, out_dir: Path, config: Path) -> Path:
    # Rasa's training cache keys on component configs, not on our components' code: a fold
    # must be trained by the pipeline as it is now
    os.environ["RASA_MAX_CACHE_SIZE"] = "0"
    from rasa.model_training import train_nlu

    model = train_nlu(
        config=str(config),
        nlu_data=str(data_dir),
        output=str(out_dir),
        domain=str(RASA_PROJECT / "domain"),
        fixed_model_name="fold",
    )
    if not model:
        raise RuntimeError("training failed")
    return Path(model)


def classifier_moves(parse: dict[str, Any]) -> set[str]:
    """The moves the classifier alone rates at 0.5 or more (its best one when none is)."""
    ranking = [i for i in parse.get("intent_ranking") or [] if i.get("name") in MOVES]
    found = {i["name"] for i in ranking if i["confidence"] >= 0.5}
    return found or {i["name"] for i in ranking[:1]}


def cross_validate(
    k: int, max_folds: int | None = None, config: Path = RASA_PROJECT / "config.yml"
) -> dict[str, Any]:
    """k-fold CV; with max_folds, only that many folds are held out (a held-out split)."""
    examples = load_examples()
    folds = make_folds(examples, k)[:max_folds]
    predictions: list[dict[str, Any] | None] = [None for _ in examples]
    with tempfile.TemporaryDirectory(prefix="counterpart-cv-") as tmp:
        for n, fold in enumerate(folds, 1):
            started = time.perf_counter()
            data_dir = Path(tmp) / f"data{n}"
            data_dir.mkdir()
            held = set(fold)
            _write_training_data(data_dir, examples, set(range(len(examples))) - held)
            nlu = load_nlu(_train(data_dir, Path(tmp) / f"model{n}", config))
            texts = [examples[i][0] for i in fold]
            for i, parse in zip(fold, nlu.parse_many(texts), strict=True):
                text, _ = examples[i]
                analysis = analyze(text, lang_of(text), "", nlu=parse)
                predictions[i] = {
                    "classifier": classifier_moves(parse),
                    "moves": [m["move"] for m in analysis.get("moves", [])],
                }
            nlu.close()
            print(f"fold {n}/{len(folds)}: {time.perf_counter() - started:.0f}s", file=sys.stderr)
    report: dict[str, Any] = {}
    for lang in ("zh", "en"):
        idx = [i for i, (t, _) in enumerate(examples) if lang_of(t) == lang and predictions[i]]
        gold_moves = [set(examples[i][1].split("+")) for i in idx]
        classifier_f1 = f1_scores(
            gold_moves, [predictions[i]["classifier"] for i in idx], list(MOVES)
        )
        pred_moves = [set(predictions[i]["moves"]) for i in idx]
        move_f1 = f1_scores(gold_moves, pred_moves, list(MOVES))
        primary = [
            (predictions[i]["moves"] or ["none"])[0] in examples[i][1].split("+") for i in idx
        ]
        report[lang] = {
            "examples": len(idx),
            "classifier_macro_f1": sum(classifier_f1.values()) / len(classifier_f1),
            "move_macro_f1": sum(move_f1.values()) / len(move_f1),
            "primary_accuracy": sum(primary) / len(primary),
            "move_f1": move_f1,
            "confusion": Counter(
                (examples[i][1].split("+")[0], (predictions[i]["moves"] or ["none"])[0])
                for i in idx
            ),
        }
    return report


# --- external dev sets ---------------------------------------------------------------------


def _has_move_gold(path: Path) -> bool:
    """Whether a dev set labels replies with move families (its first line has ``gold``)."""
    with path.open(encoding="utf-8") as handle:
        first = next((line for line in handle if line.strip()), "")
    try:
        return "gold" in json.loads(first)
    except ValueError:
        return False


def evaluate_external(path: Path, nlu: Any) -> dict[str, Any]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    started = time.perf_counter()
    # the same reading as `make moves`
    parses = nlu.parse_many([nlu_text(r["text"]) for r in rows]) if nlu else [None] * len(rows)
    for row, parse in zip(rows, parses, strict=True):
        analysis = analyze(row["text"], row["lang"], row.get("context") or "", nlu=parse)
        families = [MOVE_FAMILIES[m["move"]] for m in analysis.get("moves", [])]
        row["predicted"] = families[0] if families else "none"
        row["primary_hit"] = bool(families) and families[0] in row["gold"]
        row["set_hit"] = any(f in row["gold"] for f in families)
        row["wrongly_negative"] = "negative" not in row["gold"] and "negative" in families
    elapsed = time.perf_counter() - started
    primary, primary_groups = grouped_macro(rows, "primary_hit")
    recall, recall_groups = grouped_macro(rows, "set_hit")
    return {
        "rows": len(rows),
        "replies_per_second": len(rows) / elapsed if elapsed else 0.0,
        "primary_accuracy": primary,
        "recall_at_set": recall,
        # fairness: a negative move costs the trainee points; how often one is found in a
        # reply whose writer did nothing negative
        "wrongly_negative": sum(r["wrongly_negative"] for r in rows)
        / max(1, sum("negative" not in r["gold"] for r in rows)),
        "primary_by_group": primary_groups,
        "recall_by_group": recall_groups,
        "confusion": Counter(("+".join(r["gold"]), r["predicted"]) for r in rows),
        "costly_confusions": costly_confusions(rows),
    }


def costly_confusions(
    rows: list[dict[str, Any]], top: int = 6
) -> list[tuple[str, str, int, float]]:
    """The misreadings that cost the macro primary accuracy most: (gold group, predicted
    family, replies, macro points lost), worst first. A miss in a small group costs more
    than one in a big group, as the macro average counts every group alike."""
    sizes = Counter("+".join(r["gold"]) for r in rows)
    misses = Counter(("+".join(r["gold"]), r["predicted"]) for r in rows if not r["primary_hit"])
    costs = [
        (group, predicted, n, n / sizes[group] / len(sizes))
        for (group, predicted), n in misses.items()
    ]
    return sorted(costs, key=lambda c: (-c[3], c[0], c[1]))[:top]


# --- report --------------------------------------------------------------------------------


def confusion_png(confusion: Counter, title: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = sorted({g for g, _ in confusion})
    cols = sorted({p for _, p in confusion})
    grid = [[confusion.get((r, c), 0) for c in cols] for r in rows]
    fig, ax = plt.subplots(figsize=(1.0 + 0.55 * len(cols), 1.0 + 0.45 * len(rows)))
    ax.imshow(grid, cmap="Blues")
    ax.set_xticks(range(len(cols)), cols, rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(len(rows)), rows, fontsize=7)
    for y, line in enumerate(grid):
        for x, value in enumerate(line):
            if value:
                ax.text(x, y, str(value), ha="center", va="center", fontsize=6)
    ax.set_xlabel("predicted (primary)")
    ax.set_ylabel("gold")
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_report(cv: dict[str, Any] | None, external: dict[str, Any], model: Path) -> Path:
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    md = ["# Move analysis evaluation", "", f"Model: `{model}`", ""]
    if cv:
        md += [
            "## Own data, cross-validated",
            "",
            "| lang | examples | classifier move F1 | analysis move F1 | primary accuracy |",
            "|---|---|---|---|---|",
        ]
        for lang, r in cv.items():
            md.append(
                f"| {lang} | {r['examples']} | {r['classifier_macro_f1']:.3f} | "
                f"{r['move_macro_f1']:.3f} | {r['primary_accuracy']:.3f} |"
            )
            confusion_png(r["confusion"], f"own data ({lang}), CV", REPORT_DIR / f"cv_{lang}.png")
        md += ["", "Per-move F1:", "", "| move | zh | en |", "|---|---|---|"]
        for move in MOVES:
            md.append(
                f"| {move} | {cv['zh']['move_f1'][move]:.2f} | {cv['en']['move_f1'][move]:.2f} |"
            )
        md += ["", "![zh](cv_zh.png) ![en](cv_en.png)", ""]
    for name, r in external.items():
        md += [
            f"## External dev set: {name}",
            "",
            f"{r['rows']} rows. Macro primary accuracy **{r['primary_accuracy']:.3f}**, "
            f"macro recall@set **{r['recall_at_set']:.3f}**; "
            f"a negative move in {100 * r['wrongly_negative']:.1f} % of the replies with no "
            "negative gold; "
            f"throughput (NLU + analysis) {r['replies_per_second']:.0f} replies/s.",
            "",
            "| gold group | primary accuracy | recall@set |",
            "|---|---|---|",
        ]
        for group, value in r["primary_by_group"].items():
            md.append(f"| {group} | {value:.3f} | {r['recall_by_group'][group]:.3f} |")
        md += [
            "",
            "Confusions that cost most (macro points lost):",
            "",
            "| gold group | read as | replies | points |",
            "|---|---|---|---|",
        ]
        for group, predicted, n, cost in r["costly_confusions"]:
            md.append(f"| {group} | {predicted} | {n} | {100 * cost:.1f} |")
        png = f"{name}.png"
        confusion_png(r["confusion"], name, REPORT_DIR / png)
        md += ["", f"![{name}]({png})", ""]
    # a partial run (--skip-cv / --skip-external) leaves the full report of an earlier run alone
    name = "eval" if cv and external else ("eval-cv" if cv else "eval-external")
    out = REPORT_DIR / f"{name}.md"
    out.write_text("\n".join(md), encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make eval-moves", description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=None, help="trained model (default: $COUNTERPART_MODEL)")
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument(
        "--max-folds", type=int, default=None, help="hold out only this many folds (faster)"
    )
    parser.add_argument("--skip-cv", action="store_true", help="only the external dev sets")
    parser.add_argument("--skip-external", action="store_true", help="only cross-validation")
    parser.add_argument(
        "--config",
        type=Path,
        default=RASA_PROJECT / "config.yml",
        help="the pipeline to cross-validate (default: config.yml)",
    )
    args = parser.parse_args(argv)

    cv = None
    if not args.skip_cv:
        cv = cross_validate(args.folds, args.max_folds, args.config.resolve())
        for lang, r in cv.items():
            print(
                f"own data {lang}: classifier move macro F1 {r['classifier_macro_f1']:.3f}, "
                f"analysis move macro F1 {r['move_macro_f1']:.3f}, "
                f"primary accuracy {r['primary_accuracy']:.3f} ({r['examples']} examples)"
            )
    external = {}
    if not args.skip_external:
        if not EVAL_DIR.is_dir():
            print(f"eval-moves: {EVAL_DIR} not found, external sets skipped", file=sys.stderr)
        else:
            nlu = load_nlu(args.model)
            for path in sorted(EVAL_DIR.glob("*.jsonl")):
                if not _has_move_gold(path):
                    # rated for something else (empathy levels, politeness scores): not a
                    # move set, measured by the scoring calibration instead
                    print(f"eval-moves: {path.name} has no move gold, skipped", file=sys.stderr)
                    continue
                r = external[path.stem] = evaluate_external(path, nlu)
                print(
                    f"{path.stem}: macro primary accuracy {r['primary_accuracy']:.3f}, "
                    f"macro recall@set {r['recall_at_set']:.3f}, "
                    f"wrongly negative {100 * r['wrongly_negative']:.1f} % "
                    f"({r['replies_per_second']:.0f} replies/s)"
                )
                for group, value in r["primary_by_group"].items():
                    print(
                        f"    {group:<22} primary {value:.3f}  "
                        f"recall@set {r['recall_by_group'][group]:.3f}"
                    )
                print("    costliest confusions (gold -> read as: replies, macro points lost):")
                for group, predicted, n, cost in r["costly_confusions"]:
                    print(f"      {group} -> {predicted}: {n}, {100 * cost:.1f}")
            report_ratings(EVAL_DIR, nlu)  # rated sets: Spearman of scores (batch/eval_ratings.py)
    report = write_report(cv, external, Path(args.model or get_settings().model))
    print(f"report: {report.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
