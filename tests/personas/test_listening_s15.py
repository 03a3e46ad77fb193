"""Session 15 (issue 13): the customer reads formal written and chat Chinese as the everyday
words the rules are written in (「冒昧请教」「为何」「此番」「木有」「好滴」); a thing asked for
with 把 is a request; 呢 softening a statement and 「没什么大问题的」 ask nothing; pushing the
matter onto a third party or sending the customer to read it up is dismissing, and making it
small is arguing (unless the trainee then acts on it); a check that names a need the customer
has not told yet is recognised; a question about a thing no fact of the scenario knows, or a
choice between two such things, draws out no fact; an invitation at the customer's pace is
open; "anything else?" with a goodbye after it takes leave. Sentences are this module's own
(seed 003 不推诿、不要否定客户的感受, 004 ch1 复述与确认, 001 提问技巧)."""

from __future__ import annotations

import pytest
from persona_scripts import analysis as said

from personas import PersonaLibrary, engine, listening
from scoring import dialect
from scoring.analysis import analyze

BROADBAND = "angry_zh_broadband_outage"
WATCH = "arrogant_zh_watch_service"
PURIFIER = "doubtful_zh_water_purifier"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("冒昧请教，您为何此时想换？", "请问，您为什么这时想换？"),
        ("此番来店里是何时定的？", "这次来店里是什么时候定的？"),
        ("我这边木有权限哦，好滴", "我这边没有权限哦，好的"),
        ("肿么了？神马情况？", "怎么了？什么情况？"),
        ("您為何現在才說", "您为什么現在才說"),
    ],
)
def test_formal_and_chat_spellings_fold_to_everyday_words(text: str, folded: str) -> None:
    assert dialect.fold(text) == folded


@pytest.mark.parametrize(
    "text", ["任何时候都可以", "如何处理比较好", "因此时间上来不及", "此外还有"]
)
def test_longer_words_that_share_the_characters_stay(text: str) -> None:
    assert dialect.fold(text) == text


def test_matching_reads_formal_chinese_as_everyday_chinese() -> None:
    assert listening.normalise("冒昧請教，為何此番") == "请问,为什么这次"


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("麻烦您把发票号发我一下", True),
        ("您把故障的照片拍一下", True),
        ("把您的账号报给我", True),
        ("我把处理方案发给您", False),
        ("这个情况我把它跟您说一下", False),
        ("那您的单号呢", True),
        ("我们这边也没办法呢。", False),
        ("这个是仓库负责的呢～", False),
        ("放心，真的没什么大问题的", False),
        ("您还有没有什么想问的", True),
    ],
)
def test_what_asks_in_chinese(text: str, asks: bool) -> None:
    assert listening.asks_for_information(text, "zh") is asks


@pytest.mark.parametrize(
    ("text", "move"),
    [
        ("这个要找快递公司的，跟我们这边没关系", "dismiss"),
        ("您得自己去找物业问问", "dismiss"),
        ("屏幕是厂家的设备，有问题您得找厂家", "dismiss"),
        ("这点小问题不影响使用的哈", "argue"),
    ],
)
def test_zh_pushing_onto_a_third_party_or_making_it_small(text: str, move: str) -> None:
    moves = [m["move"] for m in analyze(text, "zh")["moves"]]
    assert move in moves, moves


@pytest.mark.parametrize(
    "text",
    ["这块归厂家负责，不过我这就帮您联系他们", "我得找厂家核实一下再答复您"],
)
def test_zh_taking_it_on_is_no_dismissal(text: str) -> None:
    moves = [m["move"] for m in analyze(text, "zh")["moves"]]
    assert "dismiss" not in moves, moves


@pytest.mark.parametrize(
    ("text", "move"),
    [
        ("Honestly, that's the delivery company's problem, not ours.", "dismiss"),
        ("It's not our department, so you'll need to call the manufacturer.", "dismiss"),
        ("Their helpline number is on the warranty card.", "dismiss"),
        ("It's only a tiny dent, really.", "argue"),
        ("A two-day delay is hardly a big deal.", "argue"),
        ("You're worrying too much about the noise.", "argue"),
    ],
)
def test_en_pushing_onto_a_third_party_or_making_it_small(text: str, move: str) -> None:
    moves = [m["move"] for m in analyze(text, "en")["moves"]]
    assert move in moves, moves


@pytest.mark.parametrize(
    "text",
    [
        "That's the courier's side, but I'll ring them myself this afternoon.",
        "It's a small dent, but I'll still send a replacement today.",
        "I know it's not a small thing for you.",
        "Is it just a small scratch, or is the glass cracked?",
    ],
)
def test_en_acting_on_it_or_asking_is_no_dismissal_or_argument(text: str) -> None:
    moves = [m["move"] for m in analyze(text, "en")["moves"]]
    assert "dismiss" not in moves and "argue" not in moves, moves


def test_a_summary_check_naming_an_untold_need_is_recognised(library: PersonaLibrary) -> None:
    persona = library.get(PURIFIER)
    state = engine.start(persona, 1)["state"]
    text = "核对一下：家里宝宝刚出生，净水要用来冲奶粉。是否无误？"
    out = engine.react(persona, state, said("closed_question", lang="zh"), text=text)
    heard = out["state"]["heard"]
    assert heard["kind"] == "check" and heard["result"] == "recognised", heard
    assert "hidden_need" in out["state"]["facts_revealed"]


@pytest.mark.parametrize(
    ("persona_id", "text"),
    [
        (BROADBAND, "您家附近最近有没有在挖路修管道？"),
        (WATCH, "这块表的表链是皮的还是钢的？"),
    ],
)
def test_a_thing_no_fact_knows_draws_out_no_fact(
    library: PersonaLibrary, persona_id: str, text: str
) -> None:
    persona = library.get(persona_id)
    assert listening.match_facts(text, persona) == []
    state = engine.start(persona, 1)["state"]
    out = engine.react(persona, state, said("closed_question", lang="zh"), text=text)
    assert out["state"]["heard"].get("fact") is None, out["state"]["heard"]
    assert not out["state"]["facts_revealed"] or out["state"]["facts_revealed"] == state.get(
        "facts_revealed"
    )


@pytest.mark.parametrize(
    ("persona_id", "text"),
    [
        (
            "angry_en_vacuum_broken",
            "Take your time and tell me everything from the start, I'm listening.",
        ),
        (BROADBAND, "您别急，从头慢慢说，我都记着。"),
        ("talkative_zh_steam_oven", "阿姨，您想到啥说啥，我听着呢。"),
    ],
)
def test_an_invitation_at_the_customers_pace_is_open(
    library: PersonaLibrary, persona_id: str, text: str
) -> None:
    assert listening.is_open(text, library.get(persona_id))


def test_a_choice_between_two_things_is_no_open_invitation(library: PersonaLibrary) -> None:
    persona = library.get(PURIFIER)
    assert not listening.is_open("您家的房子是买的还是租的？", persona)
    state = engine.start(persona, 1)["state"]
    out = engine.react(
        persona, state, said("closed_question", lang="zh"), text="您家的房子是买的还是租的？"
    )
    assert out["state"]["heard"].get("fact") is None, out["state"]["heard"]


def test_at_the_end_of_the_day_is_no_time_frame() -> None:
    from personas.offers import read_offer

    assert read_offer("It's all down to taste at the end of the day.", "en").time_frame is None
    assert read_offer("I'll have it fixed by the end of the day.", "en").time_frame


@pytest.mark.parametrize(
    "text",
    [
        "I'd suggest looking at the product listing, it's all on there.",
        "Everything you need is on our website.",
    ],
)
def test_sending_the_customer_to_read_it_up_is_dismissing(text: str) -> None:
    moves = [m["move"] for m in analyze(text, "en")["moves"]]
    assert "dismiss" in moves, moves


def test_driving_is_asked_of_the_car_customer_only(library: PersonaLibrary) -> None:
    car = library.get("arrogant_zh_car_testdrive")
    assert [m.fact_id for m in listening.match_facts("这车主要谁开？", car)][:1] == ["hidden_need"]
    watch = library.get(WATCH)
    assert listening.match_facts("您今天是自己开车过来的吗？", watch) == []


def test_anything_else_with_a_goodbye_after_it_takes_leave(library: PersonaLibrary) -> None:
    persona = library.get("male_en_cordless_drill")
    state = engine.start(persona, 1)["state"]
    state["mood"]["patience"] = 10.0
    text = "Is there anything else I can help with? Have a great weekend!"
    out = engine.react(persona, state, said("thanks_closing", "closed_question"), text=text)
    assert out["state"]["heard"]["kind"] in ("closing", "ending"), out["state"]["heard"]
    assert not out["state"]["facts_revealed"]
