"""Scripted trainee turns (as analysed moves) for every persona in the library.

Each turn is a tuple of move names, optionally with ``remedy=<name>`` entries for the remedy
entity the analysis would extract. GOOD follows the guidelines for that persona's type, BAD
blames, argues, dismisses and pressures, NEUTRAL says nothing of substance.
"""

from __future__ import annotations

from typing import Any


def analysis(
    *moves: str, remedy: str | None = None, confidence: float = 0.9, lang: str = "en"
) -> dict[str, Any]:
    """The move analysis of one reply, as personas.engine receives it."""
    return {
        "moves": [{"move": m, "confidence": confidence} for m in moves],
        "scores": {"empathy": 0.5, "politeness": 0.5},
        "entities": [{"entity": "remedy", "value": remedy}] if remedy else [],
        "cues": [],
        "lang": lang,
    }


def turns(*specs: tuple[str, ...] | str) -> list[dict[str, Any]]:
    out = []
    for spec in specs:
        items = (spec,) if isinstance(spec, str) else spec
        moves = [m for m in items if not m.startswith("remedy=")]
        remedies = [m.split("=", 1)[1] for m in items if m.startswith("remedy=")]
        turn = analysis(*moves, remedy=remedies[0] if remedies else None)
        # several remedies in one offer ("a new one, sent express"): one entity each
        turn["entities"] = [{"entity": "remedy", "value": r} for r in remedies]
        out.append(turn)
    return out


ANGRY_GOOD = turns(
    ("greeting", "apology", "empathy"),
    ("empathy", "open_question"),
    ("apology", "paraphrase", "closed_question"),
    ("empathy", "open_question"),
    ("reassurance", "confirm"),
    # a new unit sent express: what a customer with a broken or missing service needs
    ("offer_solution", "remedy=exchange", "remedy=expedite"),
    ("follow_up", "thanks_closing"),
)
ARROGANT_GOOD = turns(
    ("greeting", "praise", "apology"),
    ("praise", "open_question"),
    ("paraphrase", "closed_question"),
    ("praise", "empathy", "open_question"),
    ("offer_solution", "remedy=compensation"),
    ("follow_up", "thanks_closing"),
)
DOUBTFUL_GOOD = turns(
    ("greeting", "open_question"),
    ("paraphrase", "inform"),
    ("inform", "reassurance"),
    ("empathy", "open_question"),
    ("inform", "confirm"),
    ("recommend", "reassurance"),
    ("follow_up", "thanks_closing"),
)
SILENT_GOOD = turns(
    ("greeting", "open_question"),
    ("empathy", "open_question"),
    ("praise", "open_question"),
    ("paraphrase", "open_question"),
    ("empathy", "open_question"),
    ("inform", "recommend"),
    ("thanks_closing",),
)
TALKATIVE_GOOD = turns(
    ("greeting", "empathy", "closed_question"),
    ("paraphrase", "closed_question"),
    ("praise", "confirm"),
    ("reassurance", "closed_question"),
    ("offer_solution", "remedy=guide"),
    ("thanks_closing",),
)
MALE_GOOD = turns(
    ("greeting", "closed_question"),
    ("inform", "closed_question"),
    ("inform", "confirm"),
    ("recommend", "inform"),
    ("thanks_closing",),
)
FEMALE_GOOD = turns(
    ("greeting", "praise", "open_question"),
    ("inform", "open_question"),
    ("praise", "inform", "open_question"),
    ("empathy", "open_question"),
    ("recommend", "inform"),
    ("thanks_closing", "follow_up"),
)

GOOD = {
    "angry": ANGRY_GOOD,
    "arrogant": ARROGANT_GOOD,
    "doubtful": DOUBTFUL_GOOD,
    "silent": SILENT_GOOD,
    "talkative": TALKATIVE_GOOD,
    "male_shopper": MALE_GOOD,
    "female_shopper": FEMALE_GOOD,
}

BAD = (
    turns(
        ("blame_customer",),
        ("argue",),
        ("dismiss",),
        ("recommend", "deceive"),
        ("rude",),
        ("dismiss", "argue"),
        ("blame_customer",),
        ("rude",),
    )
    * 2
)

NEUTRAL = turns(("perfunctory",), ()) * 15
