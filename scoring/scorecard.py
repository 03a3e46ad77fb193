"""Session scorecard: a whole practice conversation summed up against the guidelines.

`score_session(transcript, lang=...)` rates every trainee turn in context (re-using a
stored rating only when it was made with the current rubric), then adds what only the
whole conversation shows: five-step coverage and order, whether the remedy was agreed,
whether the loop was closed, empathy kept up, and the outcome. Deterministic: the same
transcript always gives the same scorecard.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from practice.contracts import Analyzer, RatingContext, ScenarioContext
from practice.vocabulary import FIVE_STEPS, LANGUAGES
from scoring.rubric import (
    DIMENSIONS,
    RUBRIC_VERSION,
    load_catalogue,
    normalize_persona_type,
    rate_turn,
)

#: a dimension the trainee never showed in the whole session
NOT_SHOWN: dict[str, int] = {
    "listening": 50,
    "empathy": 55,
    "questioning": 45,
    "confirmation": 40,
    "solution": 40,
    "follow_up": 40,
    "language": 60,
    "responsiveness": 60,
}

#: points the outcome adds to the overall score
OUTCOME_POINTS: dict[str | None, int] = {
    "resolved": 6,
    "turn_limit": -4,
    "escalated": -8,
    "walked_away": -10,
    None: 0,
}

#: when nothing went wrong, the steps still to learn, in the order they matter
_MISSING_STEP_GUIDELINE = {
    "listen": "steps.listen_first",
    "understand": "questioning.open_question",
    "confirm": "listening.paraphrase_facts",
    "solve": "steps.solve_concrete",
    "follow_up": "steps.follow_up",
}


def _default_analyzer() -> Analyzer:
    from scoring.analysis import analyze  # imported late: the rubric itself needs no analysis

    return analyze


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _seconds_between(earlier: datetime | None, later: datetime | None) -> float | None:
    if earlier is None or later is None:
        return None
    if (earlier.tzinfo is None) != (later.tzinfo is None):
        return None
    return (later - earlier).total_seconds()


def _anger(state: object) -> float | None:
    if isinstance(state, Mapping):
        value = state.get("anger")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return None


def _rate_turns(
    transcript: Sequence[Mapping[str, Any]],
    lang: str,
    persona_type: str | None,
    analyzer: Analyzer | None,
    scenario: ScenarioContext | None = None,
) -> tuple[list[Mapping[str, Any]], list[float | None]]:
    ratings: list[Mapping[str, Any]] = []
    mood: list[float | None] = []
    customer_text = ""
    customer_state: Mapping | None = None
    last_at: datetime | None = None
    for item in transcript:
        if not isinstance(item, Mapping):
            continue
        role = item.get("role")
        at = _parse_time(item.get("at"))
        text = str(item.get("text") or "")
        if role == "customer":
            customer_text = text
            state = item.get("state")
            customer_state = state if isinstance(state, Mapping) else customer_state
            mood.append(_anger(state))
            last_at = at or last_at
            continue
        if role != "trainee":
            continue
        stored = item.get("rating")
        if isinstance(stored, Mapping) and stored.get("rubric_version") == RUBRIC_VERSION:
            ratings.append(dict(stored))
            last_at = at or last_at
            continue
        analysis = item.get("analysis")
        if not isinstance(analysis, Mapping):
            analyzer = analyzer or _default_analyzer()
            analysis = analyzer(text, lang, customer_text)
        context = RatingContext(
            lang=lang,
            text=text,
            persona_type=persona_type,
            customer_text=customer_text,
            state_before=customer_state,
            # customer entries keep the mood only; the stage is not known here
            stage=None,
            reply_seconds=_seconds_between(last_at, at),
            history=tuple(ratings),
            scenario=scenario,
        )
        ratings.append(rate_turn(analysis, context))
        last_at = at or last_at
    return ratings, mood


def _five_steps(ratings: Sequence[Mapping]) -> tuple[dict[str, bool], bool, dict[str, int]]:
    first: dict[str, int] = {}
    for index, rating in enumerate(ratings):
        for step in rating.get("steps") or ():
            first.setdefault(step, index)
    covered = {step: step in first for step in FIVE_STEPS}
    order_ok = bool(first)
    if "solve" in first:
        solve = first["solve"]
        # listen and understand before the remedy, follow up after it; a confirmation
        # may come before (paraphrase) or with the remedy (agreement), so it is not pinned
        order_ok &= all(first.get(step, solve) <= solve for step in ("listen", "understand"))
        order_ok &= first.get("follow_up", solve) >= solve
    return covered, order_ok, first


def _session_rules(
    ratings: Sequence[Mapping],
    covered: Mapping[str, bool],
    order_ok: bool,
    first: Mapping[str, int],
    persona_type: str | None,
    outcome: str | None,
) -> list[tuple[str, float]]:
    """(guideline id, signed strength) for what only the whole session shows."""
    results: list[tuple[str, float]] = []
    if not ratings:
        return results
    share = sum(covered.values()) / len(FIVE_STEPS)
    results.append(("session.five_steps_coverage", round((share - 0.6) * 2.5, 3)))
    if sum(covered.values()) >= 3:
        results.append(("session.five_steps_order", 1.0 if order_ok else -1.0))
    if covered["solve"]:
        agreed = any("confirm" in (r.get("moves") or ()) for r in ratings[first["solve"] :]) or any(
            "paraphrase" in (r.get("moves") or ()) for r in ratings[: first["solve"] + 1]
        )
        results.append(("session.solution_confirmed", 1.0 if agreed else -1.0))
        results.append(("session.closed_loop", 1.0 if covered["follow_up"] else -1.0))
    upset_session = persona_type == "angry" or any(
        "emotion.empathise" in {rule["id"] for rule in r.get("rules") or ()}
        or "emotion.ignored" in {rule["id"] for rule in r.get("rules") or ()}
        for r in ratings
    )
    if upset_session:
        empathy_turns = sum(1 for r in ratings if "empathy" in (r.get("moves") or ()))
        if empathy_turns >= 2:
            results.append(("session.empathy_frequency", 1.0))
        elif empathy_turns == 0:
            results.append(("session.empathy_frequency", -1.0))
    if outcome in OUTCOME_POINTS and outcome is not None:
        points = OUTCOME_POINTS[outcome]
        results.append(("session.outcome", points / 8))
    return results


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def score_session(
    transcript: Sequence[Mapping[str, Any]],
    *,
    lang: str,
    persona_type: str | None = None,
    outcome: str | None = None,
    mode: str = "practice",
    analyzer: Analyzer | None = None,
    scenario: ScenarioContext | None = None,
) -> dict[str, Any]:
    """Sum a whole conversation into a scorecard (see docs/contracts.md and issue 5).

    Trainee turns without an ``analysis`` are analysed with ``analyzer`` (default:
    scoring.analysis.analyze, cue rules only); stored ratings made with another rubric
    version are re-rated. ``scenario`` (the conversation's product, told facts and fitting
    remedies) lets the re-rated replies' tips and the scorecard's tips speak about it.
    """
    catalogue = load_catalogue()
    lang = lang if lang in LANGUAGES else "zh"
    persona_type = normalize_persona_type(persona_type)
    ratings, mood = _rate_turns(transcript, lang, persona_type, analyzer, scenario)
    covered, order_ok, first = _five_steps(ratings)
    session_rules = _session_rules(ratings, covered, order_ok, first, persona_type, outcome)

    # dimensions: the mean over the replies that showed them, then the session rules
    dimensions: dict[str, float] = {}
    for dim in DIMENSIONS:
        shown = [r["dimensions"][dim] for r in ratings if dim in (r.get("engaged") or ())]
        dimensions[dim] = _mean(shown) if shown else float(NOT_SHOWN[dim])
    for guideline_id, strength in session_rules:
        guideline = catalogue.guidelines[guideline_id]
        dimensions[guideline.dimension] += guideline.weight * strength
    dimensions = {dim: _clamp(value) for dim, value in dimensions.items()}

    if ratings:
        turn_mean = _mean([r["overall"] for r in ratings])
        worst = min(r["overall"] for r in ratings)
        coverage = sum(covered.values()) / len(FIVE_STEPS)
        overall = (
            0.45 * turn_mean
            + 0.10 * worst
            + 0.25 * _mean(list(dimensions.values()))
            + 0.20 * 100 * coverage
            + OUTCOME_POINTS.get(outcome, 0)
        )
    else:
        overall = 0.0

    strengths, improvements = _strengths_and_improvements(
        ratings, session_rules, covered, dimensions, lang
    )
    tips = [
        {
            "guideline": item["guideline"],
            "text": catalogue.tip(item["guideline"], lang, index, scenario),
        }
        for index, item in enumerate(improvements)
    ]
    return {
        "overall": _clamp(overall),
        "dimensions": dimensions,
        "five_steps": covered,
        "five_steps_order_ok": order_ok,
        "outcome": outcome,
        "mood": mood,
        "strengths": strengths,
        "improvements": improvements,
        "tips": tips,
        "rubric_version": RUBRIC_VERSION,
        "lang": lang,
        "persona_type": persona_type,
        "mode": mode,
        "turns": ratings,
    }


def _strengths_and_improvements(
    ratings: Sequence[Mapping],
    session_rules: Sequence[tuple[str, float]],
    covered: Mapping[str, bool],
    dimensions: Mapping[str, float],
    lang: str,
) -> tuple[list[dict], list[dict]]:
    catalogue = load_catalogue()
    plus: dict[str, float] = {}
    minus: dict[str, float] = {}
    order: dict[str, int] = {}
    for rating in ratings:
        for fired in rating.get("rules") or ():
            guideline = catalogue.guidelines.get(fired.get("id"))
            if guideline is None:
                continue
            order.setdefault(guideline.id, len(order))
            bucket = plus if fired.get("effect") == "+" else minus
            # the first instance counts fully, repeats half: grave lapses outrank frequent
            # small ones, and habits still rise above one-offs
            weight = guideline.weight if guideline.id not in bucket else guideline.weight / 2
            bucket[guideline.id] = bucket.get(guideline.id, 0.0) + weight
    for guideline_id, strength in session_rules:
        guideline = catalogue.guidelines[guideline_id]
        order.setdefault(guideline_id, len(order))
        if strength > 0:
            plus[guideline_id] = plus.get(guideline_id, 0.0) + guideline.weight * strength
        elif strength < 0:
            minus[guideline_id] = minus.get(guideline_id, 0.0) - guideline.weight * strength

    def ranked(bucket: Mapping[str, float]) -> list[str]:
        return sorted(bucket, key=lambda gid: (-bucket[gid], order[gid]))

    def entry(guideline_id: str) -> dict[str, str]:
        statement = catalogue.guidelines[guideline_id].statement
        return {"guideline": guideline_id, "text": statement.get(lang, statement["en"])}

    strengths = [entry(gid) for gid in ranked(plus)[:3]]
    chosen = ranked(minus)[:3]
    # fewer than three lapses: add the steps not yet shown, then the weakest dimensions
    for step in FIVE_STEPS:
        candidate = _MISSING_STEP_GUIDELINE[step]
        if len(chosen) < 3 and not covered.get(step) and candidate not in chosen:
            chosen.append(candidate)
    for dim in sorted(dimensions, key=lambda d: (dimensions[d], DIMENSIONS.index(d))):
        if len(chosen) >= 3:
            break
        weakest = _weakest_dimension_guideline(dim, plus)
        if weakest and weakest not in chosen:
            chosen.append(weakest)
    return strengths, [entry(gid) for gid in chosen[:3]]


def _weakest_dimension_guideline(dim: str, already_shown: Mapping[str, float]) -> str | None:
    """A positive turn guideline of this dimension the trainee has not shown yet."""
    for guideline in load_catalogue().guidelines.values():
        if (
            guideline.dimension == dim
            and guideline.effect == "+"
            and guideline.scope == "turn"
            and not guideline.persona_types
            and guideline.id not in already_shown
        ):
            return guideline.id
    return None


def _clamp(value: float) -> int:
    return round(min(100.0, max(0.0, value)))
