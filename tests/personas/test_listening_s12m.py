"""Poor agents in new voices (session 12, issue 13): an "anything else?" dressed with a form of
address or chat decoration is still a way out; a holding line in e-commerce chat style (「请亲耐心
等待」「会有同事跟进的」「帮您催一下了」) is a vague promise; a customer sent to head office or to
someone else is sent away whatever else the reply says; an agent who shrugs ("I'm not sure, I
think it's fine", 「我也不太确定」) without going to find out gives no answer. Sentences are this
module's own (seed 002 §2a 「不要隨意猜測或給出模糊的答案」, 000 §2, 001 R-LIS-4, 003 Ch3.1)."""

from __future__ import annotations

import copy

import pytest
from persona_scripts import analysis as said

from personas import PersonaLibrary, engine, relevance

SOFA = "female_en_sofa"
OVEN = "talkative_zh_steam_oven"
BROADBAND = "angry_zh_broadband_outage"
SOLAR = "doubtful_en_solar_quote"
HOTEL = "arrogant_en_hotel_suite"
PURIFIER = "doubtful_zh_water_purifier"


@pytest.mark.parametrize(
    ("persona_id", "text", "moves"),
    [
        (SOFA, "Will there be anything else I can help you with today, sir?", ["closed_question"]),
        (SOFA, "Anything else, Mrs Patel?", ["closed_question"]),
        (OVEN, "请问还有别的需要吗阿姨？😊", ["thanks_closing", "closed_question"]),
        (BROADBAND, "还有什么能帮上您的吗？么么哒", ["thanks_closing", "closed_question"]),
        (BROADBAND, "还有其他可以帮到亲的吗~", ["closed_question", "confirm"]),
    ],
)
def test_anything_else_with_a_form_of_address_is_still_a_way_out(
    library: PersonaLibrary, persona_id: str, text: str, moves: list[str]
) -> None:
    persona = library.get(persona_id)
    state = engine.start(persona, 1)["state"]
    out = engine.react(persona, state, said(*moves, lang=persona.language), text=text)
    assert out["state"]["heard"]["kind"] == "closing", out["state"]["heard"]
    assert "facts_revealed" in out["state"] and not out["state"]["facts_revealed"]


def test_a_real_question_with_a_form_of_address_is_still_a_question() -> None:
    assert not engine._ANYTHING_ELSE.search(engine._bare_of_address("What else do you need, sir?"))
    assert not engine._ANYTHING_ELSE.search(
        engine._bare_of_address("Anything else I should know about the stain, madam?")
    )


@pytest.mark.parametrize(
    "text",
    [
        "我这边帮亲催一下哈，请亲耐心等等~",
        "已经登记好了，会有专人跟进的哦",
        "等有进展了我们第一时间通知您",
    ],
)
def test_chat_style_holding_lines_are_vague_promises(library: PersonaLibrary, text: str) -> None:
    persona = library.get(BROADBAND)
    state = copy.deepcopy(engine.start(persona, 1)["state"])
    state["turn"] = 3
    assert relevance.hollow(persona, state, text, ["inform"], asks=False) == "vague_promise"


@pytest.mark.parametrize(
    ("persona_id", "text"),
    [
        (HOTEL, "If the suite matters that much, feel free to write to head office about it."),
        (SOLAR, "Best ask someone else about the battery warranty, honestly."),
        (PURIFIER, "滤芯的事您可以问问别人，我这边说不好。"),
    ],
)
def test_a_customer_sent_to_someone_else_is_sent_away(
    library: PersonaLibrary, persona_id: str, text: str
) -> None:
    persona = library.get(persona_id)
    state = copy.deepcopy(engine.start(persona, 1)["state"])
    state["turn"] = 3
    assert relevance.hollow(persona, state, text, ["inform"], asks=False) == "elsewhere"


@pytest.mark.parametrize(
    ("persona_id", "text", "hollow"),
    [
        (SOLAR, "Honestly I don't know what the payback is, it's probably fine.", "not_knowing"),
        (PURIFIER, "这个滤芯寿命我也不太清楚，应该还行吧。", "not_knowing"),
        (SOLAR, "I'm not sure about the insurer, let me check and I'll tell you.", None),
        (PURIFIER, "这个我不太确定，我现在帮您查一下。", None),
        (SOLAR, "I'm not 100% sure, so I'll email you the insurer's name by 5 pm today.", None),
    ],
)
def test_a_shrug_without_finding_out_is_no_answer(
    library: PersonaLibrary, persona_id: str, text: str, hollow: str | None
) -> None:
    persona = library.get(persona_id)
    state = copy.deepcopy(engine.start(persona, 1)["state"])
    state["turn"] = 3
    time_frame = "by 5 pm today" if "5 pm" in text else None
    got = relevance.hollow(persona, state, text, ["inform"], asks=False, time_frame=time_frame)
    if hollow:
        assert got == hollow
    else:
        # going to find out is no shrug (whether it is about their matter is judged as usual)
        assert got != "not_knowing"


def test_a_silent_customers_provoked_line_does_not_say_they_leave(library: PersonaLibrary) -> None:
    # a line that says "I'll just go" while the customer stays contradicts the conversation
    persona = library.get("silent_en_laptop_student")
    for line in persona.lines.get("provoked", []) if hasattr(persona, "lines") else []:
        assert "go" not in line.lower().split()


def _statement(text: str) -> dict:
    """The analysis of a reply in which nothing was recognised: the default statement."""
    return {
        "moves": [{"move": "inform", "confidence": 0.4}],
        "scores": {"empathy": 0.3, "politeness": 0.5},
        "entities": [],
        "cues": [{"cue": "statement", "match": text[:40]}],
        "lang": "en",
    }


def test_a_statement_nothing_could_place_earns_no_goodwill(library: PersonaLibrary) -> None:
    # unknown is not good: the default reading of an unplaced reply gives no trust, and since
    # it moves nothing forward the customer's patience pays the type's stall
    persona = library.get(SOLAR)
    state = copy.deepcopy(engine.start(persona, 1)["state"])
    state["turn"] = 2
    text = "The payback on solar is really good, everyone says so."
    out = engine.react(persona, state, _statement(text), text=text)
    assert out["state"]["mood"]["trust"] <= state["mood"]["trust"]
    assert out["state"]["mood"]["patience"] < state["mood"]["patience"]
    assert out["state"]["heard"].get("moved") is not True
    # the same words read as information (a cue or the classifier placed them) still count
    placed = said("inform")
    out2 = engine.react(persona, copy.deepcopy(state), placed, text=text)
    assert out2["state"]["mood"]["trust"] > state["mood"]["trust"]


def test_figures_about_their_matter_are_evidence_even_unplaced(library: PersonaLibrary) -> None:
    persona = library.get(SOLAR)
    state = copy.deepcopy(engine.start(persona, 1)["state"])
    state["turn"] = 2
    text = "A 4 kW system makes about 3,800 kWh a year, so the payback is about eight years."
    out = engine.react(persona, state, _statement(text), text=text)
    assert out["state"]["mood"]["trust"] > state["mood"]["trust"]


def test_unplaced_is_only_the_default_statement() -> None:
    assert engine._unplaced_statement(_statement("Something or other."))
    assert not engine._unplaced_statement(said("inform"))
    assert not engine._unplaced_statement(said("inform", "empathy"))


@pytest.mark.parametrize(
    ("persona_id", "text"),
    [
        (HOTEL, "Good morning and thank you for contacting us!"),
        (BROADBAND, "您好，感谢您的来电！"),
    ],
)
def test_thanks_for_getting_in_touch_opens_it_says_no_goodbye(
    library: PersonaLibrary, persona_id: str, text: str
) -> None:
    persona = library.get(persona_id)
    state = engine.start(persona, 1)["state"]
    out = engine.react(
        persona, state, said("greeting", "thanks_closing", lang=persona.language), text=text
    )
    assert out["state"]["heard"]["kind"] != "closing", out["state"]["heard"]


@pytest.mark.parametrize(
    "text",
    [
        "Delivery dates are as per the system, I will not be able to confirm them.",
        "I can't explain why it happened, it's just how it is.",
    ],
)
def test_a_request_verb_the_agent_will_not_do_asks_nothing(text: str) -> None:
    from personas import listening

    assert not listening.asks_for_information(text, "en")
    assert listening.asks_for_information("Please confirm your postcode.", "en")


@pytest.mark.parametrize("text", ["您是真懂车的人，咱们不走流程。", "您批评得对，是我跑偏了。"])
def test_deference_in_chinese_is_respect(text: str) -> None:
    assert engine._RESPECT.search(text)


@pytest.mark.parametrize(
    ("text", "lang"),
    [("Might I trouble you for your postcode?", "en"), ("劳烦您告知一下订单号。", "zh")],
)
def test_formal_requests_ask(text: str, lang: str) -> None:
    from personas import listening

    assert listening.asks_for_information(text, lang)


def test_an_analogy_restates_nothing_of_theirs(library: PersonaLibrary) -> None:
    persona = library.get("silent_zh_phone_for_father")
    state = engine.start(persona, 1)["state"]
    text = "打个比方，给老人家买手机就像给他配老花镜，得合他用。他平时用手机做什么？"
    # read as a restatement with a question (the analogy's words look like a paraphrase)
    out = engine.react(persona, state, said("paraphrase", "open_question", lang="zh"), text=text)
    heard = out["state"]["heard"]
    assert not (heard.get("kind") == "check" and heard.get("result") == "recognised"), heard
    assert "user" not in out["state"]["facts_revealed"]
    assert engine._ANALOGY.sub(" ", "It's a bit like a car's first service. When did it start?")
