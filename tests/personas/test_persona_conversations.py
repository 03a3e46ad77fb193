"""Whole scripted conversations against every persona in the library (issue 4, Tests)."""

from __future__ import annotations

import pytest
from persona_scripts import BAD, GOOD, NEUTRAL

from personas import PersonaLibrary, engine

PERSONA_IDS = [p.id for p in PersonaLibrary().list()]
SEEDS = (1, 7, 42)


def run(persona, script, seed):
    reaction = engine.start(persona, seed)
    trace = [reaction]
    for analysis in script:
        reaction = engine.react(persona, reaction["state"], analysis)
        trace.append(reaction)
        if reaction["ended"]:
            break
    return reaction, trace


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("persona_id", PERSONA_IDS)
def test_good_agent_resolves_within_turn_limit(library, persona_id, seed):
    persona = library.get(persona_id)
    final, trace = run(persona, GOOD[persona.type], seed)
    assert final["outcome"] == "resolved", [r["reaction"] for r in trace]
    assert final["state"]["turn"] <= persona.max_turns
    assert final["stage"] == "closing"


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("persona_id", PERSONA_IDS)
def test_bad_agent_escalates_or_loses_the_customer(library, persona_id, seed):
    persona = library.get(persona_id)
    final, trace = run(persona, BAD, seed)
    assert final["ended"], [r["reaction"] for r in trace]
    assert final["outcome"] in ("escalated", "walked_away")


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("persona_id", PERSONA_IDS)
def test_content_free_agent_never_resolves(library, persona_id, seed):
    persona = library.get(persona_id)
    final, trace = run(persona, NEUTRAL, seed)
    assert final["outcome"] != "resolved"
    assert all(r["reaction"] not in ("accepted", "end_resolved") for r in trace)


@pytest.mark.parametrize("persona_id", PERSONA_IDS)
def test_good_agent_draws_out_every_required_fact(library, persona_id):
    persona = library.get(persona_id)
    final, _ = run(persona, GOOD[persona.type], 3)
    required = {f["id"] for f in persona.facts if f.get("required")}
    assert required <= set(final["state"]["facts_revealed"])


@pytest.mark.parametrize("persona_id", PERSONA_IDS)
def test_a_single_perfect_reply_does_not_resolve(library, persona_id):
    """Staying in character: the best possible first reply is never the end of it."""
    persona = library.get(persona_id)
    from persona_scripts import analysis

    start = engine.start(persona, 5)
    everything = analysis(
        "greeting", "apology", "empathy", "praise", "inform", "open_question", "offer_solution"
    )
    reaction = engine.react(persona, start["state"], everything)
    assert not reaction["ended"]
    assert reaction["reaction"] != "accepted"
