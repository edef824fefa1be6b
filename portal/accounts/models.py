"""People, meeting places, roles, consents and one-time codes."""

from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db, enum_column, one_of, utcnow
from portal.i18n import _l

DEFAULT_TIMEZONE = "Europe/Oslo"  # for people without a meeting place (a new admin)


class Country(StrEnum):
    NO = "NO"
    SE = "SE"
    DK = "DK"


class Role(StrEnum):
    PARTICIPANT = "participant"
    VOLUNTEER = "volunteer"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


ROLE_NAMES = {
    Role.PARTICIPANT: _l("Participant"),
    Role.VOLUNTEER: _l("Volunteer"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.ADMIN: _l("Administrator"),
}
# Higher rank includes what lower ranks may do at the same site.
ROLE_RANK = {Role.PARTICIPANT: 0, Role.VOLUNTEER: 1, Role.COORDINATOR: 2, Role.ADMIN: 3}
STAFF_ROLES = (Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN)


class Gender(StrEnum):
    """Optional, as the person says it: women-only activities are open to women, and funders
    count participation by gender (a Norwegian study association's list asks for it)."""

    WOMAN = "woman"
    MAN = "man"
    OTHER = "other"  # in the person's own word (User.gender_word)
    UNSAID = "unsaid"  # prefer not to say


GENDER_NAMES = {
    Gender.WOMAN: _l("Woman"),
    Gender.MAN: _l("Man"),
    Gender.OTHER: _l("Another word"),
    Gender.UNSAID: _l("I prefer not to say"),
}
GENDER_WHY = _l("So that activities for women can be offered to you, and so funders can count "
                "who takes part. You can leave it out.")


class Site(db.Model):
    __tablename__ = "site"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    country: Mapped[Country] = enum_column(Country, "country", length=2)
    timezone: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(300), default="")
    # The name SMS from Bro show as their sender here (at most 11 letters and digits); none:
    # SMS_SENDER.
    sms_sender: Mapped[str | None] = mapped_column(String(11))
    # SMS segments Bro may send a month to people of this place (a coordinator sets it); none:
    # no limit. When it is reached, notices go by the other channels (portal.notify.sms).
    sms_budget: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list["Membership"]] = relationship(back_populates="site")

    @property
    def language(self) -> str:
        """The country's language: the default for people registered here."""
        return {"NO": "nb", "SE": "sv", "DK": "da"}[self.country]

    def today(self) -> date:
        """The date here now (not UTC's: after midnight in Oslo it is still yesterday in UTC)."""
        return utcnow().astimezone(ZoneInfo(self.timezone)).date()


# Gender as a funder's attendance list asks for it ("" when not given).


class User(UserMixin, db.Model):
    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL
    __table_args__ = (
        CheckConstraint("phone IS NOT NULL OR email IS NOT NULL", name="contact"),
        CheckConstraint("birth_year IS NULL OR birth_year BETWEEN 1900 AND 2100",
                        name="birth_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)  # E.164
    # The number the person proved is theirs with a code (portal.accounts.phone): SMS go only
    # to it, so a changed number is unconfirmed until it is confirmed again.
    phone_confirmed: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)  # lower case
    password_hash: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(5), default="nb")
    birth_year: Mapped[int | None]
    # Asked only of participants of courses whose funder's list has them (Norway), optional.
    postcode: Mapped[str] = mapped_column(String(10), default="", server_default="")
    gender: Mapped[Gender | None] = enum_column(Gender, "gender", length=10, nullable=True)
    gender_word: Mapped[str] = mapped_column(String(40), default="", server_default="")
    # Bumped on password change or reset: every other session of this user ends.
    session_version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column()
    # Set when the person's data was erased: the row stays (anonymous) so counts stay.
    erased_at: Mapped[datetime | None] = mapped_column()

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="Membership.id")

    login_key: str = ""  # the LoginSession of this request (set at login and by the loader)

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}.{self.login_key}"

    @property
    def account(self) -> "User":
        """Itself: code that changes a person's own account takes `current_user.account`,
        whether the person is this User or the request's read-only Viewer (accounts.viewer)."""
        return self

    def role_at(self, site_id: int) -> Role | None:
        for membership in self.memberships:
            if membership.site_id == site_id:
                return Role(membership.role)
        return None

    def has_role(self, site_id: int, *roles: Role) -> bool:
        return self.is_admin or self.role_at(site_id) in roles

    @property
    def phone_is_confirmed(self) -> bool:
        return self.phone is not None and self.phone == self.phone_confirmed

    @property
    def is_admin(self) -> bool:
        return any(m.role == Role.ADMIN for m in self.memberships)

    @property
    def is_staff(self) -> bool:
        return any(m.role in STAFF_ROLES for m in self.memberships)

    def sites_where(self, *roles: Role) -> list[Site]:
        return [m.site for m in self.memberships if m.role in roles]

    @property
    def home_site(self) -> Site | None:
        return self.memberships[0].site if self.memberships else None

    @property
    def timezone(self) -> str:
        """Where the person lives their days: their (first) meeting place's time zone."""
        site = self.home_site
        return site.timezone if site else DEFAULT_TIMEZONE


class Membership(db.Model):
    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("user_id", "site_id"),
        Index("ix_membership_site_role", "site_id", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="RESTRICT"))
    role: Mapped[Role] = enum_column(Role, "role", default=Role.PARTICIPANT)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    site: Mapped[Site] = relationship(back_populates="memberships", lazy="joined")


class Consent(db.Model):
    """What a person agreed to, in which notice version and language, and when (GDPR art. 7)."""

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(40))
    notice_version: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(5))
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
    given_by_id: Mapped[int | None] = mapped_column(  # staff, for assisted registration
        ForeignKey("user_account.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None] = mapped_column()

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class ResetCode(db.Model):
    """A one-time password-reset code a coordinator hands over; only its keyed hash is kept."""

    __tablename__ = "reset_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class CodePurpose(StrEnum):
    CONFIRM_PHONE = "confirm"  # prove the number is the person's before Bro texts it
    RESET = "reset"  # a new password, by a code sent to the confirmed number


class PhoneCode(db.Model):
    """A 6-digit code sent by SMS: works for a few minutes, a few tries, once. Only a keyed
    hash is kept, and only for the number it was sent to."""

    __tablename__ = "phone_code"
    __table_args__ = (Index("ix_phone_code_user_purpose", "user_id", "purpose", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    purpose: Mapped[CodePurpose] = enum_column(CodePurpose, "purpose", length=10)
    phone: Mapped[str] = mapped_column(String(20))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    tries: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None] = mapped_column()  # used, or replaced by a newer code


class LoginSession(db.Model):
    """One logged-in browser. The session cookie names it; logging out deletes the row, so a
    copy of the cookie (or of the remember cookie) saved before the logout no longer works."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(43), unique=True)  # random, in the signed cookie
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    remember: Mapped[bool] = mapped_column(default=False)


class Invitation(db.Model):
    """An invitation to a staff role at a site, redeemed by link or by typing its code."""

    __tablename__ = "invitation"
    __table_args__ = (one_of("role", STAFF_ROLES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(80), default="")  # who it is for, for the inviter
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()
    used_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    site: Mapped[Site] = relationship(lazy="joined")
