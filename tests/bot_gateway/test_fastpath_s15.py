"""The turn path's hot statements on SQLite's cursor (bot_gateway/db/fastpath.py) store and read
exactly what SQLAlchemy's `conn.execute` did: the same session played both ways leaves the same
rows, byte for byte in the JSON columns; statement listeners still see every statement; a
database error still arrives as SQLAlchemy's exception and is counted."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, insert, select
from sqlalchemy.exc import IntegrityError

from bot_gateway import conversation, metrics
from bot_gateway.conversation import ConversationService, RasaUnavailable
from bot_gateway.db import fastpath, migrate
from bot_gateway.db.engine import create_engine, create_sessionmaker
from bot_gateway.db.models import Turn
from tests.bot_gateway.conftest import FakeLibrary, FakeRasa

#: what differs between two plays of the same session: ids and moments
VOLATILE = {"id", "session_id", "at", "created_at", "started_at", "ended_at", "reply_seconds"}


async def _play(url: str) -> None:
    """A session with everything the hot statements meet: replies, a message sent twice, an
    outage (replies waiting, answered later, their answers placed after them), an end."""
    engine = create_engine(url)
    rasa = FakeRasa()
    rasa.end_after = 6
    service = ConversationService(rasa, create_sessionmaker(engine), FakeLibrary())
    try:
        trainee = await service.register("telegram", "42", "Li Lei")
        session = (await service.start(trainee, "angry_zh_test")).session_id
        await service.reply(session, "您好", trainee_id=trainee, client_key="u1")
        again = await service.reply(session, "您好", trainee_id=trainee, client_key="u1")
        assert again.customer == "customer line 2"
        rasa.lose_answers = 1  # answered by Rasa, the answer lost on its way back
        with pytest.raises(RasaUnavailable):
            await service.reply(session, "请问订单号是多少？", trainee_id=trainee)
        rasa.down = True
        with pytest.raises(RasaUnavailable):
            await service.reply(session, "我马上帮您查。", trainee_id=trainee)
        rasa.down = False
        view = await service.reply(session, "查到了。", trainee_id=trainee)
        assert view.earlier  # the waiting replies' answers came first
        await service.silence(session, 30.0, trainee_id=trainee)
        while not (await service.reply(session, "还有别的吗？", trainee_id=trainee)).ended:
            pass
    finally:
        await service.aclose()
        await engine.dispose()


def _rows(path: Path) -> dict[str, list[dict[str, Any]]]:
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        tables = {}
        for table in ("practice_sessions", "turns"):
            rows = db.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
            tables[table] = [{k: r[k] for k in r.keys() if k not in VOLATILE} for r in rows]
        return tables


@pytest.fixture
def two_databases(tmp_path: Path) -> tuple[Path, Path]:
    fast, slow = tmp_path / "fast.db", tmp_path / "slow.db"
    for path in (fast, slow):
        migrate.upgrade(f"sqlite+aiosqlite:///{path}")
    return fast, slow


async def test_a_session_played_on_the_fast_path_stores_what_conn_execute_stored(
    two_databases: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, slow = two_databases
    used: list[str] = []
    real = fastpath.execute

    def counted(conn: Any, statement: Any, params: Any) -> Any:
        used.append(conn.dialect.name)
        return real(conn, statement, params)

    monkeypatch.setattr(conversation, "_fast", counted)
    await _play(f"sqlite+aiosqlite:///{fast}")
    assert used and set(used) == {"sqlite"}
    monkeypatch.setattr(
        conversation,
        "_fast",
        lambda conn, statement, params: conn.execute(statement.statement, params),
    )
    await _play(f"sqlite+aiosqlite:///{slow}")
    fast_rows, slow_rows = _rows(fast), _rows(slow)
    assert len(fast_rows["turns"]) >= 12
    assert fast_rows == slow_rows
    # the JSON columns as SQLAlchemy writes them (None as JSON's null, not SQL NULL)
    statuses = {row["status"] for row in fast_rows["turns"]}
    assert "done" in statuses


async def test_fast_statements_are_seen_by_listeners_and_their_errors_are_sqlalchemys(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    service = ConversationService(FakeRasa(), create_sessionmaker(engine), FakeLibrary())
    try:
        trainee = await service.register("web", "w", "Li Lei")
        session = (await service.start(trainee, "angry_zh_test")).session_id
        seen: list[str] = []
        (sync_engine,) = service.db.engines
        listener = lambda *args: seen.append(args[2].split(None, 1)[0])  # noqa: E731
        event.listen(sync_engine, "before_cursor_execute", listener)
        counted = metrics.DB_STATEMENTS.labels(metrics.PROCESS)
        metrics.count_database_errors()
        before = counted._value.get()
        await service.reply(session, "您好", trainee_id=trainee)
        event.remove(sync_engine, "before_cursor_execute", listener)
        assert seen == ["UPDATE", "SELECT", "INSERT", "UPDATE", "UPDATE", "INSERT"]
        assert counted._value.get() - before == 6

        def duplicate(conn: Any) -> None:  # index 0 is taken: the unique (session, index)
            values = {"session_id": session, "index": 0, "role": "customer", "text": "x"}
            values |= {"at": conversation._now(), "created_at": conversation._now()}
            values |= {"status": "done", "state": None}
            fastpath.execute(conn, conversation._FAST_INSERT_TURN, values)

        errors = metrics.DB_ERRORS.labels(metrics.PROCESS, "IntegrityError")
        failed = errors._value.get()
        with pytest.raises(IntegrityError):
            await service.db.run(duplicate)
        assert errors._value.get() == failed + 1
        # the transaction was rolled back; the session plays on
        view = await service.reply(session, "还在吗？", trainee_id=trainee)
        assert view.customer == "customer line 3"
        async with service.sessionmaker() as db:
            count = len(list(await db.scalars(select(Turn).where(Turn.session_id == session))))
        assert count == 5
    finally:
        await service.aclose()
        await engine.dispose()


def test_a_statement_whose_values_sqlalchemy_computes_keeps_conn_execute(tmp_path: Path) -> None:
    """An INSERT missing a column with a Python default: the default is SQLAlchemy's to compute,
    so that statement is not run on the cursor."""
    from sqlalchemy import create_engine as create_sync_engine

    url = tmp_path / "g.db"
    migrate.upgrade(f"sqlite+aiosqlite:///{url}")
    engine = create_sync_engine(f"sqlite:///{url}")
    statement = fastpath.FastStatement(insert(Turn.__table__))
    with engine.connect() as conn:
        compiled = statement.compiled(conn.dialect, {"session_id": "s", "index": 0})
        assert compiled.fallback
    engine.dispose()
