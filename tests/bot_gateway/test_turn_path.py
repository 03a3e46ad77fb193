"""The turn path's database work (issue 17, capacity at human pace): how many statements and
transactions one reply costs, and the turn lease held for as long as a slow step runs.

Counted with SQLAlchemy engine events, not timed, so they hold on a busy machine.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, select

from bot_gateway.conversation import ConversationService
from bot_gateway.db.engine import create_engine, create_sessionmaker
from bot_gateway.db.models import Turn
from tests.bot_gateway.conftest import FakeLibrary

#: claim the turn (UPDATE … RETURNING the session), read the turns, insert the reply; then
#: give the turn back (UPDATE … RETURNING), mark the reply answered (UPDATE … RETURNING its
#: index and the session's last, which place the answer), insert the answer
STATEMENTS_PER_REPLY = 6


class Counter:
    def __init__(self) -> None:
        self.statements: list[str] = []
        self.commits = 0


@contextmanager
def counting(service: ConversationService) -> Iterator[Counter]:
    """Statements and commits on every engine the service's turn path uses."""
    counter = Counter()
    engines = {id(e): e for e in [*service.db.engines, service.db.engine.sync_engine]}

    def statement(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        counter.statements.append(sql.split(None, 1)[0].upper())

    def commit(_conn: Any) -> None:
        counter.commits += 1

    for engine in engines.values():
        event.listen(engine, "before_cursor_execute", statement)
        event.listen(engine, "commit", commit)
    try:
        yield counter
    finally:
        for engine in engines.values():
            event.remove(engine, "before_cursor_execute", statement)
            event.remove(engine, "commit", commit)


async def _started(service: ConversationService) -> tuple[int, str]:
    trainee = await service.register("web", "abc", "Li Lei")
    return trainee, (await service.start(trainee, "angry_zh_test")).session_id


async def test_a_reply_is_two_transactions_of_six_statements_however_long_the_session(
    service: ConversationService,
) -> None:
    """Before: 4 transactions (claim, store the reply, store the answer, give the turn back)
    and 10 statements through the ORM; then 7 (the answer's place read apart)."""
    trainee, session = await _started(service)
    for n in range(12):
        with counting(service) as counter:
            view = await service.reply(session, f"reply {n}", trainee_id=trainee)
        assert view.customer == f"customer line {n + 2}"
        assert counter.commits == 2, counter.statements
        assert len(counter.statements) == STATEMENTS_PER_REPLY, counter.statements
        assert counter.statements.count("INSERT") == 2  # the reply and the answer


async def test_two_replies_at_once_in_one_process_queue_without_polling_the_row(
    service: ConversationService,
) -> None:
    """The second waits on the process's own lock, so it claims the turn at its first try."""
    trainee, session = await _started(service)
    service.rasa.delay = 0.2
    with counting(service) as counter:
        await asyncio.gather(
            service.reply(session, "one", trainee_id=trainee),
            service.reply(session, "two", trainee_id=trainee),
        )
    assert len(counter.statements) == 2 * STATEMENTS_PER_REPLY
    assert counter.commits == 4
    assert not service._locks  # nothing left behind per session


async def test_a_slow_turn_keeps_its_lease_so_another_process_waits_for_it(
    service: ConversationService, database_url: str
) -> None:
    """A Rasa call longer than the lease: the lease is renewed while the step runs, so a second
    gateway process does not take the turn over and send its reply in the middle (before, the
    lease was claimed once for 90 s and a longer step lost it)."""
    engine = create_engine(database_url)
    other = ConversationService(
        service.rasa, create_sessionmaker(engine), FakeLibrary(), lease_seconds=0.3
    )
    service.lease_seconds = 0.3
    trainee, session = await _started(service)
    in_flight = {"now": 0, "most": 0}
    answer = service.rasa._answer

    async def tracked(*args: Any) -> dict[str, Any]:
        in_flight["now"] += 1
        in_flight["most"] = max(in_flight["most"], in_flight["now"])
        try:
            return await answer(*args)
        finally:
            in_flight["now"] -= 1

    service.rasa._answer = tracked
    service.rasa.delay = 1.0  # more than three times the lease

    async def later() -> None:
        await asyncio.sleep(0.5)  # the first lease would have run out by now
        await other.reply(session, "from tab two", trainee_id=trainee)

    try:
        await asyncio.gather(service.reply(session, "from tab one", trainee_id=trainee), later())
    finally:
        await other.aclose()
        await engine.dispose()
    assert in_flight["most"] == 1
    async with service.sessionmaker() as db:
        turns = (await db.scalars(select(Turn).where(Turn.session_id == session))).all()
    ordered = sorted(turns, key=lambda t: t.index)
    assert [(t.role, t.text) for t in ordered][1:4] == [
        ("trainee", "from tab one"),
        ("customer", "customer line 2"),
        ("trainee", "from tab two"),
    ]
    assert all(t.status == "done" for t in turns)


async def test_a_turn_message_has_the_fields_asdict_gives_without_copying_them(
    service: ConversationService,
) -> None:
    from dataclasses import asdict

    trainee, session = await _started(service)
    view = await service.reply(session, "hello", trainee_id=trainee)
    assert view.analysis and view.rating and view.state
    message = view.as_json()
    assert message == asdict(view)
    assert message["analysis"] is view.analysis  # shared, not deep-copied


async def test_a_step_cancelled_while_its_claim_commits_gives_the_turn_back(
    service: ConversationService, monkeypatch: Any
) -> None:
    """The claiming transaction runs in the database thread and commits even when the step is
    cancelled meanwhile (the server shutting down): the turn must not stay held for the whole
    lease (90 s) after that."""
    import threading

    import pytest

    from bot_gateway import conversation
    from bot_gateway.db.models import PracticeSession

    trainee, session = await _started(service)
    entered, go = threading.Event(), threading.Event()
    store_reply = conversation._store_reply

    def slow_store_reply(*args: Any) -> Any:
        entered.set()
        go.wait(10)
        return store_reply(*args)

    monkeypatch.setattr(conversation, "_store_reply", slow_store_reply)
    step = asyncio.create_task(service.reply(session, "cut short", trainee_id=trainee))
    assert await asyncio.to_thread(entered.wait, 10)
    step.cancel()
    go.set()
    with pytest.raises(asyncio.CancelledError):
        await step
    # the database thread runs its work in order: once this ran, the claim has committed
    await service.db.run(lambda _conn: None)
    async with service.sessionmaker() as db:
        practice = await db.get(PracticeSession, session)
        assert practice is not None and practice.turn_owner is None
    monkeypatch.undo()
    view = await service.reply(session, "next", trainee_id=trainee)
    assert view.customer is not None


async def test_a_chat_opening_reads_what_the_three_separate_calls_read_in_one_transaction(
    service: ConversationService,
) -> None:
    import pytest

    from bot_gateway.conversation import ConversationError
    from bot_gateway.rasa_client import RasaUnavailable

    trainee, session = await _started(service)
    await service.set_interface_lang(trainee, "en")
    with counting(service) as counter:
        lang, timeout, due = await service.opening(session, trainee_id=trainee)
    assert counter.statements == ["SELECT", "SELECT"]
    assert lang == (await service.trainee(trainee)).interface_lang == "en"
    assert timeout == await service.silence_timeout(session, trainee_id=trainee) == 60.0
    expected = await service.silence_due(session, trainee_id=trainee)
    assert due is not None and expected is not None
    assert due[0] == expected[0] and abs(due[1] - expected[1]) < 1.0
    service.rasa.down = True
    with pytest.raises(RasaUnavailable):
        await service.reply(session, "waiting", trainee_id=trainee)
    assert (await service.opening(session, trainee_id=trainee))[2] is None  # trainee spoke last
    with pytest.raises(ConversationError) as other:
        await service.opening(session, trainee_id=trainee + 1)
    assert other.value.code == "unknown_session"
