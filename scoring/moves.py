"""The fixed vocabulary of trainee moves (../shared/moves.md).

Every part of Counterpart speaks these names: the Rasa NLU intents, the persona
engine's reactions, the rubric, the exports. Add a move only together with its
family, training data in both languages, persona reactions and rubric entries.
"""

from __future__ import annotations

from typing import Final

#: move -> family, in the order of moves.md
MOVE_FAMILIES: Final[dict[str, str]] = {
    "greeting": "greeting",
    "open_question": "question",
    "closed_question": "question",
    "confirm": "question",
    "paraphrase": "paraphrase",
    "empathy": "empathy",
    "apology": "apology",
    "reassurance": "reassurance",
    "praise": "reassurance",
    "inform": "inform",
    "offer_solution": "solution",
    "recommend": "solution",
    "follow_up": "closing",
    "thanks_closing": "closing",
    "blame_customer": "negative",
    "argue": "negative",
    "rude": "negative",
    "dismiss": "negative",
    "perfunctory": "negative",
    "deceive": "negative",
}

MOVES: Final[tuple[str, ...]] = tuple(MOVE_FAMILIES)
FAMILIES: Final[tuple[str, ...]] = tuple(dict.fromkeys(MOVE_FAMILIES.values()))
NEGATIVE_MOVES: Final[frozenset[str]] = frozenset(
    move for move, family in MOVE_FAMILIES.items() if family == "negative"
)
LANGUAGES: Final[tuple[str, ...]] = ("zh", "en")


def family_of(move: str) -> str:
    """The family a move belongs to; KeyError for a name outside the vocabulary."""
    return MOVE_FAMILIES[move]
