"""Leader reports: a dashboard per meeting place and period, and exports (CSV, XLSX).
Only coordinators of a site (and administrators) see its numbers; every export is audited.
An activity's leaders also see what participants said about it ("How was it?")."""

from datetime import date

from flask import Blueprint, abort, current_app, flash, make_response, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from portal.accounts.models import Site
from portal.activities import services as activities
from portal.activities.models import Activity
from portal.audit.models import record
from portal.exports import csv_text
from portal.extensions import db, utcnow
from portal.feedback import services as feedback
from portal.feedback.models import faces
from portal.forms import show_form
from portal.i18n import _, day_formatter
from portal.notify import sms
from portal.reports import services
from portal.reports.charts import bar_chart
from portal.reports.forms import PERIOD_NAMES, ReportForm, SmsBudgetForm
from portal.reports.periods import period_for
from portal.reports.tables import PART, PARTS, TABLES, tables
from portal.reports.workbook import workbook
from portal.web import redirect, render

bp = Blueprint("reports", __name__, url_prefix="/reports")
ALL = "all"


def _scope():
    """The sites and period asked for, within what this user may see (404 otherwise)."""
    allowed = services.report_sites(current_user)
    if not allowed:
        abort(403)
    form = ReportForm(request.args)
    form.site.choices = [SelectChoice(str(s.id), s.name, render_kw={"dir": "auto"})
                         for s in allowed]
    if len(allowed) > 1:
        form.site.choices.insert(0, SelectChoice(ALL, _("All my meeting places")))
    form.validate()
    wanted = request.args.get("site") or str(allowed[0].id)
    sites = allowed if wanted == ALL and len(allowed) > 1 else [
        s for s in allowed if str(s.id) == wanted]
    if not sites:
        abort(404)
    form.site.data = wanted
    today = utcnow().date()
    period = period_for(form.period.data or "month", form.at.data or today,
                        form.start.data, form.end.data)
    form.period.data = period.kind
    return form, sites, period


def _query(form, period, **extra) -> dict:
    args = {"site": form.site.data, "period": period.kind, "at": period.start.isoformat()}
    if period.kind == "custom":
        args |= {"start": period.start.isoformat(), "end": period.last_day.isoformat()}
    return args | extra


@bp.get("", defaults={"part": "summary"})
@bp.get(f"/<any({', '.join(part.slug for part in PARTS[1:])}):part>")  # PARTS[0]: the summary
@login_required
def index(part: str):
    """A page of the report: the summary (/reports) or one part (/reports/<part>), each
    counting only what its tables show."""
    form, sites, period = _scope()
    report, part = services.Report(sites, period), PART[part]
    shown = {table.key: table for table in tables(report, part.keys)}
    query = _query(form, period)
    return render("reports/index.html", "reports/_report.html", form=form, report=report,
                  part=part, parts=PARTS, tables=shown, charts=_charts(report, shown),
                  bar_chart=bar_chart, previous=_query(form, period.shifted(-1)),
                  following=_query(form, period.shifted(1)), query=query,
                  csv_links=_csv_links(query, shown), part_links=_part_links(query))


def _csv_links(query: dict, keys) -> dict[str, str]:
    """Each table's CSV link, built with url_for once rather than once per table (Werkzeug's
    builder costs about 20-30 µs a link). Keys are plain words (a-z, _), which the query
    string keeps as they are."""
    marker = "TABLEKEY"
    link = url_for("reports.export_csv", table=marker, **query)
    return {key: link.replace(marker, key) for key in keys}


def _part_links(query: dict) -> dict[str, str]:
    """Each part's link for the same places and period: /reports?… and /reports/<part>?…,
    built with url_for once (see `_csv_links`)."""
    summary = url_for("reports.index", **query)
    path, _mark, arguments = summary.partition("?")
    return {part.slug: summary if part.slug == "summary" else f"{path}/{part.slug}?{arguments}"
            for part in PARTS}


def _charts(report, keys) -> dict:
    """The trends of these tables as (title, [(short label, protected value)]) for the SVG
    charts."""
    limit = current_app.config["REPORT_SMALL_CELL"]
    charts = {}
    if "participants" in keys:
        month_name = day_formatter("MMM")
        charts["participants"] = (_("Active participants per month"), [
            (month_name(month), services.protect(active, limit))
            for month, _new, active in report.per_month])
    if "attendance" in keys:
        week_name = day_formatter("Md")  # a year: 53 dates
        charts["attendance"] = (_("Present per week"), [
            (week_name(week), services.protect(present, limit))
            for week, present in report.per_week])
    return charts


def _filename(sites, period, extension: str) -> str:
    place = "all" if len(sites) > 1 else f"site-{sites[0].id}"
    return f"bro-report-{place}-{period.start.isoformat()}-{period.last_day.isoformat()}." \
           f"{extension}"


@bp.get("/export.csv")
@login_required
def export_csv():
    form, sites, period = _scope()
    wanted = request.args.get("table", "summary")
    if wanted not in TABLES:
        abort(404)
    (table,) = tables(services.Report(sites, period), [wanted])
    _audit(sites, f"report.export.csv.{table.key}")
    body = csv_text([table.columns, *table.rows])
    response = make_response("\ufeff" + body)  # BOM: spreadsheets read UTF-8 right
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{_filename(sites, period, table.key + ".csv")}"')
    return response


@bp.get("/export.xlsx")
@login_required
def export_xlsx():
    form, sites, period = _scope()
    report = services.build(sites, period)
    data = workbook(report, tables(report))
    _audit(sites, "report.export.xlsx")
    response = make_response(data)
    response.headers["Content-Type"] = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{_filename(sites, period, "xlsx")}"')
    return response


def _budget_site(site_id: int) -> Site:
    """The place, as the ORM's Site (its budget is changed), if its reports are this user's."""
    if not any(site.id == site_id for site in services.report_sites(current_user)):
        abort(404)
    return db.session.get(Site, site_id)


def _show_budget(site, form):
    return show_form("reports/sms_budget.html", "reports/_sms_budget_form.html", form,
                     site=site, month=sms.this_month(site))


@bp.get("/sms-budget/<int:site_id>")
@login_required
def sms_budget(site_id: int):
    site = _budget_site(site_id)
    return _show_budget(site, SmsBudgetForm(data={"budget": site.sms_budget}))


@bp.post("/sms-budget/<int:site_id>")
@login_required
def save_sms_budget(site_id: int):
    site = _budget_site(site_id)
    form = SmsBudgetForm()
    if not form.validate():
        return _show_budget(site, form)
    sms.set_budget(current_user, site, form.budget.data)
    flash(_("The SMS budget is saved."), "success")
    return redirect(url_for("reports.sms_budget", site_id=site.id))


def _audit(sites, action: str) -> None:
    """Who exported what, when: one entry per meeting place (numbers only, no content)."""
    for site in sites:
        record(current_user, action, "site", site.id)


# -- How was it?, per activity -----------------------------------------------------------------

FEEDBACK_PERIODS = ("month", "term", "year")


@bp.get("/activities/<int:activity_id>/feedback")
@login_required
def activity_feedback(activity_id):
    """What participants said about an activity's sessions: answers per face for a term (or
    a month, or a year), and the comments once enough people answered; never who. For the
    activity's leaders and its place's coordinators (not its co-leaders)."""
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        abort(404)
    if not activities.can_lead(current_user, activity):
        abort(403)
    # A term by default: in a month, a circle has too few answers for comments to show.
    kind = request.args.get("period")
    kind = kind if kind in FEEDBACK_PERIODS else "term"
    try:
        at = date.fromisoformat(request.args.get("at", ""))
    except ValueError:
        at = utcnow().date()
    period = period_for(kind, at)
    start, end = period.utc(activity.site.timezone)
    summary = feedback.activity_summary(activity, start, end)
    small = feedback.small_cell()
    rate = services.share(summary.answers, summary.asked, small)
    return render("reports/feedback.html", activity=activity, period=period,
                  periods=FEEDBACK_PERIODS, period_names=PERIOD_NAMES, summary=summary,
                  small=small, protect=lambda value: services.protect(value, small),
                  rate="–" if rate is None else f"{rate} %", **faces())
