"""The shared vocabulary of a practice turn, derived from one table.

Every part of Counterpart speaks these names: the Rasa NLU intents, the move analysis, the
persona engine, the rubric, the exports and the interfaces. The move table below is the only
place a move, its family, the groups it belongs to and the five steps it shows are written
down (../shared/moves.md; five steps from seed 004). Everything else is derived from it.
Add a move only together with its training data in both languages, persona reactions and
rubric entries.
"""

from __future__ import annotations

from typing import Final, NamedTuple


class MoveInfo(NamedTuple):
    family: str
    #: named groups the move belongs to (see GROUP_MEANINGS)
    groups: frozenset[str]
    #: which of the five steps a reply with this move shows (seed 004)
    steps: frozenset[str]


def _move(family: str, groups: str = "", steps: str = "") -> MoveInfo:
    return MoveInfo(family, frozenset(groups.split()), frozenset(steps.split()))


#: move -> family, groups, steps; in the order of moves.md
MOVE_TABLE: Final[dict[str, MoveInfo]] = {
    "greeting": _move("greeting", "goodwill"),
    "open_question": _move(
        "question", "question goodwill caring understanding action", "listen understand"
    ),
    "closed_question": _move("question", "question understanding action", "understand"),
    "confirm": _move("question", "question goodwill understanding action", "confirm"),
    "paraphrase": _move(
        "paraphrase", "goodwill caring understanding action", "listen understand confirm"
    ),
    "empathy": _move("empathy", "goodwill caring calming kind", "listen"),
    "apology": _move("apology", "goodwill caring calming kind", "listen"),
    "reassurance": _move("reassurance", "goodwill calming kind", "listen"),
    "praise": _move("reassurance", "goodwill caring kind"),
    "inform": _move("inform", "goodwill action"),
    "offer_solution": _move("solution", "solution action", "solve"),
    "recommend": _move("solution", "solution action", "solve"),
    "follow_up": _move("closing", "goodwill action", "follow_up"),
    "thanks_closing": _move("closing", "goodwill kind"),
    "blame_customer": _move("negative", "negative"),
    "argue": _move("negative", "negative"),
    "rude": _move("negative", "negative"),
    "dismiss": _move("negative", "negative"),
    "perfunctory": _move("negative", "negative"),
    "deceive": _move("negative", "negative"),
}

GROUP_MEANINGS: Final[dict[str, str]] = {
    "question": "asks the customer something",
    "understanding": "works out what the customer means (questions and paraphrase)",
    "solution": "proposes a remedy or a product",
    "action": "engages with the matter itself (asks, restates, informs, proposes, follows up)",
    "calming": "meets the customer's feelings (empathy, apology, reassurance)",
    "caring": "shows interest in the customer as a person; softens a closed question",
    "kind": "kind words the cue rules trust over a classifier's negative reading",
    "goodwill": "a reply with any of these is heard by the customer as well meant",
    "negative": "a red line of the guidelines: blaming, arguing, rudeness, fobbing off",
}

MOVES: Final[tuple[str, ...]] = tuple(MOVE_TABLE)
MOVE_FAMILIES: Final[dict[str, str]] = {move: info.family for move, info in MOVE_TABLE.items()}
FAMILIES: Final[tuple[str, ...]] = tuple(dict.fromkeys(MOVE_FAMILIES.values()))


def group(name: str) -> frozenset[str]:
    """The moves of one group; KeyError for a group the table does not know."""
    if name not in GROUP_MEANINGS:
        raise KeyError(name)
    return frozenset(move for move, info in MOVE_TABLE.items() if name in info.groups)


QUESTION_MOVES: Final = group("question")
UNDERSTANDING_MOVES: Final = group("understanding")
SOLUTION_MOVES: Final = group("solution")
ACTION_MOVES: Final = group("action")
CALMING_MOVES: Final = group("calming")
CARING_MOVES: Final = group("caring")
KIND_MOVES: Final = group("kind")
GOODWILL_MOVES: Final = group("goodwill")
NEGATIVE_MOVES: Final = group("negative")

#: the five-step method (seed 004): listen → understand → confirm → solve → follow up
FIVE_STEPS: Final[tuple[str, ...]] = ("listen", "understand", "confirm", "solve", "follow_up")
STEP_MOVES: Final[dict[str, frozenset[str]]] = {
    step: frozenset(m for m, info in MOVE_TABLE.items() if step in info.steps)
    for step in FIVE_STEPS
}

LANGUAGES: Final[tuple[str, ...]] = ("zh", "en")
MODES: Final[tuple[str, ...]] = ("practice", "assessment")
PERSONA_TYPES: Final[tuple[str, ...]] = (
    "angry",
    "arrogant",
    "doubtful",
    "silent",
    "talkative",
    "female_shopper",
    "male_shopper",
)
STAGES: Final[tuple[str, ...]] = ("opening", "venting", "clarifying", "negotiating", "closing")
#: how a conversation the customer ended turned out (None while it runs or when the trainee ends it)
OUTCOMES: Final[tuple[str, ...]] = ("resolved", "escalated", "walked_away", "turn_limit")
MOOD_KEYS: Final[tuple[str, ...]] = ("anger", "trust", "patience", "openness")

#: the longest trainee reply, in characters after cleaning; longer replies are refused
MAX_REPLY_CHARS: Final[int] = 2000
#: the JSON message type of every turn payload the action server sends (docs/payload.md)
PAYLOAD_TYPE: Final[str] = "counterpart.turn"


def family_of(move: str) -> str:
    """The family a move belongs to; KeyError for a name outside the vocabulary."""
    return MOVE_FAMILIES[move]
