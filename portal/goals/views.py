"""My plan: the participant's goals and steps. Only the owner reaches them (404 otherwise)."""

from functools import cache

from flask import Blueprint, abort, flash, request, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from portal.errors import DomainError
from portal.forms import show_form
from portal.goals import services
from portal.goals.forms import (
    QUESTION_TEXT,
    AnswerForm,
    CommentForm,
    EditGoalForm,
    GoalForm,
    NoteForm,
    ShareForm,
    StepForm,
)
from portal.goals.models import CATEGORY_NAMES, STATUS_NAMES, ShareScope
from portal.i18n import _, bdi
from portal.web import redirect, render, wants_fragment

bp = Blueprint("goals", __name__, url_prefix="/goals")


def names() -> dict:
    """The names goal pages show (categories, statuses) in the page's language."""
    return _names(str(get_locale()))


@cache
def _names(language: str) -> dict:
    # The same for everyone reading a language: made once per language, not on every page
    # (about 0.1 ms of lazy-string look-ups on a goal page). Templates only read them.
    return {"category_names": {k: str(v) for k, v in CATEGORY_NAMES.items()},
            "status_names": {k: str(v) for k, v in STATUS_NAMES.items()}}


def _goal(goal_id: int):
    return services.own_goal(current_user, goal_id) or abort(404)


@bp.get("")
@login_required
def index():
    return render("goals/index.html", goals=services.goals_of(current_user),
                  start=services.plan_start(current_user), questions=QUESTION_TEXT, **names())


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


def _page(goal_id: int):
    """The goal as its page shows it (plain rows, read after any change was flushed)."""
    return services.goal_page(current_user, goal_id) or abort(404)


def _steps(goal_id: int, form=None, status=200):
    return render("goals/show.html", "goals/_steps.html", status=status, goal=_page(goal_id),
                  form=form or StepForm(formdata=None), note_form=NoteForm(formdata=None),
                  **names())


@bp.get("/<int:goal_id>")
@login_required
def show(goal_id):
    return _steps(goal_id)


@bp.post("/<int:goal_id>/steps")
@login_required
def add_step(goal_id):
    goal = _goal(goal_id)
    form = StepForm()
    if not form.validate():
        return _steps(goal.id, form, 422)
    try:
        services.add_step(goal, form.text.data)
    except DomainError as error:
        form.text.errors = [*form.text.errors, error.message]
        return _steps(goal.id, form, 422)
    if wants_fragment():
        return _steps(goal.id)
    return redirect(url_for("goals.show", goal_id=goal.id))


def _step_action(step_id: int, action):
    step = services.own_step(current_user, step_id) or abort(404)
    goal = step.goal
    action(step)
    if wants_fragment():
        return _steps(goal.id)
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


# -- sharing (owner) ---------------------------------------------------------------------------

def _share_form(**kwargs) -> ShareForm:
    form = ShareForm(**kwargs)
    form.staff_id.choices = [SelectChoice(u.id, u.display_name, render_kw={"dir": "auto"})
                             for u in services.share_candidate_names(current_user)]
    form.what.choices = [SelectChoice("all", _("My whole plan")),
                         SelectChoice("competences", _("My competences"))] + [
        SelectChoice(str(g.id), g.title, render_kw={"dir": "auto"})
        for g in services.goal_titles(current_user)]
    return form


def _show_sharing(form, error=None):
    return show_form("goals/sharing.html", "goals/_sharing.html", form, error,
                     shares=services.shares_shown(current_user))


@bp.get("/sharing")
@login_required
def sharing():
    return _show_sharing(_share_form(what=request.args.get("what")))  # My competences links here


@bp.post("/sharing")
@login_required
def create_share():
    form = _share_form()
    if not form.validate():
        return _show_sharing(form)
    scope = ShareScope.COMPETENCES if form.what.data == "competences" else ShareScope.PLAN
    goal_id = None if form.what.data in ("all", "competences") else int(form.what.data)
    try:
        given = services.share(current_user, form.staff_id.data, goal_id, scope)
    except DomainError as error:
        return _show_sharing(form, error)
    flash(_("%(name)s can now see it. You can stop this at any time.",
            name=bdi(given.staff.display_name)), "success")
    return redirect(url_for("goals.sharing"))


@bp.post("/sharing/<int:share_id>/withdraw")
@login_required
def withdraw(share_id):
    if not services.withdraw(current_user, share_id):
        abort(404)
    flash(_("Stopped. They can no longer see it."), "info")
    return redirect(url_for("goals.sharing"))


# -- shared with me (staff) --------------------------------------------------------------------

@bp.get("/shared")
@login_required
def shared():
    return render("goals/shared.html", people=services.shared_with(current_user), **names())


def _shared_goal(goal_id: int):
    return services.goal_shared_with(current_user, goal_id) or abort(404)


@bp.get("/shared/<int:goal_id>")
@login_required
def shared_goal(goal_id):
    goal = _shared_goal(goal_id)
    services.record_staff_view(current_user, goal)
    return render("goals/shared_goal.html", goal=services.shown_goal(goal),
                  form=CommentForm(formdata=None), **names())


@bp.post("/shared/<int:goal_id>/comments")
@login_required
def comment(goal_id):
    goal = _shared_goal(goal_id)
    form = CommentForm()
    if not form.validate():
        return render("goals/shared_goal.html", status=422,
                      goal=services.shown_goal(goal), form=form, **names())
    services.add_comment(current_user, goal, form.text.data)
    flash(_("Thank you! Your words are saved for them to read."), "success")
    return redirect(url_for("goals.shared_goal", goal_id=goal.id))


# -- progress notes --------------------------------------------------------------------------

@bp.post("/<int:goal_id>/notes")
@login_required
def add_note(goal_id):
    goal = _goal(goal_id)
    form = NoteForm()
    if not form.validate():
        return _notes(goal.id, form, 422)
    services.add_note(goal, form.note.data)
    if wants_fragment():
        return _notes(goal.id)
    return redirect(url_for("goals.show", goal_id=goal.id))


def _notes(goal_id: int, form=None, status=200):
    return render("goals/show.html", "goals/_notes.html", status=status, goal=_page(goal_id),
                  form=StepForm(formdata=None), note_form=form or NoteForm(formdata=None),
                  **names())


# -- the guided start: one question per screen, each one optional -----------------------------

@bp.get("/start/<question>")
@login_required
def start(question):
    if question not in services.QUESTIONS:
        abort(404)
    saved = services.plan_start(current_user)
    form = AnswerForm(formdata=None, text=getattr(saved, question, "") if saved else "")
    return _show_question(question, form)


def _show_question(question, form, status=200):
    index = services.QUESTIONS.index(question)
    heading, hint = QUESTION_TEXT[question]
    following = services.QUESTIONS[index + 1] if index + 1 < len(services.QUESTIONS) else None
    next_url = url_for("goals.start", question=following) if following else url_for(
        "goals.index")
    return render("goals/start.html", status=status, form=form,
                  question=question, heading=heading, hint=hint, number=index + 1,
                  total=len(services.QUESTIONS), next_url=next_url)


@bp.post("/start/<question>")
@login_required
def answer(question):
    if question not in services.QUESTIONS:
        abort(404)
    form = AnswerForm()
    if not form.validate():
        return _show_question(question, form, 422)
    services.answer(current_user, question, form.text.data or "")
    index = services.QUESTIONS.index(question)
    if index + 1 < len(services.QUESTIONS):
        return redirect(url_for("goals.start", question=services.QUESTIONS[index + 1]))
    flash(_("Thank you. Now choose a first goal."), "success")
    return redirect(url_for("goals.index"))
