"""The guidelines catalogue (guidelines.yml, tips/tips.yml): what each rule means and weighs.

The rules (rules.py, persona_rules.py) only say whether and how strongly they fire; the
catalogue owns their wording, dimension, effect and weight, the text signals they look for
and the tips shown to the trainee.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final, Literal

import yaml

from practice.vocabulary import LANGUAGES

RUBRIC_VERSION: Final[str] = "1.0.0"

DIMENSIONS: Final[tuple[str, ...]] = (
    "listening",
    "empathy",
    "questioning",
    "confirmation",
    "solution",
    "follow_up",
    "language",
    "responsiveness",
)

_SCORING = Path(__file__).resolve().parents[1]
GUIDELINES_PATH: Final[Path] = _SCORING / "guidelines.yml"
TIPS_PATH: Final[Path] = _SCORING / "tips" / "tips.yml"

#: a guideline either earns points ("+") or costs them ("-")
Effect = Literal["+", "-"]


@dataclass(frozen=True)
class Guideline:
    id: str
    dimension: str
    effect: Effect
    weight: int
    scope: str
    step: str | None
    seed: str
    looks_at: tuple[str, ...]
    persona_types: tuple[str, ...]
    statement: Mapping[str, str]
    why: Mapping[str, str]


@dataclass(frozen=True)
class Catalogue:
    guidelines: Mapping[str, Guideline]
    dimension_names: Mapping[str, Mapping[str, str]]
    #: signal name -> language -> one pattern joining the signal's patterns (None: no patterns)
    signals: Mapping[str, Mapping[str, re.Pattern[str] | None]]
    #: guideline id -> language -> tip wordings (one is picked per turn)
    tips: Mapping[str, Mapping[str, tuple[str, ...]]]

    def tip(self, guideline_id: str, lang: str, turn_index: int = 0) -> str:
        options = self.tips.get(guideline_id, {}).get(lang) or ()
        return options[turn_index % len(options)] if options else ""


def _compile(patterns: Iterable[str]) -> re.Pattern[str] | None:
    patterns = list(patterns)
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def _effect(value: object, guideline_id: str) -> Effect:
    if value == "+":
        return "+"
    if value == "-":
        return "-"
    raise ValueError(f"guideline {guideline_id}: effect must be '+' or '-', not {value!r}")


def _guideline(entry: Mapping[str, Any]) -> Guideline:
    guideline_id = str(entry["id"])
    step = entry.get("step")
    return Guideline(
        id=guideline_id,
        dimension=str(entry["dimension"]),
        effect=_effect(entry["effect"], guideline_id),
        weight=int(entry["weight"]),
        scope=str(entry.get("scope", "turn")),
        step=None if step is None else str(step),
        seed=str(entry["seed"]),
        looks_at=tuple(entry.get("looks_at", ())),
        persona_types=tuple(entry.get("persona_types", ())),
        statement=dict(entry["statement"]),
        why=dict(entry["why"]),
    )


@cache
def load_catalogue(
    guidelines_path: Path = GUIDELINES_PATH, tips_path: Path = TIPS_PATH
) -> Catalogue:
    """Parse guidelines.yml and tips.yml once per process."""
    raw: dict[str, Any] = yaml.safe_load(guidelines_path.read_text(encoding="utf-8"))
    guidelines = {entry["id"]: _guideline(entry) for entry in raw["guidelines"]}
    signals: dict[str, dict[str, re.Pattern[str] | None]] = {}
    for name, spec in raw.get("signals", {}).items():
        if isinstance(spec, list):  # language-neutral pattern list
            pattern = _compile(spec)
            signals[name] = dict.fromkeys(LANGUAGES, pattern)
        else:
            signals[name] = {lang: _compile(spec.get(lang, ())) for lang in LANGUAGES}
    tips_raw: dict[str, dict[str, list[str]]] = (
        yaml.safe_load(tips_path.read_text(encoding="utf-8")) or {}
    )
    tips = {
        gid: {lang: tuple(options) for lang, options in by_lang.items()}
        for gid, by_lang in tips_raw.items()
    }
    return Catalogue(
        guidelines=guidelines,
        dimension_names=dict(raw.get("dimensions", {})),
        signals=signals,
        tips=tips,
    )


def normalize_persona_type(value: object) -> str | None:
    """Map a persona type or persona id ("angry_refund_zh", "Female shopper") to a type."""
    if not value:
        return None
    text = str(value).strip().lower().replace("-", "_").replace(" ", "_")
    checks = (
        ("female_shopper", ("female", "woman", "women", "女")),
        ("male_shopper", ("male", "man_", "men_", "男")),
        ("silent", ("silent", "quiet", "沉默")),
        ("doubtful", ("doubt", "suspic", "skeptic", "sceptic", "疑")),
        ("arrogant", ("arrogant", "proud", "haughty", "傲慢")),
        ("talkative", ("talkative", "chatty", "话多", "健谈")),
        ("angry", ("angry", "furious", "irate", "气愤", "愤怒")),
    )
    for persona_type, needles in checks:
        if any(needle in text for needle in needles):
            return persona_type
    return text
