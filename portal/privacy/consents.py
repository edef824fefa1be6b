"""Consents per purpose, given and withdrawn by the person on one page. Each change is a new
fact: a row with the notice version and language when given, and the time it was withdrawn.
Whoever needs a consent reads it when they need it, so a withdrawal counts at once."""

from flask import current_app
from sqlalchemy import bindparam, literal_column, select, update
from sqlalchemy.engine import Row

from portal import speed
from portal.accounts.models import Consent, User
from portal.accounts.services import PRIVACY_PURPOSE
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.i18n import _l
from portal.speed import statement

PHOTOS = "photos"
JOB_CENTRE = "job_centre_attendance"
NEWS = "news"
PURPOSES = {
    PHOTOS: (_l("Photos"), _l("At activities, the programme may take photos where I can "
                              "be recognised, and show them.")),
    JOB_CENTRE: (_l("Attendance for the job centre"),
                 _l("My coordinator may tell the job centre (NAV, Arbetsförmedlingen or "
                    "Jobcenter) which sessions I took part in.")),
    NEWS: (_l("News"), _l("Bro may tell me about new activities at my meeting place.")),
}


def title(purpose: str) -> str:
    """What a consent is for, as people read it: the purposes above and the privacy notice
    accepted at registration (My data lists both; the stored key means nothing to people)."""
    if purpose == PRIVACY_PURPOSE:
        return _l("Privacy notice")
    return PURPOSES[purpose][0] if purpose in PURPOSES else purpose


def given(user: User) -> dict[str, Consent | None]:
    """The consent in force for each purpose (None: not given, or withdrawn)."""
    active = {c.purpose: c for c in db.session.scalars(select(Consent).where(
        Consent.user_id == user.id, Consent.purpose.in_(PURPOSES),
        Consent.withdrawn_at.is_(None)))}
    return {purpose: active.get(purpose) for purpose in PURPOSES}


def on_page(user: User) -> tuple[dict[str, bool], list[Row]]:
    """What the consents page shows: for each purpose whether a consent is in force (as
    `given` says), and the person's consents for these purposes, newest first (what they said
    before: purpose, given_at, withdrawn_at). One statement of plain rows built once per
    process, instead of two of Consent objects whose IN lists SQLAlchemy rewrites on every run
    (about 0.3 ms of the page)."""
    history = speed.rows(_history(), {"user_id": user.id}).all()
    in_force = {row.purpose for row in history if row.withdrawn_at is None}
    return {purpose: purpose in in_force for purpose in PURPOSES}, history


@statement
def _history():
    # The purposes are written into the SQL (they are constants of the code, not input): a
    # bound IN list is rewritten by SQLAlchemy on every run, and speed.rows' fast path takes
    # only statements it can run as they are.
    purposes = [literal_column(f"'{purpose}'") for purpose in PURPOSES]
    return (select(Consent.purpose, Consent.given_at, Consent.withdrawn_at)
            .where(Consent.user_id == bindparam("user_id"), Consent.purpose.in_(purposes))
            .order_by(Consent.given_at.desc()))


def every(user: User) -> list[Row]:
    """Every consent the person gave, the privacy notice's too, oldest first (My data): its
    purpose, when it was given and when withdrawn, as plain rows (only shown)."""
    return speed.rows(_every(), {"user_id": user.id}).all()


@statement
def _every():
    return (select(Consent.purpose, Consent.given_at, Consent.withdrawn_at)
            .where(Consent.user_id == bindparam("user_id"))
            .order_by(Consent.given_at, Consent.id))


def give(user: User, purpose: str, language: str) -> None:
    if purpose not in PURPOSES:
        raise DomainError(_l("Choose one of the options."))
    if given(user)[purpose] is None:
        db.session.add(Consent(user_id=user.id, purpose=purpose, language=language,
                               notice_version=current_app.config["PRIVACY_NOTICE_VERSION"]))


def withdraw(user: User, purpose: str) -> None:
    if purpose not in PURPOSES:
        raise DomainError(_l("Choose one of the options."))
    db.session.execute(update(Consent).where(
        Consent.user_id == user.id, Consent.purpose == purpose,
        Consent.withdrawn_at.is_(None)).values(withdrawn_at=utcnow()))


def who_consents(user_ids: list[int], purpose: str) -> set[int]:
    """Of these people, those whose consent for `purpose` is in force right now (a statement
    built once per process: the news gate asks it for every message and on My data). For
    one person (the job-centre statement on a participant's pages for staff) a statement
    without an IN list: SQLAlchemy rewrites an expanding IN on every run, which keeps it off
    speed.rows' fast path (about 60 µs more)."""
    if len(user_ids) == 1:
        found = speed.rows(_consenting_one(), {"user_id": user_ids[0], "purpose": purpose})
    else:
        found = speed.rows(_consenting(), {"user_ids": user_ids or [-1], "purpose": purpose})
    return {user_id for user_id, in found}


@statement
def _consenting():
    return select(Consent.user_id).where(
        Consent.user_id.in_(bindparam("user_ids", expanding=True)),
        *_in_force(bindparam("purpose")))


@statement
def _consenting_one():
    return select(Consent.user_id).where(
        Consent.user_id == bindparam("user_id"), *_in_force(bindparam("purpose")))


def in_force(user_id, purpose: str):
    """who_consents as SQL, for a statement that reads people: whether the person whose id is
    `user_id` (a column) has a consent for `purpose` in force right now. Read in the same
    statement, not asked after it (an attendance list: one statement fewer)."""
    return select(Consent.id).where(Consent.user_id == user_id, *_in_force(purpose)).exists()


def _in_force(purpose) -> tuple:
    return Consent.purpose == purpose, Consent.withdrawn_at.is_(None)
