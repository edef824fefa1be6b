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
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError

from portal import speed
from portal.accounts import policy
from portal.accounts.models import Site, User
from portal.activities import rules
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
from portal.competences.services import CourseDone
from portal.employment.models import Partner, Placement, PlacementStatus
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
    certificate: Row | None = None  # issued already: its id and code (issued_certificates)


def earned(person: User) -> list[Earned]:
    """Study circles the person completed (by the circle's rule set), workshops they completed
    (see above) and completed work practice, newest first, each with its certificate when one
    is issued.

    Read as plain rows, a statement per kind whatever the number of courses (My certificates
    ran fourteen statements and built a User for everyone in each circle: about 8 of its
    10 ms)."""
    found = completed_circles(person) + completed_workshops(person) + _placements(person)
    issued = {(c.kind, c.activity_id or c.placement_id): c
              for c in speed.rows(_issued_statement(), {"holder_id": person.id})}
    for item in found:
        item.certificate = issued.get((item.kind, item.source_id))
    return sorted(found, key=lambda item: item.last_day, reverse=True)


@statement
def _issued_statement():
    """The person's certificates as `earned` shows them: id and code, and what each is for
    (plain rows of a statement built once per process, not objects: about 0.15 ms of My
    certificates)."""
    table = CourseCertificate.__table__
    return (select(table.c.id, table.c.code, table.c.kind, table.c.activity_id,
                   table.c.placement_id)
            .where(table.c.holder_id == bindparam("holder_id")))


def completed_circles(person: User) -> list[Earned]:
    """The study circles that have ended (every session held) which the person completed by
    the circle's rule set (activities.rules.standings, as My CV's courses are) and whose
    attendance lists are all signed off by the leader, so the hours on a certificate will not
    change. Two statements whatever their number."""
    now, done = utcnow(), []
    for circle in rules.standings(person):
        held = circle.sessions
        if not circle.ended(now) or any(s.signed_off_at is None for s in held):
            continue  # not over yet, or a list not signed: the hours may still change
        if not circle.person.counts:
            continue
        about = circle.circle
        zone = ZoneInfo(about.timezone)
        done.append(Earned(CertificateKind.COURSE, about.activity_id, about.title,
                           about.place, str(about.country),
                           min(s.starts_at for s in held).astimezone(zone).date(),
                           max(s.ends_at for s in held).astimezone(zone).date(),
                           circle.person.units, circle.rule_set.hour_minutes, about.site_id))
    return done


def _own_minutes(session):
    """The person's minutes present at a session (NULL when not marked present)."""
    attendance = Attendance.__table__
    return (select(attendance.c.minutes).where(
        attendance.c.session_id == session.c.id, attendance.c.user_id == bindparam("user_id"),
        attendance.c.status == AttendanceStatus.PRESENT).correlate(session).scalar_subquery())


def _sessions_with_place():
    session, activity, site = Session.__table__, Activity.__table__, Site.__table__
    return (select(session.c.id, session.c.activity_id, session.c.starts_at, session.c.ends_at,
                   session.c.signed_off_at, activity.c.title, activity.c.site_id,
                   site.c.name.label("place"), site.c.country, site.c.timezone,
                   _own_minutes(session).label("own"))
            .select_from(session.join(activity, activity.c.id == session.c.activity_id)
                         .join(site, site.c.id == activity.c.site_id)))


def completed_workshops(person: User) -> list[Earned]:
    """Workshops the person completed by Bro's rule (the module's docstring), in one
    statement whatever their number."""
    share = current_app.config["WORKSHOP_COMPLETION_PERCENT"]
    workshops: dict[int, list[Row]] = {}
    for row in speed.rows(_workshop_sessions(), {"user_id": person.id}):
        workshops.setdefault(row.activity_id, []).append(row)
    now, done = utcnow(), []
    for activity_id, held in workshops.items():
        ends = max(s.ends_at for s in held)
        if ends > now or any(s.signed_off_at is None for s in held):
            continue  # not over yet, or a list not signed: the minutes may still change
        length = {s.id: int((s.ends_at - s.starts_at).total_seconds() // 60) for s in held}
        minutes = sum(min(s.own or 0, length[s.id]) for s in held)
        if minutes * 100 < share * sum(length.values()):
            continue
        workshop = held[0]
        zone = ZoneInfo(workshop.timezone)
        done.append(Earned(CertificateKind.WORKSHOP, activity_id, workshop.title,
                           workshop.place, str(workshop.country),
                           held[0].starts_at.astimezone(zone).date(),
                           ends.astimezone(zone).date(), minutes // 60, 60,
                           workshop.site_id, minutes))
    return done


@statement
def _workshop_sessions():
    """Every scheduled session of the workshops the person was marked present at, in order
    of time, with the person's minutes present."""
    session, activity, attendance = Session.__table__, Activity.__table__, Attendance.__table__
    present_at = (select(session.c.activity_id)
                  .join(attendance, attendance.c.session_id == session.c.id)
                  .join(activity, activity.c.id == session.c.activity_id)
                  .where(attendance.c.user_id == bindparam("user_id"),
                         attendance.c.status == AttendanceStatus.PRESENT,
                         activity.c.kind == Kind.WORKSHOP,
                         session.c.status == SessionStatus.SCHEDULED))
    return (_sessions_with_place().where(session.c.activity_id.in_(present_at),
                                         session.c.status == SessionStatus.SCHEDULED)
            .order_by(session.c.starts_at))


def _placements(person: User) -> list[Earned]:
    return [Earned(CertificateKind.WORK_PRACTICE, p.id, p.role, p.partner, str(p.country),
                   p.starts_on, p.ends_on, p.hours_per_week, 60, p.site_id)
            for p in speed.rows(_placements_statement(), {"user_id": person.id})]


@statement
def _placements_statement():
    """Completed work practice: the role, the workplace (the partner) and its country."""
    placement, partner, site = Placement.__table__, Partner.__table__, Site.__table__
    return (select(placement.c.id, placement.c.role, partner.c.name.label("partner"),
                   site.c.country, placement.c.starts_on, placement.c.ends_on,
                   placement.c.hours_per_week, placement.c.site_id)
            .select_from(placement.outerjoin(site, site.c.id == placement.c.site_id)
                         .outerjoin(partner, partner.c.id == placement.c.partner_id))
            .where(placement.c.participant_id == bindparam("user_id"),
                   placement.c.status == PlacementStatus.COMPLETED))


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
        return db.session.get(CourseCertificate, item.certificate.id), False
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
                return db.session.get(CourseCertificate, again.id), False
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
