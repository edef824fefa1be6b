"""Staff pages: members and reset codes, invitations, assisted registration, sites (admin)."""

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from portal import work
from portal.accounts import policy, services
from portal.accounts.forms import AssistedRegisterForm, InviteForm, SiteForm
from portal.accounts.models import ROLE_NAMES, Invitation, Role, User
from portal.accounts.views import managed_site, site_or_404
from portal.audit.services import note_read
from portal.errors import DomainError
from portal.extensions import db
from portal.forms import attach_errors, show_form, texts_in_language
from portal.i18n import _, bdi
from portal.security import require_admin
from portal.speed import link_around_id
from portal.web import external_url, redirect, render

# Accounts' staff pages: their own blueprint (staff.*), under accounts' URL prefix.
bp = Blueprint("staff", __name__, url_prefix="/accounts")

MEMBERS_SHOWN = 50


@bp.get("/sites/<int:site_id>/members")
@login_required
def members(site_id):
    site = managed_site(site_id)
    query = request.args.get("q", "").strip()[:80]
    note_read(current_user, "members.view", "site", site.id)
    found = services.members(site, query, MEMBERS_SHOWN)
    may_code, may_erase = _actions(found)
    return render("accounts/members.html", "accounts/_member_list.html", site=site, query=query,
                  members=found, limit=MEMBERS_SHOWN, counts=services.count_members(site),
                  # As text once per page, not a lazy string translated again on every row.
                  role_names=texts_in_language(ROLE_NAMES),
                  may_code=may_code, may_erase=may_erase,
                  code_link=link_around_id("staff.issue_code", "user_id", site_id=site.id),
                  erase_link=link_around_id("privacy.erase_request", "user_id"))


def _actions(found) -> tuple[set[int], set[int]]:
    """Whom the viewer may give a password code and whom erase (policy.py): actions are
    offered only where the rule allows them. One judgement a person for both answers, each
    distinct set of memberships judged once (policy.ListRule)."""
    # Not the proxy: the rule reads the user for every person.
    rule = policy.ListRule(current_user._get_current_object())
    may_code, may_erase = set(), set()
    for user_id, _name, _phone, _email, erased_at, _role, memberships in found:
        acts, erases = rule.actions(user_id, erased_at, memberships)
        if acts:
            may_code.add(user_id)
        if erases:
            may_erase.add(user_id)
    return may_code, may_erase


@bp.post("/sites/<int:site_id>/members/<int:user_id>/reset-code")
@login_required
def issue_code(site_id, user_id):
    site = managed_site(site_id)
    person = db.session.get(User, user_id)
    if person is None or person.role_at(site.id) is None:
        abort(404)
    try:
        code = services.issue_reset_code(current_user, person)
    except DomainError as error:
        work.refuse()
        flash(str(error.message), "error")
        return redirect(url_for("staff.members", site_id=site.id))
    return _show_code(site, person, code)


def _show_code(site, person, code, new_account=False):
    return render("accounts/code.html", "accounts/_code.html", site=site, person=person,
                  code=code, hours=current_app.config["RESET_CODE_HOURS"],
                  new_account=new_account)


def _show_assisted(site, form, error=None):
    return show_form("accounts/assisted.html", "accounts/_assisted_form.html", form, error,
                     site=site)


@bp.get("/sites/<int:site_id>/register")
@login_required
def assisted(site_id):
    site = managed_site(site_id)
    return _show_assisted(site, AssistedRegisterForm(language=site.language))


@bp.post("/sites/<int:site_id>/register")
@login_required
def register_for(site_id):
    site = managed_site(site_id)
    form = AssistedRegisterForm()
    valid = form.validate()
    data = services.Registration(
        display_name=form.display_name.data, phone=form.phone.data or "",
        email=form.email.data or "", password=services.new_code() + services.new_code(),
        language=form.language.data, site_id=site.id, birth_year=form.birth_year.data,
        gender=form.gender.data or None, gender_word=form.gender_word.data or "",
        accepted_privacy=form.accept_privacy.data)
    problems = services.registration_problems(data, registered_by=current_user)
    if not valid or problems:
        attach_errors(form, problems)
        return _show_assisted(site, form)
    try:
        person = services.register(data, registered_by=current_user)
        code = services.issue_reset_code(current_user, person)
    except DomainError as error:
        return _show_assisted(site, form, error)
    return _show_code(site, person, code, new_account=True)


def _invite_form(site) -> InviteForm:
    form = InviteForm()
    form.role.choices = [SelectChoice(role.value, ROLE_NAMES[role])
                         for role in policy.grantable_roles(current_user, site)]
    return form


def _show_invitations(site, form, error=None, **context):
    invitations = services.open_invitations(site)
    return show_form("accounts/invitations.html", "accounts/_invitations.html", form, error,
                     site=site, invitations=invitations, role_names=ROLE_NAMES,
                     may_revoke={i.id for i in invitations
                                 if policy.may_revoke(current_user, i)}, **context)


@bp.get("/sites/<int:site_id>/invitations")
@login_required
def invitations(site_id):
    site = managed_site(site_id)
    return _show_invitations(site, _invite_form(site))


@bp.post("/sites/<int:site_id>/invitations")
@login_required
def invite(site_id):
    site = managed_site(site_id)
    form = _invite_form(site)
    if not form.validate():
        return _show_invitations(site, form)
    try:
        invitation, code = services.invite(current_user, site, Role(form.role.data),
                                           form.label.data or "")
    except DomainError as error:
        return _show_invitations(site, form, error)
    link = external_url("accounts.join", code=code)
    return _show_invitations(site, _invite_form(site), new_code=code, new_link=link,
                             new_invitation=invitation)


@bp.post("/sites/<int:site_id>/invitations/<int:invitation_id>/revoke")
@login_required
def revoke(site_id, invitation_id):
    site = managed_site(site_id)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.site_id != site.id:
        abort(404)
    try:
        services.revoke_invitation(current_user, invitation)
    except DomainError as error:
        work.refuse()
        flash(str(error.message), "error")
    else:
        flash(_("The invitation no longer works."), "info")
    return redirect(url_for("staff.invitations", site_id=site.id))


# -- sites (admins) ---------------------------------------------------------------------------

@bp.get("/sites")
@login_required
@require_admin
def sites():
    return render("accounts/sites.html", "accounts/_site_list.html", sites=services.all_sites())


def _show_site(form, site=None, error=None):
    return show_form("accounts/site.html", "accounts/_site_form.html", form, error, site=site)


@bp.get("/sites/new")
@login_required
@require_admin
def new_site():
    return _show_site(SiteForm())


@bp.post("/sites/new")
@login_required
@require_admin
def create_site():
    return _save_site(SiteForm(), None)


@bp.get("/sites/<int:site_id>/edit")
@login_required
@require_admin
def edit_site(site_id):
    site = site_or_404(site_id)
    return _show_site(SiteForm(obj=site), site)


@bp.post("/sites/<int:site_id>/edit")
@login_required
@require_admin
def update_site(site_id):
    return _save_site(SiteForm(), site_or_404(site_id))


def _save_site(form, site):
    if not form.validate():
        return _show_site(form, site)
    try:
        saved = services.save_site(site, form.name.data, form.country.data, form.timezone.data,
                                   form.address.data or "", form.sms_sender.data or None)
    except DomainError as error:
        return _show_site(form, site, error)
    flash(_("%(name)s is saved.", name=bdi(saved.name)), "success")
    return redirect(url_for("staff.sites"))
