from datetime import date, time, timedelta

import pytest

from portal.accounts.models import Role
from portal.activities import services
from portal.activities.models import Activity, Kind, Session
from portal.extensions import db


def next_monday() -> date:
    today = date.today()
    return today + timedelta(days=7 - today.weekday())


def test_list_page_fragment_and_filters(client, make_activity, site, leader):
    circle = make_activity(title="Norsk A1", languages="norsk")
    cafe = make_activity(kind=Kind.LANGUAGE_CAFE, capacity=None, title="Språkkafé")
    services.add_series(leader, cafe, services.plan_series(
        site, next_monday(), time(18, 0), 90, 1, count=2), True)
    page = client.get("/activities")
    assert page.status_code == 200 and "Norsk A1" in page.text and "Språkkafé" in page.text
    fragment = client.get("/activities?kind=study_circle", htmx=True)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "Norsk A1" in fragment.text and "Språkkafé" not in fragment.text
    assert "Next time:" in client.get("/activities?weekday=0").text
    assert "Nothing found" in client.get("/activities?q=zzz").text
    assert client.get(f"/activities/{circle.id}").status_code == 200


def test_bad_filter_values_never_fail(client, make_activity):
    make_activity()
    for query in ("weekday=9", "kind=evil", "site=abc", "level=<b>", "q=" + "x" * 500):
        assert client.get(f"/activities?{query}").status_code == 200, query


def test_join_and_leave_as_page_and_fragment(client, login_as, make_activity, make_user):
    circle = make_activity(capacity=1)
    services.enrol(make_user(), circle.id)
    login_as()
    full = client.post(f"/activities/{circle.id}/join")
    assert full.status_code == 303 and full.headers["Location"] == f"/activities/{circle.id}"
    page = client.get(f"/activities/{circle.id}").text
    assert "You are number 1 on the waiting list." in page
    fragment = client.post(f"/activities/{circle.id}/leave", htmx=True)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert 'id="participation"' in fragment.text and "Join the waiting list" in fragment.text


def test_join_needs_login_and_csrf(client, make_activity):
    circle = make_activity()
    assert client.post(f"/activities/{circle.id}/join").headers["Location"].startswith(
        "/accounts/login")
    assert client.post(f"/activities/{circle.id}/join", csrf=False).status_code == 400


def test_follow_a_cafe(client, login_as, make_activity):
    cafe = make_activity(kind=Kind.LANGUAGE_CAFE, capacity=None)
    login_as()
    response = client.post(f"/activities/{cafe.id}/follow", htmx=True)
    assert "You follow this café." in response.text
    assert "Stop following" in client.post(f"/activities/{cafe.id}/follow", htmx=True).text
    assert "You follow" not in client.post(f"/activities/{cafe.id}/unfollow", htmx=True).text


def test_joining_a_cafe_is_refused_kindly(client, login_as, make_activity):
    cafe = make_activity(kind=Kind.LANGUAGE_CAFE, capacity=None)
    login_as()
    response = client.post(f"/activities/{cafe.id}/join")
    assert response.status_code == 303
    assert "follow the café instead" in client.get(f"/activities/{cafe.id}").text
    fragment = client.post(f"/activities/{cafe.id}/join", htmx=True)
    assert fragment.status_code == 200 and "follow the café instead" in fragment.text
    # A refusal keeps nothing of the attempt, not even the number it drew for the queue.
    assert db.session.get(Activity, cafe.id).queue_counter == 0


def test_archived_and_missing_activities_are_404(client, login_as, make_activity):
    circle = make_activity()
    circle.status = "archived"
    db.session.commit()
    login_as()
    assert client.get(f"/activities/{circle.id}").status_code == 404
    assert client.get("/activities/999999").status_code == 404
    assert client.post(f"/activities/{circle.id}/join").status_code == 404


@pytest.mark.parametrize("role, status", [(Role.PARTICIPANT, 403), (Role.VOLUNTEER, 200),
                                          (Role.COORDINATOR, 200)])
def test_who_may_create_activities(client, login_as, role, status):
    login_as(role)
    assert client.get("/activities/new").status_code == status
    if status == 200:
        assert "<html" not in client.get("/activities/new", htmx=True).text


def test_create_activity_then_series_with_preview(client, login_as, site):
    login_as(Role.VOLUNTEER)
    invalid = client.post(f"/activities/new?site={site.id}", {
        "kind": "study_circle", "title": "Circle", "level": "all"}, htmx=True)
    assert invalid.status_code == 422 and 'id="capacity-error"' in invalid.text
    created = client.post(f"/activities/new?site={site.id}", {
        "kind": "study_circle", "title": "Svenska A2", "level": "beginner", "capacity": "٨"})
    assert created.status_code == 303
    activity = db.session.scalar(db.select(Activity))
    assert activity.capacity == 8  # Arabic-Indic digits accepted
    url = f"/activities/{activity.id}/series"
    assert created.headers["Location"] == url
    form = {"first_day": next_monday().isoformat(), "start": "18:00", "minutes": "90",
            "every_weeks": "1", "count": "3", "holidays": "skip"}
    preview = client.post(url, {**form, "preview": "1"}, htmx=True)
    assert preview.status_code == 200 and 'class="preview"' in preview.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Session)) == 0
    assert client.post(url, form).status_code == 303
    assert db.session.scalar(db.select(db.func.count()).select_from(Session)) == 3
    past = client.post(url, {**form, "first_day": "2020-01-06"}, htmx=True)
    assert past.status_code == 422 and 'id="first_day-error"' in past.text


def test_only_leaders_and_coordinators_add_sessions(client, login_as, make_activity, make_site,
                                                    make_user):
    circle = make_activity()
    login_as(Role.VOLUNTEER)  # a volunteer who does not lead this circle
    assert client.get(f"/activities/{circle.id}/series").status_code == 403
    other = Role.COORDINATOR
    client.post("/accounts/logout")
    login_as(other, at=make_site("Elsewhere"))
    assert client.get(f"/activities/{circle.id}/series").status_code == 403
    client.post("/accounts/logout")
    login_as(Role.COORDINATOR)
    assert client.get(f"/activities/{circle.id}/series").status_code == 200


@pytest.fixture
def scheduled(site, make_activity, leader, make_user):
    circle = make_activity(title="Norsk A1")
    services.add_series(leader, circle, services.plan_series(
        site, next_monday(), time(18, 0), 90, 1, count=2), True)
    member = make_user(name="Member")
    services.enrol(member, circle.id)
    return circle, circle.sessions[0], member


def test_edit_session_page_fragment_and_permissions(client, login_as, scheduled, make_user):
    circle, session, member = scheduled
    login_as(Role.VOLUNTEER)
    assert client.get(f"/activities/sessions/{session.id}").status_code == 403
    client.post("/accounts/logout")
    login_as(Role.COORDINATOR)
    page = client.get(f"/activities/sessions/{session.id}")
    assert page.status_code == 200 and 'id="session-form"' in page.text
    fragment = client.get(f"/activities/sessions/{session.id}", htmx=True)
    assert "<html" not in fragment.text and f'id="session-{session.id}"' in fragment.text
    assert client.get("/activities/sessions/999999").status_code == 404


def test_move_and_cancel_through_views(client, login_as, scheduled):
    circle, session, member = scheduled
    login_as(Role.COORDINATOR)
    url = f"/activities/sessions/{session.id}"
    past = client.post(url, {"day": "2020-01-06", "start": "18:00", "minutes": "90"}, htmx=True)
    assert past.status_code == 422 and 'id="day-error"' in past.text
    moved = client.post(url, {"day": (next_monday() + timedelta(days=2)).isoformat(),
                              "start": "17:30", "minutes": "90", "place": "Rom 3"})
    assert moved.status_code == 303
    no_reason = client.post(f"{url}/cancel", {"reason": ""}, htmx=True)
    assert no_reason.status_code == 422 and 'id="reason-error"' in no_reason.text
    cancelled = client.post(f"{url}/cancel", {"reason": "Sick leader"}, htmx=True)
    assert cancelled.headers["HX-Redirect"] == f"/activities/{circle.id}"
    page = client.get(f"/activities/{circle.id}").text
    assert "Cancelled" in page and "Sick leader" in page and "Rom 3" in page


def test_member_reads_messages(client, scheduled, leader):
    circle, session, member = scheduled
    services.cancel_session(leader, session, "Snow")
    client.login(member.email)
    assert "Messages (1 new)" in client.get("/").text
    page = client.get("/notify")
    assert page.status_code == 200 and "is cancelled" in page.text and "Snow" in page.text
    assert "<html" not in client.get("/notify", htmx=True).text
    assert client.post("/notify/read").status_code == 303
    assert "Messages (1 new)" not in client.get("/").text


def test_messages_are_private(client, scheduled, leader, login_as):
    circle, session, member = scheduled
    services.cancel_session(leader, session, "Snow")
    login_as()
    assert "Snow" not in client.get("/notify").text
    assert client.get("/notify").status_code == 200


def test_edit_activity_page_fragment_and_422(client, login_as, make_activity, make_user):
    circle = make_activity(capacity=2)
    for _ in range(2):
        services.enrol(make_user(), circle.id)
    login_as(Role.COORDINATOR)
    url = f"/activities/{circle.id}/edit"
    assert 'id="edit-activity-form"' in client.get(url).text
    assert "<html" not in client.get(url, htmx=True).text
    form = {"kind": "study_circle", "title": "New title", "level": "all", "capacity": "1",
            "status": "open", "leaders": [str(circle.leaders[0].id)]}
    too_small = client.post(url, form, htmx=True)
    assert too_small.status_code == 422 and 'id="capacity-error"' in too_small.text
    assert client.post(url, {**form, "capacity": "5", "status": "closed"}).status_code == 303
    db.session.refresh(circle)
    assert (circle.title, circle.capacity, circle.status) == ("New title", 5, "closed")


def test_volunteers_take_and_drop_cafe_shifts(client, login_as, site, make_activity, leader):
    cafe = make_activity(kind=Kind.LANGUAGE_CAFE, capacity=None, title="Språkkafé")
    services.add_series(leader, cafe, services.plan_series(
        site, next_monday(), time(18, 0), 90, 1, count=2), True)
    session = cafe.sessions[0]
    # An open shift is the volunteers' business: visitors and participants are not alarmed.
    assert "No host yet" not in client.get(f"/activities/{cafe.id}").text
    volunteer = login_as(Role.VOLUNTEER, name="Helper Hanne")
    assert "No host yet" in client.get(f"/activities/{cafe.id}").text
    row = client.post(f"/activities/sessions/{session.id}/host", htmx=True)
    assert row.status_code == 200 and "<html" not in row.text
    assert "Helper Hanne" in row.text and "I can't host" in row.text
    assert client.post(f"/activities/sessions/{session.id}/host").status_code == 303
    db.session.refresh(session)
    assert session.hosts == [volunteer]
    home = client.get("/").text
    assert "Your café shifts" in home and "Språkkafé" in home
    client.post(f"/activities/sessions/{session.id}/unhost")
    db.session.refresh(session)
    assert session.hosts == []


def test_participants_cannot_host(client, login_as, site, make_activity, leader):
    cafe = make_activity(kind=Kind.LANGUAGE_CAFE, capacity=None)
    services.add_series(leader, cafe, services.plan_series(
        site, next_monday(), time(18, 0), 90, 1, count=1), True)
    login_as()
    page = client.get(f"/activities/{cafe.id}").text
    assert "I'll host" not in page and "No host yet" not in page
    client.post(f"/activities/sessions/{cafe.sessions[0].id}/host")
    db.session.refresh(cafe.sessions[0])
    assert cafe.sessions[0].hosts == []
    assert client.post("/activities/sessions/999999/host").status_code == 404


def test_leaders_see_their_activities_on_their_page(client, site, make_activity, leader):
    make_activity(title="Norsk A1")
    client.login(leader.email)
    home = client.get("/").text
    assert "Activities you lead" in home and "Norsk A1" in home


def test_edit_leaders_only_from_site_staff(client, login_as, make_activity, make_user,
                                           make_site, leader):
    circle = make_activity(capacity=3)
    colleague = make_user(Role.VOLUNTEER, name="Co Leader")
    outsider = make_user(Role.VOLUNTEER, at=make_site("Elsewhere"))
    participant = make_user(name="Just Participant")
    login_as(Role.COORDINATOR)
    url = f"/activities/{circle.id}/edit"
    page = client.get(url).text
    assert "Co Leader" in page and "Just Participant" not in page
    form = {"kind": "study_circle", "title": "T", "level": "all", "capacity": "3",
            "status": "open", "leaders": [str(colleague.id), str(outsider.id),
                                          str(participant.id)]}
    assert client.post(url, form).status_code == 422  # not a choice for this place
    form["leaders"] = [str(leader.id), str(colleague.id)]
    assert client.post(url, form).status_code == 303
    db.session.refresh(circle)
    assert {u.id for u in circle.leaders} == {leader.id, colleague.id}
    none = client.post(url, {**form, "leaders": []}, htmx=True)
    assert none.status_code == 422 and 'id="leaders-error"' in none.text


def test_list_pages_thirty_at_a_time(client, site, leader):
    for index in range(35):
        services.create_activity(leader, site, services.ActivityData(
            kind=Kind.LANGUAGE_CAFE, title=f"Café {index:02d}"))
    first = client.get("/activities")
    assert "35 activities" in first.text and first.text.count('class="card"') == 30
    assert "page=2" in first.text and "Previous page" not in first.text
    second = client.get("/activities?page=2", htmx=True)
    assert second.text.count('class="card"') == 5 and "Previous page" in second.text
    assert client.get("/activities?page=99").status_code == 200
    assert client.get("/activities?page=-3").text.count('class="card"') == 30
