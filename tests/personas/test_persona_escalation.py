"""Bad service compounds (issue 13, Deliver 5: bad agents must drive customers off in a realistic
number of turns; good service is never punished): from the second offence on (a red line, hollow
service, one more bare closed question in a string the customer stopped answering, a proposal
pushed again after "not yet" or "no") a reply costs more than the first did
(``behaviour.escalation``), and any offence after a red line, or after two, with patience nearly
gone is the last straw. Seed 003 Ch2.1 / Ch3.2 (conflict escalates), 004 ch3 (emotional
contagion). Driven through personas.engine with the reply's words and the analysis the move
analysis would give."""

from __future__ import annotations

import copy

from persona_scripts import analysis as said

from personas import Persona, PersonaLibrary, engine

VACUUM = "angry_en_vacuum_broken"
SOFA = "female_en_sofa"
WATCH = "arrogant_zh_watch_service"

RUDE = "Look, that's not my problem, figure it out yourself."
BRAND = "All our products are made in our own workshop, we've been going since 1987."


def fresh(persona: Persona, **mood: float) -> dict:
    state = copy.deepcopy(engine.start(persona, 3)["state"])
    state["mood"].update(mood)
    return state


def react(persona: Persona, state: dict, text: str, *moves: str):
    return engine.react(persona, state, said(*moves, lang=persona.language), text=text)


def cost(before: dict, after: dict, key: str) -> float:
    return before["mood"][key] - after["state"]["mood"][key]


# ---- the second offence costs more than the first -------------------------------------------


def test_a_second_red_line_costs_more_than_the_first(library: PersonaLibrary):
    persona = library.get(VACUUM)
    state = fresh(persona, anger=10.0, patience=100.0, trust=80.0)
    first = react(persona, state, RUDE, "rude")
    assert first["state"]["grievances"] == 1
    second = react(persona, first["state"], RUDE, "rude")
    assert second["state"]["grievances"] == 2
    assert cost(first["state"], second, "patience") > cost(state, first, "patience")
    assert cost(first["state"], second, "trust") > cost(state, first, "trust")


def test_a_single_offence_costs_what_the_types_table_says(library: PersonaLibrary):
    """One offence (say a reply misread as rude inside a good conversation) is not compounded:
    the same reply with escalation switched off costs the same."""
    persona = library.get(VACUUM)
    flat = library.get(VACUUM)
    flat.behaviour["escalation"] = {}
    state = fresh(persona, anger=10.0, patience=100.0, trust=80.0)
    assert (
        react(persona, state, RUDE, "rude")["state"]["mood"]
        == (react(flat, state, RUDE, "rude")["state"]["mood"])
    )


def test_without_escalation_a_second_offence_costs_no_more(library: PersonaLibrary):
    persona = library.get(VACUUM)
    persona.behaviour["escalation"] = {}
    state = fresh(persona, anger=10.0, patience=100.0, trust=80.0)
    first = react(persona, state, RUDE, "rude")
    second = react(persona, first["state"], RUDE, "rude")
    assert cost(first["state"], second, "patience") == cost(state, first, "patience")


def test_compounding_is_capped_at_max(library: PersonaLibrary):
    persona = library.get(SOFA)
    persona.behaviour["escalation"] = {"step": 0.5, "max": 2.0}
    state = fresh(persona, patience=100.0)
    state["grievances"] = 10
    capped = react(persona, state, BRAND, "inform")
    state_two = fresh(persona, patience=100.0)
    state_two["grievances"] = 2
    at_two = react(persona, state_two, BRAND, "inform")
    assert capped["state"]["heard"]["hollow"] == "off_the_point"
    assert cost(state, capped, "patience") == cost(state_two, at_two, "patience")


def test_hollow_service_again_and_again_drains_a_patient_shopper_faster(
    library: PersonaLibrary,
):
    persona = library.get(SOFA)
    state = fresh(persona)
    costs = []
    for text in (
        BRAND,
        "We also do a lovely range of rugs and cushions upstairs.",
        BRAND + " Really.",
    ):
        r = react(persona, state, text, "inform")
        costs.append(cost(state, r, "patience"))
        state = r["state"]
        if r["ended"]:
            break
    assert costs[1] > costs[0]


# ---- pushing a proposal after "not yet" ------------------------------------------------------


def test_a_proposal_pushed_again_after_not_ready_is_an_offence(library: PersonaLibrary):
    persona = library.get(WATCH)
    state = fresh(persona, anger=70.0, patience=90.0)
    first = react(persona, state, "这块表慢了我们给您重新校准一次。", "offer_solution")
    assert first["state"]["heard"]["judged"] == "not_ready"
    assert first["state"]["grievances"] == 0  # the first is part of finding what fits
    second = react(persona, first["state"], "重新校准要不要给您办一个？", "offer_solution")
    assert second["state"]["heard"]["judged"] == "not_ready"
    assert second["state"]["grievances"] == 1
    assert second["state"]["pushed"]["premature"] == 2


def test_an_upsell_pitched_to_a_complaining_customer_is_an_offence_at_once(
    library: PersonaLibrary,
):
    # session 11: a "proposal" that names no remedy and nothing of the customer's matter is a
    # pitch, hollow service (seed 003 Ch3.2; 001 R-LIS-D1), not part of finding what fits
    persona = library.get(WATCH)
    state = fresh(persona, anger=70.0, patience=90.0)
    first = react(
        persona, state, "另外我们现在有一个延保服务，加一千二可以延长三年保修。", "offer_solution"
    )
    assert first["state"]["heard"]["hollow"] == "pitch"
    assert first["state"]["grievances"] == 1


# ---- the last straw --------------------------------------------------------------------------


def test_hollow_service_after_a_red_line_with_patience_nearly_gone_is_the_last_straw(
    library: PersonaLibrary,
):
    persona = library.get(SOFA)
    state = fresh(persona, patience=30.0)
    state["moves_seen"] = {"rude": 1}
    state["grievances"] = 1
    r = react(persona, state, BRAND, "inform")
    assert r["ended"] and r["outcome"] == "walked_away"


def test_hollow_service_after_one_lapse_that_was_no_red_line_is_not_yet_the_last_straw(
    library: PersonaLibrary,
):
    persona = library.get(SOFA)
    state = fresh(persona, patience=40.0)
    state["grievances"] = 1
    r = react(persona, state, BRAND, "inform")
    assert not r["ended"]


def test_a_third_offence_with_patience_nearly_gone_is_the_last_straw(library: PersonaLibrary):
    persona = library.get(SOFA)
    state = fresh(persona, patience=40.0)
    state["grievances"] = 2
    r = react(persona, state, BRAND, "inform")
    assert r["ended"] and r["outcome"] == "walked_away"


def test_good_replies_count_no_offence(library: PersonaLibrary):
    persona = library.get(VACUUM)
    state = fresh(persona)
    r = react(
        persona,
        state,
        "I'm so sorry, that sounds really frustrating. What happened when you switched it on?",
        "apology",
        "empathy",
        "open_question",
    )
    assert r["state"]["grievances"] == 0
