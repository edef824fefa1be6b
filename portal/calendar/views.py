"""My calendar and its feed. The addresses stay under /activities/, where the calendar began:
phones subscribed to a feed address must keep getting it."""

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user, login_required

from portal.calendar import services
from portal.i18n import _, date_formatter, force_locale
from portal.web import external_url, ics_response, redirect, render

bp = Blueprint("calendar", __name__, url_prefix="/activities/calendar")


@bp.get("")
@login_required
def index():
    user = current_user._get_current_object()  # the object, not the proxy, for the reads below
    token = services.feed_token(user)
    return render("calendar/index.html", weeks=services.weeks(user),
                  week_date=date_formatter("d MMMM"),  # the weeks' headings
                  feed_url=external_url("calendar.feed", token=token))


@bp.post("/feed")
@login_required
def renew_feed():
    services.feed_token(current_user, renew=True)
    flash(_("Your calendar has a new address. The old one no longer works."), "success")
    return redirect(url_for("calendar.index"))


@bp.get("/<token>.ics")
def feed(token):
    """The secret address a phone's calendar subscribes to (no login: the token is the key)."""
    user = services.user_for_feed(token)
    if user is None:
        abort(404)
    with force_locale(user.language):
        return ics_response(services.feed(user, request.host), "bro.ics")
