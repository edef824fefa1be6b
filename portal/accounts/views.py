"""Self-service: register, log in and out, profile, password, reset, invitations."""


from flask import Blueprint, abort, current_app, flash, g, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import generate_csrf
from wtforms.fields.choices import SelectChoice

from portal import signals, work
from portal.accounts import phone as phone_codes
from portal.accounts import policy, services, viewer
from portal.accounts.forms import (
    ForgotForm,
    InvitationCodeForm,
    LoginForm,
    PasswordForm,
    PhoneCodeForm,
    ProfileForm,
    RegisterForm,
    ResetCodeForm,
    ResetLinkForm,
    SmsForgotForm,
    SmsResetForm,
)
from portal.accounts.limits import account_limits, login_limits, per_ip
from portal.accounts.models import ROLE_NAMES, CodePurpose, Site
from portal.errors import DomainError
from portal.extensions import db, login_manager
from portal.forms import attach_errors, safe_next, show_form
from portal.i18n import _, _l, bdi, ngettext, remember_language
from portal.notify import sms
from portal.notify.mail import mail_configured
from portal.web import redirect

bp = Blueprint("accounts", __name__, url_prefix="/accounts")


@login_manager.user_loader
def load_user(user_id: str):
    # The id names the user, their session version (a password change ends every session)
    # and this browser's login (logging out ends it: a saved copy of the cookie stops working).
    ident, version, key = (user_id.split(".") + ["", ""])[:3]
    if not ident.isdigit() or not key:
        return None
    return viewer.load(int(ident), version, key)


@login_manager.unauthorized_handler
def unauthorized():
    flash(_("Please log in first."), "info")
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def _start_session(user, remember: bool = False) -> None:
    # A new session on every login (no fixation); keep only the visitor's language choice.
    session.clear()
    user.login_key = services.open_login(user, remember)
    login_user(user, remember=remember)
    session.permanent = True
    # A new CSRF secret now, in the login's own cookie. Otherwise the first page after login
    # adds one and the cookie is signed and sent again (for every request of a client that
    # keeps sending the login cookie).
    g.pop("csrf_token", None)
    generate_csrf()


# -- registration -------------------------------------------------------------------------

def _register_form() -> RegisterForm:
    form = RegisterForm()
    form.site_id.choices = [SelectChoice(0, _("Choose…"))] + [
        SelectChoice(site.id, site.name, render_kw={"dir": "auto"})
        for site in services.site_names()]
    if request.method == "GET":
        form.language.data = form.language.data or _current_language()
        form.invitation_code.data = request.args.get("invitation", "")
    return form


def _current_language() -> str:
    from flask_babel import get_locale

    return str(get_locale())


def _show_register(form, error=None):
    invitation = services.find_invitation(form.invitation_code.data or "")
    return show_form("accounts/register.html", "accounts/_register_form.html", form, error,
                     invitation=invitation, role_names=ROLE_NAMES)


@bp.get("/register")
def register():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    return _show_register(_register_form())


@bp.post("/register")
@per_ip("REGISTER_LIMIT_PER_IP")
def create():
    form = _register_form()
    valid = form.validate()
    data = services.Registration(
        display_name=form.display_name.data, phone=form.phone.data or "",
        email=form.email.data or "", password=form.password.data, language=form.language.data,
        site_id=0 if form.site_id.errors else form.site_id.data,  # not one of the choices
        birth_year=form.birth_year.data, gender=form.gender.data or None,
        gender_word=form.gender_word.data or "", accepted_privacy=form.accept_privacy.data,
        invitation_code=form.invitation_code.data or "")
    problems = services.registration_problems(data)
    if not valid or problems:  # every mistake at once, each beside its field
        attach_errors(form, problems)
        return _show_register(form)
    try:
        services.register_self(data)  # the same answer when the contact is registered already
    except DomainError as error:  # e.g. an invitation code that no longer works
        return _show_register(form, error)
    session["login_hint"] = data.email or data.phone
    flash(_("Your account is ready. Log in with your phone number or e-mail address and the "
            "password you chose."), "success")
    return remember_language(redirect(url_for("accounts.login")), data.language)


# -- login and logout ---------------------------------------------------------------------

def _show_login(form, error=None):
    return show_form("accounts/login.html", "accounts/_login_form.html", form, error,
                     next=safe_next(request.args.get("next"), ""))


@bp.get("/login")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    return _show_login(LoginForm(login=session.pop("login_hint", "")))


@bp.post("/login")
@login_limits
def authenticate():
    form = LoginForm()
    if not form.validate():
        return _show_login(form)
    user = services.authenticate(form.login.data, form.password.data)
    if user is None:
        form.password.data = ""
        return _show_login(form, DomainError(_l(
            "The phone number, e-mail or password is wrong. Check them and try again."),
            field="password"))
    _start_session(user, remember=form.remember.data)
    target = safe_next(request.args.get("next"), url_for("home.index"))
    return remember_language(redirect(target), user.language)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        services.end_login(current_user)
    logout_user()
    session.clear()
    flash(_("You are logged out. See you soon!"), "info")
    return redirect(url_for("home.index"))


# -- profile and password ------------------------------------------------------------------

def _show_profile(form, error=None):
    return show_form("accounts/profile.html", "accounts/_profile_form.html", form, error,
                     role_names=ROLE_NAMES, asked=signals.asked_fields(current_user))


@bp.get("/profile")
@login_required
def profile():
    return _show_profile(ProfileForm(obj=current_user))


@bp.post("/profile")
@login_required
def update():
    form = ProfileForm()
    valid = form.validate()
    problems = services.contact_problems(form.phone.data or "", form.email.data or "",
                                         services.home_country(current_user))
    if not valid or problems:  # a bad phone number and a bad e-mail address: both at once
        attach_errors(form, problems)
        return _show_profile(form)
    me = current_user.account
    try:
        services.update_profile(me, form.display_name.data, form.phone.data or "",
                                form.email.data or "", form.language.data, form.birth_year.data,
                                form.gender.data or None, form.gender_word.data or "")
        if "postcode" in signals.asked_fields(me):
            services.save_postcode(me, form.postcode.data)
    except DomainError as error:
        return _show_profile(form, error)
    flash(_("Your profile is saved."), "success")
    return remember_language(redirect(url_for("accounts.profile")), me.language)


def _show_password(form, error=None):
    return show_form("accounts/password.html", "accounts/_password_form.html", form, error)


@bp.get("/password")
@login_required
def password():
    return _show_password(PasswordForm())


@bp.post("/password")
@login_required
def change_password():
    form = PasswordForm()
    if not form.validate():
        return _show_password(form)
    me = current_user.account
    try:
        services.change_password(me, form.current_password.data, form.password.data)
    except DomainError as error:
        return _show_password(form, error)
    _start_session(me)  # this session stays; others end
    flash(_("Your password is changed. You are logged out everywhere else."), "success")
    return redirect(url_for("accounts.profile"))


# -- confirming the phone number ------------------------------------------------------------

def _show_phone(form, error=None):
    return show_form("accounts/phone.html", "accounts/_phone_form.html", form, error,
                     sms_on=sms.configured())


@bp.get("/phone")
@login_required
def phone():
    return _show_phone(PhoneCodeForm())


@bp.post("/phone/code")
@login_required
@per_ip("SMS_CODE_LIMIT_PER_IP")
def send_phone_code():
    try:
        phone_codes.send_code(current_user, CodePurpose.CONFIRM_PHONE)
    except DomainError as error:
        work.refuse()
        flash(str(error), "error")
        return redirect(url_for("accounts.phone"))
    flash(_("We have sent a code to %(phone)s.", phone=bdi(current_user.phone)), "info")
    return redirect(url_for("accounts.phone"))


@bp.post("/phone/confirm")
@login_required
def confirm_phone():
    form = PhoneCodeForm()
    if not form.validate():
        return _show_phone(form)
    try:
        phone_codes.confirm_phone(current_user.account, form.code.data)
    except DomainError as error:
        return _show_phone(form, error)
    flash(_("Your phone number is confirmed. Bro can send you SMS now."), "success")
    return redirect(url_for("notify.settings"))


# -- forgotten password ----------------------------------------------------------------------

def _show_reset(form, error=None):
    return show_form("accounts/reset.html", "accounts/_reset_form.html", form, error,
                     mail=mail_configured(), sms_on=sms.configured())


@bp.get("/reset")
def reset():
    return _show_reset(ResetCodeForm())


@bp.post("/reset")
@account_limits
def reset_with_code():
    form = ResetCodeForm()
    if not form.validate():
        return _show_reset(form)
    try:
        user = services.reset_with_code(form.login.data, form.code.data, form.password.data)
    except DomainError as error:
        return _show_reset(form, error)
    _start_session(user)
    flash(_("Your new password is saved, and you are logged in."), "success")
    return redirect(url_for("home.index"))


def _show_forgot(form, error=None):
    return show_form("accounts/forgot.html", "accounts/_forgot_form.html", form, error,
                     mail=mail_configured(), sms_on=sms.configured())


@bp.get("/forgot")
def forgot():
    return _show_forgot(ForgotForm())


@bp.post("/forgot")
@account_limits
def send_reset_link():
    form = ForgotForm()
    if not form.validate():
        return _show_forgot(form)
    services.send_reset_link(form.login.data)
    flash(ngettext("If an account has this address, we have sent it a link. It works for "
                   "%(num)d hour.", "If an account has this address, we have sent it a link. "
                   "It works for %(num)d hours.", current_app.config["RESET_LINK_HOURS"]), "info")
    return redirect(url_for("accounts.login"))


def _show_forgot_sms(form, error=None):
    return show_form("accounts/forgot_sms.html", "accounts/_forgot_sms_form.html", form, error,
                     sms_on=sms.configured())


@bp.get("/forgot/sms")
def forgot_sms():
    return _show_forgot_sms(SmsForgotForm())


@bp.post("/forgot/sms")
@per_ip("SMS_CODE_LIMIT_PER_IP")
@account_limits
def send_reset_sms():
    form = SmsForgotForm()
    if not form.validate():
        return _show_forgot_sms(form)
    services.send_reset_sms(form.login.data)
    flash(ngettext("If an account has this number, we have sent it a code by SMS. It works "
                   "for %(num)d minute.", "If an account has this number, we have sent it a "
                   "code by SMS. It works for %(num)d minutes.",
                   current_app.config["PHONE_CODE_MINUTES"]), "info")
    return redirect(url_for("accounts.reset_sms"))


def _show_reset_sms(form, error=None):
    return show_form("accounts/reset_sms.html", "accounts/_reset_sms_form.html", form, error)


@bp.get("/reset/sms")
def reset_sms():
    return _show_reset_sms(SmsResetForm())


@bp.post("/reset/sms")
@account_limits
def reset_with_sms_code():
    form = SmsResetForm()
    if not form.validate():
        return _show_reset_sms(form)
    try:
        user = services.reset_with_sms_code(form.login.data, form.code.data, form.password.data)
    except DomainError as error:
        return _show_reset_sms(form, error)
    _start_session(user)
    flash(_("Your new password is saved, and you are logged in."), "success")
    return redirect(url_for("home.index"))


def _show_reset_link(form, token, error=None):
    return show_form("accounts/reset_link.html", "accounts/_reset_link_form.html", form, error,
                     token=token)


@bp.get("/reset/<token>")
def reset_link(token):
    if services.user_for_reset_token(token) is None:
        flash(_("This link is old or has been used. Ask for a new one."), "error")
        return redirect(url_for("accounts.forgot"))
    return _show_reset_link(ResetLinkForm(), token)


@bp.post("/reset/<token>")
def reset_with_link(token):
    form = ResetLinkForm()
    if not form.validate():
        return _show_reset_link(form, token)
    try:
        user = services.reset_with_token(token, form.password.data)
    except DomainError as error:
        return _show_reset_link(form, token, error)
    _start_session(user)
    flash(_("Your new password is saved, and you are logged in."), "success")
    return redirect(url_for("home.index"))


# -- invitations ----------------------------------------------------------------------------

def _show_join(form, error=None):
    invitation = services.find_invitation(form.code.data or "")
    return show_form("accounts/join.html", "accounts/_join_form.html", form, error,
                     invitation=invitation, role_names=ROLE_NAMES)


@bp.get("/join")
@per_ip("JOIN_LIMIT_PER_IP", methods=("GET",))
def join():
    form = InvitationCodeForm(formdata=None, code=request.args.get("code", ""))
    return _show_join(form)


@bp.post("/join")
@login_required
@per_ip("JOIN_LIMIT_PER_IP")
def accept():
    form = InvitationCodeForm()
    if not form.validate():
        return _show_join(form)
    try:
        invitation = services.accept_invitation(current_user.account, form.code.data)
    except DomainError as error:
        return _show_join(form, error)
    flash(_("Welcome! You are now %(role)s at %(site)s.",
            role=ROLE_NAMES[invitation.role], site=bdi(invitation.site.name)), "success")
    return redirect(url_for("home.index"))


def site_or_404(site_id: int) -> Site:
    return db.session.get(Site, site_id) or abort(404)


def managed_site(site_id: int):
    """The place, if the current user manages it (policy.manages: its coordinators, and
    administrators); 404 for no such place, 403 for another's. A coordinator's own place is
    the one their memberships name (accounts.viewer: read with them, so no statement, about
    100 µs of every staff list); an administrator's elsewhere is read."""
    if not policy.manages(current_user, site_id):
        site_or_404(site_id)
        abort(403)
    own = next((m.site for m in current_user.memberships if m.site_id == site_id), None)
    return own or site_or_404(site_id)
