"""Reading what a reply asks (session 10): a bare "Anything else?" is that question whatever the
analysis filed it under, a chat particle after it changes nothing; the trainee telling ("我给您介绍
一下…") does not ask; a Chinese sentence written with spaces for punctuation is asked by its asking
clauses; a check the customer recognises counts as a question he answered; her own choice
recognised is praise."""

from __future__ import annotations

import copy

import pytest
from persona_scripts import analysis as said

from personas import PersonaLibrary, engine, listening

SOFA = "female_en_sofa"
OVEN = "talkative_zh_steam_oven"
PHONE = "silent_zh_phone_for_father"


@pytest.mark.parametrize(
    "text",
    [
        "还有其他问题吗亲？没有我就结束会话啦。",
        "还有别的吗亲",
        "还有什么需要的吗？",
        "Anything else?",
    ],
)
def test_anything_else_with_a_chat_particle_is_that_question(text: str):
    assert engine._ANYTHING_ELSE.search(text)


def test_a_bare_anything_else_read_as_a_paraphrase_is_a_goodbye_to_an_offended_customer(
    library: PersonaLibrary,
):
    persona = library.get(SOFA)
    state = copy.deepcopy(engine.start(persona, 1)["state"])
    state["moves_seen"] = {"rude": 1}
    r = engine.react(persona, state, said("confirm", "paraphrase"), text="Anything else?")
    assert r["ended"] and r["outcome"] == "walked_away"


def test_a_paraphrase_before_anything_else_is_not_only_that_question(library: PersonaLibrary):
    persona = library.get(SOFA)
    state = copy.deepcopy(engine.start(persona, 1)["state"])
    turn = engine._Turn(
        persona=persona,
        state=state,
        moves=["paraphrase", "closed_question"],
        text="So it's for a small bright room with a cat. Anything else?",
        offer=engine._offer_of("", "en", None),
        before=dict(state["mood"]),
    )
    assert not engine._anything_else(turn)


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("我给您详细介绍一下每一代处理器的区别", False),
        ("再跟您讲讲我们的会员积分制度 满一万积分可以换保温杯哦", False),
        ("说说您的需求", True),
        ("麻烦您介绍一下家里的情况", True),
        ("您给我介绍一下吧", True),
    ],
)
def test_the_trainee_telling_does_not_ask(text: str, asks: bool):
    assert listening.asks_for_information(text, "zh") is asks


def test_a_zh_sentence_with_spaces_for_punctuation_is_asked_by_its_asking_clause(
    library: PersonaLibrary,
):
    persona = library.get(PHONE)
    text = (
        "明白了 老花眼看字费劲 声音小了听不清 还特别想跟孙子视频 这个我们一定帮您挑好 "
        "您大概想花多少呢"
    )
    asked = listening.match_facts(text, persona)
    assert asked and asked[0].fact_id == "budget"


def test_a_zh_sentence_whose_clauses_all_ask_keeps_them_all():
    text = "叔叔平时用手机最常做什么 眼睛耳朵还方便吗"
    assert listening._asking_clauses_zh(text) == text


def test_a_check_he_recognises_counts_as_a_question_he_answered(library: PersonaLibrary):
    persona = library.get(PHONE)
    state = copy.deepcopy(engine.start(persona, 1)["state"])
    state["mood"]["openness"] = 40.0
    r = engine.react(
        persona,
        state,
        said("paraphrase", "confirm", lang="zh"),
        text=(
            "我确认一下 手机是给老家的父亲用 叔叔眼睛不太好耳朵也有点背 想看清字 "
            "能跟孙子视频 预算两千左右 对吗"
        ),
    )
    assert r["state"]["heard"]["result"] == "recognised"
    assert r["state"]["moves_seen"].get(engine.ANSWERED) == 1


@pytest.mark.parametrize(
    ("text", "respect"),
    [
        ("You've picked out the one I'd have chosen too - that velvet is gorgeous.", True),
        ("You have chosen my favourite of the whole range.", True),
        ("I'd go for the Linden in boucle, it's on trend.", False),
    ],
)
def test_her_choice_recognised_is_praise(text: str, respect: bool):
    assert bool(engine._RESPECT.search(text)) is respect


@pytest.mark.parametrize(
    ("persona_id", "text"),
    [
        ("talkative_en_tv_setup", "what brand is your soundbar"),
        (
            "female_en_sofa",
            "does your building have a narrow staircase or is there a wide entrance",
        ),
        ("angry_zh_broadband_outage", "您家里的路由器是自己买的，还是装机时我们送的呀？"),
    ],
)
def test_a_question_about_a_thing_of_theirs_the_scenario_does_not_know_asks_no_fact(
    library: PersonaLibrary, persona_id: str, text: str
):
    assert listening.match_facts(text, library.get(persona_id)) == []


@pytest.mark.parametrize(
    ("persona_id", "text", "fact"),
    [
        ("talkative_en_tv_setup", "Which model is your TV?", "model"),
        ("female_en_sofa", "What's your budjet?", "budget"),
        ("talkative_en_holiday_booking", "Does anyone in your party have mobility needs?", None),
    ],
)
def test_a_thing_of_theirs_that_only_sets_the_scene_or_is_known_keeps_the_match(
    library: PersonaLibrary, persona_id: str, text: str, fact: str | None
):
    asked = listening.match_facts(text, library.get(persona_id))
    assert asked
    if fact:
        assert asked[0].fact_id == fact


def test_a_female_shopper_is_recognised_by_praise_or_by_a_mistake_owned(
    library: PersonaLibrary,
):
    """001 「渴望得到他人的认可和赞扬」: praised, or told she was right when the trainee owns a
    wrong recommendation; neither, and she still needs it."""
    beh = library.get("female_zh_skincare").behaviour
    rest = {"inform": 2, "open_question": 1}
    assert engine._unmet_needs(beh, {**rest, "apology": 1}) == []
    assert engine._unmet_needs(beh, {**rest, "praise": 1}) == []
    assert engine._unmet_needs(beh, rest) == ["recognition"]


# ---- a proposal the customer is not ready for says what is missing ---------------------------


def _heard_out(persona, **mood):
    state = copy.deepcopy(engine.start(persona, 3)["state"])
    state["facts_revealed"] = [f["id"] for f in persona.facts]
    state["mood"].update({"anger": 20.0, "trust": 60.0, "patience": 60.0, "openness": 70.0})
    state["mood"].update(mood)
    state["stage"] = "negotiating"
    return state


def test_a_proposal_before_respect_is_shown_is_answered_with_what_is_missing(
    library: PersonaLibrary,
):
    persona = library.get("arrogant_zh_watch_service")
    offer = "我安排首席技师优先返修，周四下午前调好交还给您，全部免费。"
    r = engine.react(persona, _heard_out(persona), said("offer_solution", lang="zh"), text=offer)
    heard = r["state"]["heard"]
    assert heard["judged"] == "needs_more" and heard["unmet"] == ["respect"]
    respect_lines = {
        e["say"]
        for e in persona.lines["not_ready"]
        if isinstance(e, dict) and "respect" in (e.get("when") or {}).get("unmet", [])
    }
    assert r["line"] in respect_lines


def test_a_line_for_an_unmet_need_holds_only_while_that_need_is_unmet():
    from personas import lines

    condition = {"unmet": ["inform"]}
    assert lines.holds(condition, {"unmet": ["inform", "praise"]})
    assert not lines.holds(condition, {"unmet": ["praise"]})
    assert not lines.holds(condition, {})


def test_what_was_missing_is_not_kept_past_the_line_that_said_it(library: PersonaLibrary):
    persona = library.get("arrogant_zh_watch_service")
    offer = "我安排首席技师优先返修，周四下午前调好交还给您，全部免费。"
    r = engine.react(persona, _heard_out(persona), said("offer_solution", lang="zh"), text=offer)
    assert r["state"]["unmet"] == ["respect"]
    after = engine.react(
        persona, r["state"], said("apology", lang="zh"), text="非常抱歉，是我们的失误。"
    )
    assert "unmet" not in after["state"]
