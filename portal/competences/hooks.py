"""What My competences does when a person is erased or asks for their data (portal.signals)."""

from sqlalchemy import bindparam, delete, select

from portal import signals, speed
from portal.activities.models import Activity
from portal.competences.models import (
    Certificate,
    CvChoice,
    CvCourseLeftOut,
    Education,
    LanguageSkill,
    Profile,
    WorkExperience,
)
from portal.extensions import db
from portal.speed import statement

OWNED = (LanguageSkill, Education, WorkExperience, Certificate, Profile, CvChoice,
         CvCourseLeftOut)


def connect() -> None:
    signals.person_erased.connect(erase_competences)
    signals.data_requested.connect(competences_data)


def erase_competences(person, **_) -> None:
    """Everything goes: no report counts competences or CVs. (Sharing them is a row of the
    plan's Share, which the plan's own handler removes.)"""
    for model in OWNED:
        db.session.execute(delete(model).where(model.owner_id == person.id))


def competences_data(person, sections=None, **_) -> dict:
    """My competences and the CV choices, as My data shows them (nothing when they are not
    asked for): plain rows from statements built once per process (the ORM's objects and
    statements built on every request were a fifth of the download's cost, ≈ 1.2 ms)."""
    if not signals.asked(sections, "competences"):
        return {}

    def each(built, *args) -> list:
        return speed.rows(built(*args), {"owner_id": person.id}).all()

    def rows(model, *names):
        return [{name: _plain(value) for name, value in row._mapping.items()}
                for row in each(_listed, model, (*names, "in_cv"))]

    profile = next(iter(each(_profile)), None)
    choice = next(iter(each(_choice)), None)
    left_out = [title for title, in each(_left_out)]
    return {"competences": {
        "languages": rows(LanguageSkill, "language", "level"),
        "education": rows(Education, "level", "field", "country", "from_year", "to_year",
                          "recognition_applied"),
        "work": rows(WorkExperience, "what", "workplace", "country", "from_year", "to_year"),
        "certificates": rows(Certificate, "name", "issuer", "year"),
        "talents": profile.talents if profile else None,
        "driving_licence": [c for c in profile.licences.split(",") if c] if profile else [],
        "cv": {"language": str(choice.language), "summary": choice.summary,
               "phone": choice.show_phone, "email": choice.show_email,
               "birth_year": choice.show_birth_year, "talents": choice.show_talents,
               "driving_licence": choice.show_licences,
               "courses_left_out": left_out} if choice else None,
    }}


@statement
def _listed(model, names: tuple[str, ...]):
    """`names` of the person's rows of `model`, oldest first (one statement per model)."""
    return (select(*(getattr(model, name).label(name) for name in names))
            .where(model.owner_id == bindparam("owner_id")).order_by(model.created_at))


@statement
def _profile():
    return select(Profile.talents, Profile.licences).where(
        Profile.owner_id == bindparam("owner_id"))


@statement
def _choice():
    return select(CvChoice.language, CvChoice.summary, CvChoice.show_phone,
                  CvChoice.show_email, CvChoice.show_birth_year, CvChoice.show_talents,
                  CvChoice.show_licences).where(CvChoice.owner_id == bindparam("owner_id"))


@statement
def _left_out():
    return (select(Activity.title)
            .join(CvCourseLeftOut, CvCourseLeftOut.activity_id == Activity.id)
            .where(CvCourseLeftOut.owner_id == bindparam("owner_id")).order_by(Activity.title))


def _plain(value):
    return str(value) if hasattr(value, "value") else value  # an enum member as its text
