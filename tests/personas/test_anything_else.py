"""An "anything else?" with nothing settled is a way out, not a question (session 8; seed 003 Ch3.1
step 6: make sure the problem is solved before closing). Blind set 8's bad agents asked it after
doing nothing, and the customer answered it like a question about their needs.
Driven through personas.engine with the reply's words and the analysis the move analysis gives."""

from __future__ import annotations

import copy

import pytest
from persona_scripts import analysis as said

from personas import PersonaLibrary, engine

SOFA = "female_en_sofa"
LAPTOP = "male_zh_laptop"


@pytest.mark.parametrize(
    ("persona_id", "text", "moves"),
    [
        (SOFA, "Anything else?", ["confirm"]),
        (SOFA, "Is there anything else I can help you with today?", ["thanks_closing"]),
        (LAPTOP, "还有其他需要吗？", ["closed_question", "thanks_closing"]),
        (LAPTOP, "您还有别的问题吗？", ["closed_question", "confirm"]),
    ],
)
def test_anything_else_with_nothing_settled_gets_wait_were_not_done(
    library: PersonaLibrary, persona_id: str, text: str, moves: list[str]
) -> None:
    persona = library.get(persona_id)
    state = engine.start(persona, 1)["state"]
    out = engine.react(persona, state, said(*moves, lang=persona.language), text=text)
    assert out["reaction"] == "not_done", out
    assert out["state"]["heard"]["kind"] == "closing"
    assert out["state"]["heard"]["settled"] is False
    assert out["state"]["mood"]["patience"] < state["mood"]["patience"]


def test_a_fed_up_customer_asked_anything_else_leaves(library: PersonaLibrary) -> None:
    persona = library.get(SOFA)
    state = copy.deepcopy(engine.start(persona, 1)["state"])
    state["mood"]["patience"] = 10.0
    out = engine.react(persona, state, said("confirm"), text="Anything else?")
    assert out["ended"] and out["outcome"] == "walked_away"


def test_a_real_question_or_a_proposal_with_it_is_not_taken_for_a_way_out(
    library: PersonaLibrary,
) -> None:
    persona = library.get(SOFA)
    state = engine.start(persona, 1)["state"]
    asks = engine.react(
        persona, state, said("open_question"), text="What else is on your list for the room?"
    )
    assert asks["reaction"] != "not_done"
    proposes = engine.react(
        persona,
        state,
        said("recommend", "closed_question"),
        text="I'd suggest the corner sofa in performance fabric. Anything else you'd like to see?",
    )
    assert proposes["state"]["heard"]["kind"] != "closing"
