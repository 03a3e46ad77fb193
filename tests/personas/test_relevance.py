"""Goodwill is earned by speaking to this customer, not by a move's label (personas.relevance).

A reply filed as information, reassurance or a follow-up that touches nothing of the customer's
matter (a spiel, an upsell, "one moment please"), a vague promise, sending the customer off to
look it up, "as I already said" and the same reply pasted again are hollow service: no trust is
earned and the type's `perfunctory` and `stall` costs apply. Replies that speak to the customer
keep their credit. Driven through personas.engine with the reply's words and given moves."""

from __future__ import annotations

import copy

import pytest
from persona_scripts import analysis as said

from personas import PersonaLibrary, engine, relevance

VACUUM = "angry_en_vacuum_broken"
SOFA = "female_en_sofa"
BROADBAND = "angry_zh_broadband_outage"
PHONE = "silent_zh_phone_for_father"


def _after_hello(library: PersonaLibrary, persona_id: str) -> tuple[object, dict]:
    persona = library.get(persona_id)
    state = engine.start(persona, 3)["state"]
    hello = "您好。" if persona.language == "zh" else "Hello."
    state = engine.react(persona, state, said("greeting", lang=persona.language), text=hello)[
        "state"
    ]
    return persona, state


@pytest.mark.parametrize(
    ("persona_id", "text", "moves", "why"),
    [
        (
            VACUUM,
            "We pride ourselves on engineering excellence across our whole range of products.",
            ["inform"],
            "off_the_point",
        ),
        (VACUUM, "Bear with me while the screen refreshes, thanks.", ["inform"], "off_the_point"),
        (
            VACUUM,
            "Somebody from our escalations team will reach out to you in due course.",
            ["follow_up", "reassurance"],
            "vague_promise",
        ),
        (
            SOFA,
            "You can compare every model on our website and order online whenever suits you.",
            ["inform"],
            "elsewhere",
        ),
        (BROADBAND, "这边已经帮您登记了，后续会有同事跟进处理。", ["follow_up"], "vague_promise"),
        (BROADBAND, "我们公司成立二十多年了，连续多年获得行业大奖。", ["inform"], "off_the_point"),
        (PHONE, "具体参数您去详情页自己研究一下就行。", ["inform"], "elsewhere"),
    ],
)
def test_a_hollow_reply_earns_no_goodwill_and_costs_patience(
    library: PersonaLibrary, persona_id: str, text: str, moves: list[str], why: str
) -> None:
    persona, state = _after_hello(library, persona_id)
    out = engine.react(persona, state, said(*moves, lang=persona.language), text=text)
    after = out["state"]
    assert after["heard"]["hollow"] == why, after["heard"]
    assert after["mood"]["trust"] <= state["mood"]["trust"]
    assert after["mood"]["patience"] < state["mood"]["patience"]
    assert out["reaction"] not in ("positive",)
    # information that answers nothing is no evidence toward what a type needs before deciding
    assert after["moves_seen"].get("inform", 0) == state["moves_seen"].get("inform", 0)


@pytest.mark.parametrize(
    ("persona_id", "text", "moves"),
    [
        (
            VACUUM,
            "I can see the charging dock never powered on, that's not acceptable.",
            ["inform"],
        ),
        (VACUUM, "I'll call you back before 5pm today with the courier's answer.", ["follow_up"]),
        (SOFA, "That velvet is 1,150 and the frame is 2.1 m wide.", ["inform"]),
        (SOFA, "A tight weave would stand up much better to claws.", ["inform"]),
        (BROADBAND, "光猫LOS灯红闪一般是外线断了，不是您家里设备的问题。", ["inform"]),
        (PHONE, "这款有长辈模式，字大声音大，视频通话也是一键就能打。", ["inform"]),
    ],
)
def test_a_reply_about_the_customers_matter_keeps_its_credit(
    library: PersonaLibrary, persona_id: str, text: str, moves: list[str]
) -> None:
    persona, state = _after_hello(library, persona_id)
    out = engine.react(persona, state, said(*moves, lang=persona.language), text=text)
    assert "hollow" not in (out["state"]["heard"] or {}), out["state"]["heard"]


def test_as_i_said_and_a_pasted_reply_are_hollow_even_when_on_the_matter(
    library: PersonaLibrary,
) -> None:
    persona, state = _after_hello(library, VACUUM)
    line = "I can see the charging dock never powered on, that's not acceptable."
    first = engine.react(persona, state, said("inform"), text=line)
    assert "hollow" not in (first["state"]["heard"] or {})
    again = engine.react(persona, first["state"], said("inform"), text=line + " ")
    assert again["state"]["heard"]["hollow"] == "repeated"
    thrown_back = engine.react(
        persona, first["state"], said("inform"), text="Like I said, the dock is faulty."
    )
    assert thrown_back["state"]["heard"]["hollow"] == "as_i_said"
    assert thrown_back["state"]["mood"]["anger"] > first["state"]["mood"]["anger"]


def test_chinese_as_i_said_is_heard_but_the_customers_own_words_are_not_it() -> None:
    assert relevance._AS_I_SAID.search("我刚才已经跟您解释过了，这个是正常的。")
    assert relevance._AS_I_SAID.search("As I've already mentioned, there's nothing more to do.")
    assert not relevance._AS_I_SAID.search("您刚才说过光猫红灯一直闪，对吗？")
    assert not relevance._AS_I_SAID.search("我刚才说的那款，您觉得怎么样？")
    assert not relevance._AS_I_SAID.search("As you said, the dock never lit up.")


def test_a_first_hello_a_goodbye_and_a_follow_up_to_an_offer_are_not_hollow(
    library: PersonaLibrary,
) -> None:
    persona = library.get(SOFA)
    state = engine.start(persona, 2)["state"]
    hello = engine.react(
        persona,
        state,
        said("greeting", "reassurance"),
        text="Hi there, take your time, I'm here whenever you want me.",
    )
    assert "hollow" not in (hello["state"]["heard"] or {})
    later = copy.deepcopy(hello["state"])
    later["offer"] = {"turn": later["turn"], "remedies": [], "fits": True, "judged": "accepted"}
    later["accepted"] = "offer"
    bye = engine.react(
        persona,
        later,
        said("thanks_closing", "follow_up"),
        text="Thanks so much, I'll check in after it's delivered.",
    )
    assert "hollow" not in (bye["state"]["heard"] or {})


def test_a_stalling_agent_drives_an_angry_customer_off(library: PersonaLibrary) -> None:
    persona = library.get(VACUUM)
    state = engine.start(persona, 5)["state"]
    stalls = [
        ("Good morning, you're through to the help desk.", ["greeting"]),
        ("Give me a second while I open the right screen.", ["inform"]),
        ("The screen's taking its time, sorry about that.", ["apology"]),
        ("I'll make sure your comments reach the appropriate department.", ["follow_up"]),
        ("As I said, I'll pass it on.", ["inform"]),
        ("I'll make sure your comments reach the appropriate department.", ["follow_up"]),
        ("Our products are some of the best rated on the market.", ["inform"]),
        ("Thanks for bearing with me.", ["thanks_closing"]),
    ]
    out = None
    for text, moves in stalls:
        out = engine.react(persona, state, said(*moves), text=text)
        state = out["state"]
        if out["ended"]:
            break
    assert out is not None and out["ended"], out["state"]["mood"]
    assert out["outcome"] in ("walked_away", "escalated")


def test_a_short_check_asked_again_is_not_copy_paste() -> None:
    assert not relevance.said_before("Does that work for you?", ["Does that work for you?"])
    assert not relevance.said_before("您看这样可以吗？", ["您看这样可以吗？"])
    line = "I'll make sure your comments reach the appropriate department."
    assert relevance.said_before(line, ["Hello.", line])
    zh = "这个情况我们会反馈给相关部门，有结果了会通知您。"
    assert relevance.said_before(zh, [zh])
