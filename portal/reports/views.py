"""Leader reports: a dashboard per meeting place and period, and exports (CSV, XLSX).
Only coordinators of a site (and administrators) see its numbers; every export is audited."""

from flask import Blueprint, abort, current_app, make_response, request
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from portal.audit.models import record
from portal.exports import csv_text
from portal.extensions import utcnow
from portal.i18n import _, format_day
from portal.reports import services
from portal.reports.forms import ReportForm
from portal.reports.periods import period_for
from portal.reports.tables import tables
from portal.reports.workbook import workbook
from portal.web import render

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


@bp.get("")
@login_required
def index():
    form, sites, period = _scope()
    report = services.build(sites, period)
    return render("reports/index.html", "reports/_report.html", form=form, report=report,
                  tables={t.key: t for t in tables(report)}, charts=_charts(report),
                  previous=_query(form, period.shifted(-1)),
                  following=_query(form, period.shifted(1)), query=_query(form, period))


def _charts(report) -> dict:
    """The trends as (title, [(short label, protected value)]) for the SVG charts."""
    limit = current_app.config["REPORT_SMALL_CELL"]
    return {
        "participants": (_("Active participants per month"), [
            (format_day(month, "MMM"), services.protect(active, limit))
            for month, _new, active in report.per_month]),
        "attendance": (_("Present per week"), [
            (format_day(week, "Md"), services.protect(present, limit))
            for week, present in report.per_week]),
    }


def _filename(sites, period, extension: str) -> str:
    place = "all" if len(sites) > 1 else f"site-{sites[0].id}"
    return f"bro-report-{place}-{period.start.isoformat()}-{period.last_day.isoformat()}." \
           f"{extension}"


@bp.get("/export.csv")
@login_required
def export_csv():
    form, sites, period = _scope()
    wanted = request.args.get("table", "summary")
    table = next((t for t in tables(services.build(sites, period)) if t.key == wanted), None)
    if table is None:
        abort(404)
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


def _audit(sites, action: str) -> None:
    """Who exported what, when: one entry per meeting place (numbers only, no content)."""
    for site in sites:
        record(current_user, action, "site", site.id)
