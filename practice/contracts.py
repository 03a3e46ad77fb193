"""What flows through one practice turn, as typed values.

JSON stays JSON at the edges (Rasa slots and payloads, the gateway database, batch files):
the analysis, the rating and the persona state are TypedDicts over plain JSON, so they cross
those edges unchanged. What a turn is given and what it returns are dataclasses.

    Reply + TurnContext ──► analysis (Analysis) ──► reaction (Reaction) ──► rating (Rating)
                                                   └──────────── TurnResult ───────────┘
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

# ---- the analysis of a reply (scoring.analysis.analyze) -----------------------------------


class MoveReading(TypedDict):
    move: str
    confidence: float


class Entity(TypedDict):
    entity: str
    value: str


class Cue(TypedDict, total=False):
    cue: str
    match: str
    move: str
    weight: float


class Analysis(TypedDict, total=False):
    """Moves primary first, per-reply scores, entities and the cues that fired; or an error
    (moves empty) for a reply that cannot be read. See docs/contracts.md."""

    moves: list[MoveReading]
    scores: dict[str, float]
    entities: list[Entity]
    cues: list[Cue]
    #: None only in the error result for a language that is not a string
    lang: str | None
    error: str


#: (text, lang, what the customer just said) -> analysis; the NLU, when there is one, is
#: bound inside (batch tools parse in-process, the action server takes Rasa's parse)
Analyzer = Callable[[str, str, str], Analysis]

# ---- the rating of a reply (scoring.rubric) ---------------------------------------------


class FiredRule(TypedDict):
    id: str
    effect: Literal["+", "-"]
    why: str


class Tip(TypedDict):
    text: str
    guideline: str


class Rating(TypedDict):
    dimensions: dict[str, int]
    overall: int
    rules: list[FiredRule]
    tip: Tip
    rubric_version: str
    #: kept so later turns and the scorecard need not re-analyse
    moves: list[str]
    steps: list[str]
    engaged: list[str]


@dataclass(frozen=True)
class ScenarioContext:
    """What this conversation is about, so tips and hints speak about it (never about another
    scenario): the product, the facts the customer has told so far, the remedies that fit."""

    kind: str
    product: str
    #: fact id -> value, for the facts the customer has told so far
    told: Mapping[str, str] = field(default_factory=dict)
    #: remedy kinds this customer would accept (empty: any fitting offer at the right time)
    remedies: tuple[str, ...] = ()


@dataclass(frozen=True)
class RatingContext:
    """What the rubric needs besides the analysis: the reply in its conversation."""

    lang: str
    text: str = ""
    persona_type: str | None = None
    customer_text: str = ""
    #: the customer's mood (0-1) before the reply, when known
    state_before: Mapping[str, Any] | None = None
    stage: str | None = None
    reply_seconds: float | None = None
    #: the session's earlier ratings (or anything carrying their "moves"), oldest first
    history: Sequence[Mapping[str, Any]] = ()
    #: the scenario, when the reply was played against a persona
    scenario: ScenarioContext | None = None
    #: the id of a fact the reply asked for although the customer had already told it, as the
    #: customer heard it; None when no persona judged the reply (offline scoring)
    asked_again: str | None = None
    #: whether a persona judged the reply (then ``asked_again`` is authoritative)
    heard_by_persona: bool = False
    #: how the customer judged a proposal in the reply (personas.engine: accepted, rejected,
    #: not_ready, vague, objection, needs_more, not_convinced); None when it proposed nothing
    #: or no persona heard it. Only the tip reads it: the next step follows the customer's answer
    offer_judged: str | None = None
    #: what the customer still missed before taking the proposal (the type's needs, e.g.
    #: recognition, respect, inform, drawn_out); tip only
    offer_unmet: tuple[str, ...] = ()
    #: what the customer heard as hollow service in the reply (personas.relevance: "pitch",
    #: "vague_promise", "elsewhere", …); None when it was not hollow or no persona heard it
    hollow: str | None = None

    @property
    def turn_index(self) -> int:
        return len(self.history)


# ---- the customer's reaction (personas.engine) ------------------------------------------

#: the persona's JSON state (mood, stage, facts revealed …); lives in a Rasa slot
PersonaState = dict[str, Any]


class Reaction(TypedDict):
    line: str | None
    state: PersonaState
    stage: str
    ended: bool
    outcome: str | None
    reaction: str


# ---- a turn -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """What the trainee did this turn: a text, or staying silent for ``silence_seconds``."""

    text: str | None = None
    reply_seconds: float | None = None
    silence_seconds: float | None = None

    @property
    def silent(self) -> bool:
        return self.text is None


class TraineeEntry(TypedDict):
    role: Literal["trainee"]
    text: str
    at: str | None
    analysis: Analysis | None
    rating: Rating | None
    reply_seconds: float | None


class CustomerEntry(TypedDict):
    role: Literal["customer"]
    text: str
    at: str | None
    #: mood 0-1 after this line (plus nothing else: the scorecard charts anger from it)
    state: dict[str, float] | None


TranscriptEntry = TraineeEntry | CustomerEntry


@dataclass(frozen=True)
class TurnResult:
    """Everything one turn produced. ``payload()`` is the JSON the action server sends."""

    persona_id: str
    reaction: Reaction
    analysis: Analysis | None = None
    rating: Rating | None = None
    scorecard: dict[str, Any] | None = None
    mode: str | None = None
    transcript: tuple[TranscriptEntry, ...] = field(default=(), repr=False)

    @property
    def line(self) -> str:
        return self.reaction["line"] or ""

    @property
    def state(self) -> PersonaState:
        return self.reaction["state"]

    @property
    def ended(self) -> bool:
        return bool(self.reaction["ended"])

    @property
    def outcome(self) -> str | None:
        return self.reaction["outcome"]
