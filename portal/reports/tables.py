"""The report as tables: one source for the dashboard, the CSV files and the workbook.
Every count goes through `protect` (small numbers shown as "<5")."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import format_decimal
from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape

from portal.activities.models import KIND_NAMES
from portal.employment.models import STATEMENT_TEXT
from portal.feedback.models import FACE_NAMES, FACES
from portal.forms import texts_in_language
from portal.goals.models import CATEGORY_NAMES, STATUS_NAMES
from portal.i18n import _l, day_formatter, page_catalog
from portal.meetings.models import STATUS_NAMES as MEETING_STATUS_NAMES
from portal.reports.services import AGE_BANDS, GENDERS, Report, protect, share


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list]

    def head(self) -> Markup:
        """The column headings as the dashboard's header cells (see `body`)."""
        return Markup("".join([  # noqa: S704  every heading escaped
            f'<th scope="col">{escape(column)}</th>' for column in self.columns]))

    def body(self, shown: int) -> Markup:
        """The first `shown` rows as the dashboard's table rows (a header cell, then data
        cells), escaped as the template would. Drawn by Jinja, cell by cell, the 14 tables'
        headings and cells (about 300 in a month's report) cost about 0.4 ms of the page."""
        return Markup("".join([  # noqa: S704  every cell escaped (_cell)
            f'          <tr><th scope="row"><bdi>{_cell(row[0])}</bdi></th>'
            + "".join([f"<td>{_cell(value)}</td>" for value in row[1:]])
            + "</tr>\n" for row in self.rows[:shown]]))


def _cell(value) -> str:
    """A value as `{{ value }}` shows it: numbers as they are, the rest escaped."""
    return str(value) if type(value) is int else escape(value)


def translator():
    """The request's catalog's gettext, looked up once (portal.i18n's `_` looks the catalog up
    on every call, about 4 µs: the tables translate about 130 strings, 0.5 ms a report).
    Bound to `_` in each function below, so the strings are still found for translation.
    None of the tables' strings has variables, so nothing else of `_` is missed."""
    return page_catalog()["bro_catalog"].gettext


def names(lazy: dict) -> dict:
    """Lazy names (kinds, statuses, faces) as plain text in the page's language, each
    translated once per process and language (portal.forms.texts_in_language): str() of a
    lazy name looks the catalog up every time, about 5 µs, and the tables read 20-30 of
    them. Plain text, not the markup texts_in_language gives: the cells escape them."""
    return {key: str(name) for key, name in texts_in_language(lazy).items()}


def _numbers():
    """`n` and `rate` of the tables: counts and shares protected (small numbers as "<5")."""
    limit = current_app.config["REPORT_SMALL_CELL"]

    def n(value):
        return protect(value, limit)

    def rate(part, whole):
        value = share(part, whole, limit)
        return "–" if value is None else f"{value} %"

    return n, rate


def summary_table(report: Report) -> Table:
    _, (n, rate) = translator(), _numbers()
    p, m, t = report.participants, report.meetings, report.totals
    return Table("summary", _("Summary"), [_("Measure"), _("Number")], [
        [_("Participants registered"), n(p["registered"])],
        [_("New participants"), n(p["new"])],
        [_("Active participants"), n(p["active"])],
        [_("Sessions held"), n(t["held"])],
        [_("Sessions cancelled"), n(t["cancelled"])],
        [_("Visits to language cafés (headcount)"), n(t["headcount"])],
        [_("Café shifts with a host"), n(t["shifts_filled"])],
        [_("Café shifts without a host"), n(t["shifts_missing"])],
        [_("Meetings (not cancelled)"), n(m["total"])],
        [_("Meetings with an interpreter"), rate(m["interpreter"], m["total"])],
        [_("Goals achieved"), n(report.goals_achieved)],
        [_("Participants who co-lead an activity"), n(report.co_leaders)],
        [_("Study circles"), len(report.circles)],
        [_("Study circles at risk or not meeting their rules"),
         sum(c["status"].state in ("at_risk", "fails") for c in report.circles)],
        [_("Dialogue seminars held"), n(report.dialogues["seminars_held"])],
        [_("Agreed actions (dialogue seminars and workshops)"),
         n(report.dialogues["actions_made"])],
        [_("Agreed actions done"), n(report.dialogues["actions_done"])],
    ])


def months_table(report: Report) -> Table:
    _, (n, _rate) = translator(), _numbers()
    month_name = day_formatter("yMMM")  # the language looked up once, not once a date
    return Table("participants", _("Participants per month"),
                 [_("Month"), _("New participants"), _("Active participants")],
                 [[month_name(month), n(new), n(active)]
                  for month, new, active in report.per_month])


def weeks_table(report: Report) -> Table:
    _, (n, _rate) = translator(), _numbers()
    week_name = day_formatter("yMMMd")
    return Table("attendance", _("Attendance per week"), [_("Week of"), _("Present")],
                 [[week_name(week), n(present)] for week, present in report.per_week])


def activities_table(report: Report) -> Table:
    _, (n, rate) = translator(), _numbers()
    kinds = names(KIND_NAMES)
    return Table("activities", _("Activities"), [
        _("Activity"), _("Type"), _("Sessions held"), _("Sessions cancelled"),
        _("Attendance rate"), _("Café headcount"), _("Shifts with a host"),
        _("Shifts without a host")],
        [[a["title"], kinds[a["kind"]], n(a["held"]), n(a["cancelled"]),
          rate(a["present"], a["present"] + a["absent"]) if a["kind"] != "language_cafe" else "–",
          n(a["headcount"]) if a["kind"] == "language_cafe" else "–",
          n(a["shifts_filled"]) if a["kind"] == "language_cafe" else "–",
          n(a["shifts_missing"]) if a["kind"] == "language_cafe" else "–"]
         for a in report.activities])


def circles_table(report: Report) -> Table:
    _, (n, _rate) = translator(), _numbers()
    states = {"meets": _("Meets the rules"), "on_track": _("On track"),
              "at_risk": _("At risk"), "fails": _("Does not meet the rules")}
    # Norway: a course that reaches its four only with the leader counted is allowed, but the
    # study association funds it as a course without a teacher (rules._judge).
    lower = _("Lower: a course without a teacher (the leader counted)")
    return Table("circles", _("Study circles and their funding rules"), [
        _("Study circle"), _("Rule set"), _("Sessions held"), _("Sessions planned"),
        _("Hours held"), _("Counted participants"), _("Status"), _("Grant")],
        [[c["title"], c["status"].rule_set.name, c["status"].held, c["status"].planned,
          c["status"].units_held, n(c["status"].counted), states[c["status"].state],
          lower if "without_teacher" in c["status"].problems else "–"]
         for c in report.circles])


def goals_table(report: Report) -> Table:
    _, (n, _rate) = translator(), _numbers()
    categories, statuses = names(CATEGORY_NAMES), names(STATUS_NAMES)
    return Table("goals", _("Goals by category and status"),
                 [_("Category"), _("Status"), _("Goals")],
                 [[categories[g["category"]], statuses[g["status"]],
                   n(g["count"])] for g in report.goals])


def meetings_table(report: Report) -> Table:
    _, (n, _rate) = translator(), _numbers()
    meeting_statuses, m = names(MEETING_STATUS_NAMES), report.meetings
    return Table("meetings", _("Meetings with coaches"), [_("Status"), _("Number")],
                 [[meeting_statuses[status], n(m[status])]
                  for status in ("booked", "held", "no_show", "cancelled")])


def feedback_table(report: Report) -> Table:
    _, (n, rate) = translator(), _numbers()
    said, faces = report.meetings_feedback, names(FACE_NAMES)
    return Table("feedback", _("Feedback per activity"), [
        _("Activity"), *(faces[face] for face in FACES), _("Answers"),
        _("Response rate")],
        [[a["title"], *(n(a[face.value]) for face in FACES), n(a["answers"]),
          rate(a["answers"], a["present"])] for a in report.feedback]
        + ([[_("Meetings with coaches"), *(n(said.faces[face]) for face in FACES),
             n(said.answers), rate(said.answers, said.asked)]] if said and said.asked else []))


def sms_table(report: Report) -> Table:
    """What SMS cost the place: not about any person, so shown as counted."""
    _ = translator()
    month_name = day_formatter("yMMM")
    return Table("sms", _("SMS per month"), [
        _("Month"), _("SMS sent"), _("Segments"), _("Of them, codes people asked for"),
        _("Codes sent after the budget was reached"), _("Not sent: budget reached")],
        [[month_name(month), sent, parts, codes, over, held]
         for month, sent, parts, held, codes, over in report.sms])


def participation_table(report: Report) -> Table:
    """Active participants by gender (rows) and age band (columns), with totals; every
    count protected like the rest."""
    _, (n, _rate) = translator(), _numbers()
    genders = {"woman": _("Women"), "man": _("Men"), "other": _("Another word"),
               "not_given": _("Not given")}
    bands = {"under_15": _("Under 15"), "15_29": _("15–29"), "30_49": _("30–49"),
             "50_plus": _("50 and over"), "not_given": _("Birth year not given")}
    counts = report.participation
    rows = [[genders[g], *(n(counts[g, b]) for b in AGE_BANDS),
             n(sum(counts[g, b] for b in AGE_BANDS))] for g in GENDERS]
    rows.append([_("All"), *(n(sum(counts[g, b] for g in GENDERS)) for b in AGE_BANDS),
                 n(sum(counts.values()))])
    return Table("participation", _("Participants by gender and age"),
                 [_("Gender"), *bands.values(), _("All")],
                 rows if any(counts.values()) else [])


# The road to work (reports/employment.py): work practice and interviews, exits by the month
# people joined, and the self-assessment's median change.

def work_table(report: Report) -> Table:
    _, (n, _rate) = translator(), _numbers()
    e = report.employment
    return Table("work", _("Work practice and interviews"), [_("Measure"), _("Number")], [
        [_("People in work practice"), n(e["in_practice"])],
        [_("Work practice completed"), n(e["completed"])],
        [_("Job interviews"), n(e["interviews"])],
    ])


def exits_table(report: Report) -> Table:
    _, (n, _rate) = translator(), _numbers()
    month_name = day_formatter("yMMM")
    return Table("exits", _("Into work or education"), [
        _("Month joined"), _("Joined"),
        _("Job within 3 months"), _("Job within 6 months"), _("Job within 12 months"),
        _("Education within 3 months"), _("Education within 6 months"),
        _("Education within 12 months")],
        [[month_name(row["month"]), n(row["joined"]),
          *(n(row[f"{kind}_{months}"]) for kind in ("job", "education")
            for months in (3, 6, 12))] for row in report.employment["exits"]])


def self_assessment_table(report: Report) -> Table:
    """The median change is left out while fewer than REPORT_SMALL_CELL people answered
    twice: a median of so few would single them out."""
    _, (n, _rate) = translator(), _numbers()
    check_ins = report.employment["check_ins"]
    shown = check_ins["people"] >= current_app.config["REPORT_SMALL_CELL"]

    def change(value):
        if not shown or value is None:
            return "–"
        return f"{value:+g}"

    return Table("self_assessment", _("Self-assessment change"),
                 [_("Sentence"), _("People"), _("Median change (scale 1 to 5)")],
                 [[text, n(check_ins["people"]), change(check_ins["median"][key])]
                  for key, text in names(STATEMENT_TEXT).items()])


def proposals_table(report: Report) -> Table:
    """Proposals per meeting place. The median waiting time is left out while fewer than
    REPORT_SMALL_CELL proposals were answered: a median of so few would tell about each."""
    _, (n, _rate) = translator(), _numbers()
    limit = current_app.config["REPORT_SMALL_CELL"]

    def days(row):
        if row["median_days"] is None or row["answered"] < limit:
            return "–"
        return format_decimal(row["median_days"], "0.#")

    return Table("proposals", _("Proposals (I wish…)"), [
        _("Meeting place"), _("Proposals made"), _("Supported by others"), _("Answered"),
        _("We'll do it"), _("Median days to an answer")],
        [[row["site"].name if row["site"] else _("All my meeting places"), n(row["made"]),
          n(row["supported"]), n(row["answered"]), n(row["realised"]), days(row)]
         for row in report.proposals])


# Every table by its key, in the report's order (the workbook's sheets, the CSV files).
TABLES = {
    "summary": summary_table, "participants": months_table, "attendance": weeks_table,
    "activities": activities_table, "circles": circles_table, "goals": goals_table,
    "meetings": meetings_table, "participation": participation_table,
    "feedback": feedback_table, "work": work_table, "exits": exits_table,
    "self_assessment": self_assessment_table, "proposals": proposals_table, "sms": sms_table,
}


def tables(report: Report, keys=TABLES) -> list[Table]:
    """These tables of the report (all of them: the exports), counting only what they show."""
    return [TABLES[key](report) for key in keys]


@dataclass(frozen=True)
class Part:
    """A page of the report: its address under /reports and the tables it shows."""
    slug: str
    title: LazyString
    keys: tuple[str, ...]


# The report's pages. The summary is /reports itself; each other part is /reports/<slug>.
PARTS = (
    Part("summary", _l("Summary"), ("summary",)),
    Part("participants", _l("Participants"), ("participants", "participation")),
    Part("activities", _l("Activities"), ("attendance", "activities")),
    Part("circles", _l("Study circles"), ("circles",)),
    Part("goals", _l("Goals"), ("goals",)),
    Part("meetings", _l("Meetings with coaches"), ("meetings",)),
    Part("feedback", _l("How was it?"), ("feedback",)),
    Part("work", _l("Work and outcomes"), ("work", "exits", "self_assessment")),
    Part("proposals", _l("Proposals (I wish…)"), ("proposals",)),
    Part("sms", _l("SMS"), ("sms",)),
)
PART = {part.slug: part for part in PARTS}
