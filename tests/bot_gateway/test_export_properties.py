"""Property tests of the export cell writers: whatever a trainee or a supervisor typed, the CSV
has no live formula and the XLSX opens, with every text cell stored as text (issue 16)."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from bot_gateway import export

# text, with the characters that matter made likely: formula starts, controls, XML's outcasts
TRICKY = st.sampled_from(
    [*"=+-@\t\r\n \x00\x01\x07\x0b\x1b\x1f'\",;|#!", "\ufffe", "\uffff", "＝", "＋", "\u2028"]
)
TEXT = st.lists(st.one_of(TRICKY, st.text(max_size=5)), max_size=12).map("".join) | st.text()
VALUE = st.one_of(TEXT, st.none(), st.integers(), st.floats(allow_nan=False), st.booleans())


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(VALUE, min_size=1, max_size=6))
def test_no_csv_cell_is_read_as_a_formula(values: list[object]) -> None:
    line = export._csv_line(values)
    (parsed,) = list(csv.reader(io.StringIO(line, newline="")))
    assert len(parsed) == len(values)
    for value, cell in zip(values, parsed, strict=True):
        if isinstance(value, str):
            assert not export.looks_like_formula(cell), (value, cell)
            # nothing lost: the text, or the text behind one apostrophe
            assert cell in (value, "'" + value)
        elif value is None:
            assert cell == ""
        else:
            assert cell == str(value)


@settings(
    max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(TEXT, min_size=1, max_size=8))
def test_every_xlsx_text_cell_opens_as_text(texts: list[str]) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("cells")
    sheet.append([export.xlsx_cell(sheet, text) for text in texts])
    out = io.BytesIO()
    export.save_workbook(book, out)  # raises on a character XML cannot hold
    (row,) = list(load_workbook(io.BytesIO(out.getvalue()))["cells"].iter_rows())
    by_column = {cell.column: cell for cell in row}
    for column, text in enumerate(texts, start=1):
        cell = by_column.get(column)
        if text == "":
            assert cell is None or cell.value is None
            continue
        assert cell is not None
        assert cell.data_type == "s", (text, cell.data_type)  # never a formula or an error
        assert cell.value == export.xlsx_text(text)
        assert bool(cell.quotePrefix) == export.looks_like_formula(cell.value)
        # the only changes: characters XML refuses shown as visible symbols, line ends as \n
        assert len(cell.value) == len(text) - text.count("\r\n")
