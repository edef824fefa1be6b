"""The job-centre statement as a PDF (WeasyPrint, from an HTML template) and as CSV rows.

Both are written in the language of the meeting place's country: the statement goes to NAV,
Arbetsförmedlingen or Jobcenter, whatever language the person reads Bro in. The PDF is made
by portal/pdf.py, like every PDF of Bro's: its fonts embedded, nothing fetched but static/."""

from babel.numbers import format_decimal
from flask import render_template

from portal import pdf
from portal.employment.models import (
    JOB_CENTRE_NAMES,
    PLACEMENT_STATUS_NAMES,
)
from portal.employment.services import JobCentreStatement
from portal.extensions import utcnow
from portal.i18n import _, force_locale, weekday_names

STYLESHEET = "css/statement.css"


def hours(minutes: int, language: str) -> str:
    return format_decimal(round(minutes / 60, 2), format="#,##0.##", locale=language)


def statement_pdf(made: JobCentreStatement) -> bytes:
    language = made.site.language
    with force_locale(language):
        html = render_template(
            "employment/statement_pdf.html", made=made, language=language,
            hours=lambda minutes: hours(minutes, language), job_centre=JOB_CENTRE_NAMES[
                made.site.country], status_names=PLACEMENT_STATUS_NAMES,
            weekday_names=weekday_names())
    return pdf.render(html, stylesheets=(STYLESHEET,))


def statement_rows(made: JobCentreStatement) -> list[list]:
    """The statement as spreadsheet rows: one line per session, meeting and placement.
    Hours are numbers (a spreadsheet adds them up); every text goes through exports.csv_text."""
    with force_locale(made.site.language):
        rows = [[_("Statement of attendance"), made.person.display_name],
                [_("Meeting place"), made.site.name],
                [_("Period"), made.first_day.isoformat(), made.last_day.isoformat()],
                [],
                [_("Type"), _("Date"), _("What"), _("Hours present")]]
        rows += [[_("Session"), line.day.isoformat(), line.what, round(line.minutes / 60, 2)]
                 for line in made.sessions]
        rows += [[_("Meeting"), line.day.isoformat(), _("Meeting with a coach"),
                  round(line.minutes / 60, 2)] for line in made.meetings]
        rows += [[_("Sessions in all"), "", len(made.sessions),
                  round(made.session_minutes / 60, 2)],
                 [_("Meetings held"), "", len(made.meetings), ""],
                 [],
                 [_("Work practice"), _("From"), _("Until"), _("Hours a week"), _("Partner"),
                  _("Role or tasks"), _("Status")]]
        rows += [[_("Work practice"), p.starts_on.isoformat(), p.ends_on.isoformat(),
                  p.hours_per_week, p.partner.name, p.role,
                  str(PLACEMENT_STATUS_NAMES[p.status])] for p in made.placements]
        rows.append([_("Made on"), utcnow().date().isoformat()])
    return rows
