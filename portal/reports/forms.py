"""The report filter (a GET form: bookmarkable, works without JavaScript), and a meeting
place's SMS budget."""

from wtforms import DateField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

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


class SmsBudgetForm(BaseForm):
    budget = IntegerField(
        _l("SMS segments per month"),
        [Optional(), NumberRange(min=0, max=1_000_000,
                                 message=_l("Write a whole number from 0 to 1,000,000."))],
        description=_l("Leave it empty for no limit. A short SMS is one segment; a long one, "
                       "or one in Arabic, Dari, Tigrinya or Ukrainian, is often two."))
