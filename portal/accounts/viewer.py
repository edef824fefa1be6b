"""The person behind a request, as every page reads them: `current_user` is a `Viewer`.

Every logged-in request loads the person, this browser's login, their memberships with their
places and the menu's unread count. Loaded as ORM objects (a User, its Memberships and their
Sites) that cost about 250 µs a request, most of it SQLAlchemy building and tracking three
objects; read as plain rows by one statement (speed.rows) about 60 µs (bench/README.md,
"2026-12-07, afternoon"). A page only reads the person, so that is what a Viewer is: the
person's columns (not the password hash), their memberships as read-only tuples with the
place's columns, and User's own properties and methods (`is_staff`, `role_at`, `timezone`,
…), borrowed from User, not copied, so the two cannot disagree.

A Viewer cannot be changed, and it is no ORM object: code that changes the person's own
account (profile, password, language, erasure) takes `current_user.account`, the User (loaded
then, once per request by the session's identity map). `User.account` is the User itself, so
such code takes either.
"""

from collections import namedtuple

from flask_login import UserMixin
from sqlalchemy import bindparam, select

from portal import speed
from portal.accounts.models import LoginSession, Membership, Site, User
from portal.extensions import db
from portal.notify.services import unread_column

_USERS = User.__table__
_MEMBERSHIPS = Membership.__table__
_SITES = Site.__table__
_USER_COLUMNS = tuple(column for column in _USERS.c if column.key != "password_hash")


class ViewerSite(namedtuple("ViewerSite", [column.key for column in _SITES.c])):
    """A place as a Viewer's membership names it: Site's columns, and its `language` and
    `today()`."""

    __slots__ = ()
    language = Site.language
    today = Site.today


ViewerMembership = namedtuple("ViewerMembership",
                              [column.key for column in _MEMBERSHIPS.c] + ["site"])


class Viewer(UserMixin):
    """The logged-in person, read-only (see the module's docstring)."""

    def __init__(self, columns: dict, memberships: list, login_key: str, unread: int):
        values = self.__dict__
        values.update(columns)
        values.update(memberships=memberships, login_key=login_key, unread_on_load=unread)

    def __setattr__(self, name, value):
        raise AttributeError(f"a Viewer is read-only ({name}): change current_user.account")

    @property
    def account(self) -> User:
        """The person as the ORM's User, to change their own account."""
        return db.session.get(User, self.id)

    get_id = User.get_id
    role_at = User.role_at
    has_role = User.has_role
    sites_where = User.sites_where
    phone_is_confirmed = User.phone_is_confirmed
    is_admin = User.is_admin
    is_staff = User.is_staff
    home_site = User.home_site
    timezone = User.timezone

    def __repr__(self) -> str:
        return f"<Viewer {self.id}>"


def load(user_id: int, session_version: str, login_key: str) -> Viewer | None:
    """The person, if this login of theirs is open and their session version is this one."""
    rows = speed.rows(_statement(), {"id": user_id, "key": login_key}).all()
    if not rows or str(rows[0].session_version) != session_version:
        return None
    first, users = rows[0], len(_USER_COLUMNS)
    memberships = [
        ViewerMembership(*row[users:users + len(_MEMBERSHIPS.c)],
                         ViewerSite(*row[users + len(_MEMBERSHIPS.c):-1]))
        for row in rows if row[users] is not None]
    return Viewer(dict(zip(first._fields[:users], first, strict=False)), memberships,
                  login_key, first.unread)


def every_site() -> list[ViewerSite]:
    """Every place by name, read-only as a Viewer's places are (an administrator's pages:
    about 0.35 ms less than loading the ORM's Sites)."""
    return [ViewerSite(*row) for row in speed.rows(_every_site(), {})]


@speed.statement
def _every_site():
    return select(*_SITES.c).order_by(_SITES.c.name)


@speed.statement
def _statement():
    """One row per membership (one row without for a person who has none), in the order of
    User.memberships; the unread count on each."""
    return (select(*_USER_COLUMNS, *(column.label(f"membership_{column.key}")
                                     for column in _MEMBERSHIPS.c),
                   *(column.label(f"site_{column.key}") for column in _SITES.c),
                   unread_column())
            .join(LoginSession.__table__, (LoginSession.user_id == _USERS.c.id)
                  & (LoginSession.key == bindparam("key")))
            .outerjoin(_MEMBERSHIPS, _MEMBERSHIPS.c.user_id == _USERS.c.id)
            .outerjoin(_SITES, _SITES.c.id == _MEMBERSHIPS.c.site_id)
            .where(_USERS.c.id == bindparam("id"))
            .order_by(_MEMBERSHIPS.c.id))
