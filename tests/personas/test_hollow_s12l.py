"""Hollow service, session 12 (l): slogans and add-ons.

- Company slogans in place of an answer ("your comfort is our number one concern", 「客户至上」)
  are hollow whatever move they are read as, praise for a "good question" included: the same
  words for any customer (001 R-LIS-I6 「避免虚假的反应」; digest_001 §3.8 generic template
  replies; 002 §2c sincerity). A slogan beside something of the customer's is not only slogans.
- An add-on offered as a question ("Have you thought about adding …? Only 49.") is a proposal,
  judged as one: an upsell that names nothing of the customer's need is a pitch, off the point
  (003 Ch3.2: product highlights do not replace the customer's matter), not a question whose
  price draws out the customer's budget.
- "Could we assist you with anything else at all?" with nothing settled is a way out (003 Ch3.1
  step 6), not an open question that draws out the next fact.
Sentences are our own."""

from __future__ import annotations

import copy

import pytest
from persona_scripts import analysis as said

from personas import PersonaLibrary, engine, relevance

SOFA = "female_en_sofa"
HOLIDAY = "talkative_en_holiday_booking"
OVEN = "talkative_zh_steam_oven"


@pytest.mark.parametrize(
    "text",
    [
        "Good question! Your comfort is our number one concern.",
        "We take pride in our craftsmanship. Every client is special to us.",
        "Absolutely. Our range is crafted to the finest standards, second to none.",
        "客户至上，您的满意就是我们最大的追求。",
        "我们始终致力于为每位客户提供最优质的服务。",
    ],
)
def test_slogans_only_are_hollow(text: str) -> None:
    assert relevance.slogans_only(text)


@pytest.mark.parametrize(
    "text",
    [
        "Your comfort is our priority, so for a 3.2 m wall I'd look at the two-seater in linen.",
        "Good question! Is it for the living room?",
        "We pride ourselves on quick repairs: a technician can come on Friday.",
    ],
)
def test_a_slogan_beside_something_of_theirs_is_not_only_slogans(text: str) -> None:
    assert not relevance.slogans_only(text)


def test_slogan_praise_earns_no_goodwill(library: PersonaLibrary) -> None:
    persona = library.get(SOFA)
    state = engine.start(persona, 3)["state"]
    state = engine.react(persona, state, said("greeting"), text="Hello, welcome in.")["state"]
    out = engine.react(
        persona,
        copy.deepcopy(state),
        said("praise", "reassurance"),
        text="Good question! Your comfort is our number one concern.",
    )
    heard = out["state"]["heard"]
    assert heard.get("hollow") == "off_the_point", heard
    assert out["state"]["mood"]["trust"] <= state["mood"]["trust"]
    assert out["state"]["mood"]["patience"] < state["mood"]["patience"]


def test_an_unrelated_add_on_is_a_pitch_not_a_question_for_the_budget(
    library: PersonaLibrary,
) -> None:
    persona = library.get(HOLIDAY)
    state = engine.start(persona, 3)["state"]
    state = engine.react(persona, state, said("greeting"), text="Hi there, welcome.")["state"]
    out = engine.react(
        persona,
        copy.deepcopy(state),
        said("offer_solution", "inform"),
        text="Have you thought about adding airport lounge passes? Only 49 per person.",
    )
    heard = out["state"]["heard"]
    assert heard.get("kind") == "offer", heard
    assert heard.get("hollow") == "off_the_point", heard
    assert "budget" not in out["state"]["facts_revealed"]
    assert out["state"]["mood"]["trust"] <= state["mood"]["trust"]


def test_could_we_assist_with_anything_else_at_all_is_a_way_out(library: PersonaLibrary) -> None:
    persona = library.get(SOFA)
    state = engine.start(persona, 3)["state"]
    state = engine.react(persona, state, said("greeting"), text="Hello, welcome in.")["state"]
    out = engine.react(
        persona,
        state,
        said("closed_question", "thanks_closing"),
        text="Could we assist you with anything else at all?",
    )
    assert out["state"]["heard"].get("kind") == "closing", out["state"]["heard"]
    assert out["state"]["heard"].get("settled") is False
    assert not out["state"]["facts_revealed"][len(state["facts_revealed"]) :]
