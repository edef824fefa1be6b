"""The report as an Excel workbook (openpyxl): a title sheet, then one sheet per table."""

import io

from flask import current_app
from openpyxl import Workbook
from openpyxl.styles import Font

from portal.exports import append_row
from portal.i18n import _, format_day
from portal.reports.services import Report


def workbook(report: Report, tables) -> bytes:
    book = Workbook()
    about = book.active
    about.title = _("Report")[:31]
    append_row(about, [_("Meeting places"), ", ".join(s.name for s in report.sites)])
    append_row(about, [_("Period"), f"{format_day(report.period.start, 'yMMMd')} – "
                                    f"{format_day(report.period.last_day, 'yMMMd')}"])
    limit = current_app.config["REPORT_SMALL_CELL"]
    small = _("Counts from 1 to %(max)d are shown as <%(limit)d.", max=limit - 1, limit=limit)
    append_row(about, [_("Small numbers"), small])
    about["A1"].font = about["A2"].font = about["A3"].font = Font(bold=True)
    about.column_dimensions["A"].width = 24
    for table in tables:
        sheet = book.create_sheet(_sheet_name(table.title))
        append_row(sheet, table.columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            append_row(sheet, row)
        sheet.column_dimensions["A"].width = 40
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(title: str) -> str:
    """Excel allows 31 characters and no []:*?/\\ in a sheet name."""
    for char in "[]:*?/\\":
        title = title.replace(char, " ")
    return title[:31]
