"""Cells for the spreadsheet exports (CSV and Excel): text stays text, never a formula.

Spreadsheets may run a cell that starts with = + - @, a tab or a carriage return as a
formula (OWASP's list): a participant's name or an activity title written that way would run
on the computer of the coordinator or funder who opens the file. So every export writes its
cells through here: in a CSV such text gets a leading ' (OWASP's advice), in a workbook it is
an explicit text cell. Only text changes: numbers the code writes (counts, also negative ones)
stay numbers. Text with spaces before such a character is left as it is: that is not on the
list, and forms strip leading spaces anyway."""

import csv
import io
from numbers import Number

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def _plain(value):
    """Numbers and empty cells as they are; anything else (lazy translations, dates) as text."""
    return value if value is None or isinstance(value, Number) else str(value)


def csv_text(rows) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(
        ["'" + v if is_formula_like(v) else v for v in map(_plain, row)] for row in rows)
    return out.getvalue()


def append_row(sheet, row) -> None:
    """Append to an openpyxl sheet. Characters a workbook cannot hold (C0 controls other than
    tab and line breaks, which a title typed in a form may carry) are left out, not a 500."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # openpyxl only when a workbook is made

    sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v
                  for v in map(_plain, row)])
    for cell in sheet[sheet.max_row]:
        if is_formula_like(cell.value):
            cell.data_type = "s"  # openpyxl made it "f" (formula) for a leading =
