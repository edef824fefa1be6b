"""Proposals ("I wish…"): what participants ask for at their meeting place, who supports
each one, and what the place answered. Reports count proposals, never people
(see portal.reports.voice)."""

from datetime import datetime
from enum import StrEnum

from babel import Locale
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy import text as sql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Site, User
from portal.extensions import db, enum_column, utcnow
from portal.i18n import _l


class ProposalKind(StrEnum):
    ACTIVITY = "activity"
    THEME = "theme"


KIND_NAMES = {ProposalKind.ACTIVITY: _l("An activity"),
              ProposalKind.THEME: _l("A theme to talk about")}


class ProposalStatus(StrEnum):
    OPEN = "open"
    REALISED = "realised"  # "We'll do it": an activity was made from it
    NOT_NOW = "not_now"
    JOINED = "joined"  # joined with another proposal, where its supporters went
    WITHDRAWN = "withdrawn"  # taken back by the proposer (or their account was deleted)


STATUS_NAMES = {ProposalStatus.OPEN: _l("Waiting for an answer"),
                ProposalStatus.REALISED: _l("We'll do it"),
                ProposalStatus.NOT_NOW: _l("Not now"),
                ProposalStatus.JOINED: _l("Joined with another proposal"),
                ProposalStatus.WITHDRAWN: _l("Taken back")}
ANSWERED = (ProposalStatus.REALISED, ProposalStatus.NOT_NOW, ProposalStatus.JOINED)

# Languages people often ask for, besides the country's own (a proposal's checkboxes): the
# interpreter languages of meetings, by their ISO 639 codes; names come from Babel.
COMMON_LANGUAGES = ("en", "ar", "fa", "ti", "so", "uk", "ps", "ku", "ckb", "fr")


COUNTRY_LANGUAGE = {"NO": "no", "SE": "sv", "DK": "da"}  # "no": plain "Norwegian"


def language_choices(country: str) -> list[str]:
    """The country's language first, then the common ones."""
    return [COUNTRY_LANGUAGE[country], *COMMON_LANGUAGES]


def language_name(code: str, locale) -> str:
    return Locale.parse(code).get_display_name(locale) or code


class Proposal(db.Model):
    __tablename__ = "proposal"
    __table_args__ = (
        CheckConstraint("support_count >= 0", name="support_count"),
        Index("ix_proposal_site_status", "site_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="RESTRICT"))
    # NULL once the proposer's account is deleted: the proposal stays, from nobody.
    proposer_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    kind: Mapped[ProposalKind] = enum_column(ProposalKind, "kind")
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[str] = mapped_column(String(120), default="")  # codes, comma-separated
    can_help: Mapped[bool] = mapped_column(Boolean, default=False)  # "I can help run it"
    status: Mapped[ProposalStatus] = enum_column(ProposalStatus, "status",
                                                 default=ProposalStatus.OPEN)
    # How many people support it. Kept by the services beside the support rows, and kept when
    # a supporter's account is deleted (their row goes, the support they gave still counts).
    support_count: Mapped[int] = mapped_column(default=0, server_default=sql("0"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(300), default="")  # why not now (staff's words)
    activity_id: Mapped[int | None] = mapped_column(  # made from it ("We'll do it")
        ForeignKey("activity.id", ondelete="SET NULL"), index=True)
    joined_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposal.id", ondelete="SET NULL"))

    site: Mapped[Site] = relationship(lazy="joined")
    proposer: Mapped[User | None] = relationship(foreign_keys=[proposer_id])
    joined_into: Mapped["Proposal | None"] = relationship(remote_side=[id])

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]


class Support(db.Model):
    """One person supports one proposal, once (the unique constraint holds it when the same
    person taps twice at once)."""

    __tablename__ = "proposal_support"
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
