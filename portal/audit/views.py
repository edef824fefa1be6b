"""The audit log for administrators: filter by kind of action, person and dates."""

from flask import Blueprint, request
from flask_login import current_user, login_required
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from portal.audit import services
from portal.forms import BaseForm
from portal.i18n import _, _l, local_formatter
from portal.security import require_admin
from portal.web import render

bp = Blueprint("audit", __name__, url_prefix="/audit")


class AuditFilter(BaseForm):
    action = SelectField(_l("What"), validators=[Optional()])
    actor = SelectField(_l("Who"), validators=[Optional()])
    first_day = DateField(_l("From"), [Optional()])
    last_day = DateField(_l("Until"), [Optional()])


@bp.get("")
@login_required
@require_admin
def index():
    form = AuditFilter(request.args)
    form.action.choices = [SelectChoice("", _("Everything"))] + [
        SelectChoice(kind, kind) for kind in services.action_kinds()]
    form.actor.choices = [SelectChoice("", _("Everyone"))] + [
        SelectChoice(str(i), name, render_kw={"dir": "auto"}) for i, name in services.actors()]
    form.validate()
    filters = services.Filters(
        action=form.action.data or "",
        actor_id=int(form.actor.data) if (form.actor.data or "").isdigit() else None,
        first_day=form.first_day.data if not form.first_day.errors else None,
        last_day=form.last_day.data if not form.last_day.errors else None)
    page = request.args.get("page", 1, type=int)
    zone = current_user.timezone
    rows, total = services.events(filters, page, zone=zone)
    return render("audit/index.html", "audit/_events.html", form=form, rows=rows,
                  total=total, page_number=page, page_size=services.PAGE_SIZE,
                  zone=zone, moment=local_formatter("yMMMd"))
