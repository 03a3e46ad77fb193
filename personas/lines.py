"""Choosing what the customer says: a line that fits the reaction, the conversation so far
and what the trainee just said.

A bank holds lines for one reaction, as a plain list or by selector (``<stage>.<band>``,
band, stage, ``any``). A line is text, or ``{say, when}``: it is used only while every
condition in ``when`` holds (facts told or still missing, an offer made or not, stage, mood
band), so a line never claims something untrue at that point of the conversation. A line
whose placeholder has no value at that moment (``{remedy}`` when nothing was offered) is not
used either; lines that use this turn's own details (the fact asked about, the remedy and time
frame offered) are preferred, so the customer answers in the trainee's terms.

Randomness only from ``random.Random(f"{seed}:{turn}:{silences}:{reaction}")``; a line
already said in this conversation is avoided while fresh ones remain.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterable, Mapping
from typing import Any

from personas.model import Persona

PLACEHOLDER = re.compile(r"\{(\w+)\}")
#: placeholders that carry what this turn was about; lines using them answer in its terms
TURN_SLOTS = frozenset({"value", "remedy", "time_frame", "why_not"})


def text_of(entry: object) -> str:
    """The words of a bank entry (a string or ``{say, when}``)."""
    if isinstance(entry, Mapping):
        return str(entry.get("say") or "")
    return str(entry)


def condition_of(entry: object) -> Mapping[str, Any]:
    if isinstance(entry, Mapping) and isinstance(entry.get("when"), Mapping):
        return entry["when"]
    return {}


def holds(condition: Mapping[str, Any], state: Mapping[str, Any]) -> bool:
    """Whether the conversation is in the state a line's ``when`` asks for."""
    told = set(state.get("facts_revealed") or ())
    if any(f not in told for f in condition.get("facts_out") or ()):
        return False
    if any(f in told for f in condition.get("facts_missing") or ()):
        return False
    if "offer_made" in condition and bool(state.get("offer")) != bool(condition["offer_made"]):
        return False
    if "stage" in condition and state.get("stage") not in condition["stage"]:
        return False
    return not ("band" in condition and state.get("band") not in condition["band"])


def bank_entries(persona: Persona, reaction: str, state: Mapping[str, Any]) -> list[object]:
    """The entries of a reaction's bank that suit the stage and band, most specific first.
    Falls back to ``neutral`` for a reaction a trainer's custom type forgot (the checker
    reports that)."""
    bank = persona.lines.get(reaction) or persona.lines.get("neutral") or ["..."]
    kind = persona.scenario.get("kind")
    if isinstance(bank, list):
        return [e for e in bank if fits_kind(e, kind)]
    band, stage = state.get("band"), state.get("stage")
    found: list[object] = []
    for key in (f"{stage}.{band}", band, stage, "any"):
        found.extend(bank.get(key) or [])
    if not found:
        found = [entry for group in bank.values() for entry in group or []]
    return [e for e in found if fits_kind(e, kind)]


def fits_kind(entry: object, kind: object) -> bool:
    """Whether a line is for this persona's kind of scenario (``when: {kind: [pre_sales]}``);
    a line without that condition serves every kind."""
    kinds = condition_of(entry).get("kind")
    return not kinds or kind in kinds


def state_condition(entry: object) -> Mapping[str, Any]:
    """A line's condition on the conversation (its ``when`` without ``kind``, which is about
    the persona and is settled by ``bank_entries``)."""
    return {k: v for k, v in condition_of(entry).items() if k != "kind"}


def scenario_values(persona: Persona) -> dict[str, str]:
    """The placeholders every line may use: {product}, {name}, {<fact id>}."""
    values = {"product": str(persona.scenario.get("product", "")), "name": persona.name}
    values.update({str(f["id"]): str(f.get("value", "")) for f in persona.facts})
    remedies = persona.scenario.get("remedies") or {}
    if remedies.get("need"):
        values["need"] = str(remedies["need"])
    return values


def _slots_in(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def usable(
    entries: Iterable[object], state: Mapping[str, Any], values: Mapping[str, str]
) -> list[str]:
    """The texts of entries whose conditions hold and whose placeholders all have values;
    those that use this turn's details first."""
    texts = [
        text_of(e)
        for e in entries
        if text_of(e) and holds(condition_of(e), state) and _slots_in(text_of(e)) <= values.keys()
    ]
    own_terms = [t for t in texts if _slots_in(t) & TURN_SLOTS]
    return own_terms or texts


def line_key(line: str) -> str:
    return hashlib.sha1(line.encode("utf-8")).hexdigest()[:10]


def fill(text: str, values: Mapping[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def pick(
    persona: Persona,
    state: dict[str, Any],
    reaction: str,
    *,
    entries: list[object] | None = None,
    slots: Mapping[str, str] | None = None,
) -> str:
    """Pick and fill the customer's line for ``reaction`` (or from ``entries``: a fact's own
    lines), recording it in ``state["lines_used"]``."""
    values = {**scenario_values(persona), **{k: v for k, v in (slots or {}).items() if v}}
    candidates = usable(entries if entries is not None else [], state, values)
    if not candidates:
        candidates = usable(bank_entries(persona, reaction, state), state, values)
    if not candidates:
        # every line of the bank is conditional and none holds: the condition-free fallback
        plain = [
            text_of(e) for e in bank_entries(persona, reaction, state) if not state_condition(e)
        ]
        candidates = [t for t in plain if _slots_in(t) <= values.keys()] or ["..."]
    used = set(state["lines_used"])
    fresh = [t for t in dict.fromkeys(candidates) if line_key(t) not in used]
    rng = random.Random(f"{state['seed']}:{state['turn']}:{state['silences']}:{reaction}")
    choice = rng.choice(fresh or candidates)
    key = line_key(choice)
    if key not in used:
        state["lines_used"].append(key)
    return fill(choice, values)
