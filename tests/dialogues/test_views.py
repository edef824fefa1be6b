"""The organiser's page and the activity's page of a dialogue seminar or workshop."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.activities import services as activities
from portal.activities.models import Kind
from portal.dialogues import services
from portal.dialogues.models import Action, Guest, Point, Question
from portal.extensions import db, utcnow


def test_the_organiser_adds_everything_and_follows_an_action_up(client, login_as, site):
    coordinator = login_as(Role.COORDINATOR)
    seminar = activities.create_activity(coordinator, site, activities.ActivityData(
        kind=Kind.DIALOGUE_SEMINAR, title="Møte med NAV"))
    base = f"/activities/{seminar.id}"
    assert f"{base}/dialogue" in client.get(base).text
    page = client.get(f"{base}/dialogue")
    assert page.status_code == 200 and "Guests, questions, main points and actions" in page.text
    added = client.post(f"{base}/guests", {"name": "Kari Nordmann", "organisation": "NAV"})
    assert added.status_code == 303 and added.headers["Location"].endswith("/dialogue#guests")
    assert client.post(f"{base}/questions", {"question": "Where is work practice?"}
                       ).status_code == 303
    assert client.post(f"{base}/points", {"point": "Shops want Norwegian."}).status_code == 303
    due = (utcnow().date() + timedelta(days=14)).isoformat()
    response = client.post(f"{base}/actions", {"what": "Ask three shops", "who": "NAV",
                                               "due_on": due})
    assert response.status_code == 303
    assert "Everyone who took part can see it." in client.get(response.headers["Location"]).text
    action = db.session.scalar(select(Action))
    assert client.post(f"/activities/actions/{action.id}/done").status_code == 303
    assert db.session.get(Action, action.id).done_at is not None
    assert "Not done after all" in client.get(f"{base}/dialogue").text
    assert client.post(f"/activities/actions/{action.id}/open").status_code == 303
    assert db.session.get(Action, action.id).done_at is None
    for kind, model in (("guests", Guest), ("questions", Question), ("points", Point),
                        ("actions", Action)):
        item = db.session.scalar(select(model))
        assert client.post(f"/activities/{kind}/{item.id}/remove").status_code == 303
        assert db.session.scalar(select(func.count()).select_from(model)) == 0


@pytest.mark.parametrize("path, form, field", [
    ("guests", {"name": "", "organisation": "NAV"}, "name"),
    ("guests", {"name": "x" * 81}, "name"),
    ("guests", {"name": "Kari", "organisation": "o" * 121}, "organisation"),
    ("questions", {"question": "   "}, "question"),
    ("questions", {"question": "q" * 301}, "question"),
    ("points", {"point": "p" * 501}, "point"),
    ("actions", {"what": ""}, "what"),
    ("actions", {"what": "A", "due_on": "tomorrow"}, "due_on"),
    ("actions", {"what": "A", "due_on": "9999-12-31"}, "due_on"),
    ("actions", {"what": "A", "due_on": "1900-01-01"}, "due_on"),
    ("actions", {"what": "A", "who": "w" * 121}, "who"),
])
def test_bad_input_gets_a_message_and_keeps_nothing(client, login_as, seminar, path, form,
                                                    field):
    login_as(Role.COORDINATOR)
    response = client.post(f"/activities/{seminar.id}/{path}", form)
    assert response.status_code == 422 and f'id="{field}-error"' in response.text
    for model in (Guest, Question, Point, Action):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0


def test_markup_is_shown_as_text(client, login_as, seminar, leader):
    services.add_question(leader, seminar, "<script>alert(1)</script>")
    services.add_guest(leader, seminar, "<b>Kari</b>", "<i>NAV</i>")
    db.session.commit()
    login_as(Role.COORDINATOR)
    for url in (f"/activities/{seminar.id}", f"/activities/{seminar.id}/dialogue"):
        page = client.get(url).text
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
        assert "<i>NAV</i>" not in page


def test_forms_need_csrf(client, login_as, seminar):
    login_as(Role.COORDINATOR)
    assert client.post(f"/activities/{seminar.id}/guests", {"name": "Kari"},
                       csrf=False).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Guest)) == 0


def test_who_may_open_the_organisers_page(client, login_as, seminar, site, leader):
    action = services.add_action(leader, seminar, "A", "", None)
    circle = activities.create_activity(leader, site, activities.ActivityData(
        kind=Kind.STUDY_CIRCLE, title="Norsk", capacity=4))
    db.session.commit()
    login_as()  # a participant
    assert client.get(f"/activities/{seminar.id}/dialogue").status_code == 403
    assert client.post(f"/activities/{seminar.id}/guests", {"name": "Kari"}).status_code == 403
    assert client.post(f"/activities/actions/{action.id}/done").status_code == 403
    assert client.post(f"/activities/actions/{action.id}/remove").status_code == 403
    client.post("/accounts/logout")
    login_as(Role.COORDINATOR)
    assert client.get(f"/activities/{circle.id}/dialogue").status_code == 404
    assert client.post("/activities/actions/999999/done").status_code == 404
    assert client.post("/activities/guests/999999/remove").status_code == 404
    assert db.session.get(Action, action.id).done_at is None


def test_those_who_took_part_see_the_actions_on_the_activity_page(client, login_as, seminar,
                                                                  leader, make_user):
    services.add_guest(leader, seminar, "Kari Nordmann", "NAV")
    services.add_question(leader, seminar, "Where is work practice?")
    services.add_point(leader, seminar, "Shops want Norwegian.")
    done = services.add_action(leader, seminar, "Ask three shops", "NAV", None)
    services.set_done(leader, done, True)
    db.session.commit()
    url = f"/activities/{seminar.id}"
    visitor = client.get(url).text
    assert "Where is work practice?" in visitor and "Guests from:" in visitor
    assert "Kari Nordmann" not in visitor and "Ask three shops" not in visitor
    participant = login_as()
    assert "Ask three shops" not in client.get(url).text
    activities.enrol(participant, seminar.id)
    db.session.commit()
    page = client.get(url).text
    assert "Kari Nordmann" in page and "Shops want Norwegian." in page
    assert "Ask three shops" in page and "Done" in page
    assert "Mark done" not in page  # reading, not organising
