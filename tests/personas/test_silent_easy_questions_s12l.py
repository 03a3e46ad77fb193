"""A silent customer and closed questions (seed 001 §2.7 S1 诱导法 and §3.6 R-Q2/R-Q3/R-Q5,
digest_001: closed, choice and leading questions help a slow customer speak; R-LIS-D6
「提问不要太多」): a closed question made easy to answer (warmth around it, acknowledging what he
just said, or saying why it is asked) draws him out a little and is no interrogation; only a
string of bare closed questions makes him clam up and drains his patience."""

from __future__ import annotations

import copy

import pytest
from persona_scripts import analysis as said

from personas import PersonaLibrary, engine

FATHER = "silent_zh_phone_for_father"
STUDENT = "silent_en_laptop_student"


def _ask(persona, state, texts):
    reactions = []
    for text in texts:
        out = engine.react(persona, state, said("closed_question"), text=text)
        state = out["state"]
        reactions.append(out["reaction"])
    return state, reactions


@pytest.mark.parametrize(
    ("persona_id", "texts"),
    [
        (
            STUDENT,
            [
                "Do you need it mainly for one class?",
                "Right, I see. Is a light one important to you?",
                "Got it, thanks. Are you thinking of a set price?",
                "Asking because it changes which shelf I'd start from: touchscreen or not?",
            ],
        ),
        (
            FATHER,
            [
                "这台是您自己用吗？",
                "了解，那要不要屏幕大一点的？",
                "原来是这样。平时打电话多吗？",
                "我问这个是为了帮您挑合适的：要双卡的吗？",
            ],
        ),
    ],
)
def test_easy_closed_questions_are_no_interrogation(library: PersonaLibrary, persona_id, texts):
    persona = library.get(persona_id)
    start = copy.deepcopy(engine.start(persona, 4)["state"])
    state, reactions = _ask(persona, start, texts)
    assert "clam_up" not in reactions, reactions
    assert state["closed_streak"] <= 1
    # drawn out a little, not shut down
    assert state["mood"]["openness"] > start["mood"]["openness"]
    assert state["mood"]["patience"] >= start["mood"]["patience"] - 20


@pytest.mark.parametrize(
    ("persona_id", "texts"),
    [
        (STUDENT, ["Price range?", "Screen size?", "Windows?", "Colour?", "Touch?"]),
        (FATHER, ["多少钱的？", "要大屏吗？", "安卓还是苹果？", "什么颜色？", "要几个G？"]),
    ],
)
def test_a_string_of_bare_closed_questions_still_shuts_him_down(
    library: PersonaLibrary, persona_id, texts
):
    persona = library.get(persona_id)
    start = copy.deepcopy(engine.start(persona, 4)["state"])
    state, reactions = _ask(persona, start, texts)
    assert reactions.count("clam_up") >= 2 or reactions[-1] == "end_walked_away", reactions
    assert state["mood"]["openness"] <= start["mood"]["openness"]
    assert state["mood"]["patience"] < start["mood"]["patience"] - 20
