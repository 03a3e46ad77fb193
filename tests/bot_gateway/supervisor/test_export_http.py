"""Exports over HTTP with hostile names (issue 16, bad input): the download is complete and
safe, and a failure while building an XLSX is a clear error, not a file cut short."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import update

from bot_gateway import export
from bot_gateway.config import Settings
from bot_gateway.conversation import ConversationService
from bot_gateway.db.engine import create_engine, create_sessionmaker
from bot_gateway.db.models import Trainee
from bot_gateway.web.app import create_app
from tests.bot_gateway.conftest import FakeLibrary, FakeRasa
from tests.bot_gateway.supervisor.conftest import World, sign_in

HOSTILE = '=HYPERLINK("http://example.invalid","x")\x07\x00'


async def _rename(url: str) -> None:
    engine = create_engine(url)
    async with create_sessionmaker(engine).begin() as db:
        await db.execute(
            update(Trainee).where(Trainee.external_id == "w1").values(display_name=HOSTILE)
        )
    await engine.dispose()


@pytest.fixture
def hostile(world: World) -> Iterator[TestClient]:
    asyncio.run(_rename(world.database_url))
    settings = Settings(_env_file=None, database_url=world.database_url, environment="test")
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        engine = create_engine(world.database_url)
        app.state.conversations = ConversationService(
            FakeRasa(), create_sessionmaker(engine), FakeLibrary()
        )
        sign_in(client, "ada")
        yield client
        client.portal.call(engine.dispose)


def test_hostile_names_export_completely_and_safely(hostile: TestClient) -> None:
    xlsx = hostile.get("/staff/export", params={"format": "xlsx"})
    assert xlsx.status_code == 200
    rows = list(load_workbook(io.BytesIO(xlsx.content))["sessions"].iter_rows())
    names = [row[0] for row in rows[1:]]
    assert len(names) == 3  # every session, none lost after the bad name
    bad = [cell for cell in names if cell.value.startswith("=HYPERLINK")]
    assert len(bad) == 2  # 王芳's two sessions
    assert all(c.data_type == "s" and c.quotePrefix for c in bad)
    assert all(c.value == export.xlsx_text(HOSTILE) for c in bad)
    assert bad[0].value.endswith("\u2407\u2400")
    text = hostile.get("/staff/export", params={"format": "csv"}).text.lstrip("\ufeff")
    trainees = [row["trainee"] for row in csv.DictReader(io.StringIO(text))]
    assert "'" + HOSTILE in trainees


def test_a_failure_while_building_an_xlsx_is_a_clear_error(
    hostile: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(export, "_append_rows", broken)
    response = hostile.get("/staff/export", params={"format": "xlsx"})
    assert response.status_code == 500  # not a 200 with half a file
