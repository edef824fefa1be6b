"""What certificates do when a person is erased or asks for their data (portal.signals), their
notice, their part on a workshop's page (how to earn its certificate), and the workshops a
person completed among My CV's courses."""

from flask import current_app
from sqlalchemy import bindparam, delete, select

from portal import signals, speed
from portal.activities import pages
from portal.activities.models import Kind
from portal.certificates import messages, services
from portal.certificates.models import CourseCertificate
from portal.competences import services as competences
from portal.extensions import db
from portal.speed import statement


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


def certificates_data(person, sections=None, **_) -> dict:
    """The person's certificates as issued: plain rows from a statement built once per
    process; nothing when they are not asked for."""
    if not signals.asked(sections, "certificates"):
        return {}
    found = speed.rows(_issued(), {"user_id": person.id})
    return {"certificates": [
        {"code": c.code, "kind": str(c.kind), "name": c.holder_name, "title": c.title,
         "organisation": c.organisation, "first_day": c.first_day.isoformat(),
         "last_day": c.last_day.isoformat(), "hours": c.hours,
         "hour_minutes": c.hour_minutes, "minutes": c.minutes,
         "issued_at": c.issued_at.isoformat()}
        for c in found]}


@statement
def _issued():
    certificate = CourseCertificate
    return (select(certificate.code, certificate.kind, certificate.holder_name,
                   certificate.title, certificate.organisation, certificate.first_day,
                   certificate.last_day, certificate.hours, certificate.hour_minutes,
                   certificate.minutes, certificate.issued_at)
            .where(certificate.holder_id == bindparam("user_id"))
            .order_by(certificate.issued_at))
