"""The per-reply scores: how empathic and how polite one reply reads, each 0..1.

`reply_scores(text, lang, moves)` is what `scoring.analysis` reports as ``scores``
(../shared/moves.md: 0 = none/worst, 1 = best). A score is a weighted sum of features,
brought into 0..1 by a monotone curve:

    total = sum(feature weight * strength) + sum(move weight * confidence share)
    score = base + (1 - base) * (1 - exp(-above * total))     when total >= 0
            base * exp(below * total)                        when total < 0

The features are kinds of wording raters react to (gratitude, indirect requests, a
challenging "why…?", naming the other person's feelings, care, hope, dismissal …); the
weights and the reasons for them are in ``scoring/cues/scores.yml``, one table for both
languages, and only the wording that signals a feature is per language. A feature found
again adds less each time (``repeat``), and one said with an intensifier ("so sorry",
非常感谢) counts more, so a strong reaction scores above a weak one. The moves found by the
analysis add their own, smaller weights: they carry what the wording lists miss (a blunt
reproach the classifier recognises without any listed word).

Checked against the team's own graded sentences (``scoring/calibration/reply_ratings_*.yml``,
tests/scoring/test_reply_scores.py) and measured on independent raters' data by
``rasa_project/batch/eval_ratings.py`` (`make eval-moves`). Pure Python + PyYAML.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from practice.literals import LiteralIndex

SCORES_FILE = Path(__file__).parent / "cues" / "scores.yml"
DIMENSIONS = ("empathy", "politeness")

#: where one sentence ends and the next starts (for the features that open a sentence)
_SENTENCE_END = re.compile(r"(?<=[!?;。！？；\n])\s*|(?<=\.)\s+")
#: an apostrophe inside a word of a pattern ("don't"), which informal writing may leave out
_INNER_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
#: curly apostrophes and quotes read as straight ones
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
#: what may stand before a sentence's first word: a quote mark, a bullet, an @mention
_SENTENCE_LEAD = re.compile(r"^(?:[\W_]*@\S+:?\s*|[\W_]*\+\d+\s*\([^)]*\):?\s*)?[\s\"'“‘(\[*>-]*")


@dataclass(frozen=True)
class Feature:
    name: str
    pattern: re.Pattern[str]
    #: matches only at the start of a sentence
    start: bool
    #: a match right after a negation ("not sorry", 不希望) does not count
    negatable: bool
    #: read in the reply as written (capitals count); the others read it in lower case
    case_sensitive: bool = False


@dataclass(frozen=True)
class Lexicon:
    lang: str
    features: tuple[Feature, ...]
    intensifier: re.Pattern[str]
    negation: re.Pattern[str]
    #: the literals the features' patterns need (speed only: a feature none of whose literals
    #: a reply holds is not run)
    index: LiteralIndex | None = None


@dataclass(frozen=True)
class Weights:
    base: float
    #: how fast the score approaches 1 above the base / 0 below it (a monotone curve that puts
    #: the team's labelled levels where the rubric reads them; it changes no ranking, and a
    #: stronger reply always scores a little higher instead of stopping at 1)
    above: float
    below: float
    #: feature name -> (weight, repeat)
    features: Mapping[str, tuple[float, float]]
    moves: Mapping[str, float]


@dataclass(frozen=True)
class ScoreModel:
    lexicons: Mapping[str, Lexicon]
    dimensions: Mapping[str, Weights]
    move_full_confidence: float
    intensified: float
    intensifier_window: int


def _alternation(patterns: list[str], apostrophe_optional: bool) -> re.Pattern[str] | None:
    if not patterns:
        return None
    if apostrophe_optional:
        patterns = [_INNER_APOSTROPHE.sub("'?", p) for p in patterns]
    # case-insensitive features are matched against the lower-cased reply: no IGNORECASE
    # flag, which makes every pattern slower
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def _lexicon(lang: str, raw: Mapping[str, Any], known: set[str]) -> Lexicon:
    case_sensitive = set(raw.get("case_sensitive") or [])
    start = set(raw.get("start") or [])
    negatable = set(raw.get("negatable") or [])
    unknown = (set(raw["features"]) | case_sensitive | start | negatable) - known
    if unknown:
        raise ValueError(f"scores.yml lexicon {lang}: features without weights {sorted(unknown)}")
    features = []
    for name, patterns in raw["features"].items():
        pattern = _alternation(list(patterns or []), bool(raw.get("apostrophe_optional")))
        if pattern is not None:
            features.append(
                Feature(name, pattern, name in start, name in negatable, name in case_sensitive)
            )
    return Lexicon(
        lang=lang,
        features=tuple(features),
        intensifier=re.compile(raw["intensifier"]),
        negation=re.compile(raw["negation"]),
        index=LiteralIndex([f.pattern for f in features]),
    )


@functools.cache
def load_model(path: Path = SCORES_FILE) -> ScoreModel:
    """The weights and lexicons of scoring/cues/scores.yml, read once per process."""
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    dimensions = {
        dim: Weights(
            base=float(raw[dim]["base"]),
            above=float(raw[dim]["curve"]["above"]),
            below=float(raw[dim]["curve"]["below"]),
            features={
                name: (float(spec["weight"]), float(spec.get("repeat", 0.5)))
                for name, spec in (raw[dim].get("features") or {}).items()
            },
            moves={m: float(w) for m, w in (raw[dim].get("moves") or {}).items()},
        )
        for dim in DIMENSIONS
    }
    known = {name for weights in dimensions.values() for name in weights.features}
    return ScoreModel(
        lexicons={lang: _lexicon(lang, spec, known) for lang, spec in raw["lexicon"].items()},
        dimensions=dimensions,
        move_full_confidence=float(raw["move_full_confidence"]),
        intensified=float(raw["intensified"]),
        intensifier_window=int(raw["intensifier_window"]),
    )


def _sentences(text: str) -> list[str]:
    return [_SENTENCE_LEAD.sub("", s) for s in _SENTENCE_END.split(text) if s.strip()]


def feature_matches(text: str, lang: str) -> dict[str, list[float]]:
    """Feature name -> the weight of each match (1, or `intensified` after an intensifier)."""
    model = load_model()
    lexicon = model.lexicons[lang]
    written = text.translate(_QUOTES)
    lowered = written.lower()
    window = model.intensifier_window
    sentences: list[str] | None = None
    found: dict[str, list[float]] = {}
    # (a sentence start is part of the text: the same literals)
    may = lexicon.index.matchable(written) if lexicon.index is not None else None
    for feature in lexicon.features if may is None else [lexicon.features[i] for i in may]:
        hits: list[float] = []
        text = written if feature.case_sensitive else lowered
        if feature.start:
            if sentences is None:
                sentences = _sentences(lowered)
            hits = [1.0 for s in sentences if feature.pattern.match(s)]
        else:
            for m in feature.pattern.finditer(text):
                before = text[max(0, m.start() - window) : m.start()]
                if feature.negatable and lexicon.negation.search(before):
                    continue
                hits.append(model.intensified if lexicon.intensifier.search(before) else 1.0)
        if hits:
            found[feature.name] = hits
    return found


def _strength(hits: list[float], repeat: float) -> float:
    """The first (strongest) match counts fully, each further one `repeat` times the last."""
    total, factor = 0.0, 1.0
    for hit in sorted(hits, reverse=True):
        total += hit * factor
        factor *= repeat
    return total


def _curve(total: float, weights: Weights) -> float:
    """The base moved by the weighted sum, approaching 1 (or 0) without reaching it."""
    if total >= 0:
        return weights.base + (1.0 - weights.base) * (1.0 - math.exp(-weights.above * total))
    return weights.base * math.exp(weights.below * total)


def reply_scores(text: str, lang: str, moves: Iterable[Mapping[str, Any]] = ()) -> dict[str, float]:
    """Empathy and politeness of one (cleaned) reply, each 0..1 to three decimals.

    ``moves`` are the analysis's move readings (``{"move", "confidence"}``)."""
    model = load_model()
    matches = feature_matches(text, lang)
    moves = list(moves)
    out = {}
    for dim in DIMENSIONS:
        weights = model.dimensions[dim]
        value = 0.0
        for name, hits in matches.items():
            if name in weights.features:
                weight, repeat = weights.features[name]
                value += weight * _strength(hits, repeat)
        for item in moves:
            share = min(1.0, float(item["confidence"]) / model.move_full_confidence)
            value += weights.moves.get(str(item["move"]), 0.0) * share
        out[dim] = round(_curve(value, weights), 3)
    return out
