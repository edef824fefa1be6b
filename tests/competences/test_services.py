"""My competences and My CV: the owner's verbs, sharing with staff, completed courses, CV
choices, and what erasure and My data do."""

import pytest
from sqlalchemy import func, select

from portal import signals, work
from portal.audit.models import AuditEvent
from portal.competences import services
from portal.competences.hooks import OWNED
from portal.competences.models import (
    CvChoice,
    CvCourseLeftOut,
    EducationLevel,
    LanguageLevel,
)
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.goals import services as goals
from portal.goals.models import ShareScope


def language(owner, name="Arabic", level=LanguageLevel.NATIVE):
    return services.add_item(owner, services.LanguageData(name, level))


def test_items_are_added_changed_and_removed_by_their_owner_only(amina, make_user):
    other = make_user()
    arabic = language(amina)
    work = services.add_item(amina, services.WorkData("Cook", "Restaurant Aleppo", "Syria",
                                                      2010, 2015))
    services.update_item(work, services.WorkData("Head cook", "", "Syria", 2012, None))
    assert (work.what, work.workplace, work.from_year, work.to_year) == ("Head cook", "", 2012,
                                                                       None)
    assert services.own_item(amina, "languages", arabic.id) is arabic
    assert services.own_item(other, "languages", arabic.id) is None
    assert services.own_item(amina, "certificates", arabic.id) is None  # another part
    assert services.remove_item(other, "languages", arabic.id) is False
    assert services.remove_item(amina, "languages", arabic.id) is True
    assert services.items(amina, "languages") == []


def test_the_end_year_cannot_come_before_the_start_year(amina):
    with pytest.raises(DomainError, match="ended is before the year it started"):
        services.add_item(amina, services.EducationData(EducationLevel.BACHELOR, "Nursing",
                                                        "Syria", 2012, 2008))
    work = services.add_item(amina, services.WorkData("Cook", from_year=2010))
    with pytest.raises(DomainError, match="ended is before the year it started"):
        services.update_item(work, services.WorkData("Cook", from_year=2010, to_year=2009))


def test_each_part_holds_at_most_thirty_items(amina):
    for number in range(services.MAX_ITEMS):
        services.add_item(amina, services.CertificateData(f"Certificate {number}"))
    with pytest.raises(DomainError, match="at most 30 here"):
        services.add_item(amina, services.CertificateData("One too many"))


def test_languages_are_listed_best_first_and_work_newest_first(amina):
    language(amina, "Norwegian", LanguageLevel.EVERYDAY)
    language(amina, "Arabic", LanguageLevel.NATIVE)
    language(amina, "English", LanguageLevel.WORK)
    for what, start, end in (("Cook", 2005, 2010), ("Cleaner", 2019, None),
                             ("Tailor", 2011, 2018)):
        services.add_item(amina, services.WorkData(what, from_year=start, to_year=end))
    assert [i.language for i in services.items(amina, "languages")] == [
        "Arabic", "English", "Norwegian"]
    assert [i.what for i in services.items(amina, "work")] == ["Cleaner", "Tailor", "Cook"]


def test_an_unknown_year_comes_last_on_every_database(amina):
    for what, start in (("Unknown start", None), ("Cook", 2005), ("Tailor", 2011)):
        services.add_item(amina, services.WorkData(what, from_year=start, to_year=2018))
    for name, year in (("Undated", None), ("Forklift", 2016), ("Hygiene", 2020)):
        services.add_item(amina, services.CertificateData(name, year=year))
    assert [i.what for i in services.items(amina, "work")] == ["Tailor", "Cook",
                                                               "Unknown start"]
    assert [i.name for i in services.items(amina, "certificates")] == ["Hygiene", "Forklift",
                                                                       "Undated"]


def test_talents_start_from_the_plan_answer_until_saved_and_staff_never_see_the_plan(amina):
    goals.answer(amina, "strengths", "Sewing and cooking for many")
    assert services.talents_of(amina) == ("Sewing and cooking for many", True)
    assert services.talents_of(amina, own_view=False) == ("", False)
    services.save_talents(amina, "Sewing, cooking, patience")
    assert services.talents_of(amina) == ("Sewing, cooking, patience", False)
    assert services.talents_of(amina, own_view=False) == ("Sewing, cooking, patience", False)
    services.save_talents(amina, "")
    assert services.talents_of(amina) == ("", False)  # emptied on purpose: not offered again


def test_driving_licence_classes_are_kept_in_the_directive_order(amina):
    services.save_licences(amina, ["BE", "B", "C1"])
    assert services.licences_of(amina) == ["B", "BE", "C1"]
    with pytest.raises(DomainError, match="Choose only from the options shown"):
        services.save_licences(amina, ["B", "Z9"])
    assert services.licences_of(amina) == ["B", "BE", "C1"]


def test_a_share_of_competences_shows_them_and_nothing_of_the_plan(amina, coach, make_user):
    goal = goals.create_goal(amina, goals.GoalData(title="Work as a cook"))
    other_coach = make_user(coach.memberships[0].role, name="Other coach")
    given = goals.share(amina, coach.id, None, ShareScope.COMPETENCES)
    assert services.owners_sharing_with(coach) == [amina]
    assert services.shared_owner(coach, amina.id) is amina
    assert services.shared_owner(other_coach, amina.id) is None
    assert goals.goal_shared_with(coach, goal.id) is None
    assert goals.shared_with(coach) == []
    assert services.shared_with(amina) == [given]
    goals.withdraw(amina, given.id)
    assert services.shared_owner(coach, amina.id) is None
    assert services.owners_sharing_with(coach) == []


def test_a_share_of_the_plan_does_not_show_the_competences(amina, coach):
    goals.share(amina, coach.id, None)
    assert services.shared_owner(coach, amina.id) is None
    goal = goals.create_goal(amina, goals.GoalData(title="A goal"))
    with pytest.raises(DomainError, match="Choose one of your goals"):
        goals.share(amina, coach.id, goal.id, ShareScope.COMPETENCES)


def test_sharing_the_competences_twice_keeps_one_share(amina, coach):
    first = goals.share(amina, coach.id, None, ShareScope.COMPETENCES)
    assert goals.share(amina, coach.id, None, ShareScope.COMPETENCES) is first
    assert goals.share(amina, coach.id, None) is not first  # the whole plan is another share


def test_a_staff_read_is_audited_without_its_content(amina, coach):
    goals.share(amina, coach.id, None, ShareScope.COMPETENCES)
    language(amina)
    seen = services.read_shared(coach, amina)
    assert [i.language for i in seen.languages] == ["Arabic"]
    work.commit()  # the read is written last in the unit of work
    event = db.session.scalars(select(AuditEvent)).one()
    assert (event.actor_id, event.action, event.subject_type, event.subject_id) == (
        coach.id, "competences.view", "user", amina.id)


def test_completed_courses_are_the_ended_circles_the_person_counts_in(amina, make_user,
                                                                       make_course):
    seldom = make_user(name="Seldom")
    # 4 sessions of 2 hours: Amina is there 7 of the 8 hours (≥ ¾), Seldom 2 of 8.
    make_course("Norsk A1", {amina: (120, 120, 120, 60), seldom: (120, 0, 0, 0)})
    make_course("Norsk A2", {amina: (120, 120, 120, 120)}, future=2)  # not over yet
    make_course("Data", {amina: (0, 0, 0, 120)})  # over, but Amina was there too little
    done = services.completed_courses(amina)
    assert [(c.title, c.hours, c.place) for c in done] == [("Norsk A1", 7, "Tøyen")]
    assert done[0].first_day < done[0].last_day
    assert services.completed_courses(seldom) == []


def test_cv_choices_say_what_goes_in(amina, make_course):
    arabic, english = language(amina), language(amina, "English", LanguageLevel.WORK)
    cook = services.add_item(amina, services.WorkData("Cook"))
    course = make_course("Norsk A1", {amina: (120,) * 4})
    assert services.cv_choice(amina).language == "nb"  # the meeting place's, until chosen
    services.save_cv_choices(amina, services.CvChoices(
        language="en", summary="Looking for work in a kitchen.",
        show_phone=False, show_birth_year=True,
        included={"languages": {arabic.id}, "work": {cook.id}}, courses=set()))
    cv = services.cv_of(amina)
    assert cv.language == "en" and cv.phone is None and cv.birth_year == 1988
    assert cv.email == "amina@example.org"
    assert [i.language for i in cv.languages] == ["Arabic"]
    assert english.in_cv is False
    assert cv.courses == []
    assert db.session.scalars(select(CvCourseLeftOut.activity_id)).all() == [course.id]
    services.save_cv_choices(amina, services.CvChoices(language="nb", courses={course.id}))
    assert [c.title for c in services.cv_of(amina).courses] == ["Norsk A1"]


def test_a_cv_is_made_only_in_the_meeting_place_language_or_english(amina):
    assert services.cv_languages(amina) == ["nb", "en"]
    with pytest.raises(DomainError, match="Choose one of the languages shown"):
        services.save_cv_choices(amina, services.CvChoices(language="sv"))
    assert db.session.scalar(select(func.count()).select_from(CvChoice)) == 0


def test_erasure_removes_every_competence_and_cv_choice(amina, make_user, make_course):
    other = make_user()
    for person in (amina, other):
        language(person)
        services.add_item(person, services.EducationData(EducationLevel.OTHER))
        services.add_item(person, services.WorkData("Cook"))
        services.add_item(person, services.CertificateData("First aid"))
        services.save_talents(person, "Cooking")
        services.save_licences(person, ["B"])
        services.save_cv_choices(person, services.CvChoices(language="en"))
    make_course("Norsk A1", {amina: (120,) * 4})
    services.save_cv_choices(amina, services.CvChoices(language="en", courses=set()))
    signals.person_erased.send(amina, actor=None, now=utcnow())
    for model in OWNED:
        owners = set(db.session.scalars(select(model.owner_id)))
        assert owners == ({other.id} if model is not CvCourseLeftOut else set()), model


def test_my_data_has_a_competences_section(amina, make_course):
    language(amina, "Tigrinya", LanguageLevel.FLUENT)
    services.add_item(amina, services.WorkData("Carer", "Home care", "Eritrea", 2015, 2018))
    services.save_licences(amina, ["B"])
    make_course("Norsk A1", {amina: (120,) * 4})
    services.save_cv_choices(amina, services.CvChoices(language="en", courses=set()))
    data = signals.collect(signals.data_requested, amina)["competences"]
    assert data["languages"] == [{"language": "Tigrinya", "level": "fluent", "in_cv": False}]
    assert data["work"] == [{"what": "Carer", "workplace": "Home care", "country": "Eritrea",
                              "from_year": 2015, "to_year": 2018, "in_cv": False}]
    assert data["driving_licence"] == ["B"]
    assert data["cv"]["language"] == "en" and data["cv"]["courses_left_out"] == ["Norsk A1"]



def test_deleting_an_account_removes_the_competences_through_the_signal(amina, make_user):
    from portal.privacy import services as privacy

    language(amina)
    services.save_talents(amina, "Cooking")
    services.save_cv_choices(amina, services.CvChoices(language="en"))
    privacy.erase(amina, amina)
    for model in OWNED:
        assert db.session.scalar(select(func.count()).select_from(model)) == 0, model
