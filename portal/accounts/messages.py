"""How account notices read, in the reader's language (registered with notify)."""

from flask import url_for

from portal.i18n import _
from portal.notify.services import Message, register


def init() -> None:
    register("registration_attempt", Message(
        lambda p: _("Someone tried to register with your phone number or e-mail address"),
        lambda p: _("Someone tried to make a new Bro account with your phone number or e-mail "
                    "address. If it was you: you already have an account. Log in, or ask for "
                    "a new password. If it was not you, you do not need to do anything."),
        lambda p: (url_for("accounts.login"), _("Log in"))))
