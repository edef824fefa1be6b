"""Proposals ("I wish…"): a meeting place's proposals, a new one, support with one tap, and
the coordinators' answers. A place or proposal the user may not see answers 404; an answer
by someone who may see but not answer, 403."""

from functools import cache
from zoneinfo import ZoneInfo

from babel.lists import format_list
from flask import Blueprint, abort, flash, request, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from portal import work
from portal.accounts.models import Site
from portal.activities.models import KIND_NAMES as ACTIVITY_KIND_NAMES
from portal.audit.services import note_read
from portal.errors import DomainError
from portal.extensions import db
from portal.forms import show_form
from portal.i18n import _, bdi, format_day
from portal.voice import services
from portal.voice.forms import JoinForm, NotNowForm, ProposalForm, RealiseForm
from portal.voice.models import (
    KIND_NAMES,
    STATUS_NAMES,
    Proposal,
    language_choices,
    language_name,
)
from portal.web import redirect, render, wants_fragment

bp = Blueprint("voice", __name__, url_prefix="/voice")


def names() -> dict:
    """Kind, status and language names, translated once per page (a proposal's languages as
    stored: codes separated by commas, as Proposal.language_codes reads them; a card may be a
    plain row); a proposal's dates as the place's calendar days (when it was made or answered,
    not the clock time)."""
    locale = get_locale()
    return {**_names(str(locale)),
            "language_names": lambda languages: format_list(
                [language_name(c, locale) for c in languages.split(",") if c], locale=locale),
            "local_day": lambda moment, zone: format_day(
                moment.astimezone(ZoneInfo(zone)).date(), "yMMMd")}


@cache
def _names(language: str) -> dict:
    # The same for everyone reading a language: made once per language, not on every page
    # (about 0.05 ms of lazy-string look-ups). Templates only read them.
    return {"kind_names": {k: str(v) for k, v in KIND_NAMES.items()},
            "status_names": {k: str(v) for k, v in STATUS_NAMES.items()},
            "activity_kind_names": {k: str(v) for k, v in ACTIVITY_KIND_NAMES.items()}}


def _site(site_id: int) -> Site:
    site = db.session.get(Site, site_id)
    if site is None or not services.can_see(current_user, site.id):
        abort(404)
    return site


def _proposal(proposal_id: int) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or not services.can_see(current_user, proposal.site_id):
        abort(404)
    return proposal


# -- a place's proposals ---------------------------------------------------------------------

def _show_place(site: Site):
    return render("voice/index.html", site=site,
                  sites=services.my_sites(current_user),
                  proposals=services.open_proposals(site, current_user),
                  answered=services.answered(site),
                  can_propose=services.can_propose(current_user, site.id),
                  can_answer=services.can_answer(current_user, site.id), **names())


@bp.get("")
@login_required
def index():
    sites = services.my_sites(current_user)
    if not sites:
        abort(404)
    return _show_place(sites[0])


@bp.get("/sites/<int:site_id>")
@login_required
def place(site_id):
    return _show_place(_site(site_id))


# -- proposing -----------------------------------------------------------------------------------

def _proposal_form(site: Site, **kwargs) -> ProposalForm:
    form = ProposalForm(**kwargs)
    locale = get_locale()
    form.languages.choices = [SelectChoice(code, language_name(code, locale))
                              for code in language_choices(site.country)]
    return form


def _proposing_site(site_id: int) -> Site:
    site = _site(site_id)
    if not services.can_propose(current_user, site.id):
        abort(403)
    return site


def _show_new(site, form=None, error=None):
    """The new-proposal page, with the form that came back (with errors), or a fresh one: a
    fresh form is the same for everyone who reads the language at a place of the same
    country (its languages to choose from), so the template draws its fields once per
    language and country ({% shared %}, portal/speed.py) from `blank_proposal_form` instead
    of WTForms building and drawing them on every page (about 0.5 ms)."""
    context = {"site": site, "country": site.country,
               "blank_proposal_form": lambda: _proposal_form(site, formdata=None)}
    if form is None:
        return render("voice/new.html", "voice/_proposal_form.html", form=None, **context)
    return show_form("voice/new.html", "voice/_proposal_form.html", form, error, **context)


@bp.get("/sites/<int:site_id>/new")
@login_required
def new(site_id):
    return _show_new(_proposing_site(site_id))


@bp.post("/sites/<int:site_id>/new")
@login_required
def create(site_id):
    site = _proposing_site(site_id)
    form = _proposal_form(site)
    if not form.validate():
        return _show_new(site, form)
    try:
        proposal = services.propose(current_user, site, services.ProposalData(
            kind=form.kind.data, title=form.title.data, description=form.description.data or "",
            languages=form.languages.data or [], can_help=form.can_help.data))
    except DomainError as error:
        return _show_new(site, form, error)
    flash(_("Thank you! Others at your meeting place can now see your proposal and support "
            "it. A coordinator will answer."), "success")
    return redirect(url_for("voice.show", proposal_id=proposal.id))


# -- one proposal ------------------------------------------------------------------------------

def _join_form(proposal: Proposal, **kwargs) -> JoinForm:
    form = JoinForm(**kwargs)
    form.into.choices = [SelectChoice(p.id, p.title, render_kw={"dir": "auto"})
                         for p in services.join_targets(proposal)]
    return form


BLANK_FORMS = {"realise": RealiseForm, "not_now": NotNowForm}


def _blank_form(name: str):
    return BLANK_FORMS[name](formdata=None)


def _context(proposal, **forms) -> dict:
    """A proposal's page (`proposal` is its row from services.proposal_page). A blank *We'll
    do it* or *Not now* form is the same for everyone who reads the language: the templates
    draw its inside once per language ({% shared %}, portal/speed.py) from `blank_form`, so
    only a form that came back with errors is given (making and drawing the two blank ones
    cost about 0.4 ms a page)."""
    answer = services.can_answer(current_user, proposal.site_id)
    if answer:
        forms = {"realise_form": None, "not_now_form": None, "blank_form": _blank_form,
                 "join_form": _join_form(proposal, formdata=None)} | forms
    return {"proposal": proposal, "mine": bool(proposal.mine),
            "can_answer": answer, "single": True,
            "sees_names": services.sees_names(current_user, proposal.site_id),
            **forms, **names()}


@bp.get("/<int:proposal_id>")
@login_required
def show(proposal_id):
    proposal = services.proposal_page(proposal_id, current_user)
    if proposal is None or not services.can_see(current_user, proposal.site_id):
        abort(404)
    context = _context(proposal)
    if context["sees_names"] and proposal.proposer_id is not None:
        note_read(current_user, "proposal.view", "proposal", proposal.id)
    return render("voice/show.html", **context)


def _tap(proposal_id: int, action, message: str):
    """Support or stop supporting. htmx gets the proposal's card back (saying what went
    wrong, if anything); a plain form post a message, and back to the place's list, or to
    the proposal's page when the tap came from there (`single`)."""
    proposal = _proposal(proposal_id)
    single = request.args.get("single") == "1"
    error = None
    try:
        action(current_user, proposal.id)
    except DomainError as refused:
        work.refuse()  # a rule said no: nothing of the attempt is kept
        error = str(refused.message)
    if wants_fragment():
        proposal = db.session.get(Proposal, proposal_id)
        return render("voice/show.html", "voice/_proposal.html", proposal=proposal,
                      mine=services.supports(current_user, proposal), error=error,
                      can_answer=services.can_answer(current_user, proposal.site_id),
                      single=single, **names())
    flash(error or message, "error" if error else "success")
    if single:
        return redirect(url_for("voice.show", proposal_id=proposal.id))
    return redirect(url_for("voice.place", site_id=proposal.site_id,
                            _anchor=f"proposal-{proposal.id}"))


@bp.post("/<int:proposal_id>/support")
@login_required
def support(proposal_id):
    return _tap(proposal_id, services.support, _("Thank you for your support."))


@bp.post("/<int:proposal_id>/withdraw-support")
@login_required
def withdraw_support(proposal_id):
    return _tap(proposal_id, services.withdraw_support, _("You no longer support it."))


@bp.post("/<int:proposal_id>/take-back")
@login_required
def take_back(proposal_id):
    proposal = _proposal(proposal_id)
    if proposal.proposer_id != current_user.id:
        abort(403)
    try:
        services.take_back(current_user, proposal.id)
    except DomainError as error:
        work.refuse()
        flash(str(error.message), "error")
        return redirect(url_for("voice.show", proposal_id=proposal.id))
    flash(_("Your proposal is taken back."), "info")
    return redirect(url_for("voice.place", site_id=proposal.site_id))


# -- answers (coordinators of the place) --------------------------------------------------------

def _answerable(proposal_id: int) -> Proposal:
    proposal = _proposal(proposal_id)
    if not services.can_answer(current_user, proposal.site_id):
        abort(403)
    return proposal


def _show_answer(proposal, fragment: str, form_name: str, form, error=None):
    return show_form("voice/show.html", fragment, form, error,
                     **_context(services.proposal_page(proposal.id, current_user),
                              **{form_name: form}))


def _answered(proposal: Proposal):
    flash(_("Your answer is saved. Everyone who asked for it has been told."), "success")
    return redirect(url_for("voice.show", proposal_id=proposal.id))


@bp.post("/<int:proposal_id>/realise")
@login_required
def realise(proposal_id):
    proposal = _answerable(proposal_id)
    form = RealiseForm()
    if not form.validate():
        return _show_answer(proposal, "voice/_realise_form.html", "realise_form", form)
    try:
        activity = services.realise(current_user, proposal.id, form.kind.data, form.capacity.data)
    except DomainError as error:
        return _show_answer(proposal, "voice/_realise_form.html", "realise_form", form, error)
    flash(_("%(title)s is made, closed to others for now. Those who asked for it are told and "
            "may join first. Add its sessions, then open it to everyone.",
            title=bdi(activity.title)), "success")
    return redirect(url_for("activities.series", activity_id=activity.id))


@bp.post("/<int:proposal_id>/not-now")
@login_required
def not_now(proposal_id):
    proposal = _answerable(proposal_id)
    form = NotNowForm()
    if not form.validate():
        return _show_answer(proposal, "voice/_not_now_form.html", "not_now_form", form)
    try:
        services.decline(current_user, proposal.id, form.reason.data)
    except DomainError as error:
        return _show_answer(proposal, "voice/_not_now_form.html", "not_now_form", form, error)
    return _answered(proposal)


@bp.post("/<int:proposal_id>/join")
@login_required
def join_with(proposal_id):
    proposal = _answerable(proposal_id)
    form = _join_form(proposal)
    if not form.validate():
        return _show_answer(proposal, "voice/_join_form.html", "join_form", form)
    try:
        services.join(current_user, proposal.id, form.into.data)
    except DomainError as error:
        return _show_answer(proposal, "voice/_join_form.html", "join_form", form, error)
    return _answered(proposal)
