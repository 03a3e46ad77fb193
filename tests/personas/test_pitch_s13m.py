"""A sales pitch in place of the customer's matter (session 13, issue 13): a promotion, an add-on,
a membership or another product, however it is put (a question, a proposal with a date, after a
word of sympathy), earns none of the goodwill its label would; a recommendation built on the
customer's need is no pitch, however it is sold. Sentences are this module's own (seed 003 Ch3.2,
001 R-LIS-D1, 001 售前)."""

from __future__ import annotations

import pytest
from persona_scripts import analysis as said

from personas import PersonaLibrary, engine, relevance

SOLAR = "doubtful_en_solar_quote"
TV = "talkative_en_tv_setup"
CAR = "arrogant_zh_car_testdrive"
OVEN = "talkative_zh_steam_oven"
DRILL = "male_en_cordless_drill"
HOTEL = "arrogant_en_hotel_suite"


@pytest.mark.parametrize(
    ("persona_id", "text"),
    [
        (SOLAR, "Quick one first: have you seen our new smart radiator valves? Huge seller."),
        (SOLAR, "Pair it with our home battery bundle and the premium app tier is free."),
        (TV, "Did you know our new 65-inch model is on sale this weekend?"),
        (TV, "You could trade yours in and upgrade to the latest model today."),
        (CAR, "您先看看我们的装潢套餐，贴膜加脚垫今天只要两千九。"),
        (CAR, "办一张会员积分卡吧，保养洗车都打折。"),
        (OVEN, "对了阿姨，新款空气炸锅现在有活动，要不要顺便看看？"),
        (DRILL, "Have you got our loyalty card? Double points on everything this week."),
    ],
)
def test_a_pitch_off_the_customers_matter_is_hollow(
    library: PersonaLibrary, persona_id: str, text: str
) -> None:
    persona = library.get(persona_id)
    state = engine.start(persona, 1)["state"]
    assert relevance.pitch(persona, state, text)
    assert (
        relevance.hollow(persona, state, text, ["recommend", "closed_question"], asks=True)
        == "pitch"
    )


@pytest.mark.parametrize(
    ("persona_id", "text", "remedies"),
    [
        # built on the need: the scenario's fits words, even when on sale
        (
            SOLAR,
            "It's on sale this month, and the savings cover the cost in seven years, "
            "with the warranty in writing.",
            (),
        ),
        (CAR, "这款现在有活动，主动安全配置齐全，AEB 和车道保持都标配，很适合新手开。", ()),
        (DRILL, "The brushless kit is on sale at 129 and it goes through masonry fine.", ()),
        # a remedy the scenario takes, put as a promotion
        (HOTEL, "As an apology I can offer a free upgrade to the suite tonight.", ("upgrade",)),
        (TV, "I'll send an engineer to repair it, and the visit is free.", ("repair",)),
    ],
)
def test_what_fits_the_customer_is_no_pitch(
    library: PersonaLibrary, persona_id: str, text: str, remedies: tuple[str, ...]
) -> None:
    persona = library.get(persona_id)
    state = engine.start(persona, 1)["state"]
    assert not relevance.pitch(persona, state, text, remedies)


@pytest.mark.parametrize(
    ("persona_id", "text"),
    [
        (TV, "What does the screen show when you switch it on?"),
        # an idiom is no deal
        (HOTEL, "Your loyalty means a great deal to us. What brings you to stay this time?"),
    ],
)
def test_no_pitch_words_no_pitch(library: PersonaLibrary, persona_id: str, text: str) -> None:
    persona = library.get(persona_id)
    state = engine.start(persona, 1)["state"]
    assert not relevance.pitch(persona, state, text)


def test_a_pitch_after_sympathy_earns_no_calm(library: PersonaLibrary) -> None:
    """ "I totally hear you! Did you know our new model is on sale?" meets the feeling in words
    and then leaves the matter: the customer is not calmed by it."""
    persona = library.get(TV)
    state = engine.start(persona, 1)["state"]
    text = "Oh no, I totally hear you! While I've got you, our new 55-inch model is on sale."
    out = engine.react(persona, state, said("empathy", lang="en"), text=text)
    assert out["state"]["heard"].get("hollow") == "pitch", out["state"]["heard"]
    assert out["state"]["mood"]["anger"] >= state["mood"]["anger"]
    assert out["state"]["mood"]["patience"] < state["mood"]["patience"]


def test_a_string_of_pitches_drives_a_shopper_off(library: PersonaLibrary) -> None:
    """Pitch after pitch to a customer who came for something else: they leave or escalate
    before the turn limit."""
    persona = library.get(SOLAR)
    state = engine.start(persona, 1)["state"]
    lines = [
        (
            "Before we talk solar, have you heard about our smart thermostat? Best seller.",
            ("recommend", "closed_question"),
        ),
        ("Bundle it with the video doorbell and the premium app tier is free.", ("recommend",)),
        (
            "I can have the thermostat at your door by Thursday, shall I add it?",
            ("offer_solution", "closed_question"),
        ),
        ("I'll email our gadget catalogue, loads of great deals in it.", ("follow_up",)),
        (
            "And our newsletter has promo codes every week, shall I sign you up?",
            ("offer_solution", "closed_question"),
        ),
        ("Honestly the new doorbell is the best deal we've got.", ("recommend",)),
    ]
    out = None
    for text, moves in lines:
        out = engine.react(persona, state, said(*moves, lang="en"), text=text)
        state = out["state"]
        if state["ended"]:
            break
    assert out is not None
    assert state["outcome"] in {"walked_away", "escalated"}, state["mood"]


@pytest.mark.parametrize(
    ("persona_id", "text", "moves"),
    [
        (
            TV,
            "While I've got you, did you know our new 65-inch model is on sale this week?",
            ("closed_question",),
        ),
        (CAR, "对了，车膜加脚垫的装潢套餐现在做活动，原价八千，今天只要三千九。", ("inform",)),
    ],
)
def test_a_pitch_is_answered_as_a_pitch_not_with_a_fact(
    library: PersonaLibrary, persona_id: str, text: str, moves: tuple[str, ...]
) -> None:
    """ "Did you know our new 65-inch model is on sale?" is no question about their television:
    the customer says that is not what they came about, and tells nothing."""
    persona = library.get(persona_id)
    state = engine.start(persona, 1)["state"]
    out = engine.react(persona, state, said(*moves, lang=persona.language), text=text)
    assert out["reaction"] == "pitched"
    assert out["state"]["heard"]["kind"] == "pitch"
    assert out["state"]["facts_revealed"] == state["facts_revealed"]


@pytest.mark.parametrize(
    ("persona_id", "text"),
    [
        ("arrogant_zh_watch_service", "最近是有什么重要的活动要戴这块表吗？"),
        ("female_zh_skincare", "您是为了什么活动在准备护肤？"),
        ("angry_en_vacuum_broken", "Do you have a loyalty card with us?"),
    ],
)
def test_an_occasion_or_a_card_asked_about_is_no_pitch(
    library: PersonaLibrary, persona_id: str, text: str
) -> None:
    persona = library.get(persona_id)
    state = engine.start(persona, 1)["state"]
    assert not relevance.pitch(persona, state, text)
