""""How was it?": one answer per person and session (or meeting), anonymous to everyone but
the database."""

from datetime import datetime
from enum import StrEnum
from functools import cache

from flask_babel import get_locale
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db, enum_column, utcnow
from portal.i18n import _l


class Face(StrEnum):
    GOOD = "good"
    OKAY = "okay"
    BAD = "bad"


FACES = (Face.GOOD, Face.OKAY, Face.BAD)  # as they are offered and counted
FACE_NAMES = {Face.GOOD: _l("Good"), Face.OKAY: _l("OK"), Face.BAD: _l("Not good")}
FACE_ICONS = {Face.GOOD: "face-5", Face.OKAY: "face-3", Face.BAD: "face-1"}  # icons.svg


def faces() -> dict:
    """What templates need to draw the faces, their names translated once per language."""
    return _faces(str(get_locale()))


@cache
def _faces(_language: str) -> dict:
    return {"faces": FACES, "face_names": {f: str(FACE_NAMES[f]) for f in FACES},
            "face_icons": FACE_ICONS}


class Feedback(db.Model):
    """One person's answer about one session they were present at, or one meeting of theirs
    that was held; `face` is None when they chose "Not now". Either way they are not asked
    again (the unique constraints hold it under any concurrency).

    `user_id` is kept only for that: no page, report or export reads who answered. Erasing the
    person sets it to None and blanks the texts; the face stays for the counts."""

    __tablename__ = "feedback"
    __table_args__ = (
        CheckConstraint("(session_id IS NULL AND booking_id IS NOT NULL) OR "
                        "(session_id IS NOT NULL AND booking_id IS NULL)", name="about_one"),
        UniqueConstraint("session_id", "user_id"),
        UniqueConstraint("booking_id", "user_id"),
        Index("ix_feedback_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    face: Mapped[Face | None] = enum_column(Face, "face", length=10)
    comment: Mapped[str] = mapped_column(String(1000), default="")
    change: Mapped[str] = mapped_column(String(1000), default="")  # "What should we change?"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
