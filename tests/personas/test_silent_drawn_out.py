"""A silent customer is drawn out by questions he answers, open or closed (seed 001 S1 诱导法:
keep asking so that he has to answer, and build on his answer; R-Q5 leading questions), not only
by open questions. A closed question he answers with something of his counts toward what the
type needs before deciding; one he clams up at does not."""

from __future__ import annotations

import copy

from persona_scripts import analysis as said

from personas import PersonaLibrary, engine

STUDENT = "silent_en_laptop_student"


def test_an_answered_closed_question_counts_as_drawing_him_out(library: PersonaLibrary) -> None:
    persona = library.get(STUDENT)
    state = copy.deepcopy(engine.start(persona, 4)["state"])
    state["mood"]["openness"] = 30.0
    out = engine.react(
        persona, state, said("closed_question"), text="Have you got a rough spending limit?"
    )
    assert out["state"]["heard"].get("answer") == "fact", out["state"]["heard"]
    assert out["state"]["moves_seen"].get(engine.ANSWERED) == 1


def test_a_closed_question_he_holds_back_at_does_not_count(library: PersonaLibrary) -> None:
    persona = library.get(STUDENT)
    state = engine.start(persona, 4)["state"]
    out = engine.react(
        persona, state, said("closed_question"), text="Is it for a particular course of study?"
    )
    assert out["state"]["heard"].get("answer") != "fact", out["state"]["heard"]
    assert out["state"]["moves_seen"].get(engine.ANSWERED, 0) == 0


def test_a_student_drawn_out_by_answered_questions_takes_a_fitting_laptop(
    library: PersonaLibrary,
) -> None:
    persona = library.get(STUDENT)
    state = copy.deepcopy(engine.start(persona, 4)["state"])
    # heard out already: every fact told, trust and calm enough, drawn out twice by closed
    # questions he answered and never by an open one
    state["facts_revealed"] = [f["id"] for f in persona.facts]
    state["mood"].update({"trust": 50.0, "anger": 5.0, "openness": 50.0})
    state["moves_seen"] = {"closed_question": 3, engine.ANSWERED: 2}
    state["stage"] = "negotiating"
    out = engine.react(
        persona,
        state,
        said("recommend"),
        text="For Photoshop and Illustrator on a student budget I'd go for the Vela 14 at 879: "
        "a colour-accurate screen and 16 GB, so your design software runs smoothly.",
    )
    assert out["state"]["heard"]["judged"] == "accepted", out["state"]["heard"]
    state["moves_seen"] = {"closed_question": 3, engine.ANSWERED: 1}
    short = engine.react(
        persona,
        state,
        said("recommend"),
        text="For Photoshop and Illustrator on a student budget I'd go for the Vela 14 at 879: "
        "a colour-accurate screen and 16 GB, so your design software runs smoothly.",
    )
    assert short["state"]["heard"]["judged"] == "needs_more", short["state"]["heard"]
