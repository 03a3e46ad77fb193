"""Listening, session 12 (l): what a question asks.

- "What did you notice once you switched it on?": a clause naming the moment the customer met
  the trouble ("when/once/after you …") says which moment, not what is asked; the question
  invites the customer to tell what happened (001 §3.6 R-Q1 open questions), in the imperative
  as well ("Tell me what you saw when you took it out?"), so it is an open question about the
  matter, never "which bit do you mean?".
- A question about something in particular still asks for it with such a clause."""

from __future__ import annotations

import pytest

from personas import PersonaLibrary, listening


@pytest.mark.parametrize(
    "text",
    [
        "What did you notice once you switched it on?",
        "Tell me what you saw when you took it out of the packaging?",
        "Can you tell me what happened after you plugged it in?",
    ],
)
def test_what_the_customer_met_at_a_moment_is_an_open_question(
    library: PersonaLibrary, text: str
) -> None:
    vacuum = library.get("angry_en_vacuum_broken")
    assert listening.is_open(text, vacuum)
    assert listening.near_facts(text, vacuum) == []


def test_a_particular_thing_asked_with_such_a_clause_stays_particular(
    library: PersonaLibrary,
) -> None:
    vacuum = library.get("angry_en_vacuum_broken")
    assert not listening.is_open("Which colour did you pick when you ordered it?", vacuum)


def test_on_your_own_asks_about_company_not_what_they_own(library: PersonaLibrary) -> None:
    drill = library.get("male_en_cordless_drill")
    assert listening.match_facts("Will you be fitting the shelves on your own?", drill) == []
    assert listening.match_facts("Do you own any Volt tools already?", drill)


def test_where_the_customer_has_been_before_is_a_question_not_an_offer(
    library: PersonaLibrary,
) -> None:
    from persona_scripts import analysis as said

    from personas import engine

    holiday = library.get("talkative_en_holiday_booking")
    state = engine.start(holiday, 1)["state"]
    out = engine.react(
        holiday,
        state,
        said("offer_solution", "closed_question"),
        text="Have you ever been to Sirmione?",
    )
    heard = out["state"]["heard"]
    assert heard.get("kind") == "question", heard
    assert len(out["state"]["facts_revealed"]) == len(state["facts_revealed"])
