"""Privacy's part in notify: how the retention warning reads (in the reader's language), and
news beyond the app only with the consent for news."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import url_for

from portal.i18n import _, format_day
from portal.notify import preferences
from portal.notify.models import Group
from portal.notify.services import Message, register
from portal.privacy import consents


def _deadline(p: dict) -> str:
    day = datetime.fromisoformat(p["deadline"]).astimezone(ZoneInfo(p["timezone"])).date()
    return format_day(day, "yMMMMd")


def init() -> None:
    register("retention_warning", Message(
        lambda p: _("Your Bro account will be deleted on %(when)s", when=_deadline(p)),
        lambda p: _("We have not seen you in Bro for a long time. To protect your data, your "
                    "account will be deleted on %(when)s. Log in before then if you want to "
                    "keep it.", when=_deadline(p)),
        lambda p: (url_for("accounts.login"), _("Log in"))), group=Group.ACCOUNT)
    preferences.gate(Group.NEWS, lambda user_ids: consents.who_consents(user_ids, consents.NEWS))
