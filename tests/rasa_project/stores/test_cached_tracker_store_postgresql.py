"""The cached tracker store on PostgreSQL (the production topology's tracker store): replicas
share it, and connections killed under it (a database restart) are replaced, not failed on."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import psycopg2
import pytest
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker
from stores.cached_sql import CachedSQLTrackerStore

from tests.rasa_project.stores.test_cached_tracker_store import DOMAIN, turn

ADMIN = os.environ.get("TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


def _admin(statement: str, dsn: str = ADMIN) -> None:
    connection = psycopg2.connect(dsn)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


@pytest.fixture
def url() -> Iterator[str]:
    name = f"counterpart_tracker_test_{uuid.uuid4().hex[:8]}"
    _admin(f'CREATE DATABASE "{name}"')
    yield ADMIN.rsplit("/", 1)[0] + f"/{name}"
    _admin(f'DROP DATABASE "{name}" WITH (FORCE)')


def store(url: str) -> CachedSQLTrackerStore:
    return CachedSQLTrackerStore(domain=DOMAIN, dialect="postgresql", host=url)


async def test_two_replicas_take_turns_on_one_conversation_without_losing_events(url: str) -> None:
    one, two = store(url), store(url)
    tracker = DialogueStateTracker.from_events("s1", [ActionExecuted("action_listen")])
    tracker.update_with_events(turn("hi", 40.0), DOMAIN)
    await one.save(tracker)
    on_two = await two.retrieve("s1")
    on_two.update_with_events(turn("sorry", 30.0), DOMAIN)
    await two.save(on_two)
    back_on_one = await one.retrieve("s1")  # its cache is stale: it must read the database
    assert back_on_one.get_slot("mood") == 30.0
    assert len(back_on_one.events) == len(on_two.events)


async def test_connections_killed_under_the_store_are_replaced(url: str) -> None:
    replica = store(url)
    tracker = DialogueStateTracker.from_events("s1", turn("hi", 40.0))
    await replica.save(tracker)
    # what a PostgreSQL restart does to every pooled connection
    name = url.rsplit("/", 1)[1]
    _admin(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    )
    tracker.update_with_events(turn("sorry", 30.0), DOMAIN)
    await replica.save(tracker)
    assert (await store(url).retrieve("s1")).get_slot("mood") == 30.0
