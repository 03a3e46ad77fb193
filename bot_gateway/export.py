"""Practice sessions and their replies as CSV, XLSX or JSON, for supervisors.

The dashboard button, the token-authenticated HTTP endpoint and `counterpart export` share
this module: the same filters, the same cohort scope, the same columns. Sessions are read in
pages (keyset on start time and id), so a large export never holds the whole table in memory;
CSV and JSON are produced while they are sent, XLSX is written to a temporary file in
openpyxl's write-only mode first (a zip archive cannot be streamed before it is complete), in a
worker thread, so a large export never holds the event loop.

Cells are text typed by trainees and staff, so they are neutralised for spreadsheets: a CSV
text cell that a spreadsheet would read as a formula (it starts with = + - @, a tab or a
carriage return, after any spaces; full-width forms too) gets a leading apostrophe, as OWASP
recommends; an XLSX text cell is always stored as text (never a formula or an error value), with
Excel's quote prefix when it looks like a formula, so the text is kept exactly. Control
characters that XML cannot carry are shown as their visible Unicode symbols (U+2400 block) in
XLSX instead of breaking the file (the CSV and JSON keep them as they are).
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import re
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, BinaryIO

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot_gateway.auth import Principal
from bot_gateway.db.models import Cohort, PracticeSession, RatingOverride, Trainee, Turn, User
from bot_gateway.ids import cohort_ids
from scoring.rubric import DIMENSIONS, FIVE_STEPS

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
PAGE_SIZE = 200

SESSION_COLUMNS: tuple[str, ...] = (
    "trainee",
    "trainee_id",
    "cohort",
    "session",
    "persona",
    "type",
    "language",
    "mode",
    "status",
    "start",
    "duration_seconds",
    "turns",
    "outcome",
    "overall",
    *(f"dim_{d}" for d in DIMENSIONS),
    "five_step_coverage",
    *(f"step_{s}" for s in FIVE_STEPS),
    "mean_reply_seconds",
    "ai_reply_mean",
    "supervisor_reply_mean",
    "overrides",
)


# ---- scorecard evidence (issue 15, kept apart from the rest of the export) -----------------
# The replies behind a scorecard's credits: for each dimension, each ticked step and the
# strengths, "reply number: “quote”" (the n-th trainee reply), and the red lines crossed with
# the cap they put on the overall score. Empty for scorecards made before rubric 2.0.0.

EVIDENCE_COLUMNS: tuple[str, ...] = (
    "rubric_version",
    "not_observed",
    "red_line_cap",
    "red_lines",
    *(f"evidence_{d}" for d in DIMENSIONS),
    *(f"evidence_step_{s}" for s in FIVE_STEPS),
    "strengths",
    "strength_evidence",
)


def _cited(items: object) -> str | None:
    """Evidence items as "3: “quote”; 5: “quote”" (None when there are none)."""
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        return None
    cited = [
        f"{item.get('turn')}: “{item.get('quote', '')}”"
        for item in items
        if isinstance(item, dict) and item.get("turn") is not None
    ]
    return "; ".join(cited) or None


def scorecard_evidence_columns(practice: PracticeSession) -> dict[str, Any]:
    """The EVIDENCE_COLUMNS of one session, from its stored scorecard."""
    card = practice.scorecard if isinstance(practice.scorecard, dict) else {}
    dimension_evidence = card.get("dimension_evidence") or {}
    step_evidence = card.get("step_evidence") or {}
    strengths = [s for s in card.get("strengths") or [] if isinstance(s, dict)]
    red_lines = [r for r in card.get("red_lines") or [] if isinstance(r, dict)]
    return {
        "rubric_version": practice.rubric_version,
        "not_observed": " ".join(card.get("not_observed") or []) or None,
        "red_line_cap": (card.get("overall_parts") or {}).get("cap"),
        "red_lines": "; ".join(f"{r.get('guideline')} @ {_cited(r)}" for r in red_lines) or None,
        **{f"evidence_{d}": _cited(dimension_evidence.get(d)) for d in DIMENSIONS},
        **{f"evidence_step_{s}": _cited(step_evidence.get(s)) for s in FIVE_STEPS},
        "strengths": " ".join(str(s.get("guideline")) for s in strengths) or None,
        "strength_evidence": " | ".join(
            f"{s.get('guideline')} @ {_cited(s.get('evidence'))}" for s in strengths
        )
        or None,
    }


SESSION_COLUMNS += EVIDENCE_COLUMNS

TURN_COLUMNS: tuple[str, ...] = (
    "session",
    "trainee",
    "cohort",
    "persona",
    "turn",
    "at",
    "reply_seconds",
    "text",
    "moves",
    "rules",
    "ai_overall",
    "supervisor_overall",
    "supervisor_comment",
    "supervisor",
)


@dataclass(frozen=True)
class ExportFilters:
    """What the dashboard's filter form, the HTTP query and the CLI options select."""

    since: date | None = None
    until: date | None = None  # inclusive: the whole day
    cohorts: tuple[str, ...] = ()  # invite codes or ids
    trainee_id: int | None = None
    persona_type: str | None = None
    language: str | None = None
    mode: str | None = None
    outcome: str | None = None

    def query_string(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for name in ("since", "until", "trainee_id", "persona_type", "language", "mode", "outcome"):
            value = getattr(self, name)
            if value not in (None, ""):
                out[name] = str(value)
        if self.cohorts:
            out["cohort"] = self.cohorts[0]
        return out


@dataclass
class Page:
    sessions: list[dict[str, Any]] = field(default_factory=list)
    turns: list[dict[str, Any]] = field(default_factory=list)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def filtered_sessions(scope: Principal, filters: ExportFilters) -> Select:
    """Sessions the principal may see that match the filters, oldest first."""
    query = (
        select(PracticeSession, Trainee, Cohort)
        .join(Trainee, PracticeSession.trainee_id == Trainee.id)
        # h3-access: the cohort a session was practised in, not the trainee's current one
        .outerjoin(Cohort, PracticeSession.cohort_id == Cohort.id)
    )
    if not scope.sees_everything:
        query = query.where(PracticeSession.cohort_id.in_(sorted(scope.cohort_ids) or [-1]))
    if filters.since:
        query = query.where(PracticeSession.started_at >= _day_start(filters.since))
    if filters.until:
        query = query.where(
            PracticeSession.started_at < _day_start(filters.until + timedelta(days=1))
        )
    if filters.cohorts:
        ids = cohort_ids(filters.cohorts)  # '²'.isdigit() is True, but int('²') fails
        query = query.where(or_(Cohort.invite_code.in_(filters.cohorts), Cohort.id.in_(ids)))
    if filters.trainee_id is not None:
        query = query.where(Trainee.id == filters.trainee_id)
    for column, value in (
        (PracticeSession.persona_type, filters.persona_type),
        (PracticeSession.language, filters.language),
        (PracticeSession.mode, filters.mode),
        (PracticeSession.outcome, filters.outcome),
    ):
        if value:
            query = query.where(column == value)
    return query.order_by(PracticeSession.started_at, PracticeSession.id)


async def latest_overrides(db: AsyncSession, turn_ids: list[int]) -> dict[int, RatingOverride]:
    """The newest supervisor override of each turn (older ones stay as history)."""
    if not turn_ids:
        return {}
    rows = await db.execute(
        select(RatingOverride, User.name)
        .join(User, RatingOverride.user_id == User.id)
        .where(RatingOverride.turn_id.in_(turn_ids))
        .order_by(RatingOverride.created_at, RatingOverride.id)
    )
    latest: dict[int, RatingOverride] = {}
    for override, user_name in rows.all():
        override.supervisor_name = user_name
        latest[override.turn_id] = override
    return latest


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _session_row(
    practice: PracticeSession,
    trainee: Trainee,
    cohort: Cohort | None,
    turns: list[Turn],
    overrides: dict[int, RatingOverride],
) -> dict[str, Any]:
    scorecard = practice.scorecard or {}
    dimensions = scorecard.get("dimensions") or {}
    steps = scorecard.get("five_steps") or {}
    replies = [t for t in turns if t.role == "trainee"]
    rated = [t for t in replies if isinstance((t.rating or {}).get("overall"), (int, float))]
    ai_scores = [float(t.rating["overall"]) for t in rated]
    with_overrides = [
        float(overrides[t.id].overall) if t.id in overrides else float(t.rating["overall"])
        for t in rated
    ]
    started = _aware(practice.started_at)
    ended = _aware(practice.ended_at)
    reply_times = [t.reply_seconds for t in replies if t.reply_seconds is not None]
    overridden = sum(1 for t in replies if t.id in overrides)
    return {
        "trainee": trainee.display_name,
        "trainee_id": trainee.id,
        "cohort": cohort.name if cohort else None,
        "session": practice.id,
        "persona": practice.persona_id,
        "type": practice.persona_type,
        "language": practice.language,
        "mode": practice.mode,
        "status": practice.status,
        "start": started.isoformat() if started else None,
        "duration_seconds": round((ended - started).total_seconds(), 1)
        if started and ended
        else None,
        "turns": len(replies),
        "outcome": practice.outcome,
        "overall": practice.overall_score,
        **{f"dim_{d}": dimensions.get(d) for d in DIMENSIONS},
        "five_step_coverage": sum(1 for s in FIVE_STEPS if steps.get(s)) if steps else None,
        **{f"step_{s}": (bool(steps.get(s)) if steps else None) for s in FIVE_STEPS},
        "mean_reply_seconds": _mean(reply_times),
        "ai_reply_mean": _mean(ai_scores),
        "supervisor_reply_mean": _mean(with_overrides) if overridden else None,
        "overrides": overridden,
        **scorecard_evidence_columns(practice),
    }


def _turn_row(
    practice: PracticeSession,
    trainee: Trainee,
    cohort: Cohort | None,
    turn: Turn,
    override: RatingOverride | None,
) -> dict[str, Any]:
    rating = turn.rating or {}
    moves = [m.get("move") if isinstance(m, dict) else str(m) for m in turn.moves or []]
    at = _aware(turn.at)
    return {
        "session": practice.id,
        "trainee": trainee.display_name,
        "cohort": cohort.name if cohort else None,
        "persona": practice.persona_id,
        "turn": turn.index,
        "at": at.isoformat() if at else None,
        "reply_seconds": turn.reply_seconds,
        "text": turn.text,
        "moves": " ".join(m for m in moves if m),
        "rules": " ".join(r.get("id", "") for r in rating.get("rules") or []),
        "ai_overall": rating.get("overall"),
        "supervisor_overall": override.overall if override else None,
        "supervisor_comment": override.comment if override else None,
        "supervisor": getattr(override, "supervisor_name", None) if override else None,
    }


async def pages(
    sessionmaker: async_sessionmaker,
    scope: Principal,
    filters: ExportFilters,
    *,
    page_size: int = PAGE_SIZE,
) -> AsyncIterator[Page]:
    """Export rows a page of sessions at a time (keyset pagination, one short read each)."""
    after: tuple[datetime, str] | None = None
    while True:
        query = filtered_sessions(scope, filters)
        if after is not None:
            started, session_id = after
            query = query.where(
                or_(
                    PracticeSession.started_at > started,
                    and_(PracticeSession.started_at == started, PracticeSession.id > session_id),
                )
            )
        async with sessionmaker() as db:
            rows = (await db.execute(query.limit(page_size))).all()
            if not rows:
                return
            ids = [row[0].id for row in rows]
            turns = (
                await db.scalars(select(Turn).where(Turn.session_id.in_(ids)).order_by(Turn.index))
            ).all()
            by_session: dict[str, list[Turn]] = {}
            for turn in turns:
                by_session.setdefault(turn.session_id, []).append(turn)
            overrides = await latest_overrides(db, [t.id for t in turns if t.role == "trainee"])
        page = Page()
        for practice, trainee, cohort in rows:
            session_turns = by_session.get(practice.id, [])
            page.sessions.append(_session_row(practice, trainee, cohort, session_turns, overrides))
            page.turns.extend(
                _turn_row(practice, trainee, cohort, t, overrides.get(t.id))
                for t in session_turns
                if t.role == "trainee"
            )
        yield page
        last = rows[-1][0]
        after = (last.started_at, last.id)
        if len(rows) < page_size:
            return


# ---------------------------------------------------------------------------- writers


#: First characters with which a spreadsheet starts a formula (or a DDE call) in a text cell.
FORMULA_STARTS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
#: Characters XML 1.0 cannot hold (openpyxl or the XML writer refuse them: the file would be
#: cut short), and carriage returns (XML reads them as line feeds).
XML_ILLEGAL = re.compile(r"\r\n?|[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    if char[0] == "\r":
        return "\n"
    if char in "\ufffe\uffff":
        return "\ufffd"
    return chr(0x2400 + ord(char))


def looks_like_formula(text: str) -> bool:
    """Would a spreadsheet read this text cell as a formula?"""
    if text[:1] in ("\t", "\r"):
        return True
    stripped = text.lstrip()
    return bool(stripped) and stripped[0] in FORMULA_STARTS


def csv_cell(value: Any) -> Any:
    """A CSV value that no spreadsheet runs: formula-like text gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def xlsx_text(text: str) -> str:
    """Text that XLSX can hold: each control character XML refuses becomes its visible symbol
    (U+0000-U+001F -> U+2400-U+241F), the noncharacters U+FFFE/U+FFFF the replacement character,
    a carriage return (with its line feed) one line feed; tab and line feed stay."""
    return XML_ILLEGAL.sub(_visible, text)


def _csv_line(values: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([csv_cell(v) for v in values])
    return buffer.getvalue()


async def csv_chunks(
    sessionmaker: async_sessionmaker, scope: Principal, filters: ExportFilters
) -> AsyncIterator[bytes]:
    """One CSV of sessions (the per-reply scores are in the XLSX and JSON exports)."""
    yield ("\ufeff" + _csv_line(list(SESSION_COLUMNS))).encode("utf-8")  # BOM: Excel reads UTF-8
    async for page in pages(sessionmaker, scope, filters):
        text = "".join(_csv_line([row[c] for c in SESSION_COLUMNS]) for row in page.sessions)
        yield text.encode("utf-8")


async def json_chunks(
    sessionmaker: async_sessionmaker, scope: Principal, filters: ExportFilters
) -> AsyncIterator[bytes]:
    """{"sessions": [...]} with each session's replies under "replies"."""
    yield b'{"sessions": ['
    first = True
    async for page in pages(sessionmaker, scope, filters):
        replies: dict[str, list[dict[str, Any]]] = {}
        for row in page.turns:
            replies.setdefault(row["session"], []).append(row)
        for row in page.sessions:
            item = {**row, "replies": replies.get(row["session"], [])}
            yield (("" if first else ",\n") + json.dumps(item, ensure_ascii=False)).encode()
            first = False
    yield b"]}\n"


WIDTHS = {"text": 60, "session": 38, "rules": 40, "moves": 30, "supervisor_comment": 40}


def xlsx_cell(sheet: Any, value: Any) -> Any:
    """A write-only cell: text always as text (never a formula or an error value), with the
    quote prefix when it looks like a formula; other values as they are."""
    from openpyxl.cell import WriteOnlyCell

    if not isinstance(value, str):
        return value
    text = xlsx_text(value)
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl makes "=..." a formula and "#N/A" an error otherwise
    if looks_like_formula(text):
        cell.quotePrefix = True
    return cell


def save_workbook(workbook: Any, out: BinaryIO) -> None:
    workbook.save(out)


def _append_rows(sheet: Any, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    for row in rows:
        sheet.append([xlsx_cell(sheet, row[c]) for c in columns])


async def write_xlsx(
    sessionmaker: async_sessionmaker, scope: Principal, filters: ExportFilters, out: BinaryIO
) -> None:
    """Two sheets, sessions and turns: bold frozen header row, widths fitted to the columns.
    Rows are appended and the archive zipped in a worker thread, page by page."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheets = {}
    for name, columns in (("sessions", SESSION_COLUMNS), ("turns", TURN_COLUMNS)):
        sheet = workbook.create_sheet(name)
        sheet.freeze_panes = "A2"
        for index, column in enumerate(columns, start=1):
            width = WIDTHS.get(column, max(12, len(column) + 2))
            sheet.column_dimensions[get_column_letter(index)].width = width
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=column)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDE7F0")
            header.append(cell)
        sheet.append(header)
        sheets[name] = (sheet, columns)
    # write-only sheets each spool to their own file, so both can be filled page by page; one
    # page is appended at a time, in a worker thread (the database is read between pages)
    try:
        async for page in pages(sessionmaker, scope, filters):
            for name, rows in (("sessions", page.sessions), ("turns", page.turns)):
                sheet, columns = sheets[name]
                await asyncio.to_thread(_append_rows, sheet, columns, rows)
    except BaseException:
        # close the sheets' spool files now, not when the garbage collector finds them
        with contextlib.suppress(Exception):
            for sheet, _ in sheets.values():
                sheet.close()
        raise
    await asyncio.to_thread(save_workbook, workbook, out)


async def xlsx_chunks(
    sessionmaker: async_sessionmaker, scope: Principal, filters: ExportFilters
) -> AsyncIterator[bytes]:
    with tempfile.TemporaryFile() as spool:
        await write_xlsx(sessionmaker, scope, filters, spool)
        spool.seek(0)
        for chunk in iter(lambda: spool.read(64 * 1024), b""):
            yield chunk


async def ready_chunks(
    fmt: str, sessionmaker: async_sessionmaker, scope: Principal, filters: ExportFilters
) -> AsyncIterator[bytes]:
    """:func:`chunks`, with an XLSX built whole before this returns: a failure then comes
    before the response starts (a clear error), never as a download cut short."""
    stream = chunks(fmt, sessionmaker, scope, filters)
    if fmt != "xlsx":
        return stream
    first = await anext(stream, None)  # the first chunk comes once the workbook is complete

    async def complete() -> AsyncIterator[bytes]:
        if first is not None:
            yield first
        async for chunk in stream:
            yield chunk

    return complete()


def chunks(
    fmt: str, sessionmaker: async_sessionmaker, scope: Principal, filters: ExportFilters
) -> AsyncIterator[bytes]:
    writers = {"csv": csv_chunks, "json": json_chunks, "xlsx": xlsx_chunks}
    return writers[fmt](sessionmaker, scope, filters)


def filename(fmt: str, now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M")
    return f"counterpart-sessions-{stamp}.{fmt}"
