"""One database transaction per call, written once as plain (sync) SQLAlchemy Core.

The turn path (conversation.py) runs each of its steps as one function of a sync
`Connection`: claim the session's turn and store the reply; later store the answer and give the
turn back. `Transactions.run(fn, *args)` runs such a function in one transaction:

- on a SQLite file (the single-node default) in one dedicated thread with its own sync
  connection: one hand-off between the event loop and a thread per transaction, where the
  async driver (aiosqlite) hands off for every cursor, execute, fetch, close, commit and pool
  reset (~40 per reply before, ~16 ms of gateway CPU). One thread also means the turn path's
  writes never wait for each other inside SQLite's busy handler (which sleeps in steps up to
  100 ms); other writers in the process (supervisor pages, Telegram inbox) still share the file
  through WAL and the busy timeout, as before.
- on any other database (PostgreSQL in production) on the async engine, through
  `AsyncConnection.run_sync`: the same function, the driver's own async I/O.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from bot_gateway.db.engine import SQLITE_BUSY_TIMEOUT, is_sqlite_file, sqlite_pragmas

T = TypeVar("T")


class Transactions:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sync_engine: Engine | None = None
        self._executor: ThreadPoolExecutor | None = None
        if is_sqlite_file(engine.url):
            self.sync_engine = create_sync_engine(
                engine.url.set(drivername="sqlite"),
                # used by the one thread below only; closed from whichever thread disposes
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT, "check_same_thread": False},
                pool_size=1,
                max_overflow=0,
            )
            event.listen(self.sync_engine, "connect", sqlite_pragmas)
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gateway-db")

    @property
    def engines(self) -> list[Engine]:
        """The sync engines whose events see this object's statements (tests count them)."""
        return [self.sync_engine or self.engine.sync_engine]

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(connection, *args)` in one transaction: committed when it returns, rolled back
        when it raises (the exception is raised here)."""
        if self._executor is not None:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor, self._in_thread, fn, args)
        async with self.engine.begin() as conn:
            return await conn.run_sync(fn, *args)

    def _in_thread(self, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        assert self.sync_engine is not None
        with self.sync_engine.begin() as conn:
            return fn(conn, *args)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        if self.sync_engine is not None:
            self.sync_engine.dispose()


__all__ = ["Connection", "Transactions"]
