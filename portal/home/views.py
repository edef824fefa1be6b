"""Start page, language switch, privacy notice, health check."""

from datetime import timedelta

from flask import Blueprint, current_app, request, url_for
from flask_login import current_user
from sqlalchemy import text

from portal import speed
from portal.accounts import services
from portal.accounts.models import ROLE_NAMES, Role
from portal.employment import services as employment
from portal.extensions import db, utcnow
from portal.feedback.forms import FeedbackForm
from portal.feedback.models import faces
from portal.forms import safe_next
from portal.home import services as whats_next
from portal.i18n import remember_language, supported
from portal.web import redirect, render

bp = Blueprint("home", __name__, url_prefix="")


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return render("home/index.html", sites=services.all_sites())
    user = current_user._get_current_object()  # the object, not the proxy, for the reads below
    now = utcnow()
    taking_part = employment.takes_part(user)
    start = whats_next.start_page(user, now, now + timedelta(days=56), taking_part)
    question = start.question
    asking = {"feedback_form": speed.blank_form(FeedbackForm), **faces()} if question else {}
    return render("home/dashboard.html", role_names=ROLE_NAMES, question=question, **asking,
                  coming=whats_next.soonest_first(start.meetings, start.sessions),
                  next_steps=start.next_steps, led=start.led, co_led=start.co_led,
                  shifts=start.shifts,
                  coordinated=user.sites_where(Role.COORDINATOR, Role.ADMIN),
                  employment={"placements": start.placements,
                              "check_in_due": employment.check_in_due_after(
                                  start.last_check_in, now)}
                  if taking_part else None)


@bp.post("/language")
def switch_language():
    """A full page load, so <html lang dir> change too (hx-boost would not update them)."""
    language = supported(request.form.get("lang")) or current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated:
        services.set_language(current_user.account, language)
    return remember_language(
        redirect(safe_next(request.form.get("next"), url_for("home.index"))), language)


@bp.get("/privacy")
def privacy():
    return render("home/privacy.html", version=current_app.config["PRIVACY_NOTICE_VERSION"],
                  min_age=current_app.config["MIN_SELF_REGISTRATION_AGE"])


@bp.get("/healthz")
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
