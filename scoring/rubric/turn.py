"""The facts one reply is rated on: `build_turn(analysis, context)` -> `Turn`.

The analysis may come straight from scoring.analysis or back from JSON (stored transcripts,
Rasa slots), so it is read defensively: a missing or malformed field counts as absent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Final

from practice.contracts import RatingContext, ScenarioContext
from practice.vocabulary import (
    CALMING_MOVES,
    LANGUAGES,
    NEGATIVE_MOVES,
    SOLUTION_MOVES,
    UNDERSTANDING_MOVES,
)
from scoring.rubric.catalogue import Catalogue, load_catalogue, normalize_persona_type

#: moves below this confidence are treated as absent
MIN_CONFIDENCE: Final[float] = 0.3
#: a reply rated at least this empathic (analysis scores.empathy) names the customer's feeling
#: even when no empathy move was read
EMPATHY_SCORE_MIN: Final[float] = 0.6
#: the red lines among the negative moves (a filler is empty, not abusive)
RED_LINE_MOVES: Final = NEGATIVE_MOVES - {"perfunctory"}

#: cue ids from move analysis (scoring/cues) that also count as one of our text signals
_CUE_SIGNALS: Final[dict[str, frozenset[str]]] = {
    "jargon": frozenset({"jargon"}),
    "leading_question": frozenset({"leading_question"}),
}
_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[A-Za-z0-9']+")
_QUESTION_MARK = re.compile(r"[?？]")


@dataclass(frozen=True)
class Turn:
    """Everything the rules look at, computed once per reply."""

    catalogue: Catalogue
    lang: str
    moves: frozenset[str]
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
    #: the fact the customer heard this reply ask for again (None: not asked again, or unknown)
    asked_again: str | None = None
    #: whether a persona heard the reply (then ``asked_again`` is the customer's own judgement)
    heard_by_persona: bool = False
    #: how the customer judged a proposal in this reply (RatingContext.offer_judged); tip only
    offer_judged: str | None = None
    #: what the customer still missed before taking it (RatingContext.offer_unmet); tip only
    offer_unmet: tuple[str, ...] = ()
    #: what the conversation is about, for the tip (no rule reads it)
    scenario: ScenarioContext | None = None
    #: the analysis's per-reply empathy rating (0-1), when there is one
    empathy_score: float | None = None
    #: the five steps each earlier reply showed (its rating's ``steps``), oldest first
    history_steps: tuple[frozenset[str], ...] = ()
    #: what the customer heard as hollow service in this reply (RatingContext.hollow)
    hollow: str | None = None

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
    def curt(self) -> bool:
        """The whole reply is a bare retort ("What?", "要什么？")."""
        return self.signal("curt_reply")

    @cached_property
    def made_up_pressure(self) -> bool:
        """Invented urgency or claims to push the customer (a deceive move, or the wording)."""
        return self.has("deceive") or self.signal("false_urgency")

    @cached_property
    def crosses_red_line(self) -> bool:
        """Blaming, arguing, rudeness, stonewalling, made-up pressure or a bare retort: such a
        reply earns no credit, whatever else it does (seeds 001, 003)."""
        return bool(self.moves & RED_LINE_MOVES) or self.curt or self.made_up_pressure

    @cached_property
    def empathic(self) -> bool:
        """The reply names or validates the customer's feeling."""
        return self.has("empathy") or (
            self.empathy_score is not None and self.empathy_score >= EMPATHY_SCORE_MIN
        )

    @cached_property
    def solution_before(self) -> bool:
        return any(moves & SOLUTION_MOVES for moves in self.history_moves) or any(
            "solve" in steps for steps in self.history_steps
        )

    @cached_property
    def solution_now(self) -> bool:
        """A remedy proposed, a product recommended, or a remedy reported as arranged."""
        return bool(self.moves & SOLUTION_MOVES) or (
            self.signal("remedy_arranged") and not self.moves & NEGATIVE_MOVES
        )

    @cached_property
    def understood_before(self) -> bool:
        if self.stage in ("negotiating", "closing"):
            return True
        return any(moves & UNDERSTANDING_MOVES for moves in self.history_moves)

    @cached_property
    def facts_given(self) -> bool:
        """A calm customer has already put the case plainly: an order number or a clear question."""
        if self.upset or not self.customer_text:
            return False
        return self.signal("order_number", self.customer_text) or self.customer_asked

    @cached_property
    def soothed_before(self) -> bool:
        return any(moves & CALMING_MOVES for moves in self.history_moves)

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


# ---- reading the analysis ---------------------------------------------------------------


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _items(value: object) -> Iterable[object]:
    """The entries of a JSON list; nothing for a missing or non-iterable value."""
    return value if value and isinstance(value, Iterable) else ()


def _moves_of(analysis: Mapping[str, object]) -> frozenset[str]:
    """The moves read with enough confidence (plain move names count as certain)."""
    names: set[str] = set()
    for item in _items(analysis.get("moves")):
        name: object
        if isinstance(item, str):
            name, confidence = item, 1.0
        elif isinstance(item, Mapping):
            name, reading = item.get("move"), _number(item.get("confidence"))
            confidence = 1.0 if reading is None else reading
        else:
            continue
        if isinstance(name, str) and confidence >= MIN_CONFIDENCE:
            names.add(name)
    return frozenset(names)


def _lang_of(analysis: Mapping[str, object], context: RatingContext, text: str) -> str:
    for lang in (context.lang, analysis.get("lang")):
        if isinstance(lang, str) and lang in LANGUAGES:
            return lang
    return "zh" if _CJK.search(text) else "en"


def build_turn(analysis: Mapping[str, object] | None, context: RatingContext) -> Turn:
    """The facts of one reply: its analysis (an Analysis, or the same shape from JSON) in
    its context. ``context.text`` (the reply itself) lets the language rules look at the
    wording; without it the analysis's ``text``, if any, is used."""
    analysis = analysis or {}
    text = str(context.text or analysis.get("text") or "")
    # the context may carry JSON from a tracker or a database: check what the types promise
    state = context.state_before
    scores = analysis.get("scores")
    hollow = context.hollow if isinstance(context.hollow, str) else None
    moves = _moves_of(analysis)
    if hollow == "pitch":
        # a sale in place of the customer's matter is no solution to it, however it is put
        # (personas.relevance.pitch; seed 003 Ch3.2)
        moves = moves - SOLUTION_MOVES
    return Turn(
        catalogue=load_catalogue(),
        lang=_lang_of(analysis, context, text),
        moves=moves,
        text=text,
        customer_text=str(context.customer_text or ""),
        persona_type=normalize_persona_type(context.persona_type),
        stage=context.stage if isinstance(context.stage, str) else None,
        turn_index=context.turn_index,
        reply_seconds=_number(context.reply_seconds),
        politeness=_number(scores.get("politeness")) if isinstance(scores, Mapping) else None,
        empathy_score=_number(scores.get("empathy")) if isinstance(scores, Mapping) else None,
        entities=frozenset(
            str(entity.get("entity"))
            for entity in _items(analysis.get("entities"))
            if isinstance(entity, Mapping) and entity.get("entity")
        ),
        history_moves=tuple(
            _moves_of(item) for item in context.history if isinstance(item, Mapping)
        ),
        history_steps=tuple(
            frozenset(str(step) for step in _items(item.get("steps")))
            for item in context.history
            if isinstance(item, Mapping)
        ),
        anger_before=_number(state.get("anger")) if isinstance(state, Mapping) else None,
        cues=frozenset(
            str(cue.get("cue")) for cue in _items(analysis.get("cues")) if isinstance(cue, Mapping)
        ),
        asked_again=context.asked_again,
        heard_by_persona=context.heard_by_persona,
        offer_judged=context.offer_judged,
        offer_unmet=tuple(getattr(context, "offer_unmet", ()) or ()),
        scenario=context.scenario if isinstance(context.scenario, ScenarioContext) else None,
        hollow=hollow,
    )
