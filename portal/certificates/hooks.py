"""What certificates do when a person is erased or asks for their data (portal.signals), their
notice, their part on a workshop's page (how to earn its certificate), and the workshops a
person completed among My CV's courses."""

from flask import current_app
from sqlalchemy import delete, select

from portal import signals
from portal.activities import pages
from portal.activities.models import Kind
from portal.certificates import messages, services
from portal.certificates.models import CourseCertificate
from portal.competences import services as competences
from portal.extensions import db


def connect() -> None:
    signals.person_erased.connect(erase_certificates)
    signals.data_requested.connect(certificates_data)
    messages.init()
    pages.add_part(workshop_part)
    competences.add_course_source(services.workshop_courses)


def workshop_part(user, activity):
    """A workshop's page says who gets a certificate (Bro's own rule, not a funder's)."""
    if activity.kind != Kind.WORKSHOP:
        return None
    return "certificates/_workshop_rule.html", current_app.config["WORKSHOP_COMPLETION_PERCENT"]


def erase_certificates(person, **_) -> None:
    """The certificates go, so their codes no longer check: the public page would otherwise
    keep confirming someone Bro has forgotten. Reports count attendance, not certificates."""
    db.session.execute(delete(CourseCertificate).where(CourseCertificate.holder_id == person.id))


def certificates_data(person, **_) -> dict:
    found = db.session.scalars(select(CourseCertificate).where(
        CourseCertificate.holder_id == person.id).order_by(CourseCertificate.issued_at))
    return {"certificates": [
        {"code": c.code, "kind": str(c.kind), "name": c.holder_name, "title": c.title,
         "organisation": c.organisation, "first_day": c.first_day.isoformat(),
         "last_day": c.last_day.isoformat(), "hours": c.hours,
         "hour_minutes": c.hour_minutes, "minutes": c.minutes,
         "issued_at": c.issued_at.isoformat()}
        for c in found]}
