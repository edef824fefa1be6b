"""The participant's messages, and how they want to get them (My page → Notifications)."""

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user, login_required
from wtforms import BooleanField

from portal.extensions import csrf
from portal.forms import BaseForm, texts_in_language
from portal.i18n import _
from portal.notify import preferences, services, sms
from portal.notify.models import CHANNEL_NAMES, GROUP_NAMES, SWITCHABLE, Channel, Group
from portal.web import redirect, render, wants_fragment

bp = Blueprint("notify", __name__, url_prefix="/notify")

# One checkbox per switchable group and channel, named "<group>-<channel>".
ChannelsForm = type("ChannelsForm", (BaseForm,), {
    f"{group}-{channel}": BooleanField() for group in SWITCHABLE for channel in Channel})


def _chosen(form) -> set[tuple[Group, Channel]]:
    return {(group, channel) for group in SWITCHABLE for channel in Channel
            if form[f"{group}-{channel}"].data}


@bp.get("")
@login_required
def index():
    return render("notify/index.html", "notify/_list.html",
                  notifications=services.recent(current_user.id), body=services.body,
                  link=services.link)


@bp.post("/read")
@login_required
def read():
    services.mark_all_read(current_user.id)
    return redirect(url_for("notify.index"))


@bp.get("/settings")
@login_required
def settings():
    # The gates asked once for both the grid and the locked groups (news: the consent, two
    # statements fewer); the names translated once per process per language.
    allowed = preferences.allowed_groups(current_user)
    return render("notify/settings.html", "notify/_settings.html",
                  grid=preferences.grid(current_user, allowed),
                  notes=preferences.notes(current_user),
                  locked=preferences.locked(current_user, allowed),
                  group_names=texts_in_language(GROUP_NAMES),
                  channel_names=texts_in_language(CHANNEL_NAMES))


@bp.post("/settings")
@login_required
def save_settings():
    """A whole grid, from the form's Save button or from htmx at each tap (which gets only the
    "Saved" line back: the boxes already show what was chosen)."""
    preferences.save(current_user, _chosen(ChannelsForm()))
    if wants_fragment():
        return render("notify/_saved.html", "notify/_saved.html")
    flash(_("Your choices are saved."), "info")
    return redirect(url_for("notify.settings"))


@bp.post("/sms/report/<provider>/<secret>")
@csrf.exempt  # the provider posts it; the secret in the address is the authentication
def sms_report(provider: str, secret: str):
    """A delivery report from the SMS provider (46elks: a form; GatewayAPI: JSON)."""
    if not sms.report_accepted(provider, secret):
        abort(404)
    fields = request.get_json(silent=True) if request.is_json else request.form.to_dict()
    sms.record_report(provider, fields if isinstance(fields, dict) else {})
    return "", 204
