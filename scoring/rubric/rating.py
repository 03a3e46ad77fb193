"""Rating one reply: run the registered rules, add up their points, pick one tip."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from practice.contracts import FiredRule, Rating, RatingContext
from practice.vocabulary import CALMING_MOVES, FIVE_STEPS, STEP_MOVES, UNDERSTANDING_MOVES
from scoring.rubric.catalogue import DIMENSIONS, RUBRIC_VERSION, Guideline
from scoring.rubric.rules import RULES
from scoring.rubric.turn import Turn, build_turn

#: every dimension starts here for each reply; rules move it up or down
BASE_SCORE: Final[int] = 60


def steps_of(moves: Iterable[str]) -> list[str]:
    """The five-step stages a reply with these moves could show (what it aims at; the rating's
    ``steps`` are what it really showed: see steps_shown)."""
    present = set(moves)
    return [step for step in FIVE_STEPS if present & STEP_MOVES[step]]


def steps_shown(fired: Iterable[Guideline]) -> list[str]:
    """The five-step stages a reply really showed: those of the guidelines that fired on it
    (a curt "what do you want?" fires none, so it is neither listening nor understanding)."""
    shown = {step for guideline in fired for step in guideline.steps}
    return [step for step in FIVE_STEPS if step in shown]


def _points(fired: tuple[Guideline, float]) -> float:
    """How many points a fired rule moves the score by, up or down."""
    guideline, strength = fired
    return guideline.weight * strength


# The next step once the customer has answered a proposal other than by taking it: not ready
# (not heard out yet: calm them, or find out what matters first, 003 Ch3.1), a remedy that misses
# them or an objection (offer what fits what they said, with options, 003 ch3), a promise with
# no what or when (name it and the time, 003 Ch3.1 step 5), heard out but not won over yet (what
# this type needs before deciding, 001: evidence, respect, being drawn out, detail, efficiency).
OFFER_ANSWER_TIPS: Final = {
    "not_ready": "steps.solve_before_understanding",
    "rejected": "solution.explore_together",
    "objection": "solution.explore_together",
    "vague": "emotion.vague_promise",
}
TYPE_NEEDS_TIPS: Final = {
    "doubtful": "type.doubtful.evidence",
    "arrogant": "type.arrogant.acknowledge",
    "silent": "type.silent.open_up",
    "female_shopper": "type.female_shopper.detail_and_time",
    "male_shopper": "type.male_shopper.efficient",
    "talkative": "type.talkative.focus",
}


# What the customer still missed (personas: the type's `needs`, named in the customer's answer as
# `unmet`) -> the tip that gives it: the female shopper wants to be recognised (001 §2.6), the
# proud customer respected (001), the silent one drawn out (001 §2.7), a shopper asked about
# what she wants (F1); "inform" is each type's own kind of information (TYPE_NEEDS_TIPS).
UNMET_NEED_TIPS: Final = {
    "recognition": "type.female_shopper.recognise",
    "respect": "type.arrogant.acknowledge",
    "drawn_out": "type.silent.open_up",
    "open_question": "questioning.open_question",
}


def _offer_answer_tip(t: Turn) -> str | None:
    """The tip that follows the customer's answer to this reply's proposal, if it was not taken."""
    judged = t.offer_judged
    if judged is None or judged == "accepted":
        return None
    if t.upset and judged in ("not_ready", "needs_more", "not_convinced"):
        return "emotion.empathise"
    if judged in ("needs_more", "not_convinced"):
        for need in t.offer_unmet:
            # the first thing they said they still miss
            if need in UNMET_NEED_TIPS:
                return UNMET_NEED_TIPS[need]
        return TYPE_NEEDS_TIPS.get(t.persona_type or "", "solution.explore_together")
    return OFFER_ANSWER_TIPS.get(judged)


# How many of the trainee's previous replies still count as having met the customer's feeling:
# once it has been met, the five steps go on to understanding, confirming and solving while the
# customer calms (seed 003 Ch3.1, the fourth step comes once the emotion is steady); a hint
# that asks for empathy again on every reply only teaches repeating it (apologise once, 003).
SOOTHED_LATELY_REPLIES: Final = 3


def _soothed_lately(t: Turn) -> bool:
    return any(moves & CALMING_MOVES for moves in t.history_moves[-SOOTHED_LATELY_REPLIES:])


def _pick_tip(t: Turn, fired: list[tuple[Guideline, float]]) -> str:
    """The guideline this reply most needs: the worst lapse, else the next right move."""
    negatives = [(g, s) for g, s in fired if g.effect == "-"]
    if negatives:
        return max(negatives, key=_points)[0].id
    if t.upset and not t.moves & CALMING_MOVES and not _soothed_lately(t):
        return "emotion.empathise"
    if answer_tip := _offer_answer_tip(t):
        # the customer has just answered the proposal: the next step follows that answer
        return answer_tip
    if t.solution_now and not t.has("confirm"):
        return "confirm.check_understanding"
    if t.solution_now and not t.has_time_frame:
        return "emotion.time_frame"
    if (t.solution_now or t.solution_before) and not t.has("follow_up"):
        return "steps.follow_up"
    if not t.understood_before and not t.moves & UNDERSTANDING_MOVES:
        return "questioning.open_question"
    paraphrased = "paraphrase" in t.moves or any("paraphrase" in m for m in t.history_moves)
    if not paraphrased:
        if t.scenario is not None and not t.scenario.told:
            if t.persona_type == "silent":
                # nothing told yet, nothing to say back: draw the customer out first
                return "type.silent.open_up"
            if "open_question" not in t.moves:
                return "questioning.open_question"
            # this reply draws the customer out already (the hint shows under their answer):
            # the next step is saying back what they tell (003 Ch1: listen, then confirm)
        return "listening.paraphrase_facts"
    if not (t.solution_now or t.solution_before):
        return "steps.solve_concrete"
    return "follow_up.close_politely"


def _clamp(value: float) -> int:
    return round(min(100.0, max(0.0, value)))


def rate(turn: Turn) -> Rating:
    """Rate a prepared Turn (see build_turn); rate_turn does both."""
    catalogue = turn.catalogue
    fired: list[tuple[Guideline, float]] = []
    for guideline_id, fn in RULES.items():
        strength = fn(turn)
        if strength:
            fired.append((catalogue.guidelines[guideline_id], strength))
    if turn.crosses_red_line:
        # a reply that crosses a red line earns nothing for what else it does (seeds 001, 003)
        fired = [(g, s) for g, s in fired if g.effect == "-"]

    dimensions = dict.fromkeys(DIMENSIONS, float(BASE_SCORE))
    engaged: set[str] = set()
    total = float(BASE_SCORE)
    for guideline, strength in fired:
        points = guideline.weight * strength * (1 if guideline.effect == "+" else -1)
        dimensions[guideline.dimension] += points
        engaged.add(guideline.dimension)
        total += points

    # the heaviest lapses and merits first, so a reader sees what mattered most
    fired.sort(key=_points, reverse=True)  # stable: ties keep registration order
    tip_id = _pick_tip(turn, fired)
    rules: list[FiredRule] = [
        {"id": g.id, "effect": g.effect, "why": g.why.get(turn.lang, g.why.get("en", ""))}
        for g, _ in fired
    ]
    return {
        "dimensions": {dim: _clamp(value) for dim, value in dimensions.items()},
        "overall": _clamp(total),
        "rules": rules,
        "tip": {
            "text": catalogue.tip(
                tip_id, turn.lang, turn.turn_index, turn.scenario, turn.asked_again
            ),
            "guideline": tip_id,
        },
        "rubric_version": RUBRIC_VERSION,
        # kept so later turns (history) and the scorecard need not re-analyse
        "moves": sorted(turn.moves),
        "steps": [] if turn.crosses_red_line else steps_shown(g for g, _ in fired),
        "engaged": sorted(engaged),
    }


def rate_turn(analysis: Mapping[str, object] | None, context: RatingContext) -> Rating:
    """Rate one trainee reply in its context (see docs/contracts.md).

    ``analysis`` is what scoring.analysis returned (or the same shape read back from JSON);
    ``context.text``, the reply itself, lets the language rules (length, jargon, guessing,
    time frames) look at the wording.
    """
    return rate(build_turn(analysis, context))
