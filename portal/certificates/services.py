"""Certificates of participation: what a person has earned by Bro's own records (a study circle
completed by its rule set, a workshop they were present at for most of its time, a work
practice marked completed), issuing one with its code — by the person, or on their behalf by
staff of their meeting place —, and checking a code as the public page does.

A workshop has no funder's rule set, so Bro's own rule, the same everywhere: the workshop is
over (every session that was not cancelled has ended), every one of its attendance lists is
signed off, and the person was marked present for at least WORKSHOP_COMPLETION_PERCENT (75) %
of the minutes of those sessions. Present at every session but late or early out counts too,
as long as the minutes add up. The certificate states the real time present (hours and
minutes: no funder's units), and the dates of the workshop's first and last session. Dialogue
seminars are meetings between equals, usually once, and get no certificate."""

import secrets
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from portal.accounts import policy
from portal.accounts.models import User
from portal.activities.models import (
    Activity,
    Attendance,
    AttendanceStatus,
    Kind,
    Session,
    SessionStatus,
)
from portal.audit.models import record
from portal.audit.services import note_read
from portal.certificates.models import CertificateKind, CourseCertificate
from portal.competences.services import CourseDone, completed_courses
from portal.employment.models import Placement, PlacementStatus
from portal.employment.services import participant_sites
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.i18n import _
from portal.notify.services import notify
from portal.speed import statement

# Crockford's base 32: no I, L, O or U, so a code read aloud or typed from paper is not misread.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


@dataclass
class Earned:
    """Something the person completed, as a certificate would state it."""

    kind: CertificateKind
    source_id: int  # the study circle's or workshop's id, or the placement's
    title: str
    organisation: str
    country: str
    first_day: date
    last_day: date
    hours: int
    hour_minutes: int
    site_id: int  # the meeting place it belongs to (staff of that place may issue it)
    minutes: int | None = None  # a workshop: the real time present
    certificate: CourseCertificate | None = None  # issued already


def earned(person: User) -> list[Earned]:
    """Study circles the person completed (by the circle's rule set), workshops they completed
    (see above) and completed work practice, newest first, each with its certificate when one
    is issued."""
    found = []
    for course in completed_courses(person):
        if _lists_signed(course.activity_id):
            circle = db.session.get(Activity, course.activity_id)
            found.append(Earned(CertificateKind.COURSE, course.activity_id, course.title,
                                course.place, str(circle.site.country), course.first_day,
                                course.last_day, course.units, course.hour_minutes,
                                circle.site_id))
    found += completed_workshops(person)
    placements = db.session.scalars(select(Placement).where(
        Placement.participant_id == person.id, Placement.status == PlacementStatus.COMPLETED))
    found += [Earned(CertificateKind.WORK_PRACTICE, p.id, p.role, p.partner.name,
                     str(p.site.country), p.starts_on, p.ends_on, p.hours_per_week, 60,
                     p.site_id)
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


def completed_workshops(person: User) -> list[Earned]:
    """Workshops the person completed by Bro's rule (the module's docstring), in three
    queries whatever their number."""
    share = current_app.config["WORKSHOP_COMPLETION_PERCENT"]
    ids = list(db.session.scalars(_workshops_present_statement(), {"person_id": person.id}))
    if not ids:
        return []
    sessions: dict[int, list[Session]] = {}
    for session in db.session.scalars(_workshop_sessions_statement(), {"ids": ids}):
        sessions.setdefault(session.activity_id, []).append(session)
    present = dict(db.session.execute(_minutes_present_statement(), {
        "session_ids": [s.id for found in sessions.values() for s in found],
        "person_id": person.id}).all())
    now, done = utcnow(), []
    for activity_id, held in sessions.items():
        ends = max(s.ends_at for s in held)
        if ends > now or any(s.signed_off_at is None for s in held):
            continue  # not over yet, or a list not signed: the minutes may still change
        length = {s.id: int((s.ends_at - s.starts_at).total_seconds() // 60) for s in held}
        minutes = sum(min(present.get(s.id, 0), length[s.id]) for s in held)
        if minutes * 100 < share * sum(length.values()):
            continue
        workshop = held[0].activity
        zone = ZoneInfo(workshop.site.timezone)
        done.append(Earned(CertificateKind.WORKSHOP, activity_id, workshop.title,
                           workshop.site.name, str(workshop.site.country),
                           held[0].starts_at.astimezone(zone).date(),
                           ends.astimezone(zone).date(), minutes // 60, 60,
                           workshop.site_id, minutes))
    return done


# completed_workshops' three statements, built once per process with bind parameters
# (portal.speed): building them was about a third of its cost, on every My CV page.
@statement
def _workshops_present_statement():
    return (select(Session.activity_id).distinct()
            .join(Attendance, Attendance.session_id == Session.id)
            .join(Activity, Activity.id == Session.activity_id)
            .where(Attendance.user_id == bindparam("person_id"),
                   Attendance.status == AttendanceStatus.PRESENT,
                   Activity.kind == Kind.WORKSHOP, Session.status == SessionStatus.SCHEDULED))


@statement
def _workshop_sessions_statement():
    return (select(Session).where(Session.activity_id.in_(bindparam("ids", expanding=True)),
                                  Session.status == SessionStatus.SCHEDULED)
            .order_by(Session.starts_at))


@statement
def _minutes_present_statement():
    return select(Attendance.session_id, Attendance.minutes).where(
        Attendance.session_id.in_(bindparam("session_ids", expanding=True)),
        Attendance.user_id == bindparam("person_id"),
        Attendance.status == AttendanceStatus.PRESENT)


def workshop_courses(person: User) -> list[CourseDone]:
    """The workshops the person completed, as My CV lists its courses (registered from
    hooks.connect): the same rule as their certificates, with the real time present."""
    return [CourseDone(item.source_id, item.title, item.organisation, item.first_day,
                       item.last_day, item.hours, item.hours, item.hour_minutes, item.minutes)
            for item in completed_workshops(person)]


def issue(person: User, kind: CertificateKind, source_id: int) -> CourseCertificate:
    """The person's certificate for something they completed: made once, with its code and the
    facts as they stand today; asked again, the same certificate."""
    item = next((e for e in earned(person) if e.kind == kind and e.source_id == source_id), None)
    if item is None:
        raise DomainError(_("Bro has no record that you completed this, so it cannot make a "
                            "certificate for it."))
    certificate, made = _made(person, item)
    if made:
        record(person, "certificate.issued", "certificate", certificate.id)
    return certificate


# -- staff, on a participant's behalf ------------------------------------------------------------

def staff_sites(actor: User, person: User) -> set[int]:
    """The places where the actor may make and download the person's certificates: those the
    actor manages where the person takes part, and only for someone of lower rank
    (accounts/policy.py). Empty for anyone else, and for oneself (one's own page is for that)."""
    if not actor.is_authenticated or not policy.may_act_on(actor, person):
        return set()
    return {site_id for site_id in participant_sites(person) if policy.manages(actor, site_id)}


def may_act_for(actor: User, person: User) -> bool:
    return bool(staff_sites(actor, person))


def earned_for_staff(actor: User, person: User) -> list[Earned]:
    """What the person earned at the places where the actor may act for them; the read is
    written to the audit log (who, whose, when)."""
    sites = staff_sites(actor, person)
    note_read(actor, "certificates.view", "user", person.id)
    return [item for item in earned(person) if item.site_id in sites]


def issue_for(actor: User, person: User, kind: CertificateKind,
              source_id: int) -> CourseCertificate:
    """Staff make the certificate of a participant who earned it, at a place they manage.
    The participant owns it (it is theirs on My certificates) and is told; made or not, the
    act is in the audit log under the staff member's name."""
    sites = staff_sites(actor, person)
    item = next((e for e in earned(person) if e.kind == kind and e.source_id == source_id
                 and e.site_id in sites), None)
    if item is None:
        raise DomainError(_("Bro has no record that this person completed this at your "
                            "meeting place, so it cannot make a certificate for it."))
    certificate, made = _made(person, item)
    if made:
        record(actor, "certificate.issued_for", "certificate", certificate.id)
        notify([person], "certificate_made", {"title": certificate.title})
    return certificate


def certificate_site_id(certificate: CourseCertificate) -> int | None:
    """The meeting place a certificate belongs to, while what it is for still exists."""
    if certificate.activity_id is not None:
        return db.session.scalar(select(Activity.site_id).where(
            Activity.id == certificate.activity_id))
    if certificate.placement_id is not None:
        return db.session.scalar(select(Placement.site_id).where(
            Placement.id == certificate.placement_id))
    return None


def certificate_for_staff(actor: User, person: User,
                          certificate_id: int) -> CourseCertificate | None:
    """The person's certificate if the actor may act for them where it was earned (None
    otherwise: callers answer 404); a download is written to the audit log."""
    certificate = own_certificate(person, certificate_id)
    if certificate is None or certificate_site_id(certificate) not in staff_sites(actor, person):
        return None
    record(actor, "certificate.downloaded_for", "certificate", certificate.id)
    return certificate


def _made(person: User, item: Earned) -> tuple[CourseCertificate, bool]:
    """(the certificate, whether it was made now)."""
    kind, source_id = item.kind, item.source_id
    if item.certificate is not None:
        return item.certificate, False
    for _attempt in range(5):  # a code taken already (one in 10^15) or a double click
        certificate = CourseCertificate(
            code=new_code(), holder_id=person.id, kind=kind,
            activity_id=None if kind == CertificateKind.WORK_PRACTICE else source_id,
            placement_id=source_id if kind == CertificateKind.WORK_PRACTICE else None,
            holder_name=person.display_name, title=item.title, organisation=item.organisation,
            country=item.country, first_day=item.first_day, last_day=item.last_day,
            hours=item.hours, hour_minutes=item.hour_minutes, minutes=item.minutes)
        try:
            with db.session.begin_nested():
                db.session.add(certificate)
                db.session.flush()
        except IntegrityError:
            again = next((e.certificate for e in earned(person)
                          if e.kind == kind and e.source_id == source_id and e.certificate), None)
            if again is not None:
                return again, False
            continue
        return certificate, True
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
