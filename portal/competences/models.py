"""My competences: what a person knows and can do, in their own words, and their CV choices.
Private: only the owner, and staff they share it with (portal.goals Share, scope competences)."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db, enum_column, utcnow
from portal.i18n import _l


class LanguageLevel(StrEnum):
    FEW_WORDS = "few_words"
    EVERYDAY = "everyday"
    WORK = "work"
    FLUENT = "fluent"
    NATIVE = "native"  # first language: what CVs here call mother tongue


LEVEL_NAMES = {
    LanguageLevel.FEW_WORDS: _l("A few words"),
    LanguageLevel.EVERYDAY: _l("Everyday conversation"),
    LanguageLevel.WORK: _l("Good enough for work"),
    LanguageLevel.FLUENT: _l("Fluent"),
    LanguageLevel.NATIVE: _l("Mother tongue"),
}
# The Common European Framework's levels, for those who know them (a self-rating, roughly).
LEVEL_CEFR = {
    LanguageLevel.FLUENT: "C1–C2", LanguageLevel.WORK: "B2", LanguageLevel.EVERYDAY: "B1",
    LanguageLevel.FEW_WORDS: "A1–A2",
}


class EducationLevel(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    VOCATIONAL = "vocational"
    BACHELOR = "bachelor"
    MASTER = "master"
    DOCTORATE = "doctorate"
    OTHER = "other"


EDUCATION_NAMES = {
    EducationLevel.PRIMARY: _l("Primary school"),
    EducationLevel.SECONDARY: _l("Upper secondary school"),
    EducationLevel.VOCATIONAL: _l("Vocational training"),
    EducationLevel.BACHELOR: _l("Bachelor's degree or similar"),
    EducationLevel.MASTER: _l("Master's degree or similar"),
    EducationLevel.DOCTORATE: _l("Doctorate"),
    EducationLevel.OTHER: _l("Other education"),
}

# Driving licence classes as in the EU directive (the same in Norway, Sweden and Denmark).
LICENCE_NAMES = {
    "AM": _l("moped"), "A1": _l("light motorcycle"), "A2": _l("medium motorcycle"),
    "A": _l("motorcycle"), "B": _l("car"), "BE": _l("car with trailer"),
    "C1": _l("light lorry"), "C1E": _l("light lorry with trailer"), "C": _l("lorry"),
    "CE": _l("lorry with trailer"), "D1": _l("minibus"), "D1E": _l("minibus with trailer"),
    "D": _l("bus"), "DE": _l("bus with trailer"),
}


class CvLanguage(StrEnum):
    NB = "nb"
    SV = "sv"
    DA = "da"
    EN = "en"


def _owner():
    return mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)


def _years_check() -> tuple[CheckConstraint, ...]:
    return (CheckConstraint("from_year IS NULL OR from_year BETWEEN 1900 AND 2100",
                            name="from_year"),
            CheckConstraint("to_year IS NULL OR to_year BETWEEN 1900 AND 2100", name="to_year"),
            CheckConstraint("from_year IS NULL OR to_year IS NULL OR from_year <= to_year",
                            name="years_in_order"))


class LanguageSkill(db.Model):
    __tablename__ = "competence_language"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = _owner()
    language: Mapped[str] = mapped_column(String(80))  # in the person's own words
    level: Mapped[LanguageLevel] = enum_column(LanguageLevel, "level")
    in_cv: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Education(db.Model):
    __tablename__ = "competence_education"
    __table_args__ = _years_check()

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = _owner()
    level: Mapped[EducationLevel] = enum_column(EducationLevel, "level")
    field: Mapped[str] = mapped_column(String(160), default="")
    country: Mapped[str] = mapped_column(String(80), default="")
    from_year: Mapped[int | None]
    to_year: Mapped[int | None]
    recognition_applied: Mapped[bool] = mapped_column(default=False)
    in_cv: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WorkExperience(db.Model):
    __tablename__ = "competence_work"
    __table_args__ = _years_check()

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = _owner()
    what: Mapped[str] = mapped_column(String(160))
    workplace: Mapped[str] = mapped_column(String(160), default="")
    country: Mapped[str] = mapped_column(String(80), default="")
    from_year: Mapped[int | None]
    to_year: Mapped[int | None]
    in_cv: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Certificate(db.Model):
    """Another certificate the person holds (a forklift licence, food hygiene, first aid)."""

    __tablename__ = "competence_certificate"
    __table_args__ = (CheckConstraint("year IS NULL OR year BETWEEN 1900 AND 2100",
                                      name="year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = _owner()
    name: Mapped[str] = mapped_column(String(160))
    issuer: Mapped[str] = mapped_column(String(160), default="")
    year: Mapped[int | None]
    in_cv: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Profile(db.Model):
    """The parts of My competences that are one text each."""

    __tablename__ = "competence_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                          unique=True)
    # None until the person saves it: until then the plan's "What are you good at?" answer
    # is offered in its place.
    talents: Mapped[str | None] = mapped_column(Text)
    licences: Mapped[str] = mapped_column(String(80), default="")  # classes, comma-separated
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CvChoice(db.Model):
    """What the person chose for their CV: its language and which parts go in (each item of
    My competences carries its own `in_cv`; courses left out are in CvCourseLeftOut)."""

    __tablename__ = "cv_choice"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                          unique=True)
    language: Mapped[CvLanguage] = enum_column(CvLanguage, "language", length=2)
    summary: Mapped[str] = mapped_column(Text, default="")
    show_phone: Mapped[bool] = mapped_column(default=True)
    show_email: Mapped[bool] = mapped_column(default=True)
    show_birth_year: Mapped[bool] = mapped_column(default=False)
    show_talents: Mapped[bool] = mapped_column(default=True)
    show_licences: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CvCourseLeftOut(db.Model):
    """A completed course or workshop (from Bro's records) the person chose to leave out of
    their CV. Courses completed later go in until they are left out too."""

    __tablename__ = "cv_course_left_out"

    owner_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True)
