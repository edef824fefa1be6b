"""Ask "How was it?" after a session or a meeting (what leaders see is in portal.reports)."""

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user, login_required

from portal import work
from portal.activities.models import Session
from portal.errors import DomainError
from portal.extensions import db
from portal.feedback import services
from portal.feedback.forms import FeedbackForm
from portal.feedback.models import Face, faces
from portal.i18n import _
from portal.meetings.models import Booking
from portal.web import redirect, render

bp = Blueprint("feedback", __name__, url_prefix="/feedback")


def _about(kind: str, item_id: int):
    """The session or meeting asked about, if the current user may answer about it."""
    if kind == "session":
        item = db.session.get(Session, item_id)
        if item is None:
            abort(404)
        if not services.may_answer_session(current_user, item):
            abort(403)
        return {"session": item}, services.Question(
            "session", item.id, item.starts_at, item.activity.site.timezone, item.activity.title)
    item = db.session.get(Booking, item_id)
    if item is None:
        abort(404)
    if not services.may_answer_meeting(current_user, item):
        abort(403)
    return {"booking": item}, services.Question(
        "meeting", item.id, item.starts_at, item.site.timezone,
        item.host.display_name if item.host else "")


def _ask(kind: str, item_id: int):
    about, question = _about(kind, item_id)
    if request.method == "GET":
        form = FeedbackForm(formdata=None)
        return render("feedback/ask.html", "feedback/_ask.html", form=form, question=question,
                      done=services.answered(current_user, **about), **faces())
    skip = "skip" in request.form
    form = FeedbackForm()
    if not skip and not form.validate():
        return render("feedback/ask.html", "feedback/_ask.html", status=422, form=form,
                      question=question, done=False, **faces())
    try:
        if skip:
            services.answer(current_user, None, **about)
        else:
            services.answer(current_user, Face(form.face.data), form.comment.data or "",
                            form.change.data or "", **about)
    except DomainError as error:
        work.refuse()
        flash(str(error.message), "info")
        return redirect(url_for("home.index"))
    if skip:
        flash(_("OK. We will not ask about this one again."), "info")
    else:
        flash(_("Thank you! The leaders read what people say, without names."), "success")
    return redirect(url_for("home.index"))


@bp.route("/sessions/<int:session_id>", methods=["GET", "POST"])
@login_required
def session(session_id):
    return _ask("session", session_id)


@bp.route("/meetings/<int:booking_id>", methods=["GET", "POST"])
@login_required
def meeting(booking_id):
    return _ask("meeting", booking_id)
