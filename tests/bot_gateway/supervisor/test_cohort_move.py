"""A trainee who moves cohorts: each session keeps the cohort it was practised in. The old
cohort's supervisor keeps seeing the sessions practised there; the new cohort's supervisor sees
the sessions from the move on, not the trainee's history from before."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from bot_gateway.db import migrate
from bot_gateway.db.models import PracticeSession, Trainee
from tests.bot_gateway.supervisor.conftest import World, sign_in


def _wang_sessions(url: str) -> dict[str, int | None]:
    async def go() -> dict[str, int | None]:
        engine = create_async_engine(url)
        async with engine.connect() as db:
            rows = await db.execute(
                select(PracticeSession.id, PracticeSession.cohort_id)
                .join(Trainee)
                .where(Trainee.external_id == "w1")
            )
            found = dict(rows.all())
        await engine.dispose()
        return found

    return asyncio.run(go())


def _wang_session_ids(url: str) -> set[str]:
    async def go() -> set[str]:
        engine = create_async_engine(url)
        async with engine.connect() as db:
            rows = await db.scalars(
                select(PracticeSession.id).join(Trainee).where(Trainee.external_id == "w1")
            )
            found = set(rows.all())
        await engine.dispose()
        return found

    return asyncio.run(go())


def _move_wang_to_b_and_practise(client: TestClient) -> str:
    service = client.app.state.conversations
    trainee_id = client.portal.call(service.find_trainee, "web", "w1")
    client.portal.call(lambda: service.register("web", "w1", "王芳", cohort_code="COHORT-B"))
    view = client.portal.call(service.start, trainee_id, "angry_zh_test")
    return view.session_id


def test_sessions_keep_the_cohort_they_were_practised_in(client: TestClient, world: World) -> None:
    before = _wang_sessions(world.database_url)
    assert set(before.values()) == {world.cohort_a}
    new = _move_wang_to_b_and_practise(client)
    after = _wang_sessions(world.database_url)
    assert after[new] == world.cohort_b
    assert {sid: c for sid, c in after.items() if sid != new} == before


def test_the_old_cohorts_supervisor_keeps_the_history(client: TestClient, world: World) -> None:
    old = _wang_session_ids(world.database_url)
    new = _move_wang_to_b_and_practise(client)
    sign_in(client, "sue")  # supervises cohort A
    listed = client.get("/staff/sessions").text
    assert all(sid in listed for sid in old) and new not in listed
    page = client.get(f"/staff/sessions/{world.session_a}")
    assert page.status_code == 200 and "Cohort A" in page.text
    assert client.get(f"/staff/sessions/{new}").status_code == 404
    trainee_id = client.portal.call(client.app.state.conversations.find_trainee, "web", "w1")
    person = client.get(f"/staff/trainees/{trainee_id}")
    assert person.status_code == 200
    assert world.session_a in person.text and new not in person.text
    # rating a reply of a session practised in cohort A stays possible
    override = client.post(
        f"/staff/turns/{world.reply_a}/override",
        data={"overall": "80", "comment": "ok"},
        follow_redirects=False,
    )
    assert override.status_code == 303


def test_the_new_cohorts_supervisor_sees_only_sessions_after_the_move(
    client: TestClient, world: World
) -> None:
    old = _wang_session_ids(world.database_url)
    new = _move_wang_to_b_and_practise(client)
    sign_in(client, "bob")  # supervises cohort B
    listed = client.get("/staff/sessions").text
    assert new in listed and not any(sid in listed for sid in old)
    assert client.get(f"/staff/sessions/{world.session_a}").status_code == 404
    trainee_id = client.portal.call(client.app.state.conversations.find_trainee, "web", "w1")
    person = client.get(f"/staff/trainees/{trainee_id}")
    assert person.status_code == 200 and new in person.text and world.session_a not in person.text
    override = client.post(
        f"/staff/turns/{world.reply_a}/override",
        data={"overall": "80", "comment": "ok"},
        follow_redirects=False,
    )
    assert override.status_code == 404


def test_exports_follow_the_sessions_cohort(client: TestClient, world: World) -> None:
    old = _wang_session_ids(world.database_url)
    new = _move_wang_to_b_and_practise(client)
    sue = client.get(
        "/api/export?format=json", headers={"Authorization": f"Bearer {world.tokens['sue']}"}
    )
    assert sue.status_code == 200
    exported = json.loads(sue.text)
    rows = exported["sessions"] if isinstance(exported, dict) else exported
    by_id = {row["session"]: row for row in rows}
    assert old <= set(by_id) and new not in by_id
    assert {by_id[sid]["cohort"] for sid in old} == {"Cohort A"}
    ada = client.get(
        "/api/export?format=json&cohort=COHORT-B",
        headers={"Authorization": f"Bearer {world.tokens['ada']}"},
    )
    rows = json.loads(ada.text)
    rows = rows["sessions"] if isinstance(rows, dict) else rows
    assert world.session_b in {r["session"] for r in rows}
    assert new in {r["session"] for r in rows}
    assert not old & {r["session"] for r in rows}


def test_the_migration_gives_existing_sessions_their_trainees_cohort(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
    migrate.upgrade(url, "0004")

    async def seed_and_read(after_upgrade: bool) -> list[tuple]:
        engine = create_async_engine(url)
        async with engine.begin() as db:
            if not after_upgrade:
                await db.exec_driver_sql(
                    "INSERT INTO cohorts (id, name, invite_code, created_at) "
                    "VALUES (7, 'C', 'C7', '2026-11-01')"
                )
                await db.exec_driver_sql(
                    "INSERT INTO trainees (id, channel, external_id, display_name, "
                    "interface_lang, cohort_id, created_at) "
                    "VALUES (1, 'web', 'x', 'X', 'en', 7, '2026-11-01'), "
                    "(2, 'web', 'y', 'Y', 'en', NULL, '2026-11-01')"
                )
                await db.exec_driver_sql(
                    "INSERT INTO practice_sessions (id, trainee_id, persona_id, persona_type, "
                    "language, mode, status, started_at, created_at) VALUES "
                    "('s1', 1, 'p', 'angry', 'en', 'practice', 'ended', '2026-11-02', "
                    "'2026-11-02'), "
                    "('s2', 2, 'p', 'angry', 'en', 'practice', 'ended', '2026-11-02', "
                    "'2026-11-02')"
                )
                rows: list[tuple] = []
            else:
                result = await db.exec_driver_sql(
                    "SELECT id, cohort_id FROM practice_sessions ORDER BY id"
                )
                rows = [tuple(r) for r in result.all()]
        await engine.dispose()
        return rows

    asyncio.run(seed_and_read(False))
    migrate.upgrade(url)
    assert asyncio.run(seed_and_read(True)) == [("s1", 7), ("s2", None)]
