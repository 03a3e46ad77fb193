"""The Persona object: one customer, its scenario, its behaviour tables and its lines.

A Persona is built by :class:`personas.library.PersonaLibrary` from three layers of YAML,
each overriding the one before: ``personas/types/_base.yml`` (what every customer shares),
``personas/types/<type>.yml`` (how that type of customer reacts) and the persona file itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from practice.vocabulary import OUTCOMES, STAGES

__all__ = [
    "BANDS",
    "CORE_REACTIONS",
    "MIN_OPENINGS",
    "MIN_VARIANTS",
    "OUTCOMES",
    "STAGES",
    "Persona",
]

BANDS = ("upset", "uneasy", "settled")

#: Every persona's line bank (persona + type + base) needs these reactions.
CORE_REACTIONS = (
    "opening",
    "positive",
    "unmoved",
    "provoked",
    "dismissed",
    "deceived",
    "neutral",
    "guarded",
    "answered",
    "not_ready",
    "rejected",
    "accepted",
    "silence",
    "end_resolved",
    "end_escalated",
    "end_walked_away",
    "end_turn_limit",
    "end_finished",
    # the customer listens (issue 13): a fact asked again, a question the scenario does not
    # cover, a check confirmed or corrected, a vague promise, a closing before it is settled
    "already_told",
    "dont_know",
    "confirmed",
    "corrected",
    "vague_offer",
    "not_done",
    # a question that fits two of the customer's things about as well, or one only nearly: which
    # is meant? (asked back in character, not refused)
    "unclear",
    # a question of the customer's "answered" with thanks for their patience alone
    "unanswered",
    # sold another product, plan or membership while their own matter is open
    "pitched",
)
MIN_OPENINGS = 3
MIN_VARIANTS = 5


@dataclass(frozen=True)
class Persona:
    id: str
    name: str
    type: str
    gender: str
    language: str
    difficulty: str
    description: str
    scenario: dict[str, Any]
    max_turns: int
    silence_timeout_seconds: float
    behaviour: dict[str, Any]
    lines: dict[str, Any]
    source: str = ""
    extra_reactions: tuple[str, ...] = field(default=())
    #: still holds the placeholder text of ``counterpart persona new``: listed for trainers,
    #: never offered to trainees (PersonaLibrary.list/get leave it out)
    draft: bool = False

    @property
    def silence_timeout(self) -> float:
        return self.silence_timeout_seconds

    @property
    def facts(self) -> list[dict[str, Any]]:
        return list(self.scenario.get("facts") or [])

    @property
    def required_reactions(self) -> tuple[str, ...]:
        return CORE_REACTIONS + tuple(r for r in self.extra_reactions if r not in CORE_REACTIONS)

    def summary(self) -> dict[str, Any]:
        """What a persona picker shows: short, in the persona's own language."""
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "gender": self.gender,
            "language": self.language,
            "difficulty": self.difficulty,
            "scenario_kind": self.scenario.get("kind"),
            "product": self.scenario.get("product"),
            "description": self.description,
        }
