"""The CV as a PDF: its text read back with pypdf, as an employer's computer would."""


import pytest

from portal import pdf
from portal.accounts.models import Role
from portal.competences import cv as cv_document
from portal.competences import services
from portal.competences.models import EducationLevel, LanguageLevel
from tests.competences.conftest import AMINA
from tests.pdfs import fonts_of, text_of

HEADINGS = {
    "sv": ("Arbetslivserfarenhet", "Utbildning", "Kurser", "Språk", "Certifikat", "Körkort",
           "Färdigheter", "Om mig"),
    "en": ("Work experience", "Education", "Courses", "Languages", "Certificates",
           "Driving licence", "Skills", "About me"),
    "nb": ("Arbeidserfaring", "Utdanning", "Kurs", "Språk", "Sertifikater", "Førerkort",
           "Ferdigheter", "Om meg"),
    "da": ("Erhvervserfaring", "Uddannelse", "Kurser", "Sprog", "Certifikater", "Kørekort",
           "Færdigheder", "Om mig"),
}


@pytest.fixture
def swedish_amina(make_site, make_user):
    malmo = make_site("Malmö Möllan", "SE", "Europe/Stockholm")
    return make_user(Role.PARTICIPANT, at=malmo, name=AMINA, phone="+46701234567",
                     email="amina.se@example.org", birth_year=1988)


def fill(person, make_course):
    """A full profile; what must NOT reach the CV is marked LEFTOUT."""
    add = services.add_item
    keep = [add(person, services.LanguageData("Arabiska", LanguageLevel.NATIVE)),
            add(person, services.LanguageData("Svenska", LanguageLevel.EVERYDAY)),
            add(person, services.WorkData("Kock", "Restaurang Damaskus", "Syrien", 2008, 2015)),
            add(person, services.EducationData(EducationLevel.VOCATIONAL, "Matlagning",
                                               "Syrien", 2003, 2004, True)),
            add(person, services.CertificateData("Livsmedelshygien", "Malmö stad", 2024))]
    dropped = [add(person, services.LanguageData("LEFTOUTlanguage", LanguageLevel.FEW_WORDS)),
               add(person, services.WorkData("LEFTOUTwork", "LEFTOUTplace", "", 2001, 2002)),
               add(person, services.EducationData(EducationLevel.PRIMARY, "LEFTOUTschool")),
               add(person, services.CertificateData("LEFTOUTcertificate"))]
    services.save_talents(person, "Laga mat till många, sy kläder")
    services.save_licences(person, ["B", "BE"])
    course = make_course("Svenska för nybörjare", {person: (120, 120, 120, 120)})
    other = make_course("LEFTOUTcourse", {person: (120, 120, 120, 120)})
    return keep, dropped, course, other


@pytest.fixture
def make_course(make_user):
    """Courses at the person's own (Swedish) meeting place, with a companion at every session
    (Sweden reports a session only with three present, the leader included)."""
    from datetime import timedelta

    from portal.activities import services as activities
    from portal.activities.models import Attendance, AttendanceStatus, Kind, Session
    from portal.extensions import db, utcnow

    def make(title, present):
        person = next(iter(present))
        site = person.memberships[0].site
        leader = make_user(Role.VOLUNTEER, at=site)
        circle = activities.create_activity(leader, site, activities.ActivityData(
            kind=Kind.STUDY_CIRCLE, title=title, capacity=20))
        start = utcnow() - timedelta(days=70)
        sessions = [Session(activity_id=circle.id, starts_at=start + timedelta(days=7 * i),
                            ends_at=start + timedelta(days=7 * i, minutes=minutes))
                    for i, minutes in enumerate(present[person])]
        db.session.add_all(sessions)
        db.session.flush()
        companion = make_user(at=site, name="Companion")
        for someone in (person, companion):
            activities.enrol(someone, circle.id)
            db.session.add_all(Attendance(session_id=s.id, user_id=someone.id, minutes=minutes,
                                          status=AttendanceStatus.PRESENT)
                               for s, minutes in zip(sessions, present[person], strict=True))
        db.session.flush()
        return circle

    return make


def choose(person, language, keep, course):
    services.save_cv_choices(person, services.CvChoices(
        language=language, summary="Jag söker arbete i ett kök.", show_phone=False,
        show_email=True, show_birth_year=False,
        included={"languages": {keep[0].id, keep[1].id}, "work": {keep[2].id},
                  "education": {keep[3].id}, "certificates": {keep[4].id}},
        courses={course.id}))


def test_a_swedish_cv_has_swedish_headings_the_arabic_name_and_nothing_left_out(
        client, swedish_amina, make_course):
    keep, _dropped, course, _other = fill(swedish_amina, make_course)
    choose(swedish_amina, "sv", keep, course)
    client.login(swedish_amina.email)
    response = client.get("/competences/cv/download")
    text, reader = text_of(response.get_data())
    assert len(reader.pages) == 1
    for heading in HEADINGS["sv"]:
        assert heading.upper() in text or heading in text, heading
    assert AMINA in text
    for words in ("Kock", "Restaurang Damaskus", "Modersmål", "Vardagssamtal (B1)",
                  "Yrkesutbildning", "Ansökt om bedömning", "Svenska för nybörjare",
                  "8 timmar", "Livsmedelshygien", "Behörighet B och BE",
                  "Laga mat till många", "amina.se@example.org", "Jag söker arbete"):
        assert words in text, words
    assert "LEFTOUT" not in text
    assert "70 123 45 67" not in text and "1988" not in text  # phone and birth year left out
    assert "Work experience" not in text.title() and "Education" not in text.title()


def test_the_fonts_are_embedded_and_the_text_is_tagged(swedish_amina, make_course):
    keep, _dropped, course, _other = fill(swedish_amina, make_course)
    choose(swedish_amina, "en", keep, course)
    _text, reader = text_of(cv_document.pdf_of(services.cv_of(swedish_amina)))
    fonts = fonts_of(reader)
    assert {"Noto-Sans", "Noto-Sans-Bold", "Noto-Sans-Arabic-Bold"} <= set(fonts)
    assert all(fonts.values()), fonts  # every font is in the file, not borrowed from the reader
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged: read in order by readers
    assert reader.trailer["/Root"]["/Lang"] == "en"


@pytest.mark.parametrize("language", ["en", "nb", "da"])
def test_the_headings_follow_the_chosen_language(swedish_amina, make_course, language,
                                                 make_site):
    from portal.accounts.models import Membership

    places = [make_site("Oslo", "NO", "Europe/Oslo"),
              make_site("Nørrebro", "DK", "Europe/Copenhagen")]
    swedish_amina.memberships += [Membership(site=place) for place in places]
    keep, _dropped, course, _other = fill(swedish_amina, make_course)
    choose(swedish_amina, language, keep, course)
    html = cv_document.document(services.cv_of(swedish_amina))
    assert f'<html lang="{language}"' in html
    for heading in HEADINGS[language]:
        assert f">{heading}</h2>" in html, heading
    others = {h for code, words in HEADINGS.items() if code != language for h in words}
    others -= set(HEADINGS[language])
    assert not [h for h in others if f">{h}</h2>" in html]
    assert "LEFTOUT" not in html


def test_a_long_cv_is_made_smaller_to_fit_one_page(swedish_amina):
    for number in range(22):  # two pages at the normal size
        services.add_item(swedish_amina, services.WorkData(
            f"Job {number}", "A workplace with a long name", "Sverige", 2000 + number,
            2001 + number))
    services.save_cv_choices(swedish_amina, services.CvChoices(
        language="sv", included={"work": {i.id for i in services.items(swedish_amina,
                                                                        "work")}}))
    made = services.cv_of(swedish_amina)
    _text, unshrunk = text_of(pdf.render(cv_document.document(made), (cv_document.STYLESHEET,)))
    assert len(unshrunk.pages) == 2
    text, reader = text_of(cv_document.pdf_of(made))
    assert len(reader.pages) == 1
    assert "Job 0" in text and "Job 21" in text
