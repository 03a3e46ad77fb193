"""The cached SQL tracker store: Rasa's SQL store's answers, without reading back its writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from stores import cached_sql
from stores.cached_sql import CachedSQLTrackerStore

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [greeting]
slots:
  mood:
    type: float
    influence_conversation: false
    mappings: [{type: custom}]
"""
)


def make_store(path: Path, cls: type = CachedSQLTrackerStore) -> SQLTrackerStore:
    return cls(domain=DOMAIN, dialect="sqlite", db=str(path))


def turn(text: str, mood: float) -> list:
    return [UserUttered(text, {"name": "greeting", "confidence": 1.0}), SlotSet("mood", mood)]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "tracker.db"


async def test_a_saved_conversation_reads_back_with_every_event(db: Path) -> None:
    store = make_store(db)
    tracker = DialogueStateTracker.from_events("s1", [ActionExecuted("action_listen")])
    tracker.update_with_events(turn("hi", 40.0), DOMAIN)
    await store.save(tracker)
    tracker.update_with_events(turn("sorry", 30.0), DOMAIN)
    await store.save(tracker)

    plain = await make_store(db, SQLTrackerStore).retrieve("s1")
    assert [e.as_dict() for e in plain.events] == [e.as_dict() for e in tracker.events]
    assert (await store.retrieve("s1")).get_slot("mood") == 30.0


async def test_the_same_process_gets_its_tracker_without_rebuilding_it(db: Path) -> None:
    store = make_store(db)
    tracker = DialogueStateTracker.from_events("s1", turn("hi", 40.0))
    await store.save(tracker)
    assert await store.retrieve("s1") is tracker


async def test_a_write_by_another_replica_is_never_hidden_by_the_cache(db: Path) -> None:
    first, second = make_store(db), make_store(db)
    tracker = DialogueStateTracker.from_events("s1", turn("hi", 40.0))
    await first.save(tracker)

    other = await second.retrieve("s1")
    other.update_with_events(turn("calm down", 90.0), DOMAIN)
    await second.save(other)

    fresh = await first.retrieve("s1")
    assert fresh is not tracker
    assert fresh.get_slot("mood") == 90.0
    assert len(fresh.events) == 4


async def test_a_tracker_changed_but_not_saved_is_read_again(db: Path) -> None:
    store = make_store(db)
    tracker = DialogueStateTracker.from_events("s1", turn("hi", 40.0))
    await store.save(tracker)
    tracker.update_with_events(turn("lost in a crash", 99.0), DOMAIN)  # never saved

    again = await store.retrieve("s1")
    assert again is not tracker
    assert again.get_slot("mood") == 40.0
    assert len(again.events) == 2


async def test_a_new_session_is_read_back_from_its_start(db: Path) -> None:
    store = make_store(db)
    tracker = DialogueStateTracker.from_events("s1", turn("hi", 40.0))
    await store.save(tracker)
    tracker.update_with_events([SessionStarted(), *turn("hello again", 50.0)], DOMAIN)
    await store.save(tracker)

    latest = await store.retrieve("s1")
    assert isinstance(latest.events[0], SessionStarted)
    assert latest.get_slot("mood") == 50.0


async def test_a_conversation_left_idle_is_let_go_and_read_back_from_the_database(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [1000.0]
    monkeypatch.setattr(cached_sql.time, "monotonic", lambda: now[0])
    store = CachedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(db), max_idle_seconds=60)
    idle = DialogueStateTracker.from_events("idle", turn("hi", 1.0))
    busy = DialogueStateTracker.from_events("busy", turn("hi", 2.0))
    await store.save(idle)
    await store.save(busy)
    now[0] += 45
    assert await store.retrieve("busy") is busy  # used again: kept
    now[0] += 30  # idle untouched for 75 s, busy for 30 s
    other = DialogueStateTracker.from_events("other", turn("hi", 3.0))
    await store.save(other)
    assert list(store._cache) == ["busy", "other"]
    again = await store.retrieve("idle")
    assert again is not idle
    assert again.get_slot("mood") == 1.0
    assert [e.as_dict() for e in again.events] == [e.as_dict() for e in idle.events]


async def test_the_cache_keeps_only_the_most_recent_conversations(db: Path) -> None:
    store = CachedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(db), cache_size=2)
    trackers = [DialogueStateTracker.from_events(f"s{n}", turn("hi", 1.0)) for n in range(3)]
    for tracker in trackers:
        await store.save(tracker)
    assert await store.retrieve("s0") is not trackers[0]  # evicted, rebuilt from the database
    assert await store.retrieve("s2") is trackers[2]


async def test_a_conversation_that_is_over_is_let_go_and_reads_back_whole(db: Path) -> None:
    domain = Domain.from_yaml(
        """
version: "3.1"
intents: [greeting]
slots:
  ended:
    type: bool
    influence_conversation: false
    mappings: [{type: custom}]
"""
    )
    store = CachedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(db), done_slot="ended")
    going = DialogueStateTracker.from_events("going", [SlotSet("ended", False)], domain.slots)
    over = DialogueStateTracker.from_events("over", [SlotSet("ended", False)], domain.slots)
    await store.save(going)
    over.update_with_events(
        [UserUttered("bye", {"name": "greeting", "confidence": 1.0}), SlotSet("ended", True)],
        domain,
    )
    await store.save(over)
    assert list(store._cache) == ["going"]
    assert await store.retrieve("going") is going
    again = await store.retrieve("over")
    assert again is not over and again.get_slot("ended") is True
    assert [e.as_dict() for e in again.events] == [e.as_dict() for e in over.events]
    # without a done slot the store keeps it, as before
    keeping = CachedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(db))
    await keeping.save(over)
    assert await keeping.retrieve("over") is over


@pytest.mark.parametrize(
    "data",
    [
        {"event": "user", "text": "你好 / héllo 😀", "parse_data": {"intent": {"confidence": 0.9}}},
        {"event": "slot", "name": "s", "value": {"a": [1, 2.5, None, True, 1e22, 10**20]}},
        {"event": "slot", "name": "s", "value": {"tiny": 1e-05, "k": {}, "l": []}},
        {"event": "bot", "text": 'line\nnext\t"q" \\ \u2028', "data": {"custom": None}},
    ],
)
def test_an_event_row_holds_what_the_standard_encoder_would_write(data: dict) -> None:
    import json

    written = cached_sql._dumps(data)
    assert json.loads(written) == data
    if "tiny" not in str(data):  # (ujson writes 1e-5 where json writes 1e-05)
        assert written == json.dumps(data)


def test_an_event_row_with_numbers_out_of_the_ordinary_is_written_as_json_writes_it() -> None:
    import json

    for value in (2**70, float("nan"), float("inf"), -0.0):
        assert cached_sql._dumps({"value": value}) == json.dumps({"value": value})


def _no_orm_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """SQLTrackerStore's ORM reads of a conversation, recorded (and still answered)."""
    reads: list[str] = []
    original = SQLTrackerStore._retrieve

    async def recording(self, sender_id, fetch_events_from_all_sessions):  # type: ignore[no-untyped-def]
        reads.append(sender_id)
        return await original(self, sender_id, fetch_events_from_all_sessions)

    monkeypatch.setattr(SQLTrackerStore, "_retrieve", recording)
    return reads


async def test_a_new_conversation_is_found_missing_without_the_orm_query(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = make_store(db)
    reads = _no_orm_reads(monkeypatch)
    assert await store.retrieve("nobody") is None
    assert reads == []


async def test_a_session_started_here_is_given_back_as_the_database_would_without_reading_it(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a conversation's first turn as the Rasa server plays it: created (action_listen saved),
    # then the session start and the turn, saved together
    store = make_store(db)
    tracker = await store.get_or_create_tracker("s1")
    tracker.update_with_events(
        [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")],
        DOMAIN,
    )
    tracker.update_with_events(turn("hi", 40.0), DOMAIN)
    await store.save(tracker)

    reads = _no_orm_reads(monkeypatch)
    mine = await store.retrieve("s1")
    assert reads == []
    plain = await make_store(db, SQLTrackerStore).retrieve("s1")
    assert mine is not tracker
    assert isinstance(mine.events[0], SessionStarted)
    assert [e.as_dict() for e in mine.events] == [e.as_dict() for e in plain.events]
    assert mine.get_slot("mood") == plain.get_slot("mood") == 40.0

    # and the next turn is stored after it, once
    mine.update_with_events(turn("sorry", 30.0), DOMAIN)
    await store.save(mine)
    again = await make_store(db, SQLTrackerStore).retrieve("s1")
    assert [e.as_dict() for e in again.events] == [e.as_dict() for e in mine.events]
    assert await store.retrieve("s1") is mine


async def test_a_session_started_on_a_conversation_read_from_the_database_is_read_back(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_store(db).save(DialogueStateTracker.from_events("s1", turn("hi", 40.0)))
    store = make_store(db)  # another process: not every stored row is known here
    tracker = await store.retrieve("s1")
    tracker.update_with_events([SessionStarted(), *turn("hello again", 50.0)], DOMAIN)
    await store.save(tracker)
    reads = _no_orm_reads(monkeypatch)
    latest = await store.retrieve("s1")
    assert reads == ["s1"]
    assert isinstance(latest.events[0], SessionStarted) and len(latest.events) == 3


async def test_an_error_of_the_direct_sqlite_path_is_reported_and_raised(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The direct statements bypass SQLAlchemy's handle_error event: the store reports their
    errors itself, so `counterpart_db_errors` still counts them on the single node."""
    import sqlite3

    store = make_store(db)
    seen: list[BaseException] = []
    monkeypatch.setattr(cached_sql, "on_db_error", seen.append)
    tracker = DialogueStateTracker.from_events("s1", [ActionExecuted("action_listen")])
    await store.save(tracker)
    with sqlite3.connect(db) as other:
        other.execute(f"DROP TABLE {store.SQLEvent.__table__.name}")
    with pytest.raises(sqlite3.Error):
        await store.retrieve("s2")
    assert seen and isinstance(seen[0], sqlite3.OperationalError)
