"""Chinese cue rules for everyday replies and plain answers (issue 14, Chinese reading).

Cue rules alone (no classifier). Sentences written for this test, across service domains.
Kinds: names, prices and hours listed in answer to "what is there?" inform (moves.md inform;
seed 000 §6, 002 §2a), a proposal in so many words still proposes (000 §2, 001 推荐); "没事的"
said to thanks closes politely (002 服务用语), said to worry it comforts (003 ch3); "难道…我的错"
asks back and owns nothing; "好，走了" takes leave (002 礼貌结束); "别想那么多了" comforts;
"这事就算了吧" and "什么事都…" ask nothing.
"""

from __future__ import annotations

import pytest

from practice.vocabulary import MOVE_FAMILIES
from scoring.analysis import analyze


def _moves(text: str, context: str = "") -> list[str]:
    return [m["move"] for m in analyze(text, "zh", context=context, nlu=None)["moves"]]


@pytest.mark.parametrize(
    ("context", "reply"),
    [
        ("周边有哪些健身房？", "有力美健身和超级猩猩，这两家都挺不错的。"),
        ("那条街上有没有修手机的店？", "有两家，老周维修和极速快修都符合您的要求。"),
        ("哪家宠物医院周日开门？", "城西的安心宠物医院和爱宠诊所都能满足您的要求。"),
    ],
)
def test_names_listed_in_answer_to_what_is_there_inform(context: str, reply: str) -> None:
    moves = _moves(reply, context)
    assert moves, reply
    assert moves[0] == "inform", moves
    # the listing is still heard as options, second
    assert "offer_solution" in moves


@pytest.mark.parametrize(
    "context",
    ["帮我推荐一家健身房吧。", "我想找个离家近的健身房。"],
)
def test_the_same_listing_asked_for_as_advice_proposes(context: str) -> None:
    moves = _moves("有力美健身和超级猩猩，这两家都挺不错的。", context)
    assert moves[0] == "offer_solution", moves


@pytest.mark.parametrize(
    ("context", "reply"),
    [
        ("附近有哪些面馆？", "您可以去路口那家牛肉面馆尝尝。"),
        ("有没有适合老人的体检套餐？", "建议您选银龄套餐，项目比较全。"),
        ("周边都有什么景点？", "推荐您去湿地公园走走，傍晚人少。"),
    ],
)
def test_a_proposal_in_so_many_words_still_proposes(context: str, reply: str) -> None:
    moves = _moves(reply, context)
    assert MOVE_FAMILIES[moves[0]] == "solution", moves


@pytest.mark.parametrize("context", ["辛苦你了，跑了两趟。", "太麻烦你了，谢谢！"])
@pytest.mark.parametrize("reply", ["没事的。", "小事一桩", "不麻烦，不客气"])
def test_answering_thanks_closes(context: str, reply: str) -> None:
    assert _moves(reply, context)[0] == "thanks_closing"


def test_the_same_words_to_a_worried_customer_comfort() -> None:
    assert _moves("没事的。", "我好怕这台电脑修不好了")[0] == "reassurance"


@pytest.mark.parametrize("text", ["难道这都是我的错？", "难道是我的问题"])
def test_asking_back_whether_it_is_my_fault_owns_nothing(text: str) -> None:
    moves = _moves(text)
    assert "apology" not in moves
    assert MOVE_FAMILIES[moves[0]] == "question", moves


@pytest.mark.parametrize("text", ["好，走了", "行，那我撤了啊", "嗯，先回去了"])
def test_taking_leave_closes(text: str) -> None:
    assert _moves(text)[0] == "thanks_closing"


@pytest.mark.parametrize("text", ["别想那么多了，身体要紧。", "您先好好养病，别的不急。"])
def test_telling_someone_to_let_go_and_rest_comforts(text: str) -> None:
    assert _moves(text)[0] == "reassurance"


@pytest.mark.parametrize("text", ["这事就算了吧", "那就算了", "你别把什么事都往坏处想"])
def test_letting_it_go_and_indefinite_what_ask_nothing(text: str) -> None:
    moves = _moves(text)
    assert not any(MOVE_FAMILIES[m] == "question" for m in moves), moves


@pytest.mark.parametrize("text", ["你什么都吃吗", "什么时候都可以吗？"])
def test_what_with_a_question_particle_still_asks(text: str) -> None:
    assert MOVE_FAMILIES[_moves(text)[0]] == "question"


@pytest.mark.parametrize("text", ["路口就有一座加油站。", "加油卡可以在前台充值。"])
def test_a_gas_station_is_no_encouragement(text: str) -> None:
    assert "reassurance" not in _moves(text)


def test_cheering_on_still_encourages() -> None:
    assert _moves("考试加油！")[0] == "reassurance"


def test_names_set_out_to_pick_from_offer_even_to_what_is_there() -> None:
    moves = _moves("这两款都挺实惠的，您自己挑一款。", "有哪些便宜点的电水壶？")
    assert moves[0] == "offer_solution", moves


@pytest.mark.parametrize("text", ["好了，我下线了", "那我先挂了啊"])
def test_signing_off_closes(text: str) -> None:
    assert _moves(text)[0] == "thanks_closing"


@pytest.mark.parametrize("text", ["有什么事就跟我说，别一个人扛着", "有啥需要找我"])
def test_an_open_door_is_no_question(text: str) -> None:
    moves = _moves(text)
    assert not any(MOVE_FAMILIES[m] == "question" for m in moves), moves


def test_an_open_door_and_not_carrying_it_alone_comfort() -> None:
    assert _moves("有什么事就跟我说，别一个人扛着")[0] == "reassurance"
