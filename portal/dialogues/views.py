"""The organiser's page of a dialogue seminar or workshop: guests, questions, main points and
agreed actions (each added, removed, and actions marked done or open again). Participants
read them on the activity's page."""

from flask import Blueprint, abort, flash, url_for
from flask_login import current_user, login_required

from portal.activities.models import Activity
from portal.dialogues import services
from portal.dialogues.forms import ActionForm, GuestForm, PointForm, QuestionForm
from portal.dialogues.models import Action, Guest, Point, Question
from portal.errors import DomainError
from portal.extensions import db
from portal.forms import attach_error
from portal.i18n import _
from portal.web import redirect, render

bp = Blueprint("dialogues", __name__, url_prefix="/activities")
FORMS = {"guest": GuestForm, "question": QuestionForm, "point": PointForm, "action": ActionForm}


def _organised(activity_id: int) -> Activity:
    """404 unless a dialogue seminar or workshop; 403 unless this user organises it."""
    activity = db.session.get(Activity, activity_id)
    if activity is None or not activity.is_dialogue:
        abort(404)
    if not services.can_organise(current_user, activity):
        abort(403)
    return activity


def _item(model, item_id: int):
    item = db.session.get(model, item_id)
    if item is None:
        abort(404)
    return item, _organised(item.activity_id)


def _page(activity: Activity, status: int = 200, **bound):
    forms = {key: bound.get(key) or form(formdata=None) for key, form in FORMS.items()}
    return render("dialogues/manage.html", status=status,
                  activity=activity, summary=services.summary(current_user, activity),
                  forms=forms)


def _back(activity: Activity, message: str, anchor: str):
    flash(message, "success")
    return redirect(url_for("dialogues.manage", activity_id=activity.id, _anchor=anchor))


@bp.get("/<int:activity_id>/dialogue")
@login_required
def manage(activity_id):
    return _page(_organised(activity_id))


def _add(activity_id: int, key: str, add, message: str):
    activity = _organised(activity_id)
    form = FORMS[key]()
    if not form.validate():
        return _page(activity, 422, **{key: form})
    try:
        add(activity, form)
    except DomainError as error:
        attach_error(form, error)
        return _page(activity, 422, **{key: form})
    return _back(activity, message, f"{key}s")


@bp.post("/<int:activity_id>/guests")
@login_required
def add_guest(activity_id):
    return _add(activity_id, "guest", lambda a, f: services.add_guest(
        current_user, a, f.name.data, f.organisation.data or ""), _("The guest is added."))


@bp.post("/<int:activity_id>/questions")
@login_required
def add_question(activity_id):
    return _add(activity_id, "question", lambda a, f: services.add_question(
        current_user, a, f.question.data), _("The question is added."))


@bp.post("/<int:activity_id>/points")
@login_required
def add_point(activity_id):
    return _add(activity_id, "point", lambda a, f: services.add_point(
        current_user, a, f.point.data), _("The main point is added."))


@bp.post("/<int:activity_id>/actions")
@login_required
def add_action(activity_id):
    return _add(activity_id, "action", lambda a, f: services.add_action(
        current_user, a, f.what.data, f.who.data or "", f.due_on.data),
        _("The action is added. Everyone who took part can see it."))


def _remove(model, item_id: int, anchor: str, message: str):
    item, activity = _item(model, item_id)
    services.remove(current_user, item)
    return _back(activity, message, anchor)


@bp.post("/guests/<int:guest_id>/remove")
@login_required
def remove_guest(guest_id):
    return _remove(Guest, guest_id, "guests", _("The guest is removed."))


@bp.post("/questions/<int:question_id>/remove")
@login_required
def remove_question(question_id):
    return _remove(Question, question_id, "questions", _("The question is removed."))


@bp.post("/points/<int:point_id>/remove")
@login_required
def remove_point(point_id):
    return _remove(Point, point_id, "points", _("The main point is removed."))


@bp.post("/actions/<int:action_id>/remove")
@login_required
def remove_action(action_id):
    return _remove(Action, action_id, "actions", _("The action is removed."))


@bp.post("/actions/<int:action_id>/done")
@login_required
def action_done(action_id):
    action, activity = _item(Action, action_id)
    services.set_done(current_user, action, True)
    return _back(activity, _("The action is marked done."), "actions")


@bp.post("/actions/<int:action_id>/open")
@login_required
def reopen_action(action_id):
    action, activity = _item(Action, action_id)
    services.set_done(current_user, action, False)
    return _back(activity, _("The action is open again."), "actions")
