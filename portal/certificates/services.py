"""Certificates of participation: what a person has earned by Bro's own records (a study circle
completed by its rule set, a work practice marked completed), issuing one with its code, and
checking a code as the public page does."""

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import User
from portal.activities.models import Activity, Session, SessionStatus
from portal.audit.models import record
from portal.certificates.models import CertificateKind, CourseCertificate
from portal.competences.services import completed_courses
from portal.employment.models import Placement, PlacementStatus
from portal.errors import DomainError
from portal.extensions import db
from portal.i18n import _

# Crockford's base 32: no I, L, O or U, so a code read aloud or typed from paper is not misread.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


@dataclass
class Earned:
    """Something the person completed, as a certificate would state it."""

    kind: CertificateKind
    source_id: int  # the study circle's or the placement's id
    title: str
    organisation: str
    country: str
    first_day: date
    last_day: date
    hours: int
    hour_minutes: int
    certificate: CourseCertificate | None = None  # issued already


def earned(person: User) -> list[Earned]:
    """Study circles the person completed (by the circle's rule set) and completed work
    practice, newest first, each with its certificate when one is issued."""
    found = [Earned(CertificateKind.COURSE, course.activity_id, course.title, course.place,
                    _country_of_circle(course.activity_id), course.first_day, course.last_day,
                    course.units, course.hour_minutes)
             for course in completed_courses(person) if _lists_signed(course.activity_id)]
    placements = db.session.scalars(select(Placement).where(
        Placement.participant_id == person.id, Placement.status == PlacementStatus.COMPLETED))
    found += [Earned(CertificateKind.WORK_PRACTICE, p.id, p.role, p.partner.name,
                     str(p.site.country), p.starts_on, p.ends_on, p.hours_per_week, 60)
              for p in placements]
    issued = {(c.kind, c.activity_id or c.placement_id): c
              for c in db.session.scalars(select(CourseCertificate).where(
                  CourseCertificate.holder_id == person.id))}
    for item in found:
        item.certificate = issued.get((item.kind, item.source_id))
    return sorted(found, key=lambda item: item.last_day, reverse=True)


def _lists_signed(activity_id: int) -> bool:
    """A certificate states what the signed attendance lists say: every list of the course
    signed off by its leader, so the hours on it will not change."""
    return db.session.scalar(select(Session.id).where(
        Session.activity_id == activity_id, Session.status == SessionStatus.SCHEDULED,
        Session.signed_off_at.is_(None)).limit(1)) is None


def _country_of_circle(activity_id: int) -> str:
    return str(db.session.get(Activity, activity_id).site.country)


def issue(person: User, kind: CertificateKind, source_id: int) -> CourseCertificate:
    """The person's certificate for something they completed: made once, with its code and the
    facts as they stand today; asked again, the same certificate."""
    item = next((e for e in earned(person) if e.kind == kind and e.source_id == source_id), None)
    if item is None:
        raise DomainError(_("Bro has no record that you completed this, so it cannot make a "
                            "certificate for it."))
    if item.certificate is not None:
        return item.certificate
    for _attempt in range(5):  # a code taken already (one in 10^15) or a double click
        certificate = CourseCertificate(
            code=new_code(), holder_id=person.id, kind=kind,
            activity_id=source_id if kind == CertificateKind.COURSE else None,
            placement_id=source_id if kind == CertificateKind.WORK_PRACTICE else None,
            holder_name=person.display_name, title=item.title, organisation=item.organisation,
            country=item.country, first_day=item.first_day, last_day=item.last_day,
            hours=item.hours, hour_minutes=item.hour_minutes)
        try:
            with db.session.begin_nested():
                db.session.add(certificate)
                db.session.flush()
        except IntegrityError:
            again = next((e.certificate for e in earned(person)
                          if e.kind == kind and e.source_id == source_id and e.certificate), None)
            if again is not None:
                return again
            continue
        record(person, "certificate.issued", "certificate", certificate.id)
        return certificate
    raise DomainError(_("Bro could not make the certificate just now. Try again."))


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def shown(code: str) -> str:
    """The code as printed: two groups of five."""
    return f"{code[:5]}-{code[5:]}"


def normalise(typed: str) -> str | None:
    """A code as someone typed it (spaces, hyphens, small letters, O for 0, I or L for 1),
    or None when it cannot be one."""
    code = "".join(typed.split()).replace("-", "").upper().translate(_READ_AS)
    if len(code) != CODE_LENGTH or any(letter not in ALPHABET for letter in code):
        return None
    return code


def check(typed: str) -> CourseCertificate | None:
    """The certificate a code belongs to, or None: a forged or altered code finds nothing."""
    code = normalise(typed)
    if code is None:
        return None
    return db.session.scalar(select(CourseCertificate).where(CourseCertificate.code == code))


def own_certificate(person: User, certificate_id: int) -> CourseCertificate | None:
    return db.session.scalar(select(CourseCertificate).where(
        CourseCertificate.id == certificate_id, CourseCertificate.holder_id == person.id))


def initials(name: str) -> str:
    """"Amina Hassan" → "A. H."; a name in Arabic or Ge'ez script gets its own first letters."""
    return " ".join(f"{word[0]}." for word in name.split() if word[0].isalpha())
