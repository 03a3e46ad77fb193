"""Session scorecard: a whole practice conversation summed up against the guidelines.

`score_session(transcript, lang=...)` rates every trainee turn in context (re-using a
stored rating only when it was made with the current rubric), then adds what only the
whole conversation shows: five-step coverage and order, whether the remedy was agreed,
whether the loop was closed, empathy kept up, and the outcome. Deterministic: the same
transcript always gives the same scorecard.

Every credit names its evidence (issue 15): each strength, each ticked step and each
dimension that was observed points to the replies that earned it (``{"turn": n, "quote":
…}``, n = the trainee's n-th reply). A dimension nobody observed is ``None`` ("not
observed"), and counts in the overall score as the rubric says (`overall_of`). A red line
crossed (guidelines with a ``cap``) caps the overall score, lower for every further reply
that crosses one, and its tip names the reply.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from practice.contracts import Analyzer, RatingContext, ScenarioContext
from practice.vocabulary import FIVE_STEPS, LANGUAGES
from scoring.rubric import (
    BASE_SCORE,
    DIMENSIONS,
    RUBRIC_VERSION,
    load_catalogue,
    normalize_persona_type,
    rate_turn,
)

#: points the outcome adds to the overall score
OUTCOME_POINTS: dict[str | None, int] = {
    "resolved": 6,
    "turn_limit": -4,
    "escalated": -8,
    "walked_away": -10,
    None: 0,
}

#: the overall score: this share from the dimensions, the rest from the five steps shown
DIMENSION_SHARE: Final[float] = 0.7
STEP_SHARE: Final[float] = 0.3
#: dimensions that count 0 when not observed: a trainee who never confirmed did not confirm
REQUIRED_DIMENSIONS: Final[frozenset[str]] = frozenset(
    {"listening", "questioning", "confirmation", "solution", "follow_up"}
)
#: required only when the customer was upset (empathy is what an upset customer needs first)
REQUIRED_WHEN_UPSET: Final[frozenset[str]] = frozenset({"empathy"})
#: how many replies a strength, a lapse or a dimension cites at most
MAX_EVIDENCE: Final[int] = 2
#: a quote is at most this long: characters (zh) or words (en)
QUOTE_MAX: Final[dict[str, int]] = {"zh": 30, "en": 14}

#: when nothing went wrong, the steps still to learn, in the order they matter
_MISSING_STEP_GUIDELINE = {
    "listen": "steps.listen_first",
    "understand": "questioning.open_question",
    "confirm": "listening.paraphrase_facts",
    "solve": "steps.solve_concrete",
    "follow_up": "steps.follow_up",
}

#: the moves a guideline rests on, to quote the part of a reply that carries them
_GUIDELINE_MOVES: Final[dict[str, frozenset[str]]] = {
    gid: frozenset(moves.split())
    for gid, moves in {
        "steps.listen_first": "open_question empathy paraphrase",
        "steps.solve_before_understanding": "offer_solution recommend",
        "steps.solve_concrete": "offer_solution recommend",
        "steps.follow_up": "follow_up",
        "emotion.report_back": "follow_up",
        "listening.paraphrase_facts": "paraphrase",
        "listening.paraphrase_feelings": "empathy",
        "emotion.empathise": "empathy",
        "listening.never_argue": "argue",
        "listening.no_blame": "blame_customer",
        "listening.no_filler": "perfunctory",
        "listening.no_dismiss": "dismiss",
        "emotion.stay_calm": "rude",
        "emotion.made_up_pressure": "deceive",
        "emotion.overpromise": "deceive",
        "questioning.open_question": "open_question",
        "questioning.closed_for_facts": "closed_question",
        "questioning.details_before_calm": "closed_question",
        "questioning.closed_chain": "closed_question",
        "questioning.reframe_complaint": "open_question",
        "confirm.check_understanding": "confirm",
        "emotion.apologise_once": "apology",
        "emotion.repeated_apology": "apology",
        "emotion.reassure": "reassurance",
        "emotion.time_frame": "offer_solution follow_up",
        "solution.inform_clearly": "inform",
        "follow_up.close_politely": "thanks_closing",
        "follow_up.premature_close": "thanks_closing",
        "language.greeting": "greeting",
        "type.arrogant.acknowledge": "praise",
    }.items()
}
_CLAUSE_END = re.compile(r"(?<=[。！？!?；;\n])|(?<=[.…])\s+")

#: run on every scorecard built (the test suite registers a check that every credit has
#: evidence); empty in production
SCORECARD_CHECKS: list[Callable[[Mapping[str, Any]], None]] = []


@dataclass(frozen=True)
class _Reply:
    """One rated trainee reply: its number in the conversation (1 = first), words, analysis."""

    number: int
    text: str
    analysis: Mapping[str, Any]
    rating: Mapping[str, Any]
    #: what the customer had just said
    customer_text: str = ""

    def fired(self, effect: str | None = None) -> list[str]:
        return [
            str(rule.get("id"))
            for rule in self.rating.get("rules") or ()
            if effect is None or rule.get("effect") == effect
        ]


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
) -> tuple[list[_Reply], list[float | None]]:
    replies: list[_Reply] = []
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
        analysis = item.get("analysis")
        stored = item.get("rating")
        if isinstance(stored, Mapping) and stored.get("rubric_version") == RUBRIC_VERSION:
            rating: Mapping[str, Any] = dict(stored)
        else:
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
            rating = rate_turn(analysis, context)
        ratings.append(rating)
        replies.append(
            _Reply(
                number=len(replies) + 1,
                text=text,
                analysis=analysis if isinstance(analysis, Mapping) else {},
                rating=rating,
                customer_text=customer_text,
            )
        )
        last_at = at or last_at
    return replies, mood


# ---- evidence ---------------------------------------------------------------------------


def _shorten(text: str, lang: str) -> str:
    text = " ".join(text.split())
    limit = QUOTE_MAX.get(lang, QUOTE_MAX["en"])
    if lang == "zh":
        return text if len(text) <= limit else text[:limit].rstrip() + "…"
    words = text.split(" ")
    return text if len(words) <= limit else " ".join(words[:limit]) + " …"


def _trivial(clause: str, lang: str) -> bool:
    """A courtesy or filler clause ("Thanks.", "好的。") that says nothing a quote could show."""
    if lang == "zh":
        return len(re.sub(r"\W", "", clause)) < 6
    return len(clause.split()) < 4


def _overlap(clause: str, other: str, lang: str) -> int:
    if lang == "zh":
        return len(
            set(re.findall(r"[\u4e00-\u9fff]{2}", clause))
            & set(re.findall(r"[\u4e00-\u9fff]{2}", other))
        ) + len(set(re.findall(r"\w*\d\w*", clause)) & set(re.findall(r"\w*\d\w*", other)))
    words = {w for w in re.findall(r"[a-z0-9']+", clause.lower()) if len(w) > 3 or w.isdigit()}
    return len(words & set(re.findall(r"[a-z0-9']+", other.lower())))


def quote_of(
    text: str,
    lang: str,
    analysis: Mapping[str, Any] | None = None,
    moves: Iterable[str] = (),
    customer_text: str = "",
) -> str:
    """A short quote of a reply, the sentence that shows ``moves``: the one a cue matched in,
    else (questions) the question, (paraphrase) the one closest to what the customer said,
    else the first sentence that says something; shortened to QUOTE_MAX."""
    clauses = [c.strip() for c in _CLAUSE_END.split(text.strip()) if c and c.strip()]
    if not clauses:
        return ""
    wanted = set(moves)
    chosen = None
    for cue in (analysis or {}).get("cues") or ():
        if not isinstance(cue, Mapping) or cue.get("move") not in wanted:
            continue
        match = str(cue.get("match") or "").strip().lower()
        chosen = next((c for c in clauses if match and match in c.lower()), None)
        if chosen:
            break
    telling = [c for c in clauses if not _trivial(c, lang)] or clauses
    if chosen is None and wanted & {"open_question", "closed_question", "confirm"}:
        chosen = next((c for c in reversed(telling) if c.rstrip().endswith(("?", "？"))), None)
    if chosen is None and "paraphrase" in wanted and customer_text:
        chosen = max(telling, key=lambda c: _overlap(c, customer_text, lang))
    return _shorten(chosen or telling[0], lang)


def _evidence(reply: _Reply, guideline_id: str, lang: str) -> dict[str, Any]:
    moves = _GUIDELINE_MOVES.get(guideline_id, frozenset())
    return {
        "turn": reply.number,
        "quote": quote_of(reply.text, lang, reply.analysis, moves, reply.customer_text),
        "guideline": guideline_id,
    }


def _fired_in(replies: Sequence[_Reply], guideline_id: str, lang: str) -> list[dict[str, Any]]:
    """Evidence of the replies on which a guideline fired, the first MAX_EVIDENCE."""
    found = [_evidence(r, guideline_id, lang) for r in replies if guideline_id in r.fired()]
    return found[:MAX_EVIDENCE]


def evidence_text(evidence: Sequence[Mapping[str, Any]], lang: str) -> str:
    """The evidence in words: 'Reply 3: “…”' / '第3条回复“…”', joined."""
    texts = load_catalogue().scorecard
    template = (texts.evidence if texts else {}).get(lang) or "{turn}: {quote}"
    joiner = "；" if lang == "zh" else "; "
    return joiner.join(template.format(turn=item["turn"], quote=item["quote"]) for item in evidence)


# ---- the five steps and the session rules ------------------------------------------------


def _five_steps(
    replies: Sequence[_Reply], lang: str
) -> tuple[dict[str, bool], bool, dict[str, int], dict[str, dict[str, Any]]]:
    """Which steps were really shown, whether in order, the first reply showing each (index)
    and its evidence."""
    catalogue = load_catalogue()
    first: dict[str, int] = {}
    evidence: dict[str, dict[str, Any]] = {}
    for index, reply in enumerate(replies):
        for step in reply.rating.get("steps") or ():
            if step in first:
                continue
            first[step] = index
            # the guideline that showed the step on this reply
            source = next(
                (
                    gid
                    for gid in reply.fired()
                    if gid in catalogue.guidelines and step in catalogue.guidelines[gid].steps
                ),
                None,
            )
            evidence[step] = _evidence(reply, source or "", lang)
    covered = {step: step in first for step in FIVE_STEPS}
    order_ok = bool(first)
    if "solve" in first:
        solve = first["solve"]
        # listen and understand before the remedy, follow up after it; a confirmation
        # may come before (paraphrase) or with the remedy (agreement), so it is not pinned
        order_ok &= all(first.get(step, solve) <= solve for step in ("listen", "understand"))
        order_ok &= first.get("follow_up", solve) >= solve
    return covered, order_ok, first, evidence


_EMPATHY_RULES: Final = ("emotion.empathise", "listening.paraphrase_feelings")


def _upset_session(replies: Sequence[_Reply], persona_type: str | None) -> bool:
    return persona_type == "angry" or any(
        {"emotion.empathise", "emotion.ignored", "questioning.details_before_calm"} & set(r.fired())
        for r in replies
    )


def _session_rules(
    replies: Sequence[_Reply],
    covered: Mapping[str, bool],
    order_ok: bool,
    first: Mapping[str, int],
    step_evidence: Mapping[str, Mapping[str, Any]],
    upset: bool,
    outcome: str | None,
    lang: str,
) -> list[tuple[str, float, list[dict[str, Any]]]]:
    """(guideline id, signed strength, evidence) for what only the whole session shows."""
    results: list[tuple[str, float, list[dict[str, Any]]]] = []
    if not replies:
        return results
    steps_evidence = [dict(step_evidence[s]) for s in FIVE_STEPS if s in step_evidence]
    share = sum(covered.values()) / len(FIVE_STEPS)
    results.append(("session.five_steps_coverage", round((share - 0.6) * 2.5, 3), steps_evidence))
    if sum(covered.values()) >= 3:
        results.append(("session.five_steps_order", 1.0 if order_ok else -1.0, steps_evidence))
    if covered["solve"]:
        solve = first["solve"]
        checks = [
            r
            for r in replies
            if ("confirm.check_understanding" in r.fired() and r.number - 1 >= solve)
            or ("listening.paraphrase_facts" in r.fired() and r.number - 1 <= solve)
        ]
        results.append(
            (
                "session.solution_confirmed",
                1.0 if checks else -1.0,
                [_evidence(r, "confirm.check_understanding", lang) for r in checks[:MAX_EVIDENCE]],
            )
        )
        results.append(
            (
                "session.closed_loop",
                1.0 if covered["follow_up"] else -1.0,
                [dict(step_evidence["follow_up"])] if "follow_up" in step_evidence else [],
            )
        )
    # empathy kept up through the conversation (seed 004: about three times a call) counts in
    # any conversation; none at all costs only where the customer was upset
    caring = [r for r in replies if set(_EMPATHY_RULES) & set(r.fired())]
    if len(caring) >= 2:
        evidence = [_evidence(r, "emotion.empathise", lang) for r in caring[:MAX_EVIDENCE]]
        results.append(("session.empathy_frequency", 1.0 if len(caring) == 2 else 1.5, evidence))
    elif upset and not caring:
        results.append(("session.empathy_frequency", -1.0, []))
    if outcome in OUTCOME_POINTS and outcome is not None:
        results.append(("session.outcome", OUTCOME_POINTS[outcome] / 8, []))
    return results


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


# ---- red lines and the overall score -------------------------------------------------------


def _red_lines(replies: Sequence[_Reply], lang: str) -> tuple[list[dict[str, Any]], int | None]:
    """Every reply that crossed a red line (its worst one) and the cap they put on the score:
    the lowest cap of them, lowered by `red_line_step` for every further such reply."""
    catalogue = load_catalogue()
    crossed: list[dict[str, Any]] = []
    for reply in replies:
        capped = [
            catalogue.guidelines[gid]
            for gid in reply.fired("-")
            if gid in catalogue.guidelines and catalogue.guidelines[gid].cap is not None
        ]
        if not capped:
            continue
        worst = min(capped, key=lambda g: (g.cap or 0, -g.weight))
        crossed.append({**_evidence(reply, worst.id, lang), "cap": worst.cap})
    if not crossed:
        return crossed, None
    step = catalogue.scorecard.red_line_step if catalogue.scorecard else 15
    cap = max(0, min(item["cap"] for item in crossed) - step * (len(crossed) - 1))
    template = (catalogue.scorecard.red_line if catalogue.scorecard else {}).get(lang, "")
    for item in crossed:
        why = catalogue.guidelines[item["guideline"]].why
        what = f"{evidence_text([item], lang)} — {why.get(lang, why.get('en', ''))}"
        item["text"] = template.format(what=what, cap=cap) if template else what
    return crossed, cap


def overall_of(
    dimensions: Mapping[str, float | None],
    covered: Mapping[str, bool],
    outcome: str | None,
    cap: int | None,
    upset: bool,
) -> tuple[int, dict[str, Any]]:
    """The overall score and its parts (the formula is in guidelines.yml `scorecard.help` and
    the README): DIMENSION_SHARE × the mean of the dimensions that count + STEP_SHARE × 100 ×
    the share of the five steps shown, times (1 + the outcome's points / 100), held under the
    red-line cap. A
    dimension not observed counts 0 when it is required (REQUIRED_DIMENSIONS; empathy too when
    the customer was upset) and is left out otherwise."""
    required = REQUIRED_DIMENSIONS | (REQUIRED_WHEN_UPSET if upset else frozenset())
    counted = [
        float(value) if value is not None else 0.0
        for dim, value in dimensions.items()
        if value is not None or dim in required
    ]
    dimension_mean = _mean(counted)
    step_share = sum(bool(covered.get(s)) for s in FIVE_STEPS) / len(FIVE_STEPS)
    outcome_points = OUTCOME_POINTS.get(outcome, 0)
    base = DIMENSION_SHARE * dimension_mean + STEP_SHARE * 100 * step_share
    # the outcome moves the score in proportion: at most its points (at 100), and a conversation
    # that showed nothing cannot sink below nothing, so the worst ones stay in order
    raw = base * (1 + outcome_points / 100)
    overall = _clamp(raw if cap is None else min(raw, cap))
    parts = {
        "dimension_mean": round(dimension_mean, 1),
        "steps": round(100 * step_share),
        "outcome": outcome_points,
        "cap": cap,
    }
    return overall, parts


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
    replies, mood = _rate_turns(transcript, lang, persona_type, analyzer, scenario)
    ratings = [r.rating for r in replies]
    covered, order_ok, first, step_evidence = _five_steps(replies, lang)
    upset = _upset_session(replies, persona_type)
    session_rules = _session_rules(
        replies, covered, order_ok, first, step_evidence, upset, outcome, lang
    )

    # dimensions: the mean over the replies that showed them (None: not observed), then the
    # session rules move the observed ones
    values: dict[str, float | None] = {}
    dimension_evidence: dict[str, list[dict[str, Any]]] = {}
    for dim in DIMENSIONS:
        shown = [r["dimensions"][dim] for r in ratings if dim in (r.get("engaged") or ())]
        values[dim] = _mean(shown) if shown else None
        dimension_evidence[dim] = _dimension_evidence(replies, dim, lang)
    for guideline_id, strength, items in session_rules:
        guideline = catalogue.guidelines[guideline_id]
        dim = guideline.dimension
        current = values.get(dim)
        if current is None and strength > 0 and items:
            # what the whole conversation showed, on replies it names, observes the dimension
            current = float(BASE_SCORE)
            dimension_evidence[dim] = [dict(item, effect="+") for item in items[:MAX_EVIDENCE]]
        if current is not None:
            values[dim] = current + guideline.weight * strength
    dimensions: dict[str, int | None] = {
        dim: None if value is None else _clamp(value) for dim, value in values.items()
    }
    dimension_evidence = {
        dim: ev for dim, ev in dimension_evidence.items() if dimensions[dim] is not None
    }

    red_lines, cap = _red_lines(replies, lang)
    if replies:
        overall, parts = overall_of(dimensions, covered, outcome, cap, upset)
    else:
        overall, parts = 0, {"dimension_mean": 0.0, "steps": 0, "outcome": 0, "cap": None}

    strengths, improvements = _strengths_and_improvements(
        replies, session_rules, covered, dimensions, lang
    )
    tips = []
    for index, item in enumerate(improvements):
        tip = catalogue.tip(item["guideline"], lang, index, scenario)
        if item["evidence"]:
            where = evidence_text(item["evidence"][:1], lang)
            tip = f"{where}：{tip}" if lang == "zh" else f"{where} — {tip}"
        tips.append({"guideline": item["guideline"], "text": tip, "evidence": item["evidence"]})
    card: dict[str, Any] = {
        "overall": overall,
        "dimensions": dimensions,
        "not_observed": [dim for dim in DIMENSIONS if dimensions[dim] is None],
        "dimension_evidence": dimension_evidence,
        "five_steps": covered,
        "five_steps_order_ok": order_ok,
        "step_evidence": {
            step: step_evidence[step]
            for step in FIVE_STEPS
            if covered[step] and step in step_evidence
        },
        "red_lines": red_lines,
        "overall_parts": parts,
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
    for check in SCORECARD_CHECKS:
        check(card)
    return card


def _dimension_evidence(replies: Sequence[_Reply], dim: str, lang: str) -> list[dict[str, Any]]:
    """The replies behind a dimension's score: the heaviest credits first, then the lapses."""
    catalogue = load_catalogue()
    items: list[tuple[int, int, dict[str, Any]]] = []
    for reply in replies:
        for rule in reply.rating.get("rules") or ():
            guideline = catalogue.guidelines.get(str(rule.get("id")))
            if guideline is None or guideline.dimension != dim:
                continue
            sign = 0 if guideline.effect == "+" else 1
            items.append(
                (
                    sign,
                    -guideline.weight,
                    {**_evidence(reply, guideline.id, lang), "effect": guideline.effect},
                )
            )
    items.sort(key=lambda item: (item[0], item[1], item[2]["turn"]))
    plus = [ev for sign, _, ev in items if sign == 0][:MAX_EVIDENCE]
    minus = [ev for sign, _, ev in items if sign == 1][:MAX_EVIDENCE]
    return plus + minus


def _strengths_and_improvements(
    replies: Sequence[_Reply],
    session_rules: Sequence[tuple[str, float, list[dict[str, Any]]]],
    covered: Mapping[str, bool],
    dimensions: Mapping[str, int | None],
    lang: str,
) -> tuple[list[dict], list[dict]]:
    catalogue = load_catalogue()
    plus: dict[str, float] = {}
    minus: dict[str, float] = {}
    order: dict[str, int] = {}
    evidence: dict[str, list[dict[str, Any]]] = {}
    for reply in replies:
        for fired in reply.rating.get("rules") or ():
            guideline = catalogue.guidelines.get(fired.get("id"))
            if guideline is None:
                continue
            order.setdefault(guideline.id, len(order))
            bucket = plus if fired.get("effect") == "+" else minus
            # the first instance counts fully, repeats half: grave lapses outrank frequent
            # small ones, and habits still rise above one-offs
            weight = guideline.weight if guideline.id not in bucket else guideline.weight / 2
            bucket[guideline.id] = bucket.get(guideline.id, 0.0) + weight
            found = evidence.setdefault(guideline.id, [])
            if len(found) < MAX_EVIDENCE and all(e["turn"] != reply.number for e in found):
                found.append(_evidence(reply, guideline.id, lang))
    for guideline_id, strength, items in session_rules:
        guideline = catalogue.guidelines[guideline_id]
        order.setdefault(guideline_id, len(order))
        evidence.setdefault(guideline_id, items[:MAX_EVIDENCE] if strength > 0 else [])
        if strength > 0:
            plus[guideline_id] = plus.get(guideline_id, 0.0) + guideline.weight * strength
        elif strength < 0:
            minus[guideline_id] = minus.get(guideline_id, 0.0) - guideline.weight * strength

    def red_line(gid: str) -> bool:
        return catalogue.guidelines[gid].cap is not None

    def ranked(bucket: Mapping[str, float]) -> list[str]:
        # red lines first: they decide what the conversation can score
        return sorted(bucket, key=lambda gid: (not red_line(gid), -bucket[gid], order[gid]))

    def entry(guideline_id: str) -> dict[str, Any]:
        statement = catalogue.guidelines[guideline_id].statement
        items = evidence.get(guideline_id, [])
        found: dict[str, Any] = {
            "guideline": guideline_id,
            "text": statement.get(lang, statement["en"]),
            "evidence": items,
        }
        if items:
            found["evidence_text"] = evidence_text(items, lang)
        return found

    # a strength is only what a reply shows: never without a quoted reply behind it
    strengths = [entry(gid) for gid in ranked(plus) if evidence.get(gid)][:3]
    chosen = ranked(minus)[:3]
    # fewer than three lapses: add the steps not yet shown, then the weakest dimensions
    for step in FIVE_STEPS:
        candidate = _MISSING_STEP_GUIDELINE[step]
        if len(chosen) < 3 and not covered.get(step) and candidate not in chosen:
            chosen.append(candidate)
    for dim in sorted(
        dimensions,
        key=lambda d: (dimensions[d] if dimensions[d] is not None else -1, DIMENSIONS.index(d)),
    ):
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


def evidence_problems(card: Mapping[str, Any]) -> list[str]:
    """What a scorecard credits without a quoted reply behind it (empty: all is evidenced):
    every strength, every ticked step and every observed dimension must name a reply."""
    problems: list[str] = []
    replies = len(card.get("turns") or ())

    def bad(items: object) -> bool:
        if not isinstance(items, Sequence) or not items:
            return True
        return any(
            not isinstance(item, Mapping)
            or not isinstance(item.get("turn"), int)
            or not 1 <= item["turn"] <= replies
            or not str(item.get("quote") or "").strip()
            for item in items
        )

    for strength in card.get("strengths") or ():
        if bad(strength.get("evidence")):
            problems.append(f"strength {strength.get('guideline')} has no quoted reply")
    step_evidence = card.get("step_evidence") or {}
    for step, ticked in (card.get("five_steps") or {}).items():
        if ticked and bad([step_evidence.get(step)] if step_evidence.get(step) else []):
            problems.append(f"step {step} is ticked without a quoted reply")
    dimension_evidence = card.get("dimension_evidence") or {}
    for dim, value in (card.get("dimensions") or {}).items():
        if value is not None and bad(dimension_evidence.get(dim)):
            problems.append(f"dimension {dim} is scored without a quoted reply")
    return problems


def _clamp(value: float) -> int:
    return round(min(100.0, max(0.0, value)))
