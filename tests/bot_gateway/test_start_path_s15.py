"""A session's start and the web sign-in check on the turn path's connection (issue 17, the
gateway's CPU per turn): plain Core statements in few transactions, with the same rows the ORM
wrote (the trainee's cohort, "starting" until the customer has spoken, the old session
abandoned, nothing left of a start that failed).

Counted with SQLAlchemy engine events, not timed, so they hold on a busy machine.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot_gateway.conversation import ConversationError, ConversationService
from bot_gateway.db.models import PracticeSession, Turn
from bot_gateway.rasa_client import RasaUnavailable
from bot_gateway.web.trainee_access import end_web_sign_in, web_trainee, web_trainee_on
from tests.bot_gateway.test_turn_path import counting


async def _sessions(service: ConversationService) -> list[PracticeSession]:
    async with service.sessionmaker() as db:
        return list(await db.scalars(select(PracticeSession).order_by(PracticeSession.started_at)))


async def _turns(service: ConversationService, session_id: str) -> list[Turn]:
    async with service.sessionmaker() as db:
        return list(
            await db.scalars(select(Turn).where(Turn.session_id == session_id).order_by(Turn.index))
        )


async def test_a_start_is_two_transactions_on_the_turn_path_and_stores_what_the_orm_did(
    service: ConversationService,
) -> None:
    """Before: three ORM transactions on the async driver (insert, the cohort read by an ORM
    event, a reload by id, the active sessions read one by one)."""
    cohort = await service.create_cohort("Spring", "SPR")
    trainee = await service.register("web", "w1", "Li Lei", cohort_code="SPR")
    first = await service.start(trainee, "angry_zh_test")
    with counting(service) as counter:
        second = await service.start(trainee, "angry_zh_test")
    # create ("starting"); then abandon the old one, activate this one, its opening line
    assert counter.commits == 2, counter.statements
    assert counter.statements == ["INSERT", "UPDATE", "UPDATE", "INSERT"]
    assert second.customer == "customer line 1"
    assert second.silence_timeout_seconds == 60.0
    old, new = await _sessions(service)
    assert old.id == first.session_id and new.id == second.session_id
    assert (old.status, new.status) == ("abandoned", "active")
    assert old.ended_at is not None and new.ended_at is None
    assert new.cohort_id == cohort  # the trainee's cohort, as models.py's ORM event sets it
    assert (new.persona_id, new.persona_type, new.language, new.mode) == (
        "angry_zh_test",
        "angry",
        "zh",
        "practice",
    )
    assert new.started_at is not None and new.created_at is not None
    (opening,) = await _turns(service, second.session_id)
    assert (opening.index, opening.role, opening.status) == (0, "customer", "done")
    assert opening.text == "customer line 1" and opening.state == {
        "mood": {"anger": 50.0},
        "turn": 1,
    }
    # the session plays on as before
    view = await service.reply(second.session_id, "您好", trainee_id=trainee)
    assert view.customer == "customer line 2"


async def test_a_session_without_a_cohort_has_none(service: ConversationService) -> None:
    trainee = await service.register("web", "w2", "Han Meimei")
    await service.start(trainee, "angry_zh_test")
    (session,) = await _sessions(service)
    assert session.cohort_id is None and session.status == "active"


async def test_a_start_that_fails_leaves_nothing_and_keeps_the_old_session(
    service: ConversationService,
) -> None:
    trainee = await service.register("web", "w3", "Li Lei")
    first = await service.start(trainee, "angry_zh_test")
    service.rasa.down = True
    with pytest.raises(RasaUnavailable):
        await service.start(trainee, "angry_zh_test")
    service.rasa.down = False
    (only,) = await _sessions(service)
    assert only.id == first.session_id and only.status == "active"
    with pytest.raises(ConversationError) as error:
        await service.start(trainee, "no_such_persona")
    assert error.value.code == "unknown_persona"
    assert len(await _sessions(service)) == 1


async def test_the_web_sign_in_check_on_the_turn_path_agrees_with_the_orm_one(
    service: ConversationService,
) -> None:
    trainee = await service.register("web", "web-id-1", "Li Lei")
    other = await service.register("telegram", "web-id-1", "Li Lei")  # same id, other channel
    cookie = {"trainee_id": trainee, "web_id": "web-id-1"}
    for session in (
        cookie,
        {"trainee_id": trainee, "web_id": "wrong"},
        {"trainee_id": other, "web_id": "web-id-1"},
        {"trainee_id": str(trainee), "web_id": "web-id-1"},
        {"web_id": "web-id-1"},
        {},
    ):
        expected = await web_trainee(session, service.sessionmaker)
        assert await web_trainee_on(session, service.db) == expected
    assert await web_trainee_on(cookie, service.db) == trainee
    with counting(service) as counter:
        await web_trainee_on(cookie, service.db)
    assert counter.statements == ["SELECT"]
    await end_web_sign_in(dict(cookie), service.sessionmaker)
    assert await web_trainee_on(cookie, service.db) is None  # signed out: the copy is dead
