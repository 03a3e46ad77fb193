"""Per-turn rating: one trainee reply, in context, against the guidelines catalogue.

`rate_turn(analysis, context)` reads the moves found in the reply (scoring.analysis), what
the customer just said, the persona type and mood, the timing and the earlier ratings of
the session (a practice.contracts.RatingContext), and returns a practice.contracts.Rating:
dimension scores, the rules that fired (each tied to a guideline id in guidelines.yml) and
one concrete tip from tips/tips.yml. Pure and deterministic: no clock, no randomness.

    catalogue.py      the guidelines catalogue: Guideline, Catalogue, load_catalogue
    turn.py           the facts a reply is rated on: Turn, build_turn
    rules.py          the rule registry (RULES) and the general rules
    persona_rules.py  the persona-type rules
    rating.py         rate, rate_turn, steps_of, steps_shown and the choice of tip

Importing the package registers every rule.
"""

from __future__ import annotations

from practice.vocabulary import FIVE_STEPS, PERSONA_TYPES, STEP_MOVES
from scoring.rubric import persona_rules as persona_rules  # registers the persona-type rules
from scoring.rubric.catalogue import (
    DIMENSIONS,
    RUBRIC_VERSION,
    Catalogue,
    Guideline,
    load_catalogue,
    normalize_persona_type,
)
from scoring.rubric.rating import BASE_SCORE, rate, rate_turn, steps_of, steps_shown
from scoring.rubric.rules import RULES, Rule
from scoring.rubric.turn import Turn, build_turn

__all__ = [
    "BASE_SCORE",
    "DIMENSIONS",
    "FIVE_STEPS",
    "PERSONA_TYPES",
    "RUBRIC_VERSION",
    "RULES",
    "STEP_MOVES",
    "Catalogue",
    "Guideline",
    "Rule",
    "Turn",
    "build_turn",
    "load_catalogue",
    "normalize_persona_type",
    "rate",
    "rate_turn",
    "steps_of",
    "steps_shown",
]
