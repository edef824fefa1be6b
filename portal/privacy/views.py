"""My data (readable page and JSON) and deleting an account, by the person or by staff."""

import json
from datetime import datetime
from functools import cache

from babel.lists import format_list
from flask import Blueprint, abort, flash, make_response, session, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required, logout_user
from markupsafe import Markup
from wtforms import PasswordField
from wtforms.validators import InputRequired

from portal.accounts import services as accounts
from portal.accounts.models import GENDER_NAMES, User
from portal.errors import DomainError
from portal.extensions import db
from portal.forms import BaseForm, show_form
from portal.i18n import _, _l, format_date
from portal.notify.models import CHANNEL_NAMES, GROUP_NAMES, Channel
from portal.privacy import consents, services
from portal.web import redirect, render, wants_fragment

bp = Blueprint("privacy", __name__, url_prefix="/privacy")


class ConfirmForm(BaseForm):
    password = PasswordField(_l("Your password"), [InputRequired(
        message=_l("This field is required."))],
        description=_l("To be sure it is you, type your password."))


# The sections templates/privacy/my_data.html shows (the download has every one): the
# features' handlers skip the statements of the others (the page ran 41 statements, now 21).
PAGE_SECTIONS = frozenset({
    "profile", "meeting_places", "phone_codes", "enrolments", "following", "agreed_actions",
    "attendance", "feedback", "goals", "proposals", "supported", "meetings", "notifications",
    "notification_settings", "push_devices"})


@bp.get("/my-data")
@login_required
def my_data():
    user = current_user._get_current_object()  # the object, not the proxy, for the reads below
    data = services.my_data(user, PAGE_SECTIONS)
    gender_names, group_names = _names(str(get_locale()))
    return render("privacy/my_data.html", data=data, profile=data["profile"],
                  consents=consents.every(user), consent_title=consents.title,
                  gender_names=gender_names, group_names=group_names, ways=_ways(data),
                  day=lambda iso: format_date(datetime.fromisoformat(iso)))


@cache
def _names(locale: str) -> tuple[dict, dict]:
    """GENDER_NAMES and GROUP_NAMES in `locale`, translated once per process: each lazy name
    asks Flask-Babel for the catalog when shown (≈ 15 µs; the page shows five). Markup, as
    the lazy names were (their __html__): the same bytes, unescaped."""
    return ({gender: Markup(name) for gender, name in GENDER_NAMES.items()},  # noqa: S704
            {group: Markup(name) for group, name in GROUP_NAMES.items()})  # noqa: S704 (catalog)


def _ways(data: dict) -> dict[str, str]:
    """For each group of messages, the ways it reaches the person, in words: always in the
    app, and the channels switched on (their choice or the default)."""
    locale = str(get_locale())
    return {group: _ways_in_words(locale, tuple(
        Channel(setting["channel"]) for setting in data["notification_settings"]
        if setting["messages"] == group and setting["on"])) for group in GROUP_NAMES}


@cache
def _ways_in_words(locale: str, channels: tuple[Channel, ...]) -> str:
    """"In the app, E-mail and SMS" in `locale`: the same few lists for everyone, so made once
    per process for each (Babel's format_list and the lazy names cost ≈ 0.1 ms a page)."""
    return format_list([_("In the app"), *(str(CHANNEL_NAMES[channel]) for channel in channels)],
                       locale=locale)


@bp.get("/my-data.json")
@login_required
def my_data_json():
    user = current_user._get_current_object()  # the object, not the proxy, for the reads below
    response = make_response(json.dumps(services.my_data(user), ensure_ascii=False, indent=2))
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="bro-my-data.json"'
    return response


def _show_delete(form, error=None):
    return show_form("privacy/delete.html", "privacy/delete.html", form, error,
                     can_delete=services.can_erase(current_user, current_user))


@bp.get("/delete")
@login_required
def delete():
    return _show_delete(ConfirmForm(formdata=None))


@bp.post("/delete")
@login_required
def confirm_delete():
    form = ConfirmForm()
    if not form.validate():
        return _show_delete(form)
    me = current_user.account
    if not accounts.password_matches(me, form.password.data):
        return _show_delete(form, DomainError(_("That password is not right."),
                                              field="password"))
    try:
        services.erase(current_user, me)
    except DomainError as error:
        return _show_delete(form, error)
    logout_user()
    session.clear()
    flash(_("Your account and your personal data are deleted. Thank you for the time with "
            "us."), "info")
    return redirect(url_for("home.index"))


# -- staff, on a person's request -------------------------------------------------------------

def _person(user_id: int) -> User:
    person = db.session.get(User, user_id)
    if person is None or not services.can_erase(current_user, person) or \
            person.id == current_user.id:
        abort(404)
    return person


@bp.get("/erase/<int:user_id>")
@login_required
def erase_request(user_id):
    return render("privacy/erase.html", person=_person(user_id))


@bp.post("/erase/<int:user_id>")
@login_required
def erase(user_id):
    person = _person(user_id)
    site_id = person.memberships[0].site_id if person.memberships else None
    services.erase(current_user, person)
    flash(_("The account and its personal data are deleted."), "info")
    return redirect(url_for("staff.members", site_id=site_id) if site_id
                    else url_for("home.index"))


# -- consents per purpose ---------------------------------------------------------------------

def _show_consents():
    given, history = consents.on_page(current_user)
    return render("privacy/consents.html", "privacy/_consents.html",
                  purposes=consents.PURPOSES, given=given, history=history)


@bp.get("/consents")
@login_required
def consents_page():
    return _show_consents()


def _consent(purpose: str, action):
    if purpose not in consents.PURPOSES:
        abort(404)
    action(current_user, purpose)
    if wants_fragment():
        return _show_consents()
    return redirect(url_for("privacy.consents_page"))


@bp.post("/consents/<purpose>/give")
@login_required
def give_consent(purpose):
    return _consent(purpose, lambda user, p: consents.give(user, p, str(get_locale())))


@bp.post("/consents/<purpose>/withdraw")
@login_required
def withdraw_consent(purpose):
    return _consent(purpose, consents.withdraw)
