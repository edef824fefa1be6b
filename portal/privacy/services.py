"""A person's own data: everything Bro holds about them, and erasure by anonymising.

Erasing keeps the rows that numbers are made of (participant memberships, attendance, past
meetings and café shifts, enrolments of finished courses, goal categories and statuses, consent
records, the SMS sent to them without message or provider id) under the same id, with nothing
left that says who the person was: name, phone, e-mail, password, their plan's texts (goals,
steps, notes and the comments on them), meeting topics and cancel reasons, their messages,
calendar address, reset codes, plan sharing and the label of the invitation they redeemed
(often their name) are removed, and so is their gender (the reports then count them among those
who did not say). Their birth year stays, because funders' age rules count it for past courses;
on its own it identifies nobody.

An erased person is nobody's colleague any more: every staff role goes (the reports count
participant memberships only, so their figures do not move), and with it the work staff do for
others — leading activities, coming café shifts, free times for meetings, the invitations they
made that nobody has used. Their coming
meetings, on either side, are cancelled and the other person told. The account can never be
used again: no login, no reset code or link (portal.accounts.services refuses erased accounts).

Other people's messages never hold the person's name: a notification names the person it is
about by id (`Notification.about`), and the name is read when the message is shown, so it reads
"–" once they are erased. Messages stored before that (with the name in their parameters) were
rewritten by migration 157124514a2a, so there is nothing to scan for on erasure."""

import secrets

from sqlalchemy import bindparam, delete, select, update

from portal import signals, speed
from portal.accounts import policy
from portal.accounts.models import (
    Consent,
    Invitation,
    LoginSession,
    Membership,
    PhoneCode,
    ResetCode,
    Role,
    User,
)
from portal.audit.models import record
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.i18n import _l
from portal.speed import statement

ERASED_NAME = "–"


def can_erase(actor: User, person: User) -> bool:
    """The person themself, unless they are the last administrator; staff only as the rule
    for acting on people allows (accounts.policy: participants, on their request)."""
    if person.erased_at is not None:
        return False
    if actor.id == person.id:
        return not (person.is_admin and _last_admin(person))
    return policy.may_erase(actor, person)


def _last_admin(person: User) -> bool:
    others = db.session.scalar(select(Membership.id).where(
        Membership.role == Role.ADMIN, Membership.user_id != person.id).limit(1))
    return others is None


def my_data(user: User, sections: frozenset[str] | None = None) -> dict:
    """Everything about the person, as plain data (for JSON and the readable page): their
    account here, and each feature's sections through `data_requested`; with `sections`,
    only those (the readable page: see signals.data_requested). Plain rows from statements
    built once per process, here and in the features' handlers (the download runs about
    forty statements: the ORM's objects and its layer around each were most of its cost)."""
    def when(moment):
        return moment.isoformat() if moment else None

    def each(built, name) -> list:
        return speed.rows(built(), {"user_id": user.id}).all() if signals.asked(
            sections, name) else []

    profile = {"name": user.display_name, "phone": user.phone,
               "phone_confirmed": user.phone_is_confirmed, "email": user.email,
               "language": user.language, "birth_year": user.birth_year,
               "postcode": user.postcode, "gender": user.gender_word or user.gender,
               "registered": when(user.created_at), "last_login": when(user.last_login_at)}
    if user.phone_confirmed and user.phone_confirmed != user.phone:
        profile["earlier_confirmed_phone"] = user.phone_confirmed  # kept from before a change
    own = {
        "profile": profile,
        "meeting_places": [{"place": m.site.name, "role": m.role, "since": when(m.created_at)}
                           for m in user.memberships],
        "consents": [{"purpose": c.purpose, "notice_version": c.notice_version,
                      "language": c.language, "given": when(c.given_at),
                      "withdrawn": when(c.withdrawn_at)} for c in each(_consents, "consents")],
        # Codes sent by SMS to confirm the number or for a new password: never the code
        # itself (only a keyed hash of it is kept).
        "phone_codes": [{"purpose": str(c.purpose), "phone": c.phone, "sent": when(c.created_at),
                         "expires": when(c.expires_at), "used_or_replaced": when(c.used_at),
                         "tries": c.tries} for c in each(_phone_codes, "phone_codes")],
        # Password codes a coordinator made for the person (never the code), and the browsers
        # logged in now (never the key their cookie carries).
        "reset_codes": [{"made": when(c.created_at), "expires": when(c.expires_at),
                         "used": when(c.used_at)} for c in each(_reset_codes, "reset_codes")],
        "logged_in_browsers": [{"since": when(s.created_at), "remembered": s.remember}
                               for s in each(_browsers, "logged_in_browsers")],
    }
    return {name: section for name, section in own.items() if signals.asked(sections, name)} \
        | signals.collect(signals.data_requested, user, sections=sections)


@statement
def _consents():
    return (select(Consent.purpose, Consent.notice_version, Consent.language, Consent.given_at,
                   Consent.withdrawn_at)
            .where(Consent.user_id == bindparam("user_id")).order_by(Consent.given_at))


@statement
def _phone_codes():
    return (select(PhoneCode.purpose, PhoneCode.phone, PhoneCode.created_at,
                   PhoneCode.expires_at, PhoneCode.used_at, PhoneCode.tries)
            .where(PhoneCode.user_id == bindparam("user_id"))
            .order_by(PhoneCode.created_at, PhoneCode.id))


@statement
def _reset_codes():
    return (select(ResetCode.created_at, ResetCode.expires_at, ResetCode.used_at)
            .where(ResetCode.user_id == bindparam("user_id"))
            .order_by(ResetCode.created_at, ResetCode.id))


@statement
def _browsers():
    return (select(LoginSession.created_at, LoginSession.remember)
            .where(LoginSession.user_id == bindparam("user_id"))
            .order_by(LoginSession.created_at, LoginSession.id))


def erase(actor: User | None, person: User) -> None:
    """Erase a person's data (see the module docstring), as one change within the caller's
    unit of work: it stands or falls whole. Others are told what changes for them: a freed
    seat goes to the waiting list, the other side of a coming meeting hears that it is
    cancelled; e-mails leave after the commit."""
    if actor is not None and not can_erase(actor, person):  # None: retention, by the system
        raise DomainError(_l("This account cannot be deleted here."))
    _erase(actor, person)


def _erase(actor: User | None, person: User) -> None:
    person_id, now = person.id, utcnow()
    # Each feature erases what it keeps about the person (portal/*/hooks.py): seats, follows,
    # leadership and shifts (activities), meetings and free times (meetings), the plan
    # (goals), their messages (notify), the road to work (employment).
    signals.person_erased.send(person, actor=actor, now=now)
    # No longer staff anywhere: the participant memberships stay (the reports count them).
    person.memberships = [m for m in person.memberships if m.role == Role.PARTICIPANT]
    for model, column in ((ResetCode, ResetCode.user_id), (LoginSession, LoginSession.user_id),
                          (PhoneCode, PhoneCode.user_id)):
        db.session.execute(delete(model).where(column == person_id))
    db.session.execute(update(Consent).where(Consent.user_id == person_id,
                                             Consent.withdrawn_at.is_(None))
                       .values(withdrawn_at=now))
    # Who an invitation was for, as the inviter wrote it: often the person's name.
    db.session.execute(update(Invitation).where(Invitation.used_by_id == person_id)
                       .values(label=""))
    # The invitations they made that nobody has used end now: nobody stands behind them.
    db.session.execute(update(Invitation).where(
        Invitation.created_by_id == person_id, Invitation.used_at.is_(None),
        Invitation.expires_at > now).values(expires_at=now))
    person.display_name = ERASED_NAME
    person.phone = person.phone_confirmed = None
    person.gender, person.gender_word = None, ""
    person.postcode = ""
    person.email = f"erased-{person_id}@invalid"  # reserved domain: never delivered, never typed
    person.password_hash = "erased:" + secrets.token_hex(16)  # matches no password
    person.session_version += 1  # every open session ends
    person.erased_at = now
    record(actor, "account.erase" if actor else "account.erase.retention", "user", person_id)
