"""What My competences does when a person is erased or asks for their data (portal.signals)."""

from sqlalchemy import delete, select

from portal import signals
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
    asked for)."""
    if not signals.asked(sections, "competences"):
        return {}

    def rows(model, *names):
        found = db.session.scalars(select(model).where(model.owner_id == person.id)
                                   .order_by(model.created_at))
        return [{name: _plain(getattr(row, name)) for name in (*names, "in_cv")}
                for row in found]

    profile = db.session.scalar(select(Profile).where(Profile.owner_id == person.id))
    choice = db.session.scalar(select(CvChoice).where(CvChoice.owner_id == person.id))
    left_out = db.session.scalars(select(Activity.title).join(
        CvCourseLeftOut, CvCourseLeftOut.activity_id == Activity.id)
        .where(CvCourseLeftOut.owner_id == person.id).order_by(Activity.title)).all()
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
               "courses_left_out": list(left_out)} if choice else None,
    }}


def _plain(value):
    return str(value) if hasattr(value, "value") else value  # an enum member as its text
