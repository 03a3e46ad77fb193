"""Checks get answers (issue 13, deliver 3; seeds 004 ch1 复述与确认, 002 §2b 反饋與確認): a
restatement that names a fact in full has it confirmed; one that names only part of a fact has
that part confirmed, and the rest comes out only when the customer is open enough to tell it, as
for a question; the answer says the guess is right (never a line that reads as a correction);
the hints quote only what the customer said or confirmed; a restatement that puts a figure the
customer never gave on what they told is corrected."""

from __future__ import annotations

import copy

from persona_scripts import analysis as said

from personas import PersonaLibrary, engine, listening
from practice.turn import scenario_context

PHONE = "silent_zh_phone_for_father"
VACUUM = "angry_en_vacuum_broken"
GUESS = "明白了，是给您父亲用，他主要跟家里人视频，对吧？"


def test_a_value_divides_into_what_it_says(library: PersonaLibrary):
    fact = next(f for f in library.get(PHONE).facts if f["id"] == "hidden_need")
    assert listening.value_parts(fact) == ["父亲眼睛不好", "耳背", "想跟孙子视频"]


def test_a_guess_names_only_the_parts_it_says(library: PersonaLibrary):
    persona = library.get(PHONE)
    named, parts = listening.named_parts(GUESS, persona, "hidden_need")
    # "父亲" is who the phone is for (another fact's word): it does not name his eyesight
    assert named == ["想跟孙子视频"] and len(parts) == 3
    assert listening.named_parts(GUESS, persona, "user")[0] == ["给老家的父亲用"]


def test_a_partly_right_guess_confirms_that_part_and_keeps_the_rest_back(
    library: PersonaLibrary,
):
    persona = library.get(PHONE)
    state = copy.deepcopy(engine.start(persona, 1)["state"])
    r = engine.react(persona, state, said("confirm"), text=GUESS)
    heard = r["state"]["heard"]
    assert heard["result"] == "recognised" and heard["partly"] == ["hidden_need"]
    # who it is for was named in full; the eyes and ears nobody has mentioned stay untold
    assert r["state"]["facts_revealed"] == ["user"]
    assert r["state"]["confirmed"] == {"hidden_need": ["想跟孙子视频"]}
    assert not r["line"].lstrip("…").startswith("不")
    told = scenario_context(persona, r["state"]).told
    assert told["hidden_need"] == "想跟孙子视频"
    assert "眼睛" not in "".join(told.values())


def test_a_partly_right_guess_to_an_open_customer_brings_out_the_rest(library: PersonaLibrary):
    persona = library.get(PHONE)
    state = copy.deepcopy(engine.start(persona, 1)["state"])
    state["mood"]["openness"] = 80.0
    r = engine.react(persona, state, said("confirm"), text=GUESS)
    assert {"user", "hidden_need"} <= set(r["state"]["facts_revealed"])
    assert r["state"]["heard"]["fact"] == "hidden_need"
    assert "眼睛" in r["line"] or "老花" in r["line"]


def test_a_question_after_a_partly_right_guess_still_meets_the_openness_gate(
    library: PersonaLibrary,
):
    persona = library.get(PHONE)
    state = copy.deepcopy(engine.start(persona, 1)["state"])
    r = engine.react(persona, state, said("confirm"), text=GUESS)
    r = engine.react(
        persona, r["state"], said("open_question"), text="您父亲平时用手机主要做什么呢？"
    )
    assert r["state"]["heard"]["answer"] == "held_back"
    assert "hidden_need" not in r["state"]["facts_revealed"]


def test_a_correction_shaped_line_never_answers_a_right_guess(library: PersonaLibrary):
    persona = library.get(PHONE)
    for seed in range(1, 9):
        state = copy.deepcopy(engine.start(persona, seed)["state"])
        r = engine.react(persona, state, said("confirm"), text="是给您父亲用的，对吧？")
        assert r["state"]["facts_revealed"] == ["user"]
        assert not engine._CORRECTING.match(r["line"]), r["line"]


def test_a_restatement_that_adds_a_figure_never_given_is_corrected(library: PersonaLibrary):
    persona = library.get(VACUUM)
    state = copy.deepcopy(engine.start(persona, 1)["state"])
    state["facts_revealed"] = ["problem", "order_number"]
    r = engine.react(
        persona,
        state,
        said("paraphrase", "confirm"),
        text=(
            "So it stopped working after two weeks, order AV-558213, and you need it for the "
            "weekend - have I got that right?"
        ),
    )
    heard = r["state"]["heard"]
    assert heard["result"] == "corrected" and heard["fact"] == "problem"
    # the guess about the weekend is not taken as his mother moving in on Saturday
    assert "hidden_need" not in r["state"]["facts_revealed"]


def test_a_restatement_of_what_was_said_is_still_confirmed(library: PersonaLibrary):
    persona = library.get(VACUUM)
    state = copy.deepcopy(engine.start(persona, 1)["state"])
    state["facts_revealed"] = ["problem", "order_number"]
    r = engine.react(
        persona,
        state,
        said("paraphrase", "confirm"),
        text=(
            "So it arrived with a cracked bumper, the dock won't power on, order AV-558213 - right?"
        ),
    )
    assert r["state"]["heard"]["result"] == "confirmed"


def test_a_figure_with_a_thousands_comma_is_one_part(library: PersonaLibrary):
    fact = next(f for f in library.get("female_en_sofa").facts if f["id"] == "budget")
    assert listening.value_parts(fact) == ["up to about 1,200"]


def test_a_figure_the_trainee_tells_in_a_check_is_no_correction(library: PersonaLibrary):
    persona = library.get("doubtful_en_solar_quote")
    text = (
        "So you're worried about the warranty and inflated figures. In fact our warranty is "
        "insurance-backed for 25 years, and the figures come from your own meter data."
    )
    assert not listening.adds_figure(text, persona, "concern")
