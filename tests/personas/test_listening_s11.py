"""Reading what a reply asks and what it does (session 11, issue 13): a yes/no question about a
thing whose name leads with a word nothing in the scenario knows ("Have you got a soundbar
connected?", "表镜上有没有划痕？") asks about no fact, however a word of it meets a fact's cue; a
guessed use ("Do you play games?") asks for the usage fact only when that fact says it; a clause
or a sentence that says what the answer is for is not what is asked, and names no remedy; the
product's own verb asks for its use ("What are you drilling into?"); a reply that is nothing but
thanks for the customer's patience leaves their question unanswered; a pitch that names no
remedy and nothing of theirs is hollow; words with no content of their own restate nothing.
Sentences are this module's own."""

from __future__ import annotations

import copy

import pytest
from persona_scripts import analysis as said

from personas import PersonaLibrary, engine, listening, relevance

TV = "talkative_en_tv_setup"
DRILL = "male_en_cordless_drill"
WATCH = "arrogant_zh_watch_service"
LAPTOP = "silent_en_laptop_student"
OVEN = "talkative_zh_steam_oven"
VACUUM = "angry_en_vacuum_broken"
EDITOR = "male_zh_laptop"
PHONE = "silent_zh_phone_for_father"


@pytest.mark.parametrize(
    ("persona_id", "text"),
    [
        (TV, "Have you got a soundbar hooked up?"),
        (TV, "Do you have a satellite dish or only an aerial?"),
        (TV, "What time do your cookery programmes come on?"),
        (DRILL, "Would you like a laser level with it?"),
        (DRILL, "Do you need a dust extractor as well?"),
        (WATCH, "表镜上有没有划痕？"),
        (WATCH, "您这块表是皮表带还是钢表带？"),
        (LAPTOP, "Do you play video games much?"),
    ],
)
def test_a_thing_nothing_in_the_scenario_knows_asks_for_no_fact(
    library: PersonaLibrary, persona_id: str, text: str
):
    assert listening.match_facts(text, library.get(persona_id)) == []


@pytest.mark.parametrize(
    ("persona_id", "text", "fact"),
    [
        (VACUUM, "Do you have the order number handy?", "order_number"),
        (DRILL, "Do you already have any batteries?", "hidden_need"),
        (EDITOR, "您是剪视频的吗？", "use"),
        (DRILL, "What are you drilling into?", "use"),
        (DRILL, "Hi. What will you be drilling, and by when?", "use"),
    ],
)
def test_a_thing_the_scenario_knows_still_asks_for_its_fact(
    library: PersonaLibrary, persona_id: str, text: str, fact: str
):
    asked = listening.match_facts(text, library.get(persona_id))
    assert asked and asked[0].fact_id == fact


def test_a_clause_saying_what_the_answer_is_for_is_not_asked(library: PersonaLibrary):
    persona = library.get(OVEN)
    assert listening.match_facts("阿姨您住哪个小区，我看看师傅几点能到。", persona) == []


def test_a_sentence_after_the_question_saying_what_it_is_for_names_no_remedy():
    text = "When did you buy it? Then I can look up the right instructions for you."
    assert "instructions" not in listening.without_purpose(text)
    # a sentence that offers, with no question before it, stays
    assert "instructions" in listening.without_purpose("Then I can send you the instructions.")


def test_thanks_for_patience_alone_leaves_the_customers_question_unanswered(
    library: PersonaLibrary,
):
    persona = library.get(EDITOR)
    state = copy.deepcopy(engine.start(persona, 1)["state"])
    assert state["last_line"].endswith("？")
    r = engine.react(persona, state, said("thanks_closing", lang="zh"), text="感谢您的耐心等待！")
    assert r["state"]["heard"]["kind"] == "unanswered"
    assert r["state"]["mood"]["patience"] < state["mood"]["patience"]
    # with an answer after the thanks it is no such thing
    state2 = copy.deepcopy(engine.start(persona, 1)["state"])
    r2 = engine.react(
        persona,
        state2,
        said("thanks_closing", "inform", lang="zh"),
        text="感谢您的耐心等待，现货有两款：32G内存的8999和64G的11999。",
    )
    assert r2["state"]["heard"]["kind"] != "unanswered"


@pytest.mark.parametrize(
    "text",
    ["Thanks so much for your patience!", "Sorry for the wait, thank you.", "让您久等了，谢谢"],
)
def test_thanks_for_patience_is_read_whole(text: str):
    assert engine._THANKS_FOR_PATIENCE.search(text)


def test_thanks_for_patience_before_an_answer_is_not_alone():
    assert not engine._THANKS_FOR_PATIENCE.search("Thank you for your patience: it ships today.")


def test_a_pitch_that_names_no_remedy_and_nothing_of_theirs_is_hollow(library: PersonaLibrary):
    persona = library.get(EDITOR)
    state = copy.deepcopy(engine.start(persona, 1)["state"])
    state["turn"] = 3
    pitch = "您可以关注一下我们的公众号，关注就有小礼品哦。"
    assert relevance.hollow(persona, state, pitch, ["offer_solution"], asks=False) == (
        "off_the_point"
    )
    fitting = "剪4K的话这台32G内存、独显，1.6公斤，续航10小时，7999，您看？"
    assert relevance.hollow(persona, state, fitting, ["recommend"], asks=False) is None


def test_words_with_no_content_of_their_own_restate_nothing(library: PersonaLibrary):
    persona = library.get(PHONE)
    told = [f["id"] for f in persona.facts]
    text = "这个我不太清楚呢，您可以自己看看。"
    assert not [m for m in listening.mentions(text, persona, told) if m.score >= 0.7]
