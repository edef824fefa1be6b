"""The report as an Excel workbook (openpyxl): a title sheet, then one sheet per table."""

import io

from flask import current_app
from openpyxl import Workbook
from openpyxl.styles import Font

from portal.i18n import _, format_day
from portal.reports.services import Report


def workbook(report: Report, tables) -> bytes:
    book = Workbook()
    about = book.active
    about.title = _("Report")[:31]
    about.append([_("Meeting places"), ", ".join(s.name for s in report.sites)])
    about.append([_("Period"), f"{format_day(report.period.start, 'yMMMd')} – "
                               f"{format_day(report.period.last_day, 'yMMMd')}"])
    limit = current_app.config["REPORT_SMALL_CELL"]
    about.append([_("Small numbers"), _("Counts from 1 to %(max)d are shown as <%(limit)d.",
                                        max=limit - 1, limit=limit)])
    about["A1"].font = about["A2"].font = about["A3"].font = Font(bold=True)
    about.column_dimensions["A"].width = 24
    for table in tables:
        sheet = book.create_sheet(_sheet_name(table.title))
        sheet.append(table.columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([str(v) if not isinstance(v, int | float) else v for v in row])
        sheet.column_dimensions["A"].width = 40
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(title: str) -> str:
    """Excel allows 31 characters and no []:*?/\\ in a sheet name."""
    for char in "[]:*?/\\":
        title = title.replace(char, " ")
    return title[:31]
