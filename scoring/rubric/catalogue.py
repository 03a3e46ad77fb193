"""The guidelines catalogue (guidelines.yml, tips/): what each rule means and weighs.

The rules (rules.py, persona_rules.py) only say whether and how strongly they fire; the
catalogue owns their wording, dimension, effect and weight, the text signals they look for
and the tips shown to the trainee. A tip speaks about the conversation it is given (its
product, the facts the customer told, the remedies this customer takes: a
practice.contracts.ScenarioContext) or is neutral; it never names another scenario's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Final, Literal

import yaml

from practice.contracts import ScenarioContext
from practice.vocabulary import LANGUAGES

#: bumped whenever a change to the rubric changes scores (stored sessions are re-scored by
#: `make rescore`); 2.0.0: evidence for every credit, "not observed", red-line caps (issue 15);
#: 2.2.0: a sales pitch the customer heard in place of their matter is no solution and costs
#: listening (listening.stay_on_their_matter)
RUBRIC_VERSION: Final[str] = "2.2.0"

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
REMEDY_LABELS_PATH: Final[Path] = _SCORING / "tips" / "remedies.yml"

#: what a tip may name from its conversation (see tips/tips.yml)
PLACEHOLDERS: Final[tuple[str, ...]] = (
    "product",
    "remedy",
    "remedy_alt",
    "told",
    "told_all",
    "asked",
)
SCENARIO_KINDS: Final[tuple[str, ...]] = ("pre_sales", "after_sales")
_PLACEHOLDER = re.compile(r"\{(\w*)\}")
_CJK = re.compile(r"[\u4e00-\u9fff]")
#: a value written in words of Latin script (not a code such as "AV-558213")
_LATIN_WORDS = re.compile(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}")
#: a promise to call back is follow-up, not a remedy a tip should put on the table
_NOT_A_REMEDY: Final[frozenset[str]] = frozenset({"callback"})
#: how many told facts {told_all} lists, the latest ones
_TOLD_ALL_MAX = 3

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
    #: every five-step stage a firing of this guideline evidences (``step`` is the first)
    steps: tuple[str, ...] = ()
    #: red lines only: the highest overall score a conversation that crossed it can get
    cap: int | None = None


@dataclass(frozen=True)
class ScorecardTexts:
    """How a scorecard words its evidence, "not observed", red lines and its help (zh, en)."""

    red_line_step: int
    evidence: Mapping[str, str]
    not_observed: Mapping[str, str]
    red_line: Mapping[str, str]
    help: Mapping[str, str]


@dataclass(frozen=True)
class TipText:
    """One tip wording: the templates to try in order (the general one, then the one for the
    scenario's kind); the first whose placeholders all have a value is used, else ``neutral``."""

    neutral: str
    text: tuple[str, ...] = ()
    by_kind: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def fill(self, values: Mapping[str, str], kind: str | None = None) -> str:
        kind_templates = self.by_kind.get(kind, ()) if kind else ()
        for template in (*self.text, *kind_templates):
            names = _PLACEHOLDER.findall(template)
            if all(values.get(name) for name in names):
                return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)
        return self.neutral

    @property
    def templates(self) -> tuple[str, ...]:
        """Every wording, neutral last (for checks)."""
        kinds = tuple(t for templates in self.by_kind.values() for t in templates)
        return (*self.text, *kinds, self.neutral)


@dataclass(frozen=True)
class Catalogue:
    guidelines: Mapping[str, Guideline]
    dimension_names: Mapping[str, Mapping[str, str]]
    #: signal name -> language -> one pattern joining the signal's patterns (None: no patterns)
    signals: Mapping[str, Mapping[str, re.Pattern[str] | None]]
    #: guideline id -> language -> tip wordings (one is picked per turn)
    tips: Mapping[str, Mapping[str, tuple[TipText, ...]]]
    #: language -> remedy kind -> how a tip names it (tips/remedies.yml)
    remedy_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    scorecard: ScorecardTexts | None = None

    def tip(
        self,
        guideline_id: str,
        lang: str,
        turn_index: int = 0,
        scenario: ScenarioContext | None = None,
        asked_again: str | None = None,
    ) -> str:
        """The tip for a guideline, about this scenario when one is given, else neutral.
        ``asked_again`` is the id of a told fact the reply asked for again."""
        options = self.tips.get(guideline_id, {}).get(lang) or ()
        if not options:
            return ""
        option = options[turn_index % len(options)]
        kind = scenario.kind if scenario is not None else None
        return option.fill(self.tip_values(scenario, lang, asked_again), kind)

    def tip_values(
        self, scenario: ScenarioContext | None, lang: str, asked_again: str | None = None
    ) -> dict[str, str]:
        """Placeholder -> text from this scenario, in the tip's language; a placeholder with
        nothing to say (no scenario, nothing told yet, a value in the other language) is
        left out, so the tip falls back to a wording without it."""
        if scenario is None:
            return {}
        values: dict[str, str] = {}
        if _fits(scenario.product, lang):
            values["product"] = scenario.product.strip()
        labels = self.remedy_labels.get(lang, {})
        named = [
            labels[kind]
            for kind in dict.fromkeys(scenario.remedies)
            if kind in labels and kind not in _NOT_A_REMEDY
        ]
        for name, label in zip(("remedy", "remedy_alt"), named, strict=False):
            values[name] = label
        told = [str(v).strip() for v in scenario.told.values() if _fits(str(v), lang)]
        if told:
            values["told"] = ([v for v in told if _in_words(v)] or told)[-1]
            values["told_all"] = ("；" if lang == "zh" else "; ").join(told[-_TOLD_ALL_MAX:])
        asked = scenario.told.get(asked_again) if asked_again else None
        if asked and _fits(str(asked), lang):
            values["asked"] = str(asked).strip()
        return values


def _in_words(value: str) -> bool:
    """A fact told in words ("cracked bumper …", "三十五万左右"), not just a number or a code
    ("AV-558213", "宽带账号 0571-88231907"): that is what a tip asks to play back."""
    words = [w for w in value.split() if not any(c.isdigit() for c in w)]
    return len(words) >= 2 or len(_CJK.findall(value)) >= 5


def _fits(value: str, lang: str) -> bool:
    """Whether a scenario's words can stand in a tip in this language: no Chinese in an
    English tip, no English phrase in a Chinese one (codes and numbers suit both)."""
    value = value.strip()
    if not value:
        return False
    if lang == "zh":
        return bool(_CJK.search(value)) or not _LATIN_WORDS.search(value)
    return not _CJK.search(value)


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
    steps = tuple(str(s) for s in (step if isinstance(step, list) else [step] if step else []))
    cap = entry.get("cap")
    effect = _effect(entry["effect"], guideline_id)
    if cap is not None and effect != "-":
        raise ValueError(f"guideline {guideline_id}: only a red line ('-') has a cap")
    return Guideline(
        id=guideline_id,
        dimension=str(entry["dimension"]),
        effect=effect,
        weight=int(entry["weight"]),
        scope=str(entry.get("scope", "turn")),
        step=steps[0] if steps else None,
        steps=steps,
        cap=None if cap is None else int(cap),
        seed=str(entry["seed"]),
        looks_at=tuple(entry.get("looks_at", ())),
        persona_types=tuple(entry.get("persona_types", ())),
        statement=dict(entry["statement"]),
        why=dict(entry["why"]),
    )


def _templates(value: object, where: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    templates = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise ValueError(f"{where}: a tip wording must be a non-empty string, not {item!r}")
        unknown = set(_PLACEHOLDER.findall(item)) - set(PLACEHOLDERS)
        if unknown:
            raise ValueError(f"{where}: unknown placeholder(s) {sorted(unknown)} in {item!r}")
        templates.append(item)
    return tuple(templates)


def _tip_text(entry: object, where: str) -> TipText:
    """A tips.yml entry: a plain wording, or {text, after_sales, pre_sales, neutral}."""
    if isinstance(entry, str):
        (neutral,) = _templates(entry, where)
        if _PLACEHOLDER.search(neutral):
            raise ValueError(f"{where}: a plain tip has no placeholders; give a neutral wording")
        return TipText(neutral=neutral)
    if not isinstance(entry, Mapping):
        raise ValueError(f"{where}: a tip is a string or a mapping, not {entry!r}")
    unknown = set(entry) - {"text", "neutral", *SCENARIO_KINDS}
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {sorted(unknown)}")
    if "neutral" not in entry:
        raise ValueError(f"{where}: a tip with placeholders needs a neutral wording")
    return TipText(
        neutral=_tip_text(entry["neutral"], f"{where}.neutral").neutral,
        text=_templates(entry["text"], f"{where}.text") if "text" in entry else (),
        by_kind={
            kind: _templates(entry[kind], f"{where}.{kind}")
            for kind in SCENARIO_KINDS
            if kind in entry
        },
    )


def _load_tips(path: Path) -> dict[str, dict[str, tuple[TipText, ...]]]:
    raw: dict[str, dict[str, list[object]]] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {
        gid: {
            lang: tuple(
                _tip_text(option, f"{path.name}: {gid}.{lang}[{index}]")
                for index, option in enumerate(options)
            )
            for lang, options in by_lang.items()
        }
        for gid, by_lang in raw.items()
    }


def _load_remedy_labels(path: Path) -> dict[str, dict[str, str]]:
    raw: dict[str, dict[str, str]] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {lang: {str(k): str(v) for k, v in labels.items()} for lang, labels in raw.items()}


@cache
def load_catalogue(
    guidelines_path: Path = GUIDELINES_PATH,
    tips_path: Path = TIPS_PATH,
    remedy_labels_path: Path = REMEDY_LABELS_PATH,
) -> Catalogue:
    """Parse guidelines.yml and the tips (tips/tips.yml, tips/remedies.yml) once per process."""
    raw: dict[str, Any] = yaml.safe_load(guidelines_path.read_text(encoding="utf-8"))
    guidelines = {entry["id"]: _guideline(entry) for entry in raw["guidelines"]}
    signals: dict[str, dict[str, re.Pattern[str] | None]] = {}
    for name, spec in raw.get("signals", {}).items():
        if isinstance(spec, list):  # language-neutral pattern list
            pattern = _compile(spec)
            signals[name] = dict.fromkeys(LANGUAGES, pattern)
        else:
            signals[name] = {lang: _compile(spec.get(lang, ())) for lang in LANGUAGES}
    texts = raw.get("scorecard") or {}
    scorecard = ScorecardTexts(
        red_line_step=int(texts.get("red_line_step", 10)),
        **{key: dict(texts.get(key) or {}) for key in ("evidence", "not_observed", "red_line")},
        help=dict(texts.get("help") or {}),
    )
    return Catalogue(
        scorecard=scorecard,
        guidelines=guidelines,
        dimension_names=dict(raw.get("dimensions", {})),
        signals=signals,
        tips=_load_tips(tips_path),
        remedy_labels=_load_remedy_labels(remedy_labels_path),
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
