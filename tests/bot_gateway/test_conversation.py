from __future__ import annotations

import pytest
from sqlalchemy import select

from bot_gateway.conversation import MAX_REPLY_CHARS, ConversationError, ConversationService
from bot_gateway.db.models import PracticeSession, Turn
from bot_gateway.rasa_client import RasaUnavailable


async def _turns(service: ConversationService, session_id: str) -> list[Turn]:
    async with service.sessionmaker() as db:
        result = await db.scalars(
            select(Turn).where(Turn.session_id == session_id).order_by(Turn.index)
        )
        return list(result)


async def test_start_stores_the_customers_opening_line(service: ConversationService) -> None:
    trainee = await service.register("web", "abc", "Li Lei")
    view = await service.start(trainee, "angry_zh_test")
    assert view.customer == "customer line 1"
    sender, text, meta = service.rasa.sent[0]
    assert (sender, text) == (view.session_id, "/start_practice")
    assert meta == {"persona": "angry_zh_test", "lang": "zh", "mode": "practice"}
    assert [(t.role, t.text) for t in await _turns(service, view.session_id)] == [
        ("customer", "customer line 1")
    ]


async def test_reply_stores_both_sides_with_moves_rating_and_reply_time(
    service: ConversationService,
) -> None:
    trainee = await service.register("web", "abc", "Li Lei")
    view = await service.start(trainee, "angry_zh_test")
    answer = await service.reply(view.session_id, "非常抱歉", trainee_id=trainee)
    assert answer.customer == "customer line 2"
    turns = await _turns(service, view.session_id)
    assert [t.role for t in turns] == ["customer", "trainee", "customer"]
    trainee_turn = turns[1]
    assert trainee_turn.status == "done"
    assert trainee_turn.moves == [{"move": "apology", "confidence": 0.9}]
    assert trainee_turn.rating["overall"] == 70
    assert trainee_turn.reply_seconds is not None and trainee_turn.reply_seconds >= 0
    assert service.rasa.sent[-1][2]["reply_seconds"] == trainee_turn.reply_seconds


async def test_reply_is_kept_when_rasa_is_down(service: ConversationService) -> None:
    trainee = await service.register("web", "abc", "Li Lei")
    view = await service.start(trainee, "angry_zh_test")
    service.rasa.down = True
    with pytest.raises(RasaUnavailable):
        await service.reply(view.session_id, "请问订单号是多少？", trainee_id=trainee)
    turns = await _turns(service, view.session_id)
    assert (turns[-1].role, turns[-1].text, turns[-1].status) == (
        "trainee",
        "请问订单号是多少？",
        "pending",
    )


async def test_start_with_rasa_down_leaves_no_half_session(service: ConversationService) -> None:
    trainee = await service.register("web", "abc", "Li Lei")
    service.rasa.down = True
    with pytest.raises(RasaUnavailable):
        await service.start(trainee, "angry_zh_test")
    async with service.sessionmaker() as db:
        assert (await db.scalars(select(PracticeSession))).all() == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("\x00\x07", "empty"),
        ("x" * (MAX_REPLY_CHARS + 1), "too_long"),
    ],
)
async def test_unusable_replies_get_a_clear_error(
    service: ConversationService, text: str, code: str
) -> None:
    trainee = await service.register("web", "abc", "Li Lei")
    view = await service.start(trainee, "angry_zh_test")
    with pytest.raises(ConversationError) as error:
        await service.reply(view.session_id, text, trainee_id=trainee)
    assert error.value.code == code
    assert len(await _turns(service, view.session_id)) == 1


async def test_a_leading_slash_cannot_inject_a_rasa_command(service: ConversationService) -> None:
    trainee = await service.register("web", "abc", "Li Lei")
    view = await service.start(trainee, "angry_zh_test")
    await service.reply(view.session_id, "/end_practice", trainee_id=trainee)
    assert service.rasa.sent[-1][1] == "end_practice"


async def test_another_trainees_session_is_not_reachable(service: ConversationService) -> None:
    owner = await service.register("web", "abc", "Li Lei")
    intruder = await service.register("web", "xyz", "Han Meimei")
    view = await service.start(owner, "angry_zh_test")
    with pytest.raises(ConversationError) as error:
        await service.reply(view.session_id, "hello", trainee_id=intruder)
    assert error.value.code == "unknown_session"


async def test_end_stores_outcome_and_scorecard_and_closes_the_session(
    service: ConversationService,
) -> None:
    trainee = await service.register("web", "abc", "Li Lei")
    view = await service.start(trainee, "angry_zh_test")
    final = await service.end(view.session_id, trainee_id=trainee)
    assert final.ended and final.scorecard["overall"] == 72
    async with service.sessionmaker() as db:
        practice = await db.get(PracticeSession, view.session_id)
    assert (practice.status, practice.outcome, practice.overall_score) == ("ended", "resolved", 72)
    with pytest.raises(ConversationError) as error:
        await service.reply(view.session_id, "还在吗", trainee_id=trainee)
    assert error.value.code == "ended"


async def test_unknown_persona_is_refused(service: ConversationService) -> None:
    trainee = await service.register("web", "abc", "Li Lei")
    with pytest.raises(ConversationError) as error:
        await service.start(trainee, "nobody")
    assert error.value.code == "unknown_persona"
