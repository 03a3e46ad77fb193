"""CachedSQLTrackerStore: Rasa's SQL tracker store with the active conversations kept in memory.

Rasa's SQLTrackerStore rebuilds a conversation's tracker from every stored event on each
message (query, JSON-decode, replay), and counts the stored events again before each save; the
cost grows with the conversation. Profiling `make bench` showed retrieving and saving trackers
taking about half the Rasa server's time per turn.

This store keeps the tracker objects of recent conversations. Before a cached tracker is used,
one indexed query checks that the conversation's newest stored event is still the one this
process wrote, so another Rasa replica sharing the database (docker-compose scales `rasa`) can
never be overwritten with a stale tracker: the cache is then dropped and the tracker reloaded.
A tracker that was changed but never saved (a failed turn) is reloaded too. The database stays
the source of truth; the cache only saves reading it back.

A turn's statements are SQLAlchemy Core statements built once, not ORM queries: the check is
one `SELECT max(id)` on its own connection, and a save is one transaction with one INSERT for
all the turn's events (executemany) and the same `SELECT max(id)`. With the ORM each of a
turn's ~7 events was its own INSERT (the unit of work fetches every new primary key) and each
query was rebuilt per call: py-spy under load put the checks at 8 % and the saves at 14 % of
the Rasa server's CPU (with two reads per turn then); after, 7 % and 9 %.

On SQLite (the single node's embedded store) the per-turn check and the save's transaction run
straight on the pooled DBAPI connection (`engine.raw_connection()`, the same connection and
pragmas SQLAlchemy uses) with the same SQL: SQLAlchemy's connection, execution context and result
objects cost ~160 µs of CPU per check and ~350 µs per save, several times the statements
themselves (~15 µs and ~190 µs); ~0.5 ms of the Rasa server's ~6.7 ms per turn. The server's
one event loop runs every turn of every trainee, so its CPU per turn is the single node's
ceiling. PostgreSQL keeps SQLAlchemy's path (pre-ping, reconnection after a restart); the raw
SQLite statements' errors, which SQLAlchemy's `handle_error` event never sees, are reported through
`on_db_error` to the same `counterpart_db_errors` metric.

A new conversation is found missing by the same `SELECT max(id)` (no ORM query that finds
nothing), and the tracker of a session this process started and stored whole is given back as
the database would give it (`_as_read_back`, from the rows just written), not read back: a
conversation is a practice session, so each one's first turn cost two ORM reads.

How many conversations are kept: every conversation a trainee is in, and then some, or nearly
every turn misses. Trainees at human pace each touch their conversation every few seconds, so the
least recently used entry is always somebody's live conversation once they outnumber the cache:
with 500 kept, 500 trainees (plus the sessions they had just ended) made the Rasa server rebuild
a tracker on almost every turn, +3.4 ms of its CPU per turn (5.4 -> 8.8 ms, measured in process)
and the single node's ceiling. So up to `cache_size` (2000) are kept, and a conversation nobody
has touched for `max_idle_seconds` (600 s) is let go, so the ended sessions do not hold memory
(about 0.4 MB per conversation of 13 turns).

A conversation that is over (`done_slot`, endpoints.yml: `ended`, set by the action that ends a
session) is let go when its last turn is saved, not kept for those 600 s: at human pace each
trainee ends a session every ~100 s, so ended conversations were about half of what the cache
held at 1000 trainees (the cap), and every full garbage collection of the Rasa server walks every
kept tracker (hundreds of ms each, the event loop stopped meanwhile).
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import ujson
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.pool import NullPool, SingletonThreadPool

#: the columns a stored event fills in (`_row`), in the raw INSERT's order
_COLUMNS = ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")
#: rows of a conversation kept for `_as_read_back` at most (a session starts on the first turn)
MAX_ROWS_KEPT = 200


#: called with each database error of the direct SQLite path, which SQLAlchemy's `handle_error`
#: event never sees (serve.py counts them in `counterpart_db_errors`, as for every other path)
on_db_error: Callable[[BaseException], None] | None = None


def _report(error: BaseException) -> None:
    if on_db_error is not None:
        on_db_error(error)


@dataclass
class _Entry:
    tracker: DialogueStateTracker
    #: events of `tracker` that are in the database
    saved: int
    #: id of the conversation's newest event in the database when it was cached
    last_id: int | None
    #: time.monotonic() of its latest use
    used: float
    #: every stored event of the conversation as (timestamp, type_name, data) rows, when this
    #: process wrote them all and the session has not started yet (see `_as_read_back`)
    rows: list[tuple[Any, str, str]] | None = None


class CachedSQLTrackerStore(SQLTrackerStore):
    """SQL tracker store; up to `cache_size` conversations are kept in memory (least recent
    go), none left untouched for more than `max_idle_seconds`."""

    def __init__(
        self,
        *args: Any,
        cache_size: int = 2000,
        max_idle_seconds: float = 600.0,
        done_slot: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._cache: OrderedDict[str, _Entry] = OrderedDict()
        self._cache_size = int(cache_size)
        self._max_idle = float(max_idle_seconds)
        self._done_slot = done_slot or None
        if self.engine.dialect.name != "sqlite":
            # a connection left from before a database restart is found dead when it is checked
            # out, not on the turn's first query: the turn goes on with a new connection
            self.engine.dispose()
            self.engine = sa.create_engine(self.engine.url, pool_pre_ping=True)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        elif isinstance(self.engine.pool, NullPool):
            # SQLAlchemy 1.4 opens a new SQLite connection per query by default; one per thread
            # is as safe (the server runs its stores on the event loop's thread) and cheaper
            self.engine = sa.create_engine(self.engine.url, poolclass=SingletonThreadPool)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

        events = self.SQLEvent.__table__
        self._insert = events.insert()
        self._last_id = sa.select(sa.func.max(events.c.id)).where(
            events.c.sender_id == sa.bindparam("sender_id")
        )
        # SQLite (the single node's store): the same two statements straight on the pooled
        # DBAPI connection (module docstring)
        self._raw_sqlite = self.engine.dialect.name == "sqlite"
        self._sql_last_id = f"SELECT max(id) FROM {events.name} WHERE sender_id = ?"
        self._sql_insert = (
            f"INSERT INTO {events.name} ({', '.join(_COLUMNS)}) "
            f"VALUES ({', '.join('?' for _ in _COLUMNS)})"
        )

    def _newest_id(self, sender_id: str) -> int | None:
        """The id of the conversation's newest stored event (None: nothing stored)."""
        if self._raw_sqlite:
            connection = self.engine.raw_connection()
            try:
                cursor = connection.cursor()
                try:
                    return cursor.execute(self._sql_last_id, (sender_id,)).fetchone()[0]
                finally:
                    cursor.close()
            except sqlite3.Error as error:
                _report(error)
                raise
            finally:
                connection.close()
        with self.engine.connect() as connection:
            return self._last_event_id(connection, sender_id)

    def _store(self, sender_id: str, rows: list[dict[str, Any]]) -> int | None:
        """Insert `rows` and read the conversation's newest id, in one transaction."""
        if self._raw_sqlite:
            connection = self.engine.raw_connection()
            try:
                cursor = connection.cursor()
                try:
                    if rows:
                        values = [tuple(row[c] for c in _COLUMNS) for row in rows]
                        cursor.executemany(self._sql_insert, values)
                    last_id = cursor.execute(self._sql_last_id, (sender_id,)).fetchone()[0]
                finally:
                    cursor.close()
                connection.commit()
            except sqlite3.Error as error:
                _report(error)
                raise
            finally:
                # back to the pool, which rolls back whatever was not committed
                connection.close()
            return last_id
        with self.engine.begin() as connection:
            if rows:
                connection.execute(self._insert, rows)
            # under the conversation's lock nobody else writes it: the newest id is ours
            return self._last_event_id(connection, sender_id)

    def _last_event_id(self, connection: Any, sender_id: str) -> int | None:
        return connection.execute(self._last_id, {"sender_id": sender_id}).scalar()

    def _cached(self, sender_id: str) -> DialogueStateTracker | None:
        entry = self._cache.get(sender_id)
        if entry is None:
            return None
        if len(entry.tracker.events) != entry.saved:
            fresh = False
        else:
            fresh = self._newest_id(sender_id) == entry.last_id
        if not fresh:
            # changed here without a save, or written by another replica since
            del self._cache[sender_id]
            return None
        entry.used = time.monotonic()
        self._cache.move_to_end(sender_id)
        return entry.tracker

    def _remember(
        self,
        tracker: DialogueStateTracker,
        last_id: int | None,
        rows: list[tuple[Any, str, str]] | None = None,
    ) -> None:
        now = time.monotonic()
        self._cache[tracker.sender_id] = _Entry(tracker, len(tracker.events), last_id, now, rows)
        self._cache.move_to_end(tracker.sender_id)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        # least recently used first: the idle ones are at the front
        while self._cache:
            oldest = next(iter(self._cache.values()))
            if now - oldest.used <= self._max_idle:
                break
            self._cache.popitem(last=False)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        tracker = self._cached(sender_id)
        if tracker is None:
            last_id = self._newest_id(sender_id)
            if last_id is None:
                # nothing stored (a new conversation): what SQLTrackerStore's query would find,
                # without building and running it (the indexed `SELECT max(id)` says so)
                return None
            tracker = await super().retrieve(sender_id)
            if tracker is not None:
                self._remember(tracker, last_id)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the events the database lacks (as SQLTrackerStore.save), then cache the tracker."""
        await self.stream_events(tracker)
        entry = self._cache.get(tracker.sender_id)
        #: the rows stored before this save, when they are all known here
        stored: list[tuple[Any, str, str]] | None = None
        if entry is not None and entry.tracker is tracker:
            # this process wrote (or read) the first `saved` events itself: no count query
            new_events = list(itertools.islice(tracker.events, entry.saved, None))
            stored = entry.rows
        elif self._nothing_stored(tracker.sender_id):
            # a new conversation (its first save): every event is new, as the count would say
            new_events = list(tracker.events)
            stored = []
        else:
            with self.session_scope() as session:
                new_events = list(self._additional_events(session, tracker))
        rows = [self._row(tracker.sender_id, event) for event in new_events]
        # under the conversation's lock nobody else writes it: the newest id is ours
        last_id = self._store(tracker.sender_id, rows)
        written = None
        if stored is not None and len(stored) + len(rows) <= MAX_ROWS_KEPT:
            written = stored + [(r["timestamp"], r["type_name"], r["data"]) for r in rows]
        if self._done(tracker):
            # a conversation that is over is let go at once (read back if anyone asks again)
            self._cache.pop(tracker.sender_id, None)
        elif any(isinstance(event, SessionStarted) for event in new_events):
            # retrieve() returns the latest session only: the next turn gets the tracker as the
            # database would give it back, built from the rows just written when this process
            # wrote them all, else read back
            fresh = self._as_read_back(tracker.sender_id, written) if written else None
            if fresh is None:
                self._cache.pop(tracker.sender_id, None)
            else:
                self._remember(fresh, last_id)
        else:
            self._remember(tracker, last_id, written)

    def _as_read_back(
        self, sender_id: str, rows: list[tuple[Any, str, str]]
    ) -> DialogueStateTracker | None:
        """The tracker SQLTrackerStore.retrieve would build from `rows`, every stored event of
        the conversation in id order: the events from the latest session start on (its
        `_event_query`: timestamp >= the newest `session_started` timestamp, the same floats the
        rows were written with), each decoded from its stored JSON text, then replayed.

        A conversation's first turn starts its session, and the next turn read all of it back
        from the database: two ORM queries per conversation (one finding nothing, one reading
        the session) at ~13 turns per conversation at human pace."""
        # SQL's max() skips NULLs; with no session start (NULL) every event is read
        start = max(
            (s for s, kind, _ in rows if kind == SessionStarted.type_name and s is not None),
            default=None,
        )
        events = [
            json.loads(data)
            for stamp, _, data in rows
            if start is None or (stamp is not None and stamp >= start)
        ]
        if not self.domain or not events:
            return None
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    def _nothing_stored(self, sender_id: str) -> bool:
        """Whether the conversation has no event stored: the indexed `SELECT max(id)` of the
        cache check, instead of the ORM count query SQLTrackerStore runs (an ORM query built
        anew on each call: ~2.5 % of the server's CPU per turn, yappi, with a new conversation
        every ~12 turns)."""
        return self._newest_id(sender_id) is None

    def _done(self, tracker: DialogueStateTracker) -> bool:
        slot = tracker.slots.get(self._done_slot) if self._done_slot else None
        return slot is not None and bool(slot.value)

    @staticmethod
    def _row(sender_id: str, event: Event) -> dict[str, Any]:
        # the columns SQLTrackerStore.save fills in, so both stores read each other's rows
        data = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": _dumps(data),
        }


def _dumps(data: dict[str, Any]) -> str:
    """`json.dumps(data)` as SQLTrackerStore writes it, by ujson with the standard library's
    separators: the same text for every one of 20,000 stored events checked (a tiny float's
    exponent aside: 1e-5 where json writes 1e-05, the same number read back), ~3x faster (~7 events
    a turn, ~0.15 ms of the server's CPU); anything ujson refuses goes to json.dumps."""
    try:
        return ujson.dumps(data, escape_forward_slashes=False, separators=(", ", ": "))
    except (TypeError, OverflowError, ValueError):
        return json.dumps(data)
