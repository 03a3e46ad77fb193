"""No turn lost, none doubled (issue 16), at the conversation service with a fake Rasa that
honours idempotency keys like the real channel (the real stack: tests/integration/test_turns.py).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from bot_gateway.conversation import ConversationError, ConversationService
from bot_gateway.db import migrate
from bot_gateway.db.engine import create_engine, create_sessionmaker
from bot_gateway.db.models import PracticeSession, Turn
from bot_gateway.rasa_client import RasaUnavailable
from tests.bot_gateway.conftest import FakeLibrary, FakeRasa


async def _turns(service: ConversationService, session_id: str) -> list[tuple[str, str, str]]:
    async with service.sessionmaker() as db:
        result = await db.scalars(
            select(Turn).where(Turn.session_id == session_id).order_by(Turn.index)
        )
        return [(t.role, t.text, t.status) for t in result]


async def _session(service: ConversationService, session_id: str) -> PracticeSession:
    async with service.sessionmaker() as db:
        practice = await db.get(PracticeSession, session_id)
        assert practice is not None
        return practice


async def _started(service: ConversationService) -> tuple[int, str]:
    trainee = await service.register("web", "abc", "Li Lei")
    return trainee, (await service.start(trainee, "angry_zh_test")).session_id


async def test_a_second_reply_during_an_outage_is_saved_too(service: ConversationService) -> None:
    """Before: the second reply resent the pending one, failed, and was never stored, while
    the trainee was told it was saved."""
    trainee, session = await _started(service)
    service.rasa.down = True
    for text in ("first while down", "second while down"):
        with pytest.raises(RasaUnavailable):
            await service.reply(session, text, trainee_id=trainee)
    assert (await _turns(service, session))[1:] == [
        ("trainee", "first while down", "pending"),
        ("trainee", "second while down", "pending"),
    ]
    service.rasa.down = False
    view = await service.retry(session, trainee_id=trainee)
    assert view is not None and view.customer == "customer line 3"
    assert view.earlier == ["customer line 2"]  # the answer to the first, shown before
    assert [t for _, t, _ in service.rasa.sent[1:]] == ["first while down", "second while down"]
    # each answered once, stored right after the reply it answers
    assert await _turns(service, session) == [
        ("customer", "customer line 1", "done"),
        ("trainee", "first while down", "done"),
        ("customer", "customer line 2", "done"),
        ("trainee", "second while down", "done"),
        ("customer", "customer line 3", "done"),
    ]


async def test_two_replies_at_once_are_each_sent_once_and_answered_in_turn(
    service: ConversationService,
) -> None:
    trainee, session = await _started(service)
    service.rasa.delay = 0.2
    first, second = await asyncio.gather(
        service.reply(session, "one", trainee_id=trainee),
        service.reply(session, "two", trainee_id=trainee),
    )
    assert sorted(t for _, t, _ in service.rasa.sent[1:]) == ["one", "two"]
    assert {first.customer, second.customer} == {"customer line 2", "customer line 3"}
    turns = await _turns(service, session)
    assert [r for r, _, _ in turns] == ["customer", "trainee", "customer", "trainee", "customer"]
    assert all(status == "done" for _, _, status in turns)


async def test_two_gateway_processes_serialise_one_sessions_turns(
    service: ConversationService, database_url: str
) -> None:
    """Two services on one database (two processes): the row lease orders their turns."""
    engine = create_engine(database_url)
    other = ConversationService(service.rasa, create_sessionmaker(engine), FakeLibrary())
    trainee, session = await _started(service)
    service.rasa.delay = 0.2
    await asyncio.gather(
        service.reply(session, "from tab one", trainee_id=trainee),
        other.reply(session, "from tab two", trainee_id=trainee),
    )
    await engine.dispose()
    assert sorted(t for _, t, _ in service.rasa.sent[1:]) == ["from tab one", "from tab two"]
    turns = await _turns(service, session)
    assert [r for r, _, _ in turns] == ["customer", "trainee", "customer", "trainee", "customer"]


async def test_an_answer_lost_on_its_way_back_is_replayed_not_played_again(
    service: ConversationService,
) -> None:
    trainee, session = await _started(service)
    service.rasa.lose_answers = 1
    with pytest.raises(RasaUnavailable):
        await service.reply(session, "are you there", trainee_id=trainee)
    view = await service.retry(session, trainee_id=trainee)
    assert view is not None and view.customer == "customer line 2"
    assert service.rasa.replayed == 1
    assert [t for _, t, _ in service.rasa.sent] == ["/start_practice", "are you there"]
    assert [(r, s) for r, _, s in await _turns(service, session)] == [
        ("customer", "done"),
        ("trainee", "done"),
        ("customer", "done"),
    ]


async def test_a_database_error_after_rasa_answered_is_stored_once_on_retry(
    service: ConversationService, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    trainee, session = await _started(service)
    real = service.db.run

    async def flaky(fn, *args):  # the transaction that stores the customer's answer fails
        if fn.__name__ == "_store_answer":
            raise OperationalError("INSERT", {}, Exception("disk I/O error"))
        return await real(fn, *args)

    monkeypatch.setattr(service.db, "run", flaky)
    with pytest.raises(RasaUnavailable):
        await service.reply(session, "sorry for the wait", trainee_id=trainee)
    monkeypatch.undo()
    assert (await _turns(service, session))[-1] == ("trainee", "sorry for the wait", "pending")
    view = await service.retry(session, trainee_id=trainee)
    assert view is not None and service.rasa.replayed == 1
    assert [(r, s) for r, _, s in await _turns(service, session)] == [
        ("customer", "done"),
        ("trainee", "done"),
        ("customer", "done"),
    ]


async def test_a_start_that_fails_leaves_the_previous_session_as_it_was(
    service: ConversationService, monkeypatch: pytest.MonkeyPatch
) -> None:
    trainee, session = await _started(service)

    async def refuse(sender, command, metadata, *, key):
        return {"type": "counterpart.turn", "error": "unknown_persona", "message": "No persona."}

    monkeypatch.setattr(service.rasa, "command", refuse)
    with pytest.raises(ConversationError) as error:
        await service.start(trainee, "angry_zh_test")
    assert error.value.code == "unknown_persona"
    assert await service.active_session(trainee) == session
    assert (await _session(service, session)).status == "active"
    async with service.sessionmaker() as db:
        count = len(list(await db.scalars(select(PracticeSession.id))))
    assert count == 1  # the failed one is gone


async def test_an_end_whose_answer_was_lost_still_gives_the_scorecard(
    service: ConversationService,
) -> None:
    trainee, session = await _started(service)
    service.rasa.lose_answers = 1
    with pytest.raises(RasaUnavailable):
        await service.end(session, trainee_id=trainee)
    # Rasa has ended the session; the next reply learns it and fetches the same scorecard.
    view = await service.reply(session, "hello?", trainee_id=trainee)
    assert view.ended and view.scorecard == {"overall": 72, "rubric_version": "test"}
    practice = await _session(service, session)
    assert (practice.status, practice.overall_score) == ("ended", 72)
    played = [text for _, text, _ in service.rasa.sent]
    assert played.count("/end_practice") == 1 and service.rasa.replayed == 1
    assert (await _turns(service, session))[-2] == ("trainee", "hello?", "unanswered")


async def test_an_end_sent_again_replays_the_same_scorecard(service: ConversationService) -> None:
    trainee, session = await _started(service)
    service.rasa.lose_answers = 1
    with pytest.raises(RasaUnavailable):
        await service.end(session, trainee_id=trainee)
    view = await service.end(session, trainee_id=trainee)
    assert view.ended and view.scorecard["overall"] == 72
    assert service.rasa.replayed == 1
    assert (await _session(service, session)).status == "ended"


async def test_a_silence_nudge_is_sent_once_per_quiet_stretch(
    service: ConversationService,
) -> None:
    trainee, session = await _started(service)
    service.rasa.lose_answers = 1
    with pytest.raises(RasaUnavailable):
        await service.silence(session, 60, trainee_id=trainee)
    await service.silence(session, 60, trainee_id=trainee)  # a second timer, same stretch
    assert service.rasa.commands.count("silence") == 2 and service.rasa.replayed == 1
    assert [r for r, _, _ in await _turns(service, session)] == ["customer", "customer"]


async def test_silence_due_counts_from_the_last_customer_line(
    service: ConversationService,
) -> None:
    trainee, session = await _started(service)
    due = await service.silence_due(session, trainee_id=trainee)
    assert due is not None and due[0] == 60.0 and 0 <= due[1] < 5
    service.rasa.down = True
    with pytest.raises(RasaUnavailable):
        await service.reply(session, "waiting", trainee_id=trainee)
    assert await service.silence_due(session, trainee_id=trainee) is None  # trainee spoke last


# ------------------------------------------------------------------ the same on PostgreSQL

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


async def _admin(statement: str) -> None:
    engine = create_async_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.exec_driver_sql(statement)
    await engine.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    name = f"counterpart_turns_{uuid.uuid4().hex[:8]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    migrate.upgrade(url)
    yield url
    asyncio.run(_admin(f'DROP DATABASE "{name}" WITH (FORCE)'))


async def test_on_postgresql_two_processes_take_turns_and_answers_stay_in_order(
    postgres_url: str,
) -> None:
    engines = [create_engine(postgres_url) for _ in range(2)]
    rasa = FakeRasa()
    one, two = (
        ConversationService(rasa, create_sessionmaker(engine), FakeLibrary()) for engine in engines
    )
    try:
        trainee, session = await _started(one)
        rasa.delay = 0.2
        await asyncio.gather(
            one.reply(session, "from tab one", trainee_id=trainee),
            two.reply(session, "from tab two", trainee_id=trainee),
        )
        assert sorted(t for _, t, _ in rasa.sent[1:]) == ["from tab one", "from tab two"]
        rasa.delay, rasa.down = 0.0, True
        for text in ("first while down", "second while down"):
            with pytest.raises(RasaUnavailable):
                await one.reply(session, text, trainee_id=trainee)
        rasa.down = False
        await two.retry(session, trainee_id=trainee)  # answers moved in after their replies
        turns = await _turns(one, session)
        assert [r for r, _, _ in turns] == ["customer"] + ["trainee", "customer"] * 4
        assert [t for r, t, _ in turns if r == "trainee"][2:] == [
            "first while down",
            "second while down",
        ]
        assert all(status == "done" for _, _, status in turns)
    finally:
        for engine in engines:
            await engine.dispose()
