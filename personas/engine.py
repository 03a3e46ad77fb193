"""The persona engine: how a simulated customer's mood, stage and next line follow the trainee.

Pure functions over plain JSON state (the state lives in Rasa slots, so any action-server
replica can continue a conversation). Every number the engine uses comes from the persona's
behaviour tables (``personas/types/*.yml``, overridable per persona); the code only says how
the tables are applied:

1. the trainee's moves (from ``scoring.analysis.analyze``) shift anger, trust, patience and
   openness by the type's ``effects``; repeats of the same soothing move within a few turns
   count for less and one turn can only calm so much (``caps``), so one lucky reply does not
   flip an angry customer (003 Ch3.1: calming is a sequence, not a phrase);
2. the customer ends the conversation when anger or lost trust/patience cross the type's
   thresholds (escalated / walked away), or when the turn limit is reached;
3. otherwise the reaction is chosen (negative moves first, then a proposed solution, then a
   question that can draw out a scenario fact, then moves of goodwill) and a line is picked from
   the bank for that reaction, avoiding lines already used in this conversation.

Randomness only ever comes from ``random.Random(f"{seed}:{turn}:{purpose}")``.
"""

from __future__ import annotations

import copy
import hashlib
import random
import re
from typing import Any

from personas.model import BANDS, Persona
from practice.contracts import Analysis, PersonaState, Reaction
from practice.vocabulary import (
    CARING_MOVES,
    GOODWILL_MOVES,
    MOOD_KEYS,
    QUESTION_MOVES,
    SOLUTION_MOVES,
)

STATE_VERSION = 1
NOT_A_REMEDY = frozenset({"callback"})  # a promise to call back is follow-up, not a fix
# Which negative move defines the customer's reaction when several are present (the keys are
# practice.vocabulary.NEGATIVE_MOVES; perfunctory has no reaction of its own, only its effects).
NEGATIVE_PRIORITY = ("deceive", "rude", "blame_customer", "argue", "dismiss")
NEGATIVE_REACTION = {
    "deceive": "deceived",
    "rude": "provoked",
    "blame_customer": "provoked",
    "argue": "provoked",
    "dismiss": "dismissed",
}

# Remedy entity values as the move analysis may write them (scoring/cues/*.yml uses refund,
# exchange, repair, discount, compensation, callback, reship) or as a trainer may write them in a
# persona file -> one canonical name. A new unit is a new unit to the customer, however it is
# shipped, so replacement and reship count as exchange.
REMEDY_SYNONYMS = {
    "refund": ("refund", "money back", "退款", "退钱", "退货退款", "退货"),
    "exchange": (
        "exchange",
        "swap",
        "replacement",
        "replace",
        "new one",
        "reship",
        "resend",
        "换货",
        "更换",
        "换新",
        "换一个",
        "补发",
        "重发",
    ),
    "repair": ("repair", "fix", "维修", "修理", "返修", "上门维修"),
    "discount": ("discount", "coupon", "voucher", "优惠", "折扣", "优惠券", "打折"),
    "compensation": ("compensation", "credit", "补偿", "赔偿", "返现", "积分"),
    "callback": ("callback", "call back", "回电", "回访"),
    "guide": ("guide", "tutorial", "walkthrough", "instructions", "教程", "指导", "远程协助"),
    "cancel": ("cancel", "cancellation", "取消", "取消订单"),
    "expedite": ("expedite", "express", "加急", "催发", "优先发货"),
    "trial": ("trial", "test drive", "试用", "体验", "试听"),
    "upgrade": ("upgrade", "room upgrade", "升级", "升舱", "升房"),
}
_REMEDY_LOOKUP = {syn.lower(): canon for canon, syns in REMEDY_SYNONYMS.items() for syn in syns}


# --------------------------------------------------------------------------- public API


def start(persona: Persona, seed: int) -> Reaction:
    """The customer's opening line and the initial state."""
    mood = {key: float(persona.behaviour["mood"][key]) for key in MOOD_KEYS}
    revealed = [f["id"] for f in persona.facts if f.get("known_from_start")]
    state: dict[str, Any] = {
        "v": STATE_VERSION,
        "persona": persona.id,
        "seed": int(seed),
        "turn": 0,
        "stage": "opening",
        "mood": mood,
        "band": _band(mood, persona),
        "facts_revealed": revealed,
        "lines_used": [],
        "moves_seen": {},
        "recent_moves": [],
        "closed_streak": 0,
        "off_topic": False,
        "drifts": 0,
        "silences": 0,
        "accepted": None,
        "ended": False,
        "outcome": None,
        "last_reaction": None,
        "last_line": "",
    }
    return _emit(persona, state, "opening")


def react(
    persona: Persona,
    state: PersonaState,
    analysis: Analysis | None,
    *,
    silence_seconds: float | None = None,
) -> Reaction:
    """The customer's reaction to one trainee reply (or to the trainee's silence)."""
    state = copy.deepcopy(state)
    if state.get("ended"):
        return _reaction(state, state.get("last_line", ""), state.get("last_reaction") or "")
    if analysis is None and silence_seconds is not None:
        return _react_to_silence(persona, state, float(silence_seconds))

    beh = persona.behaviour
    state["turn"] += 1
    weighted = _moves_of(analysis, beh)
    moves = list(weighted)
    remedies = _remedies_of(analysis)
    before = dict(state["mood"])

    _apply_moves(persona, state, weighted)
    _update_streaks(persona, state, moves)
    for move in moves:
        state["moves_seen"][move] = state["moves_seen"].get(move, 0) + 1
    state["recent_moves"] = ([*state["recent_moves"], moves])[-3:]

    # A deal already agreed is closed by the next reply that does not spoil it.
    if state["accepted"] is not None:
        if not any(m in NEGATIVE_REACTION for m in moves):
            return _end(persona, state, "resolved")
        state["accepted"] = None

    ending = _check_ending(persona, state)
    if ending:
        return _end(persona, state, ending)

    reaction, fact = _choose_reaction(persona, state, moves, remedies, before)
    if reaction == "accepted" and (
        state["turn"] >= persona.max_turns
        or any(m in ("follow_up", "thanks_closing") for m in moves)
    ):
        return _end(persona, state, "resolved")
    if state["turn"] >= persona.max_turns and state["accepted"] is None:
        return _end(persona, state, "turn_limit")
    ending = _check_ending(persona, state)
    if ending:
        return _end(persona, state, ending)
    _update_stage(persona, state)
    if fact is not None:
        return _emit(persona, state, reaction, fact=fact)
    return _emit(persona, state, reaction)


def finish(persona: Persona, state: PersonaState, reason: str) -> Reaction:
    """The trainee ended the session. A deal already agreed counts as resolved; otherwise the
    outcome stays None (the customer did not end it) and the customer says a parting line."""
    state = copy.deepcopy(state)
    if state.get("ended"):
        return _reaction(state, state.get("last_line", ""), state.get("last_reaction") or "")
    state["finish_reason"] = str(reason)
    if state.get("accepted") is not None:
        return _end(persona, state, "resolved")
    state["ended"] = True
    state["outcome"] = None
    state["stage"] = "closing"
    return _emit(persona, state, "end_finished")


# --------------------------------------------------------------------------- mood


def _moves_of(analysis: Analysis | None, beh: dict[str, Any]) -> dict[str, float]:
    """Move -> weight (1 = sure, 0.5 = weak) of the moves the customer reacts to.

    Moves under ``min_confidence`` are ignored. Moves under ``strong_confidence`` count half,
    and a weak negative move is ignored altogether when the reply's sure moves are all
    non-negative: the trainee should not be punished for an analysis false positive (a
    "we guarantee it in writing" read as a faint `deceive`)."""
    if not analysis or analysis.get("error"):
        return {}
    th = beh["thresholds"]
    floor = float(th.get("min_confidence", 0.4))
    strong = float(th.get("strong_confidence", 0.6))
    found: dict[str, float] = {}
    for item in analysis.get("moves") or []:
        move = item.get("move")
        confidence = float(item.get("confidence", 1.0))
        if isinstance(move, str) and confidence >= floor:
            found[move] = max(found.get(move, 0.0), 1.0 if confidence >= strong else 0.5)
    sure = [m for m, w in found.items() if w == 1.0]
    if sure and not any(m in NEGATIVE_REACTION for m in sure):
        found = {m: w for m, w in found.items() if w == 1.0 or m not in NEGATIVE_REACTION}
    return found


def _remedies_of(analysis: Analysis | None) -> list[str]:
    if not analysis:
        return []
    found = []
    for ent in analysis.get("entities") or []:
        if ent.get("entity") == "remedy" and ent.get("value") is not None:
            found.append(normalise_remedy(str(ent["value"])))
    return found


def normalise_remedy(value: str) -> str:
    """Map a remedy entity value ("退款", "Refund", "money back") to its canonical name."""
    key = value.strip().lower()
    return _REMEDY_LOOKUP.get(key, key)


def _apply_moves(persona: Persona, state: dict[str, Any], moves: dict[str, float]) -> None:
    beh = persona.behaviour
    effects = beh["effects"]
    caps = beh.get("caps", {})
    delta = dict.fromkeys(MOOD_KEYS, 0.0)
    recent = [m for turn in state["recent_moves"][-2:] for m in turn]
    for move, weight in moves.items():
        table = effects.get(move) or {}
        # The same soothing move again and again wears thin (003 Ch3.1: calm with a sequence).
        damp = 1.0 / (1 + recent.count(move))
        for key, value in table.items():
            value = float(value) * weight
            helpful = (key == "anger" and value < 0) or (key != "anger" and value > 0)
            delta[key] += value * damp if helpful else value
    if not moves:
        for key, value in (beh.get("no_move") or {}).items():
            delta[key] += float(value)
    for key, value in (beh.get("per_turn") or {}).items():
        delta[key] += float(value)
    if "anger_down" in caps:
        delta["anger"] = max(delta["anger"], -float(caps["anger_down"]))
    for key in ("trust", "openness", "patience"):
        cap = caps.get(f"{key}_up")
        if cap is not None:
            delta[key] = min(delta[key], float(cap))
    _add(state, delta)


def _add(state: dict[str, Any], delta: dict[str, float]) -> None:
    for key, value in delta.items():
        state["mood"][key] = round(min(100.0, max(0.0, state["mood"][key] + value)), 2)


def _update_streaks(persona: Persona, state: dict[str, Any], moves: list[str]) -> None:
    # A bare closed question adds to the string; one wrapped in care or paraphrase does not
    # (001 R-LIS-D6 is about interrogation, not about asking for an order number kindly).
    if "closed_question" in moves and not any(m in CARING_MOVES for m in moves):
        state["closed_streak"] += 1
    else:
        state["closed_streak"] = 0
    rule = (persona.behaviour.get("streaks") or {}).get("closed_question")
    if rule and state["closed_streak"] >= int(rule.get("min", 2)):
        _add(state, {k: float(v) for k, v in (rule.get("effects") or {}).items()})


def _band(mood: dict[str, float], persona: Persona) -> str:
    bands = persona.behaviour.get("bands") or {}
    if mood["anger"] >= bands.get("upset_anger", 60) or mood["trust"] < bands.get(
        "upset_trust", 20
    ):
        return BANDS[0]
    if mood["anger"] < bands.get("settled_anger", 35) and mood["trust"] >= bands.get(
        "settled_trust", 45
    ):
        return BANDS[2]
    return BANDS[1]


# --------------------------------------------------------------------------- endings, stages


def _check_ending(persona: Persona, state: dict[str, Any]) -> str | None:
    th = persona.behaviour["thresholds"]
    mood = state["mood"]
    if mood["anger"] >= th["escalate_anger"]:
        return "escalated"
    if mood["patience"] <= th.get("walk_away_patience", 0) or mood["trust"] <= th.get(
        "walk_away_trust", 0
    ):
        return "walked_away"
    return None


def _required_facts(persona: Persona) -> list[str]:
    return [f["id"] for f in persona.facts if f.get("required")]


def _missing_facts(persona: Persona, state: dict[str, Any]) -> list[str]:
    return [f for f in _required_facts(persona) if f not in state["facts_revealed"]]


def _update_stage(persona: Persona, state: dict[str, Any]) -> None:
    th = persona.behaviour["thresholds"]
    if state["ended"] or state["accepted"] is not None:
        state["stage"] = "closing"
    elif state["mood"]["anger"] >= th.get("venting_anger", 60):
        state["stage"] = "venting"
    elif not _missing_facts(persona, state):
        state["stage"] = "negotiating"
    else:
        state["stage"] = "clarifying"


# --------------------------------------------------------------------------- reactions


def _choose_reaction(
    persona: Persona,
    state: dict[str, Any],
    moves: list[str],
    remedies: list[str],
    before: dict[str, float],
) -> tuple[str, dict[str, Any] | None]:
    beh = persona.behaviour
    overrides = beh.get("reactions") or {}
    for move in NEGATIVE_PRIORITY:
        if move in moves:
            state["off_topic"] = False
            return overrides.get(move, NEGATIVE_REACTION[move]), None

    drift = beh.get("drift") or {}
    steering = [m for m in moves if m in (drift.get("steer_moves") or [])]
    was_off = state["off_topic"]
    if drift and steering:
        state["off_topic"] = False

    # Once the conversation is at the solution, naming a concrete remedy is a proposal even
    # when the analysis filed the reply under inform ("I'll have a technician repair it on
    # Friday") - but not inside a question, not a mere promise to call back, and not while
    # facts are still missing ("the replacement filter costs 380 a year" is information).
    named = [r for r in remedies if r not in NOT_A_REMEDY]
    proposes = (
        bool(named)
        and not any(m in QUESTION_MOVES for m in moves)
        and state["stage"] == "negotiating"
    )
    if any(m in SOLUTION_MOVES for m in moves) or proposes:
        return _judge_solution(persona, state, remedies), None

    if drift and not steering:
        rng = random.Random(f"{state['seed']}:{state['turn']}:drift")
        triggered = any(m in (drift.get("on_moves") or []) for m in moves)
        # Wandering off on his own happens while the story is still being told.
        wanders = bool(_missing_facts(persona, state)) and rng.random() < float(
            drift.get("chance", 0.0)
        )
        if was_off or triggered or wanders:
            if state["drifts"] < int(drift.get("max", 99)):
                state["off_topic"] = True
                state["drifts"] += 1
                _add(state, {k: float(v) for k, v in (drift.get("effects") or {}).items()})
                return "drift", None

    rule = (beh.get("streaks") or {}).get("closed_question")
    if rule and state["closed_streak"] >= int(rule.get("min", 2)):
        return rule.get("reaction", "guarded"), None

    questions = [m for m in moves if m in QUESTION_MOVES]
    if questions:
        fact, blocked = _fact_for(persona, state, questions)
        if fact is not None:
            state["facts_revealed"].append(fact["id"])
            return "reveal", fact
        if blocked:
            return "guarded", None
        if was_off and steering:
            return "back_on_track", None
        if not any(m in GOODWILL_MOVES and m not in QUESTION_MOVES for m in moves):
            return _impatient_or(persona, state, "answered"), None

    if was_off and steering:
        return "back_on_track", None
    if any(m in GOODWILL_MOVES for m in moves):
        improved = (
            state["mood"]["anger"] < before["anger"]
            or state["mood"]["trust"] > before["trust"]
            or state["mood"]["openness"] > before["openness"]
        )
        if improved and _band(state["mood"], persona) != "upset":
            return _impatient_or(persona, state, "positive"), None
        return _impatient_or(persona, state, "unmoved"), None
    return _impatient_or(persona, state, "neutral"), None


def _impatient_or(persona: Persona, state: dict[str, Any], reaction: str) -> str:
    below = persona.behaviour["thresholds"].get("impatient_below")
    if below is not None and state["mood"]["patience"] < float(below):
        return "impatient"
    return reaction


def _fact_for(
    persona: Persona, state: dict[str, Any], questions: list[str]
) -> tuple[dict[str, Any] | None, bool]:
    """The first unrevealed fact one of these questions draws out; and whether a fact was held
    back only because the customer is not open enough yet (001 S4: wariness first)."""
    if state["off_topic"]:
        return None, False
    blocked = False
    # File order: a trainer lists facts in the order a customer would naturally give them.
    for fact in persona.facts:
        if fact["id"] in state["facts_revealed"]:
            continue
        asked_by = fact.get("asked_by") or ["open_question", "closed_question"]
        if not any(q in asked_by for q in questions):
            continue
        if state["mood"]["openness"] < float(fact.get("min_openness", 0)):
            blocked = True
            continue
        if state["mood"]["trust"] < float(fact.get("min_trust", 0)):
            blocked = True
            continue
        return fact, False
    return None, blocked


def _judge_solution(persona: Persona, state: dict[str, Any], remedies: list[str]) -> str:
    beh = persona.behaviour
    th = beh["thresholds"]
    mood = state["mood"]
    needs = beh.get("needs") or {}
    unmet = [m for m, n in needs.items() if state["moves_seen"].get(m, 0) < int(n)]
    premature = (
        mood["anger"] >= th.get("venting_anger", 60)
        or bool(_missing_facts(persona, state))
        or bool(unmet)
    )
    if premature:
        pre = beh.get("premature") or {}
        _add(state, {k: float(v) for k, v in (pre.get("effects") or {}).items()})
        return str(pre.get("reaction", "not_ready"))
    if mood["anger"] > th["resolve_max_anger"] or mood["trust"] < th["resolve_min_trust"]:
        # Understood, but not won over yet: the customer stays in character.
        return "unmoved"
    remedy_cfg = persona.scenario.get("remedies") or {}
    acceptable = [normalise_remedy(r) for r in remedy_cfg.get("acceptable") or []]
    if remedies and acceptable and not any(r in acceptable for r in remedies):
        _add(state, {k: float(v) for k, v in (beh.get("rejected_effects") or {}).items()})
        return "rejected"
    fitting = [r for r in remedies if r in acceptable] or remedies
    state["accepted"] = fitting[0] if fitting else "offer"
    return "accepted"


def _react_to_silence(persona: Persona, state: PersonaState, seconds: float) -> Reaction:
    cfg = persona.behaviour.get("silence") or {}
    state["silences"] += 1
    timeout = max(1.0, float(persona.silence_timeout_seconds))
    weight = min(3.0, max(0.0, seconds / timeout))
    _add(state, {k: float(v) * weight for k, v in (cfg.get("effects") or {}).items()})
    ending = _check_ending(persona, state)
    if ending:
        return _end(persona, state, ending)
    _update_stage_after_silence(state)
    return _emit(persona, state, "silence")


def _update_stage_after_silence(state: dict[str, Any]) -> None:
    if state["stage"] == "opening":
        state["stage"] = "clarifying"


def _end(persona: Persona, state: PersonaState, outcome: str) -> Reaction:
    state["ended"] = True
    state["outcome"] = outcome
    state["stage"] = "closing"
    return _emit(persona, state, f"end_{outcome}")


# --------------------------------------------------------------------------- lines


def _emit(
    persona: Persona, state: dict[str, Any], reaction: str, *, fact: dict[str, Any] | None = None
) -> Reaction:
    state["band"] = _band(state["mood"], persona)
    if fact is not None:
        pool = list(fact.get("lines") or [])
    else:
        pool = _pool(persona, reaction, state)
    line = _fill(_pick(pool, state, reaction), persona)
    state["last_reaction"] = reaction
    state["last_line"] = line
    return _reaction(state, line, reaction)


def _reaction(state: PersonaState, line: str, reaction: str) -> Reaction:
    return {
        "line": line,
        "state": state,
        "stage": state["stage"],
        "ended": bool(state["ended"]),
        "outcome": state["outcome"],
        "reaction": reaction,
    }


def _pool(persona: Persona, reaction: str, state: dict[str, Any]) -> list[str]:
    """Lines for a reaction, most specific selector first: ``<stage>.<band>``, band, stage,
    ``any`` (a plain list means ``any``). Falls back to ``neutral`` for a reaction a
    trainer's custom type forgot (the validator reports that)."""
    bank = persona.lines.get(reaction)
    if not bank:
        bank = persona.lines.get("neutral") or ["..."]
    if isinstance(bank, list):
        return [str(x) for x in bank]
    band, stage = state["band"], state["stage"]
    pools: list[str] = []
    for key in (f"{stage}.{band}", band, stage, "any"):
        pools.extend(str(x) for x in bank.get(key) or [])
    if not pools:
        pools = [str(x) for group in bank.values() for x in group]
    return pools


def _line_key(line: str) -> str:
    return hashlib.sha1(line.encode("utf-8")).hexdigest()[:10]


def _pick(pool: list[str], state: dict[str, Any], reaction: str) -> str:
    if not pool:
        return ""
    used = set(state["lines_used"])
    fresh = [line for line in dict.fromkeys(pool) if _line_key(line) not in used]
    rng = random.Random(f"{state['seed']}:{state['turn']}:{state['silences']}:{reaction}")
    choice = rng.choice(fresh or pool)
    key = _line_key(choice)
    if key not in used:
        state["lines_used"].append(key)
    return choice


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _fill(line: str, persona: Persona) -> str:
    """Scenario placeholders in lines: {product}, {name} and any fact id ({order_number})."""
    values: dict[str, Any] = {"product": persona.scenario.get("product", ""), "name": persona.name}
    values.update({f["id"]: f.get("value", "") for f in persona.facts})
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), line)
