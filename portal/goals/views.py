"""My plan: the participant's goals and steps. Only the owner reaches them (404 otherwise)."""

from flask import Blueprint, abort, flash, url_for
from flask_login import current_user, login_required

from portal.errors import DomainError
from portal.forms import show_form
from portal.goals import services
from portal.goals.forms import CATEGORY_NAMES, STATUS_NAMES, EditGoalForm, GoalForm, StepForm
from portal.i18n import _
from portal.web import redirect, render, wants_fragment

bp = Blueprint("goals", __name__, url_prefix="/goals")


def names() -> dict:
    return {"category_names": {k: str(v) for k, v in CATEGORY_NAMES.items()},
            "status_names": {k: str(v) for k, v in STATUS_NAMES.items()}}


def _goal(goal_id: int):
    return services.own_goal(current_user, goal_id) or abort(404)


@bp.get("")
@login_required
def index():
    return render("goals/index.html", "goals/index.html",
                  goals=services.goals_of(current_user), **names())


def _show_new(form, error=None):
    return show_form("goals/new.html", "goals/_goal_form.html", form, error, goal=None)


@bp.get("/new")
@login_required
def new():
    return _show_new(GoalForm())


@bp.post("/new")
@login_required
def create():
    form = GoalForm()
    if not form.validate():
        return _show_new(form)
    goal = services.create_goal(current_user, services.GoalData(
        title=form.title.data, why=form.why.data or "", category=form.category.data,
        target_date=form.target_date.data))
    flash(_("Your goal is saved. What is a first small step?"), "success")
    return redirect(url_for("goals.show", goal_id=goal.id))


def _steps(goal, form=None, status=200):
    response = render("goals/show.html", "goals/_steps.html", goal=goal,
                      form=form or StepForm(formdata=None), **names())
    response.status_code = status
    return response


@bp.get("/<int:goal_id>")
@login_required
def show(goal_id):
    return _steps(_goal(goal_id))


@bp.post("/<int:goal_id>/steps")
@login_required
def add_step(goal_id):
    goal = _goal(goal_id)
    form = StepForm()
    if not form.validate():
        return _steps(goal, form, 422)
    try:
        services.add_step(goal, form.text.data)
    except DomainError as error:
        form.text.errors = [*form.text.errors, error.message]
        return _steps(goal, form, 422)
    if wants_fragment():
        return _steps(goal)
    return redirect(url_for("goals.show", goal_id=goal.id))


def _step_action(step_id: int, action):
    step = services.own_step(current_user, step_id) or abort(404)
    goal = step.goal
    action(step)
    if wants_fragment():
        return _steps(goal)
    return redirect(url_for("goals.show", goal_id=goal.id))


@bp.post("/steps/<int:step_id>/toggle")
@login_required
def toggle_step(step_id):
    return _step_action(step_id, services.toggle_step)


@bp.post("/steps/<int:step_id>/up")
@login_required
def step_up(step_id):
    return _step_action(step_id, lambda step: services.move_step(step, -1))


@bp.post("/steps/<int:step_id>/down")
@login_required
def step_down(step_id):
    return _step_action(step_id, lambda step: services.move_step(step, +1))


@bp.post("/steps/<int:step_id>/delete")
@login_required
def delete_step(step_id):
    return _step_action(step_id, services.delete_step)


def _show_edit(form, goal, error=None):
    return show_form("goals/edit.html", "goals/_goal_form.html", form, error, goal=goal)


@bp.get("/<int:goal_id>/edit")
@login_required
def edit(goal_id):
    goal = _goal(goal_id)
    return _show_edit(EditGoalForm(obj=goal), goal)


@bp.post("/<int:goal_id>/edit")
@login_required
def update(goal_id):
    goal = _goal(goal_id)
    form = EditGoalForm()
    if not form.validate():
        return _show_edit(form, goal)
    achieved = services.update_goal(goal, services.GoalData(
        title=form.title.data, why=form.why.data or "", category=form.category.data,
        target_date=form.target_date.data, status=form.status.data))
    if achieved:
        flash(_("Well done! You reached your goal. Be proud of yourself."), "success")
    else:
        flash(_("Your goal is saved."), "success")
    return redirect(url_for("goals.show", goal_id=goal.id))
