"""My competences and My CV as pages and htmx fragments; who may see them."""

from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.competences import services
from portal.competences.models import LanguageLevel, LanguageSkill
from portal.extensions import db
from portal.goals import services as goals
from portal.goals.models import Share, ShareScope
from tests.competences.conftest import AMINA


def test_the_page_lists_every_part_and_adds_a_language_with_and_without_htmx(client, amina):
    client.login(amina.email)
    page = client.get("/competences").get_data(as_text=True)
    for heading in ("My competences", "Languages", "Work experience", "Education",
                    "What I am good at", "Driving licence", "Other certificates"):
        assert heading in page
    response = client.post("/competences/languages", {"languages-language": "Arabic",
                                                      "languages-level": "native"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/competences#languages")
    fragment = client.post("/competences/languages", {"languages-language": "Norwegian",
                                                      "languages-level": "everyday"}, htmx=True)
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in text
    assert 'id="languages"' in text and "Norwegian" in text and "Everyday conversation (B1)" in text
    assert [i.language for i in services.items(amina, "languages")] == ["Arabic", "Norwegian"]


def test_a_wrong_item_comes_back_with_its_errors_and_the_input_kept(client, amina):
    client.login(amina.email)
    data = {"work-what": "", "work-workplace": "Café Damaskus", "work-from_year": "2015",
            "work-to_year": "2010"}
    page = client.post("/competences/work", data)
    assert page.status_code == 422
    assert "This field is required." in page.get_data(as_text=True)
    assert "Café Damaskus" in page.get_data(as_text=True)
    fragment = client.post("/competences/work", data | {"work-what": "Cook"}, htmx=True)
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 422 and "<html" not in text
    assert "The year it ended is before the year it started." in text
    year = client.post("/competences/work", {"work-what": "Cook", "work-from_year": "٢٠٥٠"})
    assert year.status_code == 422 and "Write a year between 1940 and" in year.get_data(
        as_text=True)
    assert services.items(amina, "work") == []


def test_an_item_is_changed_on_its_own_page_and_removed_in_place(client, amina):
    work = services.add_item(amina, services.WorkData("Cook", "Café Damaskus", "Syria", 2010))
    client.login(amina.email)
    page = client.get(f"/competences/work/{work.id}")
    assert page.status_code == 200 and "Café Damaskus" in page.get_data(as_text=True)
    saved = client.post(f"/competences/work/{work.id}", {"what": "Head cook", "from_year": "2010",
                                                         "to_year": "2016"})
    assert saved.status_code == 303
    assert saved.headers["Location"].endswith("/competences#work")
    db.session.refresh(work)
    assert (work.what, work.workplace, work.to_year) == ("Head cook", "", 2016)
    bad = client.post(f"/competences/work/{work.id}", {"what": "Cook", "to_year": "1800"},
                      htmx=True)
    assert bad.status_code == 422 and 'id="edit-form"' in bad.get_data(as_text=True)
    gone = client.post(f"/competences/work/{work.id}/remove", htmx=True)
    assert gone.status_code == 200 and "Head cook" not in gone.get_data(as_text=True)
    assert services.items(amina, "work") == []


def test_nobody_else_reaches_an_item(client, amina, make_user):
    arabic = services.add_item(amina, services.LanguageData("Amharic", LanguageLevel.NATIVE))
    for role in (Role.PARTICIPANT, Role.COORDINATOR):
        client.login(make_user(role).email)
        assert client.get(f"/competences/languages/{arabic.id}").status_code == 404
        assert client.post(f"/competences/languages/{arabic.id}", {
            "language": "Hacked", "level": "fluent"}).status_code == 404
        assert client.post(f"/competences/languages/{arabic.id}/remove").status_code == 404
        assert "Amharic" not in client.get("/competences").get_data(as_text=True)
    assert db.session.get(LanguageSkill, arabic.id).language == "Amharic"
    assert client.get("/competences/cats/1").status_code == 404


def test_talents_start_from_the_plan_and_licences_are_ticked(client, amina):
    goals.answer(amina, "strengths", "Sewing and cooking")
    client.login(amina.email)
    page = client.get("/competences").get_data(as_text=True)
    assert "Sewing and cooking" in page and "This is your answer from My plan." in page
    saved = client.post("/competences/talents", {"talents": "Sewing, cooking, patience"},
                        htmx=True)
    assert saved.status_code == 200 and "Saved." in saved.get_data(as_text=True)
    assert services.talents_of(amina) == ("Sewing, cooking, patience", False)
    licences = client.post("/competences/licences", {"classes": ["B", "BE"]})
    assert licences.status_code == 303
    assert services.licences_of(amina) == ["B", "BE"]
    wrong = client.post("/competences/licences", {"classes": ["B", "X"]}, htmx=True)
    assert wrong.status_code == 422 and "Choose only from the options shown." in wrong.get_data(
        as_text=True)
    assert services.licences_of(amina) == ["B", "BE"]


def test_staff_read_competences_only_while_shared_and_each_read_is_audited(client, amina,
                                                                            coach):
    services.add_item(amina, services.LanguageData("Tigrinya", LanguageLevel.FLUENT))
    goals.answer(amina, "strengths", "Private plan answer")
    client.login(coach.email)
    assert client.get(f"/competences/shared/{amina.id}").status_code == 404
    client.login(amina.email)
    sharing = client.get("/goals/sharing?what=competences").get_data(as_text=True)
    assert '<option selected value="competences">My competences</option>' in sharing
    assert client.post("/goals/sharing", {"staff_id": coach.id,
                                          "what": "competences"}).status_code == 303
    assert "Kari Coach" in client.get("/competences").get_data(as_text=True)
    share = db.session.scalars(select(Share)).one()
    assert (share.scope, share.goal_id) == (ShareScope.COMPETENCES, None)
    client.login(coach.email)
    listed = client.get("/competences/shared").get_data(as_text=True)
    assert AMINA in listed
    page = client.get(f"/competences/shared/{amina.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Tigrinya" in text
    assert "Private plan answer" not in text and "Remove" not in text
    assert client.get("/goals/shared").get_data(as_text=True).count(AMINA) == 0
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "competences.view")).all()
    assert [(e.actor_id, e.subject_id) for e in events] == [(coach.id, amina.id)]
    client.login(amina.email)
    assert client.post(f"/goals/sharing/{share.id}/withdraw").status_code == 303
    client.login(coach.email)
    assert client.get(f"/competences/shared/{amina.id}").status_code == 404
    assert AMINA not in client.get("/competences/shared").get_data(as_text=True)


def test_the_cv_form_saves_the_choices_and_the_preview_shows_only_them(client, amina):
    arabic = services.add_item(amina, services.LanguageData("Arabic", LanguageLevel.NATIVE))
    services.add_item(amina, services.LanguageData("Klingon", LanguageLevel.FEW_WORDS))
    cook = services.add_item(amina, services.WorkData("Cook", "Café Damaskus", "Syria", 2010,
                                                      2016))
    client.login(amina.email)
    form = client.get("/competences/cv").get_data(as_text=True)
    assert "\u2068Klingon\u2069 – A few words" in form and "Norsk bokmål" in form
    saved = client.post("/competences/cv", {
        "language": "nb", "summary": "Jeg vil jobbe på kjøkken.", "personal": ["email"],
        "languages": [str(arabic.id)], "work": [str(cook.id)]})
    assert saved.status_code == 303
    assert saved.headers["Location"].endswith("/competences/cv/preview")
    preview = client.get("/competences/cv/preview").get_data(as_text=True)
    assert "My CV" in preview  # the page in the reader's language …
    for heading in ("Arbeidserfaring", "Språk", "Om meg", "Morsmål"):  # … the CV in Norwegian
        assert heading in preview
    assert "Klingon" not in preview and "+47" not in preview and AMINA in preview
    assert "amina@example.org" in preview
    again = client.get("/competences/cv").get_data(as_text=True)
    assert f'id="languages-{arabic.id}" name="languages" value="{arabic.id}" checked' in again


def test_the_cv_is_refused_in_a_language_not_offered(client, amina):
    client.login(amina.email)
    refused = client.post("/competences/cv", {"language": "sv"}, htmx=True)
    assert refused.status_code == 422
    assert "Choose one of the options." in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(services.CvChoice)) == 0


def test_the_cv_downloads_as_a_pdf(client, amina):
    client.login(amina.email)
    response = client.get("/competences/cv/download")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="CV.pdf"'
    assert response.get_data().startswith(b"%PDF-")


def test_the_pages_work_right_to_left_in_arabic(client, make_user):
    person = make_user(language="ar")
    client.login(person.email)
    for url in ("/competences", "/competences/cv", "/competences/cv/preview"):
        page = client.get(url).get_data(as_text=True)
        assert '<html lang="ar" dir="rtl">' in page, url
