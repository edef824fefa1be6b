"""The report filter (a GET form: bookmarkable, works without JavaScript)."""

from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from portal.forms import BaseForm
from portal.i18n import _l

PERIOD_NAMES = {"month": _l("Month"), "term": _l("Term (half year)"), "year": _l("Year"),
                "custom": _l("Choose dates")}


class ReportForm(BaseForm):
    site = SelectField(_l("Meeting place"), validators=[Optional()])
    period = SelectField(_l("Period"), choices=[
        SelectChoice(key, label) for key, label in PERIOD_NAMES.items()],
        validators=[Optional()], default="month")
    at = DateField(_l("A day in the period"), [Optional()])
    start = DateField(_l("From"), [Optional()])
    end = DateField(_l("Until"), [Optional()])
