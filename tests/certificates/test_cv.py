"""Workshops in My CV: a workshop completed by the certificates' rule (conftest.cv_workshop,
hand-computed) is among the CV's courses with the real time present, as its certificate
states it; one not completed is not; the person may leave it out. The page, the preview and
the PDF read back with pypdf."""

from sqlalchemy import select

from portal import signals
from portal.certificates import services as certificates
from portal.certificates.models import CertificateKind
from portal.competences import cv as cv_document
from portal.competences import services
from portal.competences.models import CvCourseLeftOut
from portal.extensions import db
from tests.pdfs import text_of

TITLE = "Skriv en god søknad"


def courses(person) -> list[tuple]:
    return [(c.title, c.place, c.hours, c.minutes) for c in services.cv_courses(person)]


def test_a_workshop_completed_by_the_certificates_rule_is_among_the_cv_courses(cv_workshop):
    assert courses(cv_workshop["amina"]) == [(TITLE, "Tøyen", 6, 360)]
    assert courses(cv_workshop["bo"]) == [(TITLE, "Tøyen", 4, 295)]
    assert courses(cv_workshop["cy"]) == [(TITLE, "Tøyen", 4, 270)]  # exactly ¾
    assert courses(cv_workshop["dag"]) == []  # 269 of 360 minutes: a minute short
    assert courses(cv_workshop["eli"]) == []  # at every session, but 260 minutes
    # The same dates as the certificate; a study circle's list stays the circles' only, so
    # the certificates do not count the workshop twice.
    (course,) = services.cv_courses(cv_workshop["amina"])
    (item,) = certificates.earned(cv_workshop["amina"])
    assert (course.activity_id, course.first_day, course.last_day) == (
        item.source_id, item.first_day, item.last_day)
    assert services.completed_courses(cv_workshop["amina"]) == []
    assert [i.kind for i in certificates.earned(cv_workshop["amina"])] == [
        CertificateKind.WORKSHOP]


def test_a_workshop_with_a_list_not_signed_is_not_in_the_cv_until_it_is(site, make_user,
                                                                          make_workshop):
    ola = make_user(name="Ola")
    unsigned = make_workshop(site, "Usignert", {ola: (60, 90)}, minutes=(60, 90), signed=False)
    assert services.cv_courses(ola) == [] and services.cv_of(ola).courses == []
    for session in unsigned.sessions:
        session.signed_off_at = session.ends_at
    db.session.flush()
    assert courses(ola) == [("Usignert", "Tøyen", 2, 150)]


def test_workshops_and_study_circles_are_listed_newest_first(site, cv_workshop, make_circle):
    amina = cv_workshop["amina"]
    make_circle(site, "Norsk A1", {amina: (120, 120, 120, 120)}, minutes=(120,) * 4,
                days_ago=150)  # ended about 129 days ago; the workshop about 46
    assert [(c.title, c.hours, c.minutes) for c in services.cv_courses(amina)] == [
        (TITLE, 6, 360), ("Norsk A1", 8, None)]
    assert [c.title for c in services.cv_of(amina).courses] == [TITLE, "Norsk A1"]


def test_the_cv_page_offers_the_workshop_and_leaving_it_out_keeps_it_out(client, cv_workshop):
    bo, workshop = cv_workshop["bo"], cv_workshop["workshop"]
    client.login(bo.email)
    form = client.get("/competences/cv").get_data(as_text=True)
    assert f'id="courses-{workshop.id}" name="courses" value="{workshop.id}" checked' in form
    assert TITLE in form
    saved = client.post("/competences/cv", {"language": "en", "courses": [str(workshop.id)]})
    assert saved.status_code == 303
    preview = client.get("/competences/cv/preview").get_data(as_text=True)
    assert TITLE in preview and "4 hours and 55 minutes" in preview
    assert ">Courses</h2>" in preview
    # Left out: not in the preview nor the PDF, unticked on the form, and in My data.
    assert client.post("/competences/cv", {"language": "en"}).status_code == 303
    assert db.session.scalars(select(CvCourseLeftOut.activity_id)).all() == [workshop.id]
    preview = client.get("/competences/cv/preview").get_data(as_text=True)
    assert TITLE not in preview and "55 minutes" not in preview
    text, _reader = text_of(client.get("/competences/cv/download").get_data())
    assert TITLE not in text and "55 minutes" not in text
    form = client.get("/competences/cv").get_data(as_text=True)
    unticked = f'id="courses-{workshop.id}" name="courses" value="{workshop.id}">'
    assert unticked in form and f'value="{workshop.id}" checked' not in form
    data = signals.collect(signals.data_requested, bo)["competences"]
    assert data["cv"]["courses_left_out"] == [TITLE]


def test_the_pdf_states_the_real_time_present_in_the_cv_language(client, cv_workshop):
    for who, language, said in (("bo", "nb", "4 timer og 55 minutter"), ("amina", "nb", "6 timer"),
                                ("cy", "en", "4 hours and 30 minutes")):
        person = cv_workshop[who]
        services.save_cv_choices(person, services.CvChoices(
            language=language, courses={cv_workshop["workshop"].id}))
        client.login(person.email)
        response = client.get("/competences/cv/download")
        assert response.status_code == 200
        text, reader = text_of(response.get_data())
        assert len(reader.pages) == 1
        assert TITLE in text and "Tøyen" in text and said in text, (who, text)
        heading = "Kurs" if language == "nb" else "Courses"
        assert heading.upper() in text or heading in text


def test_a_workshop_not_completed_is_not_in_the_pdf(cv_workshop):
    dag = cv_workshop["dag"]
    services.save_cv_choices(dag, services.CvChoices(language="en", courses=set()))
    assert db.session.scalars(select(CvCourseLeftOut)).all() == []  # nothing to leave out
    text, _reader = text_of(cv_document.pdf_of(services.cv_of(dag)))
    assert "Dag Moe" in text and TITLE not in text and "Courses" not in text
