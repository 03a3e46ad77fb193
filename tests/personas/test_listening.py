"""personas.listening: which fact a trainee's question asks about, what a reply restates, and when
it gets a told fact wrong. Table-driven from tests/personas/data/fact_probes.yml (the tuning set)
and tests/personas/data/fact_probes_heldout.yml (written blind from the persona files; measured,
never tuned on)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from personas import PersonaLibrary
from personas.listening import (
    MATCH_MIN,
    FactMatch,
    asks_for_information,
    asks_several,
    colliding_about,
    contradicts,
    fact_cues,
    invites_more,
    is_open,
    match_facts,
    mentions,
    names_fact,
    near_facts,
    normalise,
    specific_words,
)

DATA = Path(__file__).parent / "data"
PROBES: dict[str, dict[str, Any]] = yaml.safe_load(
    (DATA / "fact_probes.yml").read_text(encoding="utf-8")
)
FACT_PROBES = [
    (pid, fid, q) for pid, spec in PROBES.items() for fid, qs in spec["facts"].items() for q in qs
]
# The tuning set's measured figures (95.1 % right fact, 0.5 % wrong fact of 406 probes, 99 % of
# off-scenario and 100 % of open questions matching no fact); the floors keep them from sliding.
# Was 96.1 % right: four questions an unrelated topic fits better than their (weakly matched)
# fact are now asked back rather than answered (see test_a_fact_an_unrelated_topic_fits_better).
# The two wrong ones are one kind, not solved yet: a question about what the course needs
# ("Which programs will you need for your course?") is taken for the course itself.
RIGHT_FLOOR = 0.945
WRONG_CEILING = 0.006
NO_MATCH_FLOOR = 0.97

HELDOUT: dict[str, dict[str, Any]] = (
    yaml.safe_load((DATA / "fact_probes_heldout.yml").read_text(encoding="utf-8")) or {}
).get("personas") or {}
# The held-out set's figures when last measured (90.8 % right, 0.8 % wrong, 100 % of
# off-scenario and 100 % of open questions matching no fact; 92.1 % right and one off-scenario
# question matched before rivals from uncovered topics were asked back): floors just under them,
# so a change that helps the tuning set at the held-out set's expense shows.
HELDOUT_RIGHT_FLOOR = 0.90
HELDOUT_WRONG_CEILING = 0.015
HELDOUT_NO_MATCH_FLOOR = 0.95


UNSEEN: dict[str, dict[str, Any]] = (
    yaml.safe_load((DATA / "fact_probes_unseen.yml").read_text(encoding="utf-8")) or {}
).get("personas") or {}
# A third set, written blind before the open/specific split and never tuned on: measured 91.9 %
# right / 4 wrong of 149 and 1 of 49 off-scenario questions matched before it, 91.3 % / 2 / 1
# after. Floors only: it must not be tuned against.
UNSEEN_RIGHT_FLOOR = 0.90
UNSEEN_WRONG_MAX = 2
UNSEEN_UNCOVERED_MATCHED_MAX = 1


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


def test_held_out_questions_written_blind_draw_out_their_fact(library: PersonaLibrary) -> None:
    known = {p.id for p in library.list()}
    probes = [
        (pid, fid, q)
        for pid, spec in HELDOUT.items()
        if pid in known
        for fid, qs in (spec.get("facts") or {}).items()
        for q in qs
    ]
    if not probes:
        pytest.skip("no held-out probes")
    right = wrong = 0
    for pid, fid, question in probes:
        top = _top(match_facts(question, library.get(pid)))
        right += top == fid
        wrong += top is not None and top != fid
    assert right / len(probes) >= HELDOUT_RIGHT_FLOOR, f"right fact {right}/{len(probes)}"
    assert wrong / len(probes) <= HELDOUT_WRONG_CEILING, f"wrong fact {wrong}/{len(probes)}"
    for key in ("uncovered", "general"):
        others = [
            (pid, q) for pid, spec in HELDOUT.items() if pid in known for q in spec.get(key) or ()
        ]
        matched = [(pid, q) for pid, q in others if match_facts(q, library.get(pid))]
        assert 1 - len(matched) / len(others) >= HELDOUT_NO_MATCH_FLOOR, (key, matched)


@pytest.mark.parametrize(
    ("persona_id", "question", "fact_id"),
    [
        # same-sound typos in Chinese, letter typos and chat shorthand in English
        ("arrogant_zh_watch_service", "您送修的但号方便报一下吗？", "order_number"),
        ("talkative_zh_steam_oven", "您用的是什么型好？", "model"),
        ("arrogant_zh_car_testdrive", "您每天通琴多远？", "use"),
        ("doubtful_zh_water_purifier", "您在犹预什么呢？", "concern"),
        ("angry_zh_broadband_outage", "您的宽带帐好是多少？", "account"),
        ("silent_zh_phone_for_father", "您想买多少前的？", "budget"),
        ("male_en_cordless_drill", "Whats your budjet for this?", "budget"),
        ("angry_en_vacuum_broken", "whats ur order no pls", "order_number"),
        ("arrogant_en_hotel_suite", "cn i get ur bkg ref pls", "booking_ref"),
        # English inside Chinese, folded to the Chinese word
        ("doubtful_zh_water_purifier", "家里是不是有小baby？", "hidden_need"),
        ("male_zh_laptop", "您是做video editing吗？", "use"),
        # requests in the imperative are questions too
        (
            "angry_en_vacuum_broken",
            "I'll need the order ID to find it in our system.",
            "order_number",
        ),
        ("angry_zh_broadband_outage", "麻烦提供一下您的宽带账号。", "account"),
        # a closed question naming what the answer says
        ("female_en_sofa", "Do you have a cat or a dog at home?", "hidden_need"),
        ("talkative_en_holiday_booking", "Can you both manage stairs comfortably?", "by_the_way"),
        # the asking part decides: an apology before it, a "so I can..." clause, thanks after it
        (
            "angry_en_vacuum_broken",
            "I'm so sorry the vacuum turned up broken. Could I have your order number?",
            "order_number",
        ),
        (
            "female_en_sofa",
            "So I can pick sofas that will actually fit, how much wall space do you have?",
            "room",
        ),
        ("angry_zh_broadband_outage", "非常抱歉让您久等了。请问您的宽带账号是多少？", "account"),
        ("male_zh_laptop", "我好给您挑配置，您的预算大概多少？谢谢。", "budget"),
    ],
)
def test_typos_mixed_languages_requests_and_framing_still_find_the_fact(
    library: PersonaLibrary, persona_id: str, question: str, fact_id: str
) -> None:
    assert _top(match_facts(question, library.get(persona_id))) == fact_id


@pytest.mark.parametrize(
    ("persona_id", "question", "fact_id"),
    [
        # a question about a reason, an event or the person it is for asks for the hidden need,
        # not for the concrete fact (the fault, the household) that shares a word with it
        ("angry_zh_broadband_outage", "这周有什么事情要靠网络吗？", "hidden_need"),
        ("doubtful_zh_water_purifier", "这水是给孩子喝的吗？", "hidden_need"),
        ("female_zh_skincare", "下个月有什么event吗？", "hidden_need"),
        # ... but one that names the fault asks about the fault (or about nothing in particular)
        ("angry_zh_broadband_outage", "网络为什么会断，是光猫坏了吗？", "problem"),
    ],
)
def test_questions_about_a_reason_event_or_person_ask_for_the_need(
    library: PersonaLibrary, persona_id: str, question: str, fact_id: str
) -> None:
    assert _top(match_facts(question, library.get(persona_id))) == fact_id


@pytest.mark.parametrize(
    ("persona_id", "question", "fact_id"),
    [
        # hidden needs asked indirectly: a deadline ("need it by?"), an event coming up, what
        # set it off, the hurry, what someone cares about; a cue that asks "why" needs a why
        ("angry_en_vacuum_broken", "Is there a date you need a working vacuum by?", "hidden_need"),
        ("angry_en_vacuum_broken", "anything coming up at home you need it for?", "hidden_need"),
        ("angry_en_vacuum_broken", "how come u need it so fast?", "hidden_need"),
        (
            "doubtful_en_solar_quote",
            "What got you thinking about solar at this point?",
            "hidden_need",
        ),
        ("angry_zh_broadband_outage", "您对网络恢复的时间上有要求吗？", "hidden_need"),
        ("doubtful_zh_water_purifier", "您为什么最近开始关心水质了？", "hidden_need"),
        ("arrogant_zh_car_testdrive", "这辆车以后谁开得最多？", "hidden_need"),
        # ... and the same words without the asking word ask for the concrete fact
        ("arrogant_zh_car_testdrive", "您平时开车主要是在市区吗？", "use"),
        # idioms and paraphrases that share no word with the fact
        ("female_en_sofa", "Any four-legged friends at home?", "hidden_need"),
        ("female_en_sofa", "How hard-wearing does it have to be?", "hidden_need"),
        ("male_zh_laptop", "您主要拿这台电脑干些什么？", "use"),
        ("male_en_cordless_drill", "wat u using it for mate?", "use"),
        ("silent_zh_phone_for_father", "家里其他人也会用这部手机吗？", "user"),
        # Chinese words a word apart or turned round ("谁用" / "用…的是谁")
        ("silent_zh_phone_for_father", "用这部手机的是谁？", "user"),
        # a closing clause that says when it happened is not the question
        (
            "talkative_en_tv_setup",
            "Did anyone else use the TV just before it went wrong?",
            "by_the_way",
        ),
        # a same-sound typo is not anchored on a character as common as 不 (离不开 is not 哪里不)
        ("angry_zh_broadband_outage", "这两天有什么事情是离不开网络的？", "hidden_need"),
    ],
)
def test_needs_asked_indirectly_or_in_other_words_find_the_fact(
    library: PersonaLibrary, persona_id: str, question: str, fact_id: str
) -> None:
    assert _top(match_facts(question, library.get(persona_id))) == fact_id


def test_a_question_near_a_fact_but_not_plainly_about_one(library: PersonaLibrary) -> None:
    solar = library.get("doubtful_en_solar_quote")
    # two facts fit about as well: near both, matched by neither
    question = "How do you feel about the house?"
    assert match_facts(question, solar) == []
    assert {m.fact_id for m in near_facts(question, solar)} >= {"concern", "house"}
    # a plain question is matched, not near; one about what the scenario lacks is neither
    assert near_facts("Which way does your roof face?", solar) == []
    assert near_facts("Do you have a loyalty card with us?", solar) == []
    assert near_facts("Is there anything else I should know?", solar) == []


def test_two_questions_in_one_ask_for_both_in_the_trainers_order(library: PersonaLibrary) -> None:
    sofa = library.get("female_en_sofa")
    assert asks_several("What size and what price are you thinking of?", sofa) == [
        "room",
        "budget",
    ]
    assert (
        asks_several("How do you feel about the house?", library.get("doubtful_en_solar_quote"))
        == []
    )
    laptop = library.get("male_zh_laptop")
    assert asks_several("您的预算和用途是什么？", laptop) == ["use", "budget"]


@pytest.mark.parametrize(
    ("text", "general"),
    [
        ("还有什么想补充的吗？", True),
        ("还有其他情况吗？", True),
        ("还有什么我没问到的？", True),
        ("Is there anything else you'd like me to know?", True),
        # "what else do you particularly value" asks about something in particular
        ("您还有什么特别看重的地方？", False),
        ("What do you need it for?", False),
    ],
)
def test_invites_more_only_when_it_asks_for_more_in_general(text: str, general: bool) -> None:
    assert invites_more(text) is general


def test_colliding_about_finds_phrases_that_cannot_tell_their_fact_apart() -> None:
    facts = [
        {"id": "use", "about": ["what will you drill", "what material are the walls"]},
        {"id": "budget", "about": ["how much do you want to spend", "price range"]},
        {"id": "payer", "about": ["who is paying for it", "how much can you spend"]},
    ]
    found = {(i, j): other for i, j, other in colliding_about(facts, "cordless drills")}
    # only question words and the product's own word
    assert found[(0, 0)] is None
    # every content word also asks for another fact ("spend" / "pay" fold together) ...
    assert found[(1, 0)] == "payer" and found[(2, 1)] == "budget"
    # ... unless the other fact's phrase asks "who" and this one does not: it asks something else
    assert (2, 0) not in found and (0, 1) not in found and (1, 1) not in found


@pytest.mark.parametrize(
    ("persona_id", "question"),
    [
        # a default topic phrase ("any children") that another fact's about phrase says goes there
        ("doubtful_zh_water_purifier", "家里有小孩吗？"),
        # a word that is another word one letter away is not a typo ("stay" is not "state")
        ("arrogant_en_hotel_suite", "Are you staying with anyone?"),
    ],
)
def test_questions_that_fit_another_fact_only_by_accident_do_not_take_it(
    library: PersonaLibrary, persona_id: str, question: str
) -> None:
    top = _top(match_facts(question, library.get(persona_id)))
    assert top in (None, "hidden_need")


@pytest.mark.parametrize(
    ("persona_id", "question"),
    [
        ("arrogant_zh_watch_service", "您还有什么需要我特别留意的吗？"),
        ("doubtful_en_solar_quote", "Is there anything else I should know before we go on?"),
    ],
)
def test_general_questions_with_a_stray_topic_word_ask_for_nothing_in_particular(
    library: PersonaLibrary, persona_id: str, question: str
) -> None:
    assert match_facts(question, library.get(persona_id)) == []


def test_two_facts_fitting_alike_match_neither(library: PersonaLibrary) -> None:
    base = library.get("female_en_sofa")
    facts = [
        {"id": "shed", "value": "a wooden shed", "about": ["what is in the garden shed"]},
        {"id": "pond", "value": "a small pond", "about": ["is there a pond in the garden"]},
    ]
    persona = replace(base, id="garden_test", scenario={**base.scenario, "facts": facts})
    # "garden" fits both about as well: better to ask back than to tell the wrong one
    assert match_facts("What is your garden like?", persona) == []
    assert _top(match_facts("Is there a pond?", persona)) == "pond"
    assert _top(match_facts("What's in the shed?", persona)) == "shed"


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("What's your order number?", "en", True),
        ("Could you give me your order number, please?", "en", True),
        ("Tell me about the fault.", "en", True),
        ("I'll need the order ID.", "en", True),
        ("I'll need your order ID to look it up.", "en", True),
        ("Please provide your booking reference.", "en", True),
        ("Let me know your budget and I'll find options.", "en", True),
        ("Walk me through what happened when you unboxed it.", "en", True),
        ("I'm sorry to hear that. When did it stop working", "en", True),
        ("Would you mind telling me what the room is like?", "en", True),
        ("I was wondering what you'll mostly use it for.", "en", True),
        ("Any pets at home?", "en", True),
        ("whats ur order no pls", "en", True),
        ("Would you like to tell me more about it?", "en", True),
        ("Shall I show you the premium range, or something more affordable?", "en", True),
        ("I can send you a replacement today by express, or a full refund.", "en", False),
        ("Would you like a replacement or a refund?", "en", False),
        ("Shall I arrange a technician visit for tomorrow morning?", "en", False),
        ("How about a full refund today?", "en", False),
        ("I'm really sorry about this.", "en", False),
        ("Thank you very much, enjoy your purchase.", "en", False),
        ("I'll check that for you right away.", "en", False),
        ("We will refund the full amount within three days.", "en", False),
        ("I need to check with my manager first.", "en", False),
        ("Let me look into that for you.", "en", False),
        ("请问您的订单号是多少？", "zh", True),
        ("麻烦提供一下您的账号。", "zh", True),
        ("请告诉我具体是什么问题。", "zh", True),
        ("说说您平时怎么用车", "zh", True),
        ("您的预算大概多少", "zh", True),
        ("介绍一下您家里的情况吧", "zh", True),
        ("我需要您的维修单号。", "zh", True),
        ("是给谁买的呢", "zh", True),
        ("您要入门款还是高端一点的？", "zh", True),
        ("您的budget大概是多少？", "zh", True),
        ("非常抱歉给您带来不便。", "zh", False),
        ("我马上给您安排换货，今天就发出。", "zh", False),
        ("我们可以为您全额退款。", "zh", False),
        ("要不要我给您换一台新的？", "zh", False),
        ("给您换一台新的，可以吗？", "zh", False),
        ("谢谢您的耐心，祝您生活愉快。", "zh", False),
        ("好的，我这就帮您登记。", "zh", False),
    ],
)
def test_asks_for_information_questions_and_requests_not_statements_or_offers(
    text: str, lang: str, expected: bool
) -> None:
    assert asks_for_information(text, lang) is expected


def test_every_probe_question_asks_for_information(library: PersonaLibrary) -> None:
    for pid, _, question in FACT_PROBES:
        assert asks_for_information(question, library.get(pid).language), question


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


def test_unseen_questions_written_blind_keep_their_floors(library: PersonaLibrary) -> None:
    known = {p.id for p in library.list()}
    right = wrong = total = 0
    for pid, spec in UNSEEN.items():
        if pid not in known:
            continue
        for fid, questions in (spec.get("facts") or {}).items():
            for question in questions:
                top = _top(match_facts(question, library.get(pid)))
                total += 1
                right += top == fid
                wrong += top is not None and top != fid
    assert total >= 140
    assert right / total >= UNSEEN_RIGHT_FLOOR, f"right fact {right}/{total}"
    assert wrong <= UNSEEN_WRONG_MAX, f"wrong fact {wrong}/{total}"
    uncovered = [
        (pid, q)
        for pid, spec in UNSEEN.items()
        if pid in known
        for q in spec.get("uncovered") or ()
    ]
    matched = [(pid, q) for pid, q in uncovered if match_facts(q, library.get(pid))]
    assert len(matched) <= UNSEEN_UNCOVERED_MATCHED_MAX, matched


@pytest.mark.parametrize(
    ("persona_id", "question"),
    [
        ("angry_en_vacuum_broken", "What happened?"),
        ("angry_en_vacuum_broken", "How can I help you today?"),
        ("angry_en_vacuum_broken", "What seems to be the problem with it?"),
        ("arrogant_en_hotel_suite", "Talk me through it, sir."),
        ("female_en_sofa", "What brings you in?"),
        ("angry_zh_broadband_outage", "您遇到什么问题了？"),
        ("angry_zh_broadband_outage", "宽带怎么了？"),
        ("talkative_zh_steam_oven", "您說說是怎麼回事？"),
        ("female_zh_skincare", "您今天想看点什么？"),
        ("female_zh_skincare", "您有什么需求？"),
    ],
)
def test_questions_about_the_matter_in_general_are_open(
    library: PersonaLibrary, persona_id: str, question: str
) -> None:
    assert is_open(question, library.get(persona_id)), specific_words(
        question, library.get(persona_id)
    )


@pytest.mark.parametrize(
    ("persona_id", "question"),
    [
        ("angry_en_vacuum_broken", "What colour is it?"),
        ("angry_en_vacuum_broken", "Who's paying?"),
        # a question word that asks for one thing is enough: a time, a person, an amount
        ("talkative_en_holiday_booking", "When do you want to go?"),
        ("male_en_cordless_drill", "How much?"),
        ("angry_zh_broadband_outage", "您家是几楼？"),
        ("angry_zh_broadband_outage", "您用的是什么路由器？"),
        ("silent_zh_phone_for_father", "谁用？"),
        ("female_zh_skincare", "您每天睡幾個小時？"),
        ("male_zh_laptop", "您喜欢什么 colour？"),
    ],
)
def test_questions_about_something_in_particular_are_not_open(
    library: PersonaLibrary, persona_id: str, question: str
) -> None:
    assert not is_open(question, library.get(persona_id))


def test_an_open_word_in_a_general_question_asks_for_no_fact(library: PersonaLibrary) -> None:
    # "help" is in a phrase of the wheelchair fact ("need help getting around"), but "anything
    # else I can help with?" asks for nothing in particular
    holiday = library.get("talkative_en_holiday_booking")
    assert match_facts("Is there anything else I can help with?", holiday) == []


def test_single_characters_alone_do_not_make_a_question_about_a_fact(
    library: PersonaLibrary,
) -> None:
    # "机", "器" of the model fact's "什么机器" are the product word's characters; the question is
    # about the daughter
    oven = library.get("talkative_zh_steam_oven")
    assert _top(match_facts("您女儿有没有帮您看过这台机器？", oven)) != "model"


def test_a_short_word_a_letter_away_from_another_is_not_taken_for_it(
    library: PersonaLibrary,
) -> None:
    # "star" is not a typo of "start" (when did it start) or "stair"
    for pid in ("angry_en_vacuum_broken", "talkative_en_tv_setup", "arrogant_en_hotel_suite"):
        assert match_facts("What's your star sign?", library.get(pid)) == [], pid
    # a dropped letter in a longer word still is one
    assert _top(match_facts("whats ur ordr number?", library.get("angry_en_vacuum_broken"))) == (
        "order_number"
    )


@pytest.mark.parametrize(
    ("persona_id", "question"),
    [
        ("female_en_sofa", "Which floor do you live on?"),
        ("talkative_en_holiday_booking", "Which floor do you live on?"),
    ],
)
def test_a_fact_an_unrelated_topic_fits_better_is_not_plainly_asked(
    library: PersonaLibrary, persona_id: str, question: str
) -> None:
    # "floor" is in the living room's "floor area" and the step-free "ground floor", but where
    # the customer lives fits better: asked back, never told
    persona = library.get(persona_id)
    assert match_facts(question, persona) == []
    assert near_facts(question, persona)


def test_naming_a_fact_needs_a_word_of_what_it_is(library: PersonaLibrary) -> None:
    car = library.get("arrogant_zh_car_testdrive")
    # the driving fact's line says "我心里有数"; a budget question with 心里有数 does not restate it
    assert not names_fact("价格方面您心里有个数吗？", car, "use")
    assert names_fact("您主要是城市通勤吧？", car, "use")
    assert names_fact("是给女儿买的吧？", car, "hidden_need")


def test_a_question_about_a_person_is_not_taken_for_a_fact_no_one_asks_who_about(
    library: PersonaLibrary,
) -> None:
    # "helping out with the cost" folds to spending (the budget), but "is anyone ..." asks who:
    # the student's need has "who's helping pay for it"; the budget has no who at all
    student = library.get("silent_en_laptop_student")
    question = "Is anyone helping you choose, or helping out with the cost?"
    assert _top(match_facts(question, student)) != "budget"
    # a plain budget question is untouched
    assert _top(match_facts("What's your budget?", student)) == "budget"


def test_prepare_builds_the_indexes_a_turn_then_reuses(library: PersonaLibrary) -> None:
    from personas import listening

    persona = library.get("angry_en_vacuum_broken")
    listening._index_cache.pop(persona.id, None)
    listening._content_cache.pop(persona.id, None)
    listening.prepare(persona)
    built = listening._index_cache[persona.id][2], listening._content_cache[persona.id][1]
    match_facts("When did it stop working?", persona)
    assert listening._index_cache[persona.id][2] is built[0]
    assert listening._content_cache[persona.id][1] is built[1]


@pytest.mark.parametrize(
    ("persona_id", "question", "fact"),
    [
        # the thing asked for ("programs", "apps") is the need's, the course only sets the scene
        (
            "silent_en_laptop_student",
            "What apps does your degree expect you to run?",
            "hidden_need",
        ),
        (
            "silent_en_laptop_student",
            "Are there any programs your uni tells you to get?",
            "hidden_need",
        ),
        # "不方便" is what is asked about; the old man only says whose
        ("silent_zh_phone_for_father", "老人家用手机有什么不方便的地方？", "hidden_need"),
        # the scene-setting fact is still what a question about it asks
        ("silent_en_laptop_student", "What course are you doing?", "course"),
    ],
)
def test_the_word_a_question_asks_for_decides_between_facts(
    library: PersonaLibrary, persona_id: str, question: str, fact: str
) -> None:
    assert _top(match_facts(question, library.get(persona_id))) == fact


def test_a_word_asked_for_that_only_a_far_weaker_fact_has_does_not_override(
    library: PersonaLibrary,
) -> None:
    # "有什么考虑" asks for thoughts about the price: the budget, plainly
    skincare = library.get("female_zh_skincare")
    assert _top(match_facts("价格方面您有什么考虑？", skincare)) == "budget"


def test_a_default_phrase_asking_for_what_the_trainers_phrase_asks_is_left_to_it(
    library: PersonaLibrary,
) -> None:
    from personas import listening

    student = library.get("silent_en_laptop_student")
    index = listening._index(student)
    # the usage topic's "what programs do you run" is not the course's: the trainer wrote
    # "which programs do you need" for the need
    course_phrases = {c.phrase for c in index.cues if c.owner == "course"}
    assert "what programs do you run" not in course_phrases
    need_phrases = {c.phrase for c in index.cues if c.owner == "hidden_need"}
    assert "which programs do you need" in need_phrases


@pytest.mark.parametrize(
    ("persona_id", "question", "fact"),
    [
        (
            "doubtful_en_solar_quote",
            "What do you expect the panels to achieve for your family?",
            "hidden_need",
        ),
        ("talkative_en_holiday_booking", "And when were you planning to go?", "dates"),
    ],
)
def test_what_hopes_and_plans_ask_for(
    library: PersonaLibrary, persona_id: str, question: str, fact: str
) -> None:
    assert _top(match_facts(question, library.get(persona_id))) == fact


def test_take_your_time_is_filler_in_an_open_invitation(library: PersonaLibrary) -> None:
    oven = library.get("talkative_zh_steam_oven")
    assert is_open("别急，慢慢讲，还有别的情况吗？", oven)
    assert match_facts("别急，慢慢讲，还有别的情况吗？", oven) == []


def test_a_match_on_hints_only_is_at_most_near(library: PersonaLibrary) -> None:
    # an offer of a new strap shares only single characters (表, 带) with the watch's story
    # ("表是怎么来的"): not a question about it, whatever the share of the reply
    watch = library.get("arrogant_zh_watch_service")
    assert match_facts("要我们顺手帮您把表带也换了吗？", watch) == []
    # a question in words of content still is
    assert _top(match_facts("这块表是谁送给您的？", watch)) == "hidden_need"


@pytest.mark.parametrize(
    ("persona_id", "question"),
    [
        # the thing asked for is nothing of this scenario's, whatever the rest shares with a fact
        ("talkative_en_holiday_booking", "Which train station suits you best?"),
        ("arrogant_en_hotel_suite", "Do you need a late checkout during your stay?"),
        ("doubtful_en_solar_quote", "Have you had an electrician look at the wiring lately?"),
    ],
)
def test_a_question_asking_for_a_thing_no_fact_is_about_draws_none(
    library: PersonaLibrary, persona_id: str, question: str
) -> None:
    assert match_facts(question, library.get(persona_id)) == []


@pytest.mark.parametrize(
    ("persona_id", "question", "fact"),
    [
        # typos, "kinda", and a new word for a known thing still ask for the fact
        ("silent_en_laptop_student", "which coarse are u on?", "course"),
        ("female_en_sofa", "wat kinda budget r u after?", "budget"),
        ("female_en_sofa", "Do you have any kittens at home?", "hidden_need"),
        ("talkative_en_holiday_booking", "Will you need a room with level access?", "by_the_way"),
    ],
)
def test_a_thing_asked_for_in_other_words_is_still_a_facts(
    library: PersonaLibrary, persona_id: str, question: str, fact: str
) -> None:
    assert _top(match_facts(question, library.get(persona_id))) == fact


def test_a_phrase_synonym_with_an_apostrophe_folds(library: PersonaLibrary) -> None:
    # "what's got you" asks why (topics.yml folds it), as the text is read: apostrophe and all
    solar = library.get("doubtful_en_solar_quote")
    assert _top(match_facts("What's got you interested in panels right now?", solar)) == (
        "hidden_need"
    )


def test_chat_shorthand_for_could_still_asks(library: PersonaLibrary) -> None:
    hotel = library.get("arrogant_en_hotel_suite")
    assert asks_for_information("cld u give me the booking ref", "en")
    assert _top(match_facts("cld u give me the booking ref", hotel)) == "booking_ref"


def test_a_use_case_is_a_purpose_not_a_case(library: PersonaLibrary) -> None:
    drill = library.get("male_en_cordless_drill")
    assert match_facts("Do you need a storage case for it?", drill) == []


def test_a_choice_between_things_no_fact_is_about_draws_none(library: PersonaLibrary) -> None:
    laptop = library.get("male_zh_laptop")
    assert match_facts("您平时用 Linux 还是 Windows？", laptop) == []
    # a choice between things a fact is about still asks for it
    assert _top(match_facts("主要是剪视频还是打游戏？", laptop)) == "use"
    drill = library.get("male_en_cordless_drill")
    # "or have you got those?" offers no second thing: the batteries are still asked about
    assert (
        _top(match_facts("Do you need batteries in the box or have you got some already?", drill))
        == "hidden_need"
    )


def test_any_new_developments_at_home_asks_for_the_need(library: PersonaLibrary) -> None:
    purifier = library.get("doubtful_zh_water_purifier")
    assert _top(match_facts("家里最近是有什么新变化吗？", purifier)) == "hidden_need"


def test_looking_for_is_no_word_of_content(library: PersonaLibrary) -> None:
    # "想找什么样的" (what kind are you looking for) asks about nothing in particular
    phone = library.get("silent_zh_phone_for_father")
    assert is_open("您想找一款什么样的？", phone)


def test_a_hyphenated_phrase_folds_as_the_spaced_one(library: PersonaLibrary) -> None:
    # "check-in" and "checked in" are one word here, so "check out" shares no word with them
    hotel = library.get("arrogant_en_hotel_suite")
    assert _top(match_facts("What went wrong at check-in?", hotel)) == "problem"
    assert _top(match_facts("Did anything go wrong when you checked in?", hotel)) == "problem"
    assert match_facts("What time would you like to check out?", hotel) == []
    assert match_facts("Will you need a late check-out?", hotel) == []


def test_how_long_in_chinese_is_a_question_word_not_a_topic(library: PersonaLibrary) -> None:
    # 多久 asks "how long" as "how long" does: it alone does not make a question about the
    # purchase date ("买了多久"), the way cleaning or cooking "how often" would otherwise
    oven = library.get("talkative_zh_steam_oven")
    assert match_facts("您多久清洁一次？", oven) == []
    assert match_facts("平时多久做一次饭？", oven) == []
    assert _top(match_facts("这台机器买了多久了？", oven)) == "model"


def test_big_as_in_important_is_no_size(library: PersonaLibrary) -> None:
    # "how big" asks a size; "a big occasion" does not, and a size question is not the need
    hotel = library.get("arrogant_en_hotel_suite")
    assert _top(match_facts("Is it a big occasion for you?", hotel)) == "hidden_need"
    vacuum = library.get("angry_en_vacuum_broken")
    assert match_facts("What size is the house?", vacuum) == []
    assert match_facts("How big is your flat?", vacuum) == []


def test_food_is_not_a_need_for_help_getting_about(library: PersonaLibrary) -> None:
    holiday = library.get("talkative_en_holiday_booking")
    assert match_facts("Any food allergies or dietary needs we should pass on?", holiday) == []
    assert _top(match_facts("Does either of you need help getting about?", holiday)) == (
        "by_the_way"
    )


def test_where_a_laptop_is_used_is_not_what_it_is_used_for(library: PersonaLibrary) -> None:
    # where: the portability need (out and about, on trips); what for: the usage
    laptop = library.get("male_zh_laptop")
    assert _top(match_facts("您通常在什么地方用这台电脑？", laptop)) != "use"
    assert _top(match_facts("这台电脑主要用来干什么？", laptop)) == "use"


def test_how_far_is_a_distance_not_a_watch_running_slow(library: PersonaLibrary) -> None:
    tv = library.get("talkative_en_tv_setup")
    assert match_facts("How far is the sofa from the TV?", tv) == []
    watch = library.get("arrogant_zh_watch_service")
    assert _top(match_facts("这块表一天慢多少？", watch)) == "problem"


@pytest.mark.parametrize(
    ("persona_id", "question"),
    [
        # how they get there is not when they go
        ("talkative_en_holiday_booking", "Will you be driving down or taking the train?"),
        ("talkative_en_holiday_booking", "Which airport would you fly from?"),
        # where it was bought (an agent, abroad) is not the occasion
        ("arrogant_en_hotel_suite", "Did you book through a website or with us?"),
        ("arrogant_zh_watch_service", "这块表是在国外买的吗？"),
        # permission and access for the fitters is not the house itself
        ("doubtful_en_solar_quote", "Would you need planning permission for the panels?"),
        # cleaning it is not when it was bought
        ("talkative_zh_steam_oven", "您平时多久除一次垢？"),
        ("talkative_zh_steam_oven", "用完以后您一般怎么清洁？"),
        # how it is connected is not the fault
        ("angry_zh_broadband_outage", "您家里电脑是插网线还是连wifi？"),
        # how firm a seat they like is not who is at home
        ("female_en_sofa", "Do you like a firm seat or something softer?"),
        # where the set stands is not what is on its screen
        ("talkative_en_tv_setup", "Is the TV on a stand or mounted?"),
    ],
)
def test_a_question_about_a_topic_no_fact_names_draws_no_fact(
    library: PersonaLibrary, persona_id: str, question: str
) -> None:
    persona = library.get(persona_id)
    assert match_facts(question, persona) == []


@pytest.mark.parametrize(
    ("persona_id", "question", "fact_id"),
    [
        ("talkative_en_holiday_booking", "When would you like to travel?", "dates"),
        ("talkative_en_holiday_booking", "Does either of you use a wheelchair?", "by_the_way"),
        ("doubtful_en_solar_quote", "Which way does your roof face?", "house"),
        ("angry_zh_broadband_outage", "光猫上的灯是什么颜色？", "problem"),
        (
            "angry_en_vacuum_broken",
            "Does it charge at all when it sits on the dock?",
            "problem",
        ),
    ],
)
def test_the_new_topics_leave_the_facts_questions_alone(
    library: PersonaLibrary, persona_id: str, question: str, fact_id: str
) -> None:
    assert _top(match_facts(question, library.get(persona_id))) == fact_id


def test_a_leading_so_that_clause_is_why_it_is_asked_not_what(library: PersonaLibrary) -> None:
    holiday = library.get("talkative_en_holiday_booking")
    question = (
        "So that everything is ready for you, does either of you have trouble with steps, "
        "or need any special equipment?"
    )
    assert _top(match_facts(question, holiday)) == "by_the_way"


def test_a_thing_asked_for_no_fact_is_about_beside_one_a_fact_is_still_asks_for_it(
    library: PersonaLibrary,
) -> None:
    # "equipment" is no fact's, but the steps offered beside it are the mobility fact's
    holiday = library.get("talkative_en_holiday_booking")
    question = "Does either of you struggle with stairs, or need any particular equipment?"
    assert _top(match_facts(question, holiday)) == "by_the_way"
    # the thing alone, with nothing of a fact beside it, still draws none
    laptop = library.get("silent_en_laptop_student")
    assert match_facts("Do you need any particular carry case?", laptop) == []


def test_a_word_only_an_uncovered_topic_asks_with_still_names_what_a_fact_says(
    library: PersonaLibrary,
) -> None:
    # 视频 is a usage word of the built-in topics (剪视频), but no fact of this scenario asks
    # with it: naming it (and the grandson) asks for the need that says it
    phone = library.get("silent_zh_phone_for_father")
    assert _top(match_facts("他平时会跟孙子视频聊天吗？", phone)) == "hidden_need"


def test_which_other_matters_invites_more_but_which_feature_asks_one() -> None:
    assert invites_more("您还有哪些方面想跟我聊聊？")
    assert invites_more("还有哪些问题吗？")
    assert invites_more("有其他需要的话随时跟我说")
    assert not invites_more("还有哪些功能您比较看重？")
    # other things that need something done are things, not an invitation
    assert not invites_more("您还有别的需要维修的电器吗？")
    assert invites_more("还有别的需要补充的吗？")


def test_how_a_thing_is_used_asks_what_for_not_about_the_thing(library: PersonaLibrary) -> None:
    # naming the room in "how do you use the room" does not ask its size
    sofa = library.get("female_en_sofa")
    assert match_facts("How do you use the room most evenings?", sofa) == []
    assert _top(match_facts("How big is your living room?", sofa)) == "room"
    # where a fact is about what it is for, "how will you use it" asks for that fact
    drill = library.get("male_en_cordless_drill")
    assert _top(match_facts("How will you use the drill?", drill)) == "use"


def test_chat_contractions_are_the_words_they_stand_for(library: PersonaLibrary) -> None:
    laptop = library.get("silent_en_laptop_student")
    assert specific_words("whatcha gonna study?", laptop) == ["study"]
    # "go for" is choosing, not a purpose
    assert specific_words("wat kinda budget u wanna go for?", laptop) == ["预算"]
    assert _top(match_facts("wat kinda budget u wanna go for?", laptop)) == "budget"


def test_light_jobs_are_a_use_not_a_weight(library: PersonaLibrary) -> None:
    # "how light" asked portability through the bare word; the weight is asked as a weight
    drill = library.get("male_en_cordless_drill")
    question = "Do you need something with real punch, or is it mostly light stuff?"
    assert _top(match_facts(question, drill)) == "use"
    laptop = library.get("male_zh_laptop")
    assert _top(match_facts("How lightweight does it need to be?", laptop)) == "hidden_need"


def test_shorthand_and_polite_indirect_requests_ask(library):
    """Session 8 (blind set 8): 'order no pls' asks for the order number; 'I'd genuinely like
    to know what…' asks; a please that only asks the customer to wait asks nothing."""
    vacuum = library.get("angry_en_vacuum_broken")
    assert asks_for_information("ref no pls", "en")
    assert asks_for_information("your postcode please", "en")
    assert asks_for_information(
        "First I'd really like to know what went wrong with the delivery.", "en"
    )
    assert not asks_for_information("Bear with me please.", "en")
    assert not asks_for_information("One moment please", "en")
    assert match_facts("order no pls", vacuum)[0].fact_id == "order_number"


def test_kept_fact_scores_equal_fresh_ones_and_callers_cannot_change_them(
    library: PersonaLibrary,
) -> None:
    from personas import listening

    for pid, _fid, question in FACT_PROBES[:: max(1, len(FACT_PROBES) // 60)]:
        index = listening._index(library.get(pid))
        fresh = index._scores(question)
        first = index.scores(question)
        assert first == fresh
        first.clear()  # a caller changing its copy
        assert index.scores(question) == fresh
    # the memo stays bounded
    assert all(
        len(listening._index(p).__dict__.get("_scores_memo", {})) <= listening._SCORES_MEMO
        for p in library.list()
    )
