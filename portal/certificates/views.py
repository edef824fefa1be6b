"""My certificates (the holder's), a participant's certificates for the staff of their
meeting place (who make and download them on the participant's behalf: accounts/policy.py's
rank rule, at a place they manage, for what was earned there; 404 for anyone else), and the
public page that checks a certificate's code. The public page says only that the certificate
is genuine and what it states about the course, the dates and the hours, with the holder's
initials; an unknown code is not found. Both public addresses are rate limited per IP address,
so codes cannot be tried in bulk."""

from flask import Blueprint, abort, current_app, flash, make_response, request, url_for
from flask_login import current_user, login_required

from portal import work
from portal.accounts.models import User
from portal.certificates import services
from portal.certificates.forms import CheckForm, LanguageForm
from portal.certificates.models import CertificateKind
from portal.certificates.pdf import certificate_pdf
from portal.errors import DomainError
from portal.extensions import db, limiter
from portal.i18n import _
from portal.web import redirect, render

bp = Blueprint("certificates", __name__)
# One count for both public addresses: typing codes into the form is trying them too.
_checks = limiter.shared_limit(lambda: current_app.config["CHECK_LIMIT_PER_IP"],
                               scope="certificate-check", methods=["GET"])


@bp.get("/certificates")
@login_required
def index():
    return _page()


def _page(status: int = 200):
    return render("certificates/index.html", status=status,
                  items=_with_forms(services.earned(current_user)), shown=services.shown,
                  kinds=CertificateKind, sources=SOURCES)


def _with_forms(earned) -> list:
    """Each thing completed, with the language form of its certificate once issued."""
    return [(item, LanguageForm(formdata=None, prefix=f"c{item.certificate.id}")
             .offer(_country_language(item.country)) if item.certificate else None)
            for item in earned]


# How an address names what a certificate is for.
SOURCES = {CertificateKind.COURSE: "course", CertificateKind.WORKSHOP: "workshop",
           CertificateKind.WORK_PRACTICE: "work-practice"}
KINDS = {source: kind for kind, source in SOURCES.items()}


def _country_language(country: str) -> str:
    """The certificate's language unless the holder chooses another: the country's."""
    return {"NO": "nb", "SE": "sv", "DK": "da"}.get(country, "en")


def _issue(kind: CertificateKind, source_id: int):
    try:
        services.issue(current_user, kind, source_id)
    except DomainError:
        abort(404)  # nothing of theirs was completed under this number
    return redirect(url_for("certificates.index"))


@bp.post("/certificates/course/<int:activity_id>")
@login_required
def issue_course(activity_id):
    return _issue(CertificateKind.COURSE, activity_id)


@bp.post("/certificates/workshop/<int:activity_id>")
@login_required
def issue_workshop(activity_id):
    return _issue(CertificateKind.WORKSHOP, activity_id)


@bp.post("/certificates/work-practice/<int:placement_id>")
@login_required
def issue_work_practice(placement_id):
    return _issue(CertificateKind.WORK_PRACTICE, placement_id)


@bp.get("/certificates/<int:certificate_id>.pdf")
@login_required
def download(certificate_id):
    certificate = services.own_certificate(current_user, certificate_id)
    if certificate is None:
        abort(404)
    return _pdf(certificate)


def _pdf(certificate):
    form = LanguageForm(request.args, prefix=f"c{certificate.id}").offer(
        _country_language(certificate.country))
    response = make_response(certificate_pdf(certificate, form.language.data))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="certificate-{services.shown(certificate.code)}.pdf"')
    response.headers["Cache-Control"] = "private, no-store"
    return response


# -- staff, on a participant's behalf ------------------------------------------------------------

def _person_for_staff(user_id: int) -> User:
    """A participant the current user may act for (404 for anyone else, oneself included)."""
    person = db.session.get(User, user_id)
    if person is None or not services.may_act_for(current_user, person):
        abort(404)
    return person


@bp.get("/certificates/people/<int:user_id>")
@login_required
def person(user_id):
    person = _person_for_staff(user_id)
    return render("certificates/person.html", person=person,
                  items=_with_forms(services.earned_for_staff(current_user, person)),
                  shown=services.shown, kinds=CertificateKind, sources=SOURCES)


@bp.post("/certificates/people/<int:user_id>/<any(course, workshop, 'work-practice'):what>"
         "/<int:source_id>")
@login_required
def issue_for(user_id, what, source_id):
    person = _person_for_staff(user_id)
    try:
        services.issue_for(current_user, person, KINDS[what], source_id)
    except DomainError as error:
        work.refuse()
        flash(str(error.message), "error")
    return redirect(url_for("certificates.person", user_id=person.id))


@bp.get("/certificates/people/<int:user_id>/<int:certificate_id>.pdf")
@login_required
def download_for(user_id, certificate_id):
    person = _person_for_staff(user_id)
    certificate = services.certificate_for_staff(current_user, person, certificate_id)
    if certificate is None:
        abort(404)
    return _pdf(certificate)


def _public(response):
    """The public pages are for whoever holds the paper: not for search engines, not kept."""
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/c")
@_checks
def verify():
    """Type the code from the paper; a code that can be one opens its page."""
    if "code" not in request.args:
        return _public(render("certificates/verify.html",
                              form=CheckForm(formdata=None)))
    form = CheckForm(request.args)
    if form.validate():
        code = services.normalise(form.code.data)
        if code is not None:
            return redirect(url_for("certificates.check", code=services.shown(code)))
        form.code.errors.append(_not_a_code())
    return _public(render("certificates/verify.html", status=422,
                          form=form))


def _not_a_code() -> str:
    return _("A code has ten letters and digits. Type it as it is printed on the certificate.")


@bp.get("/c/<code>")
@_checks
def check(code):
    certificate = services.check(code)
    if certificate is None:
        return _public(render("certificates/unknown.html",
                              status=404, form=CheckForm(formdata=None)))
    return _public(render("certificates/check.html",
                          certificate=certificate, initials=services.initials(
                              certificate.holder_name), kinds=CertificateKind))
