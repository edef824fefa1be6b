"""Notices on this phone: the browser subscribes with a little script (push.js); the list of
devices, each removable, is a plain form (My page → Notifications)."""

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    jsonify,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_login import current_user, login_required

from portal import work
from portal.errors import DomainError
from portal.i18n import _
from portal.push import services
from portal.web import redirect

bp = Blueprint("push", __name__)


@bp.post("/push/subscriptions")
@login_required
def subscribe():
    """The browser's subscription, as push.js posts it (JSON, with the CSRF token in the
    X-CSRFToken header)."""
    data = request.get_json(silent=True) or {}
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    try:
        subscription = services.subscribe(
            current_user, str(data.get("endpoint") or ""), str(keys.get("p256dh") or ""),
            str(keys.get("auth") or ""), request.headers.get("User-Agent", ""))
    except DomainError as error:
        return jsonify(error=str(error.message)), 422
    session["push_device"] = subscription.id  # logging out on this browser removes it
    flash(_("This phone now gets your notices."), "info")
    return jsonify(id=subscription.id), 201


@bp.post("/push/devices/<int:subscription_id>/remove")
@login_required
def remove(subscription_id: int):
    try:
        services.remove(current_user, subscription_id)
    except DomainError as error:
        return _back(str(error.message), refuse=True)
    return _back(_("That device gets no more notices from Bro."))


def _back(message: str, refuse: bool = False):
    if refuse:
        work.refuse()
    flash(message, "info")
    return redirect(url_for("notify.settings"))


@bp.get("/sw.js")
def service_worker():
    """The service worker, from the site's root so that its scope is the whole site. Always
    checked again (no-cache): a changed worker reaches phones at their next visit."""
    response = send_from_directory(current_app.static_folder, "sw.js",
                                   mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.after_app_request
def clear_site_data(response):
    """Logging out empties what this browser kept of Bro (the offline pages, the service
    worker and its push subscription), so the next person on a shared phone finds nothing."""
    if g.get("bro_logged_out"):
        response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.app_context_processor
def device_helpers():
    """For the list on My page → Notifications: called only where a page shows it."""
    return {"push_devices": lambda: services.devices_listed(current_user),
            "push_key": services.public_key, "push_device_label": services.device_label}
