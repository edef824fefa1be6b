"""How account notifications read, in the reader's language (registered with notify)."""

from flask import url_for

from portal.i18n import _
from portal.notify.models import Group
from portal.notify.services import Message, register


def _code_issued(p: dict) -> str:
    if p.get("by") == "admin":
        return _("An administrator made a one-time code to set a new password for your "
                 "account. If you did not ask for this, tell your meeting place.")
    return _("A coordinator made a one-time code to set a new password for your account. If "
             "you did not ask for this, tell your meeting place.")


def init() -> None:
    # No link: the code itself is never in a message, and the person needs nothing to click.
    register("reset_code_issued", Message(
        lambda p: _("A code for a new password was made for you"), _code_issued),
        group=Group.ACCOUNT)
    register("registration_attempt", Message(
        lambda p: _("Someone tried to register with your phone number or e-mail address"),
        lambda p: _("Someone tried to make a new Bro account with your phone number or e-mail "
                    "address. If it was you: you already have an account. Log in, or ask for "
                    "a new password. If it was not you, you do not need to do anything."),
        lambda p: (url_for("accounts.login"), _("Log in"))), group=Group.ACCOUNT)
