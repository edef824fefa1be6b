"""The road to work: partners (staff), a participant's work practice and outcomes (the person
and the staff who follow them), the self-assessment (the person), and the job-centre
statement. Staff pages answer 403 for places the user does not manage; a person or placement
the user may not see answers 404."""

from datetime import timedelta
from functools import cache

from flask import Blueprint, abort, flash, make_response, request, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from portal import work
from portal.accounts.models import Site, User
from portal.accounts.views import managed_site
from portal.audit.services import note_read
from portal.employment import pdf, services
from portal.employment.forms import (
    CheckInForm,
    InterviewForm,
    MyOutcomeForm,
    OutcomeForm,
    PartnerForm,
    PlacementForm,
    StatementForm,
)
from portal.employment.models import (
    EXTENT_NAMES,
    OUTCOME_NAMES,
    PLACEMENT_STATUS_NAMES,
    SCALE,
    SCALE_NAMES,
    STATEMENT_TEXT,
    SUBSIDIES,
    SUBSIDY_NAMES,
    Outcome,
    Placement,
    Statement,
    partner_kind_name,
)
from portal.errors import DomainError
from portal.exports import csv_text
from portal.extensions import db, utcnow
from portal.forms import attach_errors, show_form, texts_in_language
from portal.goals.models import Goal
from portal.i18n import _, bdi, weekday_names
from portal.speed import link_around_id
from portal.web import redirect, render

bp = Blueprint("employment", __name__, url_prefix="/employment")


def names() -> dict:
    """The features' names for the page in its language (a check-in page reads twenty scale
    words)."""
    return _names(str(get_locale()))


@cache
def _names(language: str) -> dict:
    # The same for everyone reading a language: made once per language and process, not on
    # every page (six dicts translated and the weekdays looked up: about 0.1 ms a page).
    # Templates only read them.
    return {"placement_status_names": texts_in_language(PLACEMENT_STATUS_NAMES),
            "outcome_names": texts_in_language(OUTCOME_NAMES),
            "extent_names": texts_in_language(EXTENT_NAMES),
            "subsidy_names": texts_in_language(SUBSIDY_NAMES),
            "kind_name": partner_kind_name, "weekday_names": weekday_names(),
            "statements": list(Statement), "statement_text": texts_in_language(STATEMENT_TEXT),
            "scale": SCALE, "scale_names": texts_in_language(SCALE_NAMES)}


def _followed(user_id: int) -> User:
    """A participant the current user follows as staff (404 for anyone else)."""
    person = db.session.get(User, user_id)
    if person is None or not services.may_follow(current_user, person):
        abort(404)
    return person


# -- partners ----------------------------------------------------------------------------------

def _partner_data(form) -> services.PartnerData:
    return services.PartnerData(
        name=form.name.data, kind=form.kind.data, contact_name=form.contact_name.data or "",
        phone=form.phone.data or "", email=form.email.data or "", notes=form.notes.data or "")


def _show_partners(site, form=None, error=None):
    """The partners page, with the add form that came back (with errors), or a fresh one:
    a fresh form is the same for everyone who reads the language, so the template draws its
    fields once per language ({% shared %}, portal/speed.py) from `blank_partner_form`
    instead of WTForms building and drawing six fields on every page (about 0.4 ms)."""
    context = {"site": site, "partners": services.partner_list(site),
               "blank_partner_form": lambda: PartnerForm(formdata=None), **names()}
    if form is None:
        return render("employment/partners.html", "employment/_partner_add.html", form=None,
                      **context)
    return show_form("employment/partners.html", "employment/_partner_add.html", form, error,
                     **context)


@bp.get("/sites/<int:site_id>/partners")
@login_required
def partners(site_id):
    return _show_partners(managed_site(site_id))


@bp.post("/sites/<int:site_id>/partners")
@login_required
def add_partner(site_id):
    site = managed_site(site_id)
    form = PartnerForm()
    if not form.validate():
        return _show_partners(site, form)
    try:
        partner = services.add_partner(current_user, site, _partner_data(form))
    except DomainError as error:
        return _show_partners(site, form, error)
    flash(_("%(name)s is added to the partners.", name=bdi(partner.name)), "success")
    return redirect(url_for("employment.partners", site_id=site.id))


def _partner(partner_id: int):
    partner = services.partner_for(current_user, partner_id)
    if partner is None:
        abort(404)
    return partner


def _show_partner(partner, form, error=None):
    return show_form("employment/partner.html", "employment/_partner_form.html", form, error,
                     partner=partner, **names())


@bp.get("/partners/<int:partner_id>/edit")
@login_required
def edit_partner(partner_id):
    partner = _partner(partner_id)
    return _show_partner(partner, PartnerForm(formdata=None, obj=partner))


@bp.post("/partners/<int:partner_id>/edit")
@login_required
def change_partner(partner_id):
    partner = _partner(partner_id)
    form = PartnerForm()
    if not form.validate():
        return _show_partner(partner, form)
    try:
        services.change_partner(partner, _partner_data(form))
    except DomainError as error:
        return _show_partner(partner, form, error)
    flash(_("%(name)s is saved.", name=bdi(partner.name)), "success")
    return redirect(url_for("employment.partners", site_id=partner.site_id))


@bp.post("/partners/<int:partner_id>/remove")
@login_required
def remove_partner(partner_id):
    partner = _partner(partner_id)
    site_id, name = partner.site_id, partner.name
    services.remove_partner(partner)
    flash(_("%(name)s is removed from the partners.", name=bdi(name)), "info")
    return redirect(url_for("employment.partners", site_id=site_id))


# -- staff: the place's participants and one participant ----------------------------------------

# A place's people at a time, by name, as on its members list; a search finds the others.
PEOPLE_SHOWN = 50

@bp.get("/sites/<int:site_id>/people")
@login_required
def people(site_id):
    site = managed_site(site_id)
    query = request.args.get("q", "").strip()[:80]
    # The user itself, not the proxy: the rank rule reads them for every person listed. One
    # more than shown: whether there are more to search for.
    rows = services.people_at(current_user._get_current_object(), site, query,
                              PEOPLE_SHOWN + 1)
    note_read(current_user, "employment.list", "site", site.id)
    return render("employment/people.html", "employment/_people_list.html", site=site,
                  query=query, rows=rows[:PEOPLE_SHOWN], more=len(rows) > PEOPLE_SHOWN,
                  shown=PEOPLE_SHOWN, no_status=_("No status yet"),
                  person_link=link_around_id("employment.person", "user_id"), **names())


def _outcome_form(form_class, site_id: int | None, **kwargs):
    form = form_class(**kwargs)
    site = db.session.get(Site, site_id) if site_id else None
    form.subsidy.choices = [SelectChoice("", _("No"))] + [
        SelectChoice(s.value, SUBSIDY_NAMES[s]) for s in SUBSIDIES.get(
            site.country if site else None, ())]
    return form


def _person_page(person, site_id: int, fragment="employment/person.html", status=200,
                 error=None, outcome_form=None, interview_form=None):
    """A participant's page for staff who follow them at `site_id`, with the form that came
    back (with errors); the others fresh. `person`: a User, or services.Followed.

    A fresh form is the same for every page in the language (the status form: at a place of
    the same country, which decides the subsidies offered): the templates draw its fields once
    per language (and country) from `blank_outcome_form` / `blank_interview_form` ({% shared
    %}, portal/speed.py), as on the participant's own page, instead of WTForms building and
    drawing both forms on every page (about 0.6 ms of the page)."""
    if error is not None:
        attach_errors(outcome_form if fragment.endswith("_outcome_form.html")
                      else interview_form, [error])
        status = 422
    outcomes = services.outcomes_of(person)
    site = db.session.get(Site, site_id) if site_id else None
    return render("employment/person.html", fragment, status=status, person=person,
                  placements=services.placements_of(person), outcomes=outcomes,
                  current=services.current_outcome(outcomes),
                  interviews=services.interviews_of(person), form=outcome_form,
                  interview_form=interview_form, country=site.country if site else None,
                  blank_outcome_form=lambda: _outcome_form(OutcomeForm, site_id, formdata=None),
                  blank_interview_form=lambda: InterviewForm(formdata=None),
                  consent=services.has_statement_consent(person), staff=True, **names())


@bp.get("/people/<int:user_id>")
@login_required
def person(user_id):
    # Plain rows, not a User: the page only shows the person (services.followed).
    person = services.followed(current_user._get_current_object(), user_id) or abort(404)
    services.note_staff_read(current_user, person)
    return _person_page(person, person.site_id)


def _outcome_data(form) -> services.OutcomeData:
    return services.OutcomeData(kind=form.kind.data, on_date=form.on_date.data,
                                extent=form.extent.data or None,
                                subsidy=form.subsidy.data or None, note=form.note.data or "")


@bp.post("/people/<int:user_id>/outcomes")
@login_required
def record_outcome(user_id):
    person = _followed(user_id)
    site_id = services.follow_site(current_user, person)
    form = _outcome_form(OutcomeForm, site_id)
    fragment = "employment/_outcome_form.html"
    if not form.validate():
        return _person_page(person, site_id, fragment, 422, outcome_form=form)
    try:
        services.record_outcome(current_user, person, _outcome_data(form))
    except DomainError as error:
        return _person_page(person, site_id, fragment, error=error, outcome_form=form)
    flash(_("The status is saved."), "success")
    return redirect(url_for("employment.person", user_id=person.id))


@bp.post("/outcomes/<int:outcome_id>/confirm")
@login_required
def confirm_outcome(outcome_id):
    outcome = db.session.get(Outcome, outcome_id)
    person = db.session.get(User, outcome.participant_id) if outcome else None
    if person is None or not services.may_follow(current_user, person):
        abort(404)
    try:
        services.confirm_outcome(current_user, outcome)
    except DomainError as error:
        work.refuse()
        flash(str(error.message), "error")
    else:
        flash(_("Confirmed. It now counts in the reports."), "success")
    return redirect(url_for("employment.person", user_id=person.id))


@bp.post("/people/<int:user_id>/interviews")
@login_required
def add_interview(user_id):
    person = _followed(user_id)
    form = InterviewForm()
    fragment = "employment/_interview_form.html"
    site_id = services.follow_site(current_user, person)
    if not form.validate():
        return _person_page(person, site_id, fragment, 422, interview_form=form)
    try:
        services.note_interview(current_user, person, form.held_on.data, form.employer.data)
    except DomainError as error:
        return _person_page(person, site_id, fragment, error=error, interview_form=form)
    flash(_("The job interview is noted."), "success")
    return redirect(url_for("employment.person", user_id=person.id))


# -- work practice -------------------------------------------------------------------------------

def _placement_form(site_id: int, person: User, **kwargs) -> PlacementForm:
    form = PlacementForm(**kwargs)
    site = db.session.get(Site, site_id)
    form.partner_id.choices = [SelectChoice(p.id, p.name, render_kw={"dir": "auto"})
                               for p in services.partners_at(site)]
    form.goal_id.choices = [SelectChoice("", _("No goal chosen"))] + [
        SelectChoice(str(g.id), g.title, render_kw={"dir": "auto"})
        for g in services.goals_for_placement(person)]
    form.weekdays.choices = [SelectChoice(i, name) for i, name in enumerate(weekday_names())]
    return form


def _placement_data(form) -> services.PlacementData:
    return services.PlacementData(
        partner_id=form.partner_id.data, role=form.role.data, starts_on=form.starts_on.data,
        ends_on=form.ends_on.data, weekdays=list(form.weekdays.data or []),
        hours_per_week=form.hours_per_week.data, mentor_name=form.mentor_name.data or "",
        mentor_phone=form.mentor_phone.data or "",
        goal_id=int(form.goal_id.data) if (form.goal_id.data or "").isdigit() else None,
        status=form.status.data, staff_notes=form.staff_notes.data or "")


def _show_placement_form(person, form, placement=None, error=None):
    return show_form("employment/placement_form.html", "employment/_placement_form.html", form,
                     error, person=person, placement=placement, **names())


@bp.get("/people/<int:user_id>/placements/new")
@login_required
def new_placement(user_id):
    person = _followed(user_id)
    site_id = services.follow_site(current_user, person)
    today = utcnow().date()
    form = _placement_form(site_id, person, formdata=None, starts_on=today,
                           ends_on=today + timedelta(weeks=8), weekdays=[0, 1, 2],
                           hours_per_week=15)
    return _show_placement_form(person, form)


@bp.post("/people/<int:user_id>/placements/new")
@login_required
def create_placement(user_id):
    person = _followed(user_id)
    form = _placement_form(services.follow_site(current_user, person), person)
    if not form.validate():
        return _show_placement_form(person, form)
    try:
        placement = services.record_placement(current_user, person, _placement_data(form))
    except DomainError as error:
        return _show_placement_form(person, form, error=error)
    flash(_("The work practice is saved."), "success")
    return redirect(url_for("employment.placement", placement_id=placement.id))


def _placement(placement_id: int) -> Placement:
    return services.visible_placement(current_user, placement_id) or abort(404)


def _staff_placement(placement_id: int) -> Placement:
    placement = _placement(placement_id)
    if placement.participant_id == current_user.id:
        abort(404)
    return placement


@bp.get("/placements/<int:placement_id>")
@login_required
def placement(placement_id):
    placement = _placement(placement_id)
    staff = placement.participant_id != current_user.id
    if staff:
        services.note_staff_read(current_user, placement.participant)
    goal = db.session.get(Goal, placement.goal_id) if placement.goal_id else None
    return render("employment/placement.html", placement=placement, staff=staff, goal=goal,
                  meetings=services.follow_up_meetings(placement), **names())


@bp.get("/placements/<int:placement_id>/edit")
@login_required
def edit_placement(placement_id):
    placement = _staff_placement(placement_id)
    form = _placement_form(placement.site_id, placement.participant, formdata=None,
                           obj=placement, weekdays=placement.days,
                           goal_id=str(placement.goal_id or ""))
    return _show_placement_form(placement.participant, form, placement)


@bp.post("/placements/<int:placement_id>/edit")
@login_required
def update_placement(placement_id):
    placement = _staff_placement(placement_id)
    form = _placement_form(placement.site_id, placement.participant)
    if not form.validate():
        return _show_placement_form(placement.participant, form, placement)
    try:
        services.change_placement(current_user, placement, _placement_data(form))
    except DomainError as error:
        return _show_placement_form(placement.participant, form, placement, error)
    flash(_("The work practice is saved."), "success")
    return redirect(url_for("employment.placement", placement_id=placement.id))


# -- the participant's own page ------------------------------------------------------------------

def _participant():
    if not services.takes_part(current_user):
        abort(404)
    return current_user._get_current_object()


def _mine_page(fragment="employment/mine.html", status=200, error=None, outcome_form=None,
               interview_form=None):
    """My road to work, with the form that came back (with errors); the others fresh.

    A fresh form is the same for everyone who reads the language (the outcome form: at a place
    of the same country, which decides the subsidies offered): the templates draw its fields
    once per language (and country) from `blank_outcome_form` / `blank_interview_form`
    ({% shared %}, portal/speed.py) instead of WTForms building and drawing both forms on every
    page (about 0.5 ms of the page)."""
    me = _participant()
    site_id = services.home_site_id(me)
    if error is not None:
        attach_errors(outcome_form if fragment.endswith("_my_outcome_form.html")
                      else interview_form, [error])
        status = 422
    outcomes = services.outcomes_of(me)
    site = db.session.get(Site, site_id) if site_id else None
    return render("employment/mine.html", fragment, status=status,
                  placements=services.placements_of(me), outcomes=outcomes,
                  current=services.current_outcome(outcomes),
                  interviews=services.interviews_of(me), trend=services.trend(me),
                  due=services.check_in_due(me), form=outcome_form,
                  interview_form=interview_form, country=site.country if site else None,
                  blank_outcome_form=lambda: _outcome_form(MyOutcomeForm, site_id, formdata=None),
                  blank_interview_form=lambda: InterviewForm(formdata=None), **names())


@bp.get("/me")
@login_required
def mine():
    return _mine_page()


@bp.post("/me/outcomes")
@login_required
def report_outcome():
    me = _participant()
    form = _outcome_form(MyOutcomeForm, services.home_site_id(me))
    fragment = "employment/_my_outcome_form.html"
    if not form.validate():
        return _mine_page(fragment, 422, outcome_form=form)
    try:
        services.report_outcome(me, _outcome_data(form))
    except DomainError as error:
        return _mine_page(fragment, error=error, outcome_form=form)
    flash(_("Thank you! A coordinator will confirm it."), "success")
    return redirect(url_for("employment.mine"))


@bp.post("/me/interviews")
@login_required
def add_my_interview():
    me = _participant()
    form = InterviewForm()
    fragment = "employment/_my_interview_form.html"
    if not form.validate():
        return _mine_page(fragment, 422, interview_form=form)
    try:
        services.note_interview(me, me, form.held_on.data, form.employer.data)
    except DomainError as error:
        return _mine_page(fragment, error=error, interview_form=form)
    flash(_("Good luck! Your job interview is noted."), "success")
    return redirect(url_for("employment.mine"))


def _show_check_in(form, error=None):
    return show_form("employment/check_in.html", "employment/_check_in_form.html", form, error,
                     **names())


@bp.get("/me/check-in")
@login_required
def check_in():
    _participant()
    return _show_check_in(CheckInForm(formdata=None))


@bp.post("/me/check-in")
@login_required
def answer_check_in():
    me = _participant()
    form = CheckInForm()
    if not form.validate():
        return _show_check_in(form)
    try:
        services.answer_check_in(me, {s.value: form[s.value].data for s in Statement})
    except DomainError as error:
        return _show_check_in(form, error)
    flash(_("Thank you! You can see how it changes over time."), "success")
    return redirect(url_for("employment.mine"))


@bp.post("/me/check-in/skip")
@login_required
def skip_check_in():
    me = _participant()
    services.skip_check_in(me)
    flash(_("That is fine. We will ask again in three months."), "info")
    return redirect(url_for("home.index"))


# -- the job-centre statement ----------------------------------------------------------------------

def _statement_person(user_id: int) -> User:
    person = db.session.get(User, user_id)
    if person is None or not services.may_make_statement(current_user, person):
        abort(404)
    return person


def _show_statement(person, form, error=None, status=None):
    return show_form("employment/statement.html", "employment/_statement_form.html", form,
                     error, status=status, person=person,
                     consent=services.has_statement_consent(person),
                     own=person.id == current_user.id)


def _default_period() -> dict:
    """From the first day of last month until today."""
    today = utcnow().date()
    return {"first_day": (today.replace(day=1) - timedelta(days=1)).replace(day=1),
            "last_day": today}


@bp.get("/people/<int:user_id>/statement")
@login_required
def statement(user_id):
    person = _statement_person(user_id)
    return _show_statement(person, StatementForm(formdata=None, **_default_period()))


def _made(user_id: int, kind: str):
    """(person, statement) or an answer: the form again with what was wrong. Without a
    period in the address, the default one (as the form offers it)."""
    person = _statement_person(user_id)
    if "first_day" in request.args or "last_day" in request.args:
        form = StatementForm(request.args)
        if not form.validate():
            return person, _show_statement(person, form)
    else:
        form = StatementForm(formdata=None, **_default_period())
    try:
        made = services.statement(current_user, person, form.first_day.data,
                                  form.last_day.data, kind)
    except DomainError as error:
        consent_missing = not services.has_statement_consent(person)
        return person, _show_statement(person, form, error, 403 if consent_missing else 422)
    return person, made


def _filename(made, extension: str) -> str:
    return (f"bro-statement-{made.first_day.isoformat()}-{made.last_day.isoformat()}."
            f"{extension}")


@bp.get("/people/<int:user_id>/statement.pdf")
@login_required
def statement_pdf(user_id):
    person, made = _made(user_id, "pdf")
    if not isinstance(made, services.JobCentreStatement):
        return made
    data = pdf.statement_pdf(made)
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(made, "pdf")}"'
    return response


@bp.get("/people/<int:user_id>/statement.csv")
@login_required
def statement_csv(user_id):
    person, made = _made(user_id, "csv")
    if not isinstance(made, services.JobCentreStatement):
        return made
    rows = pdf.statement_rows(made)
    response = make_response("\ufeff" + csv_text(rows))  # BOM: spreadsheets read UTF-8 right
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(made, "csv")}"'
    return response

