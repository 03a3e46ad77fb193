"""personas.listening: which fact a trainee's question asks about, what a reply restates, and when
it gets a told fact wrong. Table-driven from tests/personas/data/fact_probes.yml."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from personas import PersonaLibrary
from personas.listening import (
    MATCH_MIN,
    FactMatch,
    contradicts,
    fact_cues,
    match_facts,
    mentions,
    normalise,
)

PROBES: dict[str, dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "fact_probes.yml").read_text(encoding="utf-8")
)
FACT_PROBES = [
    (pid, fid, q) for pid, spec in PROBES.items() for fid, qs in spec["facts"].items() for q in qs
]
# The probe set's measured figures (see the module's report); the floors keep them from sliding.
RIGHT_FLOOR = 0.82
WRONG_CEILING = 0.035
NO_MATCH_FLOOR = 0.90


def _top(matches: list[FactMatch]) -> str | None:
    return matches[0].fact_id if matches else None


def test_probe_file_covers_every_fact_of_every_library_persona(library: PersonaLibrary) -> None:
    assert set(PROBES) == {p.id for p in library.list()}
    for persona in library.list():
        spec = PROBES[persona.id]
        assert set(spec["facts"]) == {f["id"] for f in persona.facts}, persona.id
        assert all(len(qs) >= 4 for qs in spec["facts"].values()), persona.id
        assert len(spec["uncovered"]) >= 3 and len(spec["open"]) >= 2, persona.id


def test_a_question_about_a_fact_draws_out_that_fact(library: PersonaLibrary) -> None:
    right = wrong = 0
    misses = []
    for pid, fid, question in FACT_PROBES:
        top = _top(match_facts(question, library.get(pid)))
        right += top == fid
        if top is not None and top != fid:
            wrong += 1
            misses.append(f"{pid}/{fid}: {question!r} -> {top}")
    n = len(FACT_PROBES)
    assert right / n >= RIGHT_FLOOR, f"right fact {right}/{n}"
    assert wrong / n <= WRONG_CEILING, "wrong fact:\n" + "\n".join(misses)


def test_questions_about_what_the_scenario_does_not_cover_match_nothing(
    library: PersonaLibrary,
) -> None:
    probes = [(pid, q) for pid, spec in PROBES.items() for q in spec["uncovered"]]
    matched = [(pid, q) for pid, q in probes if match_facts(q, library.get(pid))]
    assert 1 - len(matched) / len(probes) >= NO_MATCH_FLOOR, matched


def test_general_open_questions_ask_about_no_fact_in_particular(library: PersonaLibrary) -> None:
    probes = [(pid, q) for pid, spec in PROBES.items() for q in spec["open"]]
    matched = [(pid, q) for pid, q in probes if match_facts(q, library.get(pid))]
    assert 1 - len(matched) / len(probes) >= NO_MATCH_FLOOR, matched


@pytest.mark.parametrize(
    ("persona_id", "question", "fact_id"),
    [
        ("angry_en_vacuum_broken", "When did it stop working?", "problem"),
        ("angry_en_vacuum_broken", "Could you give me your order number?", "order_number"),
        ("silent_en_laptop_student", "Roughly what budget do you have in mind?", "budget"),
        ("angry_zh_broadband_outage", "請問您的寬頻帳號是多少？", "account"),
        ("female_zh_skincare", "您的budget大概是多少？", "budget"),
        ("female_en_sofa", "Could you give me the measurments of the space?", "room"),
    ],
)
def test_the_issue_examples_are_answered_by_what_they_ask(
    library: PersonaLibrary, persona_id: str, question: str, fact_id: str
) -> None:
    matches = match_facts(question, library.get(persona_id))
    assert _top(matches) == fact_id
    assert all(m.score >= MATCH_MIN for m in matches)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_small_talk_asks_about_nothing(library: PersonaLibrary) -> None:
    persona = library.get("angry_en_vacuum_broken")
    assert match_facts("I'm really sorry about this.", persona) == []
    assert match_facts("", persona) == []


def test_normalise_folds_width_case_traditional_characters_and_spaces() -> None:
    assert normalise("  Order   ＡＶ－５５８２１３ ") == "order av-558213"
    assert normalise("請問您的寬頻帳號是多少？") == "请问您的宽带账号是多少?"
    assert normalise("甚麼時候開始斷網的") == "什么时候开始断网的"
    assert normalise("預算\u3000大概多少") == "预算 大概多少"


def test_fact_cues_are_about_phrases_then_topic_phrases_then_id_words(
    library: PersonaLibrary,
) -> None:
    persona = library.get("angry_en_vacuum_broken")
    fact = next(f for f in persona.facts if f["id"] == "order_number")
    cues = fact_cues(persona, fact)
    assert cues[: len(fact["about"])] == fact["about"]
    assert "订单号" in cues  # the built-in topic, in both languages
    assert "order number" in cues  # also the words of the id
    bare = {"id": "budget", "value": "100", "lines": ["100."]}
    assert "预算" in fact_cues(persona, bare)  # the id names a topic


def test_mentions_finds_the_told_facts_a_paraphrase_restates(library: PersonaLibrary) -> None:
    vacuum = library.get("angry_en_vacuum_broken")
    told = ["problem", "order_number", "hidden_need"]
    said = "So the bumper arrived cracked and the dock won't power on, is that right?"
    assert [m.fact_id for m in mentions(said, vacuum, told)] == ["problem"]
    assert [m.fact_id for m in mentions("Your order is AV-558213?", vacuum, told)] == [
        "order_number"
    ]
    assert mentions("So the bumper arrived cracked?", vacuum, ["order_number"]) == []
    assert mentions("Thanks for waiting.", vacuum, told) == []
    broadband = library.get("angry_zh_broadband_outage")
    said = "您是说光猫LOS灯红色闪烁，已经断网三天了对吗？"
    assert _top(mentions(said, broadband, ["problem", "account", "hidden_need"])) == "problem"
    said = "明天上午十点您有视频面试，对吧？"
    assert [m.fact_id for m in mentions(said, broadband, ["problem", "hidden_need"])] == [
        "hidden_need"
    ]


@pytest.mark.parametrize(
    ("persona_id", "fact_id", "text", "expected"),
    [
        ("angry_en_vacuum_broken", "order_number", "Let me confirm: order AV-558312.", True),
        ("angry_en_vacuum_broken", "order_number", "Your order is AV-558213, correct?", False),
        ("angry_en_vacuum_broken", "order_number", "I'm so sorry about the wait.", False),
        ("female_en_sofa", "budget", "So your budget is 2,000?", True),
        ("female_en_sofa", "budget", "So your budget is around 1,200?", False),
        ("angry_zh_broadband_outage", "problem", "所以您断网一周了？", True),
        ("angry_zh_broadband_outage", "problem", "断网三天了是吧？", False),
        ("angry_zh_broadband_outage", "account", "您的宽带账号是0571-88231970？", True),
        ("angry_zh_broadband_outage", "account", "账号 0571-88231907 对吧？", False),
        ("arrogant_zh_car_testdrive", "budget", "预算三十万左右对吧？", True),
        ("arrogant_zh_car_testdrive", "budget", "您的预算大概35万？", False),
        ("talkative_en_holiday_booking", "dates", "So two weeks in April?", True),
        ("talkative_en_holiday_booking", "dates", "Seven nights in April, lovely.", False),
        ("talkative_en_holiday_booking", "budget", "A budget of 1,200 for the both of you?", True),
    ],
)
def test_contradicts_when_a_number_id_or_quantity_differs(
    library: PersonaLibrary, persona_id: str, fact_id: str, text: str, expected: bool
) -> None:
    assert contradicts(text, library.get(persona_id), fact_id) is expected


def test_matching_a_reply_takes_well_under_a_millisecond(library: PersonaLibrary) -> None:
    personas = {pid: library.get(pid) for pid in PROBES}
    for pid, _, question in FACT_PROBES:  # warm the per-persona indexes
        match_facts(question, personas[pid])
    start = time.perf_counter()
    for pid, _, question in FACT_PROBES:
        match_facts(question + " ", personas[pid])  # a new text: not a cached normalisation
    per_call = (time.perf_counter() - start) / len(FACT_PROBES)
    assert per_call < 1e-3, f"{per_call * 1e6:.0f} us per call"
