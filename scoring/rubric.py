"""Per-turn rating: one trainee reply, in context, against the guidelines catalogue.

`rate_turn(analysis, context)` reads the moves found in the reply (scoring.analysis),
what the customer just said, the persona type and state, the timing and the earlier
ratings of the session, and returns dimension scores, the rules that fired (each tied
to a guideline id in guidelines.yml) and one concrete tip from tips/tips.yml.

The rules are plain functions registered under their guideline id; the catalogue owns
their wording, dimension and weight. Pure and deterministic: no clock, no randomness.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Final

import yaml

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

#: every dimension starts here for each reply; rules move it up or down
BASE_SCORE: Final[int] = 60

#: moves below this confidence are treated as absent
MIN_CONFIDENCE: Final[float] = 0.3

#: which moves evidence which of the five steps (seed 004)
STEP_MOVES: Final[dict[str, frozenset[str]]] = {
    "listen": frozenset({"empathy", "apology", "reassurance", "open_question", "paraphrase"}),
    "understand": frozenset({"open_question", "closed_question", "paraphrase"}),
    "confirm": frozenset({"paraphrase", "confirm"}),
    "solve": frozenset({"offer_solution", "recommend"}),
    "follow_up": frozenset({"follow_up"}),
}
FIVE_STEPS: Final[tuple[str, ...]] = tuple(STEP_MOVES)

PERSONA_TYPES: Final[tuple[str, ...]] = (
    "angry",
    "arrogant",
    "doubtful",
    "silent",
    "talkative",
    "female_shopper",
    "male_shopper",
)

_HERE = Path(__file__).resolve().parent
GUIDELINES_PATH: Final[Path] = _HERE / "guidelines.yml"
TIPS_PATH: Final[Path] = _HERE / "tips" / "tips.yml"

_SOLUTION = frozenset({"offer_solution", "recommend"})
_UNDERSTANDING = frozenset({"open_question", "closed_question", "paraphrase", "confirm"})
_SOOTHING = frozenset({"empathy", "apology", "reassurance"})
_ACTION = frozenset(
    {
        "offer_solution",
        "recommend",
        "inform",
        "open_question",
        "closed_question",
        "paraphrase",
        "confirm",
        "follow_up",
    }
)
#: moves that engage with what the customer said (anything but small talk and negatives)
_RESPONSIVE = _ACTION | _SOOTHING | {"praise"}
_NEGATIVE = frozenset({"blame_customer", "argue", "rude", "dismiss", "perfunctory", "deceive"})
#: cue ids from move analysis (scoring/cues) that also count as one of our text signals
_CUE_SIGNALS = {
    "jargon": frozenset({"jargon"}),
    "leading_question": frozenset({"leading_question"}),
}
_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[A-Za-z0-9']+")
_QUESTION_MARK = re.compile(r"[?？]")


# ---- catalogue -------------------------------------------------------------------------


@dataclass(frozen=True)
class Guideline:
    id: str
    dimension: str
    effect: str
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
    signals: Mapping[str, Mapping[str, re.Pattern[str] | None]]
    tips: Mapping[str, Mapping[str, tuple[str, ...]]]

    def tip(self, guideline_id: str, lang: str, turn_index: int = 0) -> str:
        options = self.tips.get(guideline_id, {}).get(lang) or ()
        return options[turn_index % len(options)] if options else ""


def _compile(patterns: Iterable[str]) -> re.Pattern[str] | None:
    patterns = list(patterns)
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


@cache
def load_catalogue(
    guidelines_path: Path = GUIDELINES_PATH, tips_path: Path = TIPS_PATH
) -> Catalogue:
    """Parse guidelines.yml and tips.yml once per process."""
    raw = yaml.safe_load(guidelines_path.read_text(encoding="utf-8"))
    guidelines = {}
    for entry in raw["guidelines"]:
        guidelines[entry["id"]] = Guideline(
            id=entry["id"],
            dimension=entry["dimension"],
            effect=entry["effect"],
            weight=int(entry["weight"]),
            scope=entry.get("scope", "turn"),
            step=entry.get("step"),
            seed=str(entry["seed"]),
            looks_at=tuple(entry.get("looks_at", ())),
            persona_types=tuple(entry.get("persona_types", ())),
            statement=dict(entry["statement"]),
            why=dict(entry["why"]),
        )
    signals: dict[str, dict[str, re.Pattern[str] | None]] = {}
    for name, spec in raw.get("signals", {}).items():
        if isinstance(spec, list):  # language-neutral pattern list
            pattern = _compile(spec)
            signals[name] = {"zh": pattern, "en": pattern}
        else:
            signals[name] = {lang: _compile(spec.get(lang, ())) for lang in ("zh", "en")}
    tips_raw = yaml.safe_load(tips_path.read_text(encoding="utf-8")) or {}
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


# ---- the facts a reply is rated on ------------------------------------------------------


@dataclass(frozen=True)
class Turn:
    """Everything the rules look at, computed once per reply."""

    catalogue: Catalogue
    lang: str
    moves: frozenset[str]
    primary: str | None
    text: str
    customer_text: str
    persona_type: str | None
    stage: str | None
    turn_index: int
    reply_seconds: float | None
    politeness: float | None
    entities: frozenset[str]
    history_moves: tuple[frozenset[str], ...]
    anger_before: float | None
    cues: frozenset[str] = frozenset()

    def signal(self, name: str, text: str | None = None) -> bool:
        if text is None and name in _CUE_SIGNALS and _CUE_SIGNALS[name] & self.cues:
            return True
        pattern = self.catalogue.signals.get(name, {}).get(self.lang)
        return bool(pattern and pattern.search(self.text if text is None else text))

    def signal_count(self, name: str) -> int:
        pattern = self.catalogue.signals.get(name, {}).get(self.lang)
        return len(pattern.findall(self.text)) if pattern else 0

    def has(self, *moves: str) -> bool:
        return any(move in self.moves for move in moves)

    # derived context ------------------------------------------------------------------
    @cached_property
    def solution_before(self) -> bool:
        return any(moves & _SOLUTION for moves in self.history_moves)

    @property
    def solution_now(self) -> bool:
        return bool(self.moves & _SOLUTION)

    @cached_property
    def understood_before(self) -> bool:
        if self.stage in ("negotiating", "closing"):
            return True
        return any(moves & _UNDERSTANDING for moves in self.history_moves)

    @cached_property
    def facts_given(self) -> bool:
        """A calm customer has already put the case plainly: an order number or a clear question."""
        if self.upset or not self.customer_text:
            return False
        return self.signal("order_number", self.customer_text) or self.customer_asked

    @cached_property
    def soothed_before(self) -> bool:
        return any(moves & _SOOTHING for moves in self.history_moves)

    @cached_property
    def upset(self) -> bool:
        if self.anger_before is not None:
            return self.anger_before >= 0.5
        if self.customer_text:
            return self.signal("customer_upset", self.customer_text)
        return self.persona_type == "angry" and not self.soothed_before

    @cached_property
    def customer_asked(self) -> bool:
        return bool(self.customer_text) and self.signal("customer_question", self.customer_text)

    @cached_property
    def question_marks(self) -> int:
        return len(_QUESTION_MARK.findall(self.text))

    @cached_property
    def length(self) -> int:
        """Characters for Chinese, words for English."""
        if self.lang == "zh":
            return len(self.text.strip())
        return len(_WORD.findall(self.text))

    @cached_property
    def has_time_frame(self) -> bool:
        return "time_frame" in self.entities or self.signal("time_frame")

    def closed_streak(self) -> int:
        """How many replies in a row, ending with the previous one, asked only closed questions."""
        streak = 0
        for moves in reversed(self.history_moves):
            if "closed_question" in moves and "open_question" not in moves:
                streak += 1
            else:
                break
        return streak


# ---- rules ------------------------------------------------------------------------------

#: a rule returns how strongly it fires: 0 = not at all, 1 = its catalogue weight
Rule = Callable[[Turn], float]
RULES: dict[str, Rule] = {}


def rule(guideline_id: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        RULES[guideline_id] = fn
        return fn

    return register


def _yes(condition: bool) -> float:
    return 1.0 if condition else 0.0


@rule("steps.listen_first")
def _listen_first(t: Turn) -> float:
    return _yes(
        not t.understood_before
        and not t.solution_now
        and t.has("open_question", "empathy", "paraphrase")
        and not t.moves & _NEGATIVE
        and t.question_marks < 3  # an interrogation is not listening
    )


def _premature(t: Turn) -> bool:
    return (
        t.solution_now
        and not t.understood_before
        and "paraphrase" not in t.moves
        and t.persona_type != "male_shopper"
        and not t.facts_given
    )


@rule("steps.solve_before_understanding")
def _solve_before_understanding(t: Turn) -> float:
    if not _premature(t):
        return 0.0
    # worse still when an upset customer has not even been calmed
    return 1.3 if t.upset and not t.moves & _SOOTHING else 1.0


@rule("steps.solve_concrete")
def _solve_concrete(t: Turn) -> float:
    return _yes(t.has("offer_solution") and not _premature(t))


@rule("steps.follow_up")
def _follow_up(t: Turn) -> float:
    return _yes(t.has("follow_up") and not t.solution_before and not t.solution_now)


@rule("emotion.report_back")
def _report_back(t: Turn) -> float:
    return _yes(t.has("follow_up") and (t.solution_before or t.solution_now))


@rule("listening.paraphrase_facts")
def _paraphrase_facts(t: Turn) -> float:
    return _yes(t.has("paraphrase"))


@rule("listening.paraphrase_feelings")
def _paraphrase_feelings(t: Turn) -> float:
    return _yes(t.has("empathy") and not t.upset)


@rule("emotion.empathise")
def _empathise(t: Turn) -> float:
    return _yes(t.has("empathy") and t.upset)


@rule("listening.ignored_customer")
def _ignored_customer(t: Turn) -> float:
    if not t.customer_text or t.signal("customer_closing", t.customer_text):
        return 0.0
    return _yes((t.customer_asked or t.upset) and not t.moves & _RESPONSIVE)


@rule("listening.asked_again")
def _asked_again(t: Turn) -> float:
    return _yes(
        t.signal("order_number", t.customer_text)
        and t.signal("asks_order_number")
        and t.has("closed_question")
        and not t.has("paraphrase")  # reading the number back is checking, not asking
    )


@rule("listening.never_argue")
def _never_argue(t: Turn) -> float:
    return _yes(t.has("argue"))


@rule("listening.no_blame")
def _no_blame(t: Turn) -> float:
    return _yes(t.has("blame_customer"))


@rule("listening.no_filler")
def _no_filler(t: Turn) -> float:
    return _yes(t.has("perfunctory"))


@rule("listening.no_dismiss")
def _no_dismiss(t: Turn) -> float:
    return _yes(t.has("dismiss"))


@rule("emotion.stay_calm")
def _stay_calm(t: Turn) -> float:
    return _yes(t.has("rude"))


@rule("emotion.overpromise")
def _overpromise(t: Turn) -> float:
    return _yes(t.has("deceive") or t.signal("absolute_promise"))


@rule("questioning.open_question")
def _open_question(t: Turn) -> float:
    if not t.has("open_question"):
        return 0.0
    # most valuable while the problem is still being found out
    return 1.0 if not t.solution_before else 0.5


@rule("questioning.closed_for_facts")
def _closed_for_facts(t: Turn) -> float:
    return _yes(
        t.has("closed_question")
        and (not t.upset or t.soothed_before or bool(t.moves & _SOOTHING))
        and t.closed_streak() < 2
        and t.question_marks < 3
    )


@rule("questioning.details_before_calm")
def _details_before_calm(t: Turn) -> float:
    return _yes(
        t.has("closed_question") and t.upset and not t.moves & _SOOTHING and not t.soothed_before
    )


@rule("questioning.closed_chain")
def _closed_chain(t: Turn) -> float:
    return _yes(
        t.persona_type != "silent"
        and t.has("closed_question")
        and not t.has("open_question")
        and t.closed_streak() >= 2
    )


@rule("type.silent.closed_chain")
def _silent_closed_chain(t: Turn) -> float:
    if t.persona_type != "silent" or not t.has("closed_question") or t.has("open_question"):
        return 0.0
    streak = t.closed_streak()
    return 0.0 if streak < 1 else (1.0 if streak == 1 else 1.5)


@rule("questioning.too_many_questions")
def _too_many_questions(t: Turn) -> float:
    if t.question_marks < 3:
        return 0.0
    return 1.0 if t.question_marks == 3 else 1.5


@rule("questioning.speculative")
def _speculative(t: Turn) -> float:
    guesses = t.signal_count("speculative_question")
    return _yes(guesses >= 2 or (guesses >= 1 and t.question_marks >= 2 and t.lang == "en"))


@rule("questioning.leading")
def _leading(t: Turn) -> float:
    return _yes(
        t.persona_type != "silent"
        and t.signal("leading_question")
        and not t.has("paraphrase", "confirm")  # "…, right?" after a summary is a check
    )


@rule("questioning.reframe_complaint")
def _reframe_complaint(t: Turn) -> float:
    return _yes(
        t.has("open_question")
        and t.signal("customer_sweeping", t.customer_text)
        and t.signal("improvement_question")
    )


@rule("confirm.check_understanding")
def _check_understanding(t: Turn) -> float:
    if not t.has("confirm"):
        return 0.0
    # checking agreement right after explaining or proposing is the textbook moment
    return 1.0 if (t.solution_now or t.has("inform") or t.solution_before) else 0.6


@rule("emotion.apologise_once")
def _apologise_once(t: Turn) -> float:
    return _yes(t.has("apology") and not any("apology" in m for m in t.history_moves))


@rule("emotion.repeated_apology")
def _repeated_apology(t: Turn) -> float:
    earlier = sum(1 for moves in t.history_moves if "apology" in moves)
    if not t.has("apology") or earlier == 0 or t.moves & _ACTION:
        return 0.0
    return 1.0 if earlier == 1 else 1.5


@rule("emotion.reassure")
def _reassure(t: Turn) -> float:
    # an empty guarantee is not reassurance (emotion.overpromise rates it)
    return _yes(t.has("reassurance") and not t.has("deceive") and not t.signal("absolute_promise"))


@rule("emotion.ignored")
def _emotion_ignored(t: Turn) -> float:
    previous = t.history_moves[-1] if t.history_moves else frozenset()
    return _yes(
        t.upset
        and bool(t.moves)
        and not t.moves & (_SOOTHING | {"paraphrase"})
        and not previous & _SOOTHING
    )


@rule("emotion.time_frame")
def _time_frame(t: Turn) -> float:
    return _yes(t.has("offer_solution", "follow_up") and t.has_time_frame)


@rule("emotion.vague_promise")
def _vague_promise(t: Turn) -> float:
    return _yes(
        t.has("offer_solution", "follow_up", "reassurance")
        and t.signal("vague_soon")
        and not t.has_time_frame
    )


@rule("solution.explore_together")
def _explore_together(t: Turn) -> float:
    return _yes(t.solution_now and (t.has("confirm") or t.signal("choice_question")))


@rule("solution.inform_clearly")
def _inform_clearly(t: Turn) -> float:
    return _yes(
        t.has("inform") and (t.understood_before or t.customer_asked) and not t.signal("guessing")
    )


@rule("follow_up.close_politely")
def _close_politely(t: Turn) -> float:
    return _yes(t.has("thanks_closing") and (t.solution_before or t.solution_now))


@rule("follow_up.premature_close")
def _premature_close(t: Turn) -> float:
    return _yes(
        t.has("thanks_closing")
        and not (t.solution_before or t.solution_now or t.has("follow_up"))
        and not t.signal("customer_closing", t.customer_text)
        and (t.upset or t.turn_index > 0)
    )


@rule("language.greeting")
def _greeting(t: Turn) -> float:
    return _yes(t.has("greeting") and not t.history_moves)


@rule("language.polite")
def _polite(t: Turn) -> float:
    return _yes(t.politeness is not None and t.politeness >= 0.75 and not t.moves & _NEGATIVE)


@rule("language.impolite")
def _impolite(t: Turn) -> float:
    return _yes(t.politeness is not None and t.politeness <= 0.3 and not t.has("rude"))


@rule("language.concise")
def _concise(t: Turn) -> float:
    limit = 150 if t.lang == "zh" else 75
    return _yes(t.length > limit)


@rule("language.no_jargon")
def _no_jargon(t: Turn) -> float:
    return _yes(t.signal("jargon"))


@rule("language.no_guessing")
def _no_guessing(t: Turn) -> float:
    return _yes(t.has("inform", "offer_solution") and t.signal("guessing"))


@rule("language.precise_details")
def _precise_details(t: Turn) -> float:
    return _yes(
        t.has("inform", "offer_solution")
        and (t.signal("figures") or bool(t.entities))
        and not t.signal("guessing")
    )


@rule("responsiveness.quick_reply")
def _quick_reply(t: Turn) -> float:
    return _yes(t.reply_seconds is not None and 0 <= t.reply_seconds <= 30)


@rule("responsiveness.slow_reply")
def _slow_reply(t: Turn) -> float:
    if t.reply_seconds is None or t.reply_seconds <= 90:
        return 0.0
    return 1.0 if t.reply_seconds <= 180 else 1.5


@rule("type.silent.open_up")
def _silent_open_up(t: Turn) -> float:
    return _yes(
        t.persona_type == "silent"
        and (t.has("open_question") or (t.signal("concern_question") and t.question_marks > 0))
    )


@rule("type.silent.choice_question")
def _silent_choice(t: Turn) -> float:
    return _yes(t.persona_type == "silent" and t.signal("choice_question") and t.question_marks > 0)


@rule("type.doubtful.evidence")
def _doubtful_evidence(t: Turn) -> float:
    return _yes(
        t.persona_type == "doubtful"
        and t.has("inform", "offer_solution")
        and (t.signal("figures") or bool(t.entities))
    )


@rule("type.doubtful.no_hype")
def _doubtful_no_hype(t: Turn) -> float:
    return _yes(
        t.persona_type == "doubtful"
        and (t.has("deceive") or t.signal("absolute_promise") or t.signal("false_urgency"))
    )


@rule("type.arrogant.acknowledge")
def _arrogant_acknowledge(t: Turn) -> float:
    return _yes(t.persona_type == "arrogant" and t.has("praise"))


@rule("type.arrogant.no_lecture")
def _arrogant_no_lecture(t: Turn) -> float:
    return _yes(t.persona_type == "arrogant" and (t.has("argue") or t.signal("lecturing")))


@rule("type.female_shopper.detail_and_time")
def _female_detail(t: Turn) -> float:
    detailed = t.length >= (40 if t.lang == "zh" else 25)
    return _yes(
        t.persona_type == "female_shopper"
        and t.has("recommend", "inform")
        and (detailed or t.signal("take_your_time"))
    )


@rule("type.female_shopper.no_false_urgency")
def _female_urgency(t: Turn) -> float:
    return _yes(
        t.persona_type == "female_shopper" and (t.has("deceive") or t.signal("false_urgency"))
    )


@rule("type.male_shopper.efficient")
def _male_efficient(t: Turn) -> float:
    short = t.length <= (60 if t.lang == "zh" else 35)
    return _yes(
        t.persona_type == "male_shopper"
        and t.has("recommend", "offer_solution", "inform")
        and short
    )


@rule("type.male_shopper.no_hassle")
def _male_no_hassle(t: Turn) -> float:
    long = t.length > (100 if t.lang == "zh" else 50)
    return _yes(t.persona_type == "male_shopper" and (long or t.question_marks >= 2))


@rule("type.talkative.focus")
def _talkative_focus(t: Turn) -> float:
    return _yes(t.persona_type == "talkative" and t.has("paraphrase"))


# ---- rating -----------------------------------------------------------------------------


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _moves_of(analysis: Mapping[str, Any]) -> list[str]:
    names = []
    for item in analysis.get("moves") or ():
        if isinstance(item, str):
            name, confidence = item, 1.0
        elif isinstance(item, Mapping):
            name, confidence = item.get("move"), _number(item.get("confidence"))
            confidence = 1.0 if confidence is None else confidence
        else:
            continue
        if isinstance(name, str) and confidence >= MIN_CONFIDENCE and name not in names:
            names.append(name)
    return names


def _lang_of(analysis: Mapping[str, Any], context: Mapping[str, Any], text: str) -> str:
    for lang in (context.get("lang"), analysis.get("lang")):
        if lang in ("zh", "en"):
            return lang
    return "zh" if _CJK.search(text) else "en"


def steps_of(moves: Iterable[str]) -> list[str]:
    """The five-step stages a reply with these moves evidences."""
    present = set(moves)
    return [step for step in FIVE_STEPS if present & STEP_MOVES[step]]


def build_turn(analysis: Mapping[str, Any] | None, context: Mapping[str, Any] | None) -> Turn:
    analysis = analysis or {}
    context = context or {}
    text = str(context.get("text") or analysis.get("text") or "")
    lang = _lang_of(analysis, context, text)
    moves = _moves_of(analysis)
    history = context.get("history") or ()
    history_moves = tuple(
        frozenset(_moves_of(item)) for item in history if isinstance(item, Mapping)
    )
    state = context.get("state_before")
    anger = _number(state.get("anger")) if isinstance(state, Mapping) else None
    scores = analysis.get("scores") if isinstance(analysis.get("scores"), Mapping) else {}
    entities = frozenset(
        str(e.get("entity"))
        for e in analysis.get("entities") or ()
        if isinstance(e, Mapping) and e.get("entity")
    )
    turn_index = context.get("turn_index")
    return Turn(
        catalogue=load_catalogue(),
        lang=lang,
        moves=frozenset(moves),
        primary=moves[0] if moves else None,
        text=text,
        customer_text=str(context.get("customer_text") or ""),
        persona_type=normalize_persona_type(context.get("persona_type")),
        stage=context.get("stage") if isinstance(context.get("stage"), str) else None,
        turn_index=turn_index if isinstance(turn_index, int) else len(history_moves),
        reply_seconds=_number(context.get("reply_seconds")),
        politeness=_number(scores.get("politeness")),
        entities=entities,
        history_moves=history_moves,
        anger_before=anger,
        cues=frozenset(
            str(c.get("cue")) for c in analysis.get("cues") or () if isinstance(c, Mapping)
        ),
    )


def _pick_tip(t: Turn, fired: list[tuple[Guideline, float]]) -> str:
    """The guideline this reply most needs: the worst lapse, else the next right move."""
    negatives = [(g, s) for g, s in fired if g.effect == "-"]
    if negatives:
        return max(negatives, key=lambda gs: gs[0].weight * gs[1])[0].id
    if t.upset and not t.moves & _SOOTHING:
        return "emotion.empathise"
    if t.solution_now and not t.has("confirm"):
        return "confirm.check_understanding"
    if t.solution_now and not t.has_time_frame:
        return "emotion.time_frame"
    if (t.solution_now or t.solution_before) and not t.has("follow_up"):
        return "steps.follow_up"
    if not t.understood_before and not t.moves & _UNDERSTANDING:
        return "questioning.open_question"
    paraphrased = "paraphrase" in t.moves or any("paraphrase" in m for m in t.history_moves)
    if not paraphrased:
        return "listening.paraphrase_facts"
    if not (t.solution_now or t.solution_before):
        return "steps.solve_concrete"
    return "follow_up.close_politely"


def rate(turn: Turn, *, mode: str | None = None) -> dict[str, Any]:
    """Rate a prepared Turn; rate_turn is the public entry point."""
    catalogue = turn.catalogue
    fired: list[tuple[Guideline, float]] = []
    for guideline_id, fn in RULES.items():
        strength = fn(turn)
        if strength:
            fired.append((catalogue.guidelines[guideline_id], strength))

    dimensions = dict.fromkeys(DIMENSIONS, float(BASE_SCORE))
    engaged: set[str] = set()
    total = float(BASE_SCORE)
    for guideline, strength in fired:
        points = guideline.weight * strength * (1 if guideline.effect == "+" else -1)
        dimensions[guideline.dimension] += points
        engaged.add(guideline.dimension)
        total += points

    # the heaviest lapses and merits first, so a reader sees what mattered most
    fired.sort(key=lambda gs: -gs[0].weight * gs[1])
    tip_id = _pick_tip(turn, fired)
    return {
        "dimensions": {dim: _clamp(value) for dim, value in dimensions.items()},
        "overall": _clamp(total),
        "rules": [
            {"id": g.id, "effect": g.effect, "why": g.why.get(turn.lang, g.why.get("en", ""))}
            for g, _ in fired
        ],
        "tip": {"text": catalogue.tip(tip_id, turn.lang, turn.turn_index), "guideline": tip_id},
        "rubric_version": RUBRIC_VERSION,
        # kept so later turns (history) and the scorecard need not re-analyse
        "moves": sorted(turn.moves),
        "steps": steps_of(turn.moves),
        "engaged": sorted(engaged),
        "show_tip": mode != "assessment",
    }


def rate_turn(analysis: Mapping[str, Any] | None, context: Mapping[str, Any] | None) -> dict:
    """Rate one trainee reply in its context (see docs/contracts.md).

    Besides the contract's context keys, an optional ``text`` (the reply itself) lets
    the language rules (length, jargon, guessing, time frames) look at the wording.
    """
    context = context or {}
    return rate(build_turn(analysis, context), mode=context.get("mode"))


def _clamp(value: float) -> int:
    return round(min(100.0, max(0.0, value)))
