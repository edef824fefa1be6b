"""How certificates' notices read, in the reader's language (registered with notify)."""

from flask import url_for

from portal.i18n import _
from portal.notify.models import Group
from portal.notify.services import Message, register


def _made(p):
    return _("Your meeting place has made your certificate for %(title)s. You find it under "
             "My certificates, where you can download it.", title=p["title"])


def init() -> None:
    register("certificate_made", Message(
        lambda p: _("Your certificate for %(title)s is ready", title=p["title"]), _made,
        lambda p: (url_for("certificates.index"), _("Open My certificates"))),
        group=Group.COACH)
