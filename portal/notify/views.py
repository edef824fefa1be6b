"""The participant's notifications page."""

from flask import Blueprint, url_for
from flask_login import current_user, login_required

from portal.notify import services
from portal.web import redirect, render

bp = Blueprint("notify", __name__, url_prefix="/notify")


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
