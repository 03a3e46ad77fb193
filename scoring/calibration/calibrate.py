"""Calibration: how well the rubric agrees with the team's labelled replies and transcripts.

Two labelled sets live beside this file:
- replies_zh.yml / replies_en.yml: single trainee replies in context with an expected
  band (1 poor .. 5 excellent). Agreement = Spearman rank correlation between band and
  the rubric's overall score.
- transcripts.yml: whole conversations ranked by how well the trainee handled them
  (rank 1 = best). Agreement = share of transcript pairs the scorecard puts in the same
  order as the ranking.

Each labelled reply carries the moves the team reads in it ("gold" analysis), so the
rubric can be checked on its own. `source="cues"` instead runs scoring.analysis.analyze
without NLU (cue rules only), which checks analysis + rubric together but understates
what the trained NLU model adds; `source="nlu"` (rasa env only) adds the trained model.

Run `python -m scoring.calibration.report` for the figures and the disagreements.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from practice import transcript as transcripts
from practice.contracts import Analysis, Analyzer, Rating, RatingContext
from scoring.rubric import rate_turn
from scoring.scorecard import score_session

HERE = Path(__file__).resolve().parent
REPLY_FILES = (HERE / "replies_zh.yml", HERE / "replies_en.yml")
TRANSCRIPT_FILE = HERE / "transcripts.yml"

#: the overall score range each band stands for (lower bound inclusive)
BAND_FLOORS = {1: 0, 2: 40, 3: 55, 4: 70, 5: 85}


def band_of(score: float) -> int:
    return max(band for band, floor in BAND_FLOORS.items() if score >= floor)


@cache
def load_replies() -> tuple[dict[str, Any], ...]:
    items: list[dict[str, Any]] = []
    for path in REPLY_FILES:
        lang = path.stem.rsplit("_", 1)[-1]
        for item in yaml.safe_load(path.read_text(encoding="utf-8")):
            items.append({"lang": lang, **item})
    return tuple(items)


@cache
def load_transcripts() -> tuple[dict[str, Any], ...]:
    return tuple(yaml.safe_load(TRANSCRIPT_FILE.read_text(encoding="utf-8")))


def gold_analysis(item: dict[str, Any], lang: str) -> Analysis:
    """The analysis the team's labels stand for."""
    moves = item.get("moves") or []
    analysis: Analysis = {
        "moves": [
            {"move": move, "confidence": round(0.9 - 0.05 * i, 2)} for i, move in enumerate(moves)
        ],
        "entities": [{"entity": e, "value": ""} for e in item.get("entities") or []],
        "cues": [],
        "lang": lang,
    }
    if item.get("polite") is not None:
        analysis["scores"] = {"politeness": float(item["polite"])}
    return analysis


@cache
def _analyzer(source: str) -> Analyzer:
    """cues: scoring.analysis without NLU; nlu: plus the trained model (rasa env only, model
    from $COUNTERPART_MODEL or the project's)."""
    from scoring.analysis import analyze

    if source == "cues":
        return lambda text, lang, context: analyze(text, lang, context=context)
    if source != "nlu":
        raise ValueError(f"unknown analysis source {source!r}")
    from batch.nlu import nlu_analyzer  # the rasa env's in-process NLU

    return nlu_analyzer()


def reply_rating(item: dict[str, Any], source: str = "gold") -> Rating:
    lang = item["lang"]
    customer = item.get("customer") or ""
    if source == "gold":
        analysis = gold_analysis(item, lang)
    else:
        analysis = _analyzer(source)(item["text"], lang, customer)
    anger = item.get("anger")
    context = RatingContext(
        lang=lang,
        text=item["text"],
        persona_type=item.get("persona"),
        customer_text=customer,
        state_before={"anger": anger} if anger is not None else None,
        reply_seconds=item.get("seconds"),
        history=[{"moves": list(moves)} for moves in item.get("before") or []],
    )
    return rate_turn(analysis, context)


def transcript_scorecard(item: dict[str, Any], source: str = "gold") -> dict[str, Any]:
    lang = item["lang"]
    turns = []
    for turn in item["turns"]:
        entry: dict[str, Any] = {"role": turn["role"], "text": turn["text"], "at": turn.get("at")}
        if turn["role"] == "trainee" and source == "gold":
            entry["analysis"] = gold_analysis(turn, lang)
        if turn.get("anger") is not None:
            entry["state"] = {"anger": turn["anger"]}
        turns.append(entry)
    analyzer = None if source == "gold" else _analyzer(source)
    return score_session(
        transcripts.from_turns(turns),
        lang=lang,
        persona_type=item.get("persona"),
        outcome=item.get("outcome"),
        analyzer=analyzer,
    )


def _ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties sharing their average rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Spearman's rank correlation (Pearson on ranks, so ties are handled)."""
    if len(xs) != len(ys) or len(xs) < 2:
        raise ValueError("need two equally long sequences of at least two values")
    rx, ry = _ranks(xs), _ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx)
    vy = sum((b - my) ** 2 for b in ry)
    return cov / (vx * vy) ** 0.5 if vx and vy else 0.0


@dataclass(frozen=True)
class ReplyAgreement:
    spearman: float
    band_exact: float
    band_within_one: float
    rows: tuple[tuple[dict[str, Any], int], ...]  # (labelled item, rubric overall)


def reply_agreement(source: str = "gold") -> ReplyAgreement:
    rows = tuple((item, reply_rating(item, source)["overall"]) for item in load_replies())
    bands = [item["band"] for item, _ in rows]
    scores = [score for _, score in rows]
    exact = sum(band_of(s) == b for b, s in zip(bands, scores, strict=True)) / len(rows)
    near = sum(abs(band_of(s) - b) <= 1 for b, s in zip(bands, scores, strict=True)) / len(rows)
    return ReplyAgreement(spearman(bands, scores), exact, near, rows)


@dataclass(frozen=True)
class TranscriptAgreement:
    pairs_in_order: float
    inversions: tuple[tuple[str, str], ...]  # (should be higher, scored higher or equal)
    scores: dict[str, int]


def transcript_agreement(source: str = "gold") -> TranscriptAgreement:
    items = load_transcripts()
    scores = {item["id"]: transcript_scorecard(item, source)["overall"] for item in items}
    rank = {item["id"]: item["rank"] for item in items}
    pairs = 0
    inversions = []
    ids = sorted(rank, key=lambda item_id: rank[item_id])
    for i, better in enumerate(ids):
        for worse in ids[i + 1 :]:
            if rank[better] == rank[worse]:
                continue
            pairs += 1
            if scores[better] <= scores[worse]:
                inversions.append((better, worse))
    share = (pairs - len(inversions)) / pairs if pairs else 0.0
    return TranscriptAgreement(share, tuple(inversions), scores)
