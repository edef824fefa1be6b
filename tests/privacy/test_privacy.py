"""My data and erasure: everything shown, nothing identifying left, numbers unchanged."""

import json
import re
from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from portal import work
from portal.accounts import phone
from portal.accounts.models import CodePurpose, Consent, Role, User
from portal.accounts.services import PRIVACY_PURPOSE
from portal.activities import attendance
from portal.activities import services as activities
from portal.activities.models import Attendance, Enrolment, Kind, Session
from portal.audit.models import AuditEvent
from portal.extensions import db, utcnow
from portal.goals import services as goals
from portal.goals.models import Goal, Share, Step
from portal.meetings import services as meetings
from portal.meetings.models import Availability, Booking, Window
from portal.notify.models import Notification
from portal.privacy import consents
from portal.push.models import PushSubscription
from portal.reports import services as reports
from portal.reports.periods import period_for
from tests.conftest import PASSWORD
from tests.sms_provider import texts, use


@pytest.fixture
def life(site, make_user):
    """A participant with a bit of everything: a course, attendance, a plan shared with a
    coach, a past and a coming meeting, messages."""
    coach = make_user(Role.VOLUNTEER, name="Coach", language="en")
    person = make_user(name="Hodan Warsame", phone="+4791234567", email="hodan@example.org")
    waiting = make_user(name="Next In Line")
    circle = activities.create_activity(coach, site, activities.ActivityData(
        kind=Kind.STUDY_CIRCLE, title="Norsk A1", capacity=1))
    monday = utcnow().date() + timedelta(days=7 - utcnow().weekday())
    activities.add_series(coach, circle, activities.plan_series(
        site, monday, time(18), 90, 1, count=2), True)
    past = Session(activity_id=circle.id, starts_at=utcnow() - timedelta(days=3),
                   ends_at=utcnow() - timedelta(days=3) + timedelta(minutes=90))
    db.session.add(past)
    db.session.commit()
    activities.enrol(person, circle.id)
    activities.enrol(waiting, circle.id)  # waiting list: the seat is Hodan's
    attendance.save(coach, past, {person.id: (True, 90)}, None)
    goal = goals.create_goal(person, goals.GoalData(title="Jobb i barnehage", why="For oss"))
    goals.add_step(goal, "Skrive CV")
    goals.share(person, coach.id, None)
    availability = Availability(host_id=coach.id, site_id=site.id, slot_minutes=30,
                                valid_from=date.today(), windows=[
                                    Window(weekday=d, starts=time(9), ends=time(12))
                                    for d in range(7)])
    db.session.add(availability)
    db.session.commit()
    coming = meetings.book(person, meetings.find_slots(person, site, coach.id)[3].key, "CV")
    earlier = utcnow() - timedelta(days=2)
    db.session.add(Booking(site_id=site.id, host_id=coach.id, participant_id=person.id,
                           starts_at=earlier, ends_at=earlier + timedelta(minutes=30),
                           mode="phone", status="held", topic="Praksis"))
    db.session.commit()
    return {"person": person, "coach": coach, "waiting": waiting, "circle": circle,
            "goal": goal, "coming": coming}


def test_my_data_has_everything_as_json_and_as_a_page(client, life):
    person = life["person"]
    db.session.add(Consent(user=person, purpose=PRIVACY_PURPOSE, notice_version="2026-1",
                           language="nb"))
    db.session.commit()
    consents.give(person, consents.PHOTOS, "nb")
    consents.withdraw(person, consents.PHOTOS)
    client.login(person.email)
    response = client.get("/privacy/my-data.json")
    assert response.headers["Content-Disposition"].endswith('"bro-my-data.json"')
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["name"] == "Hodan Warsame"
    assert data["profile"]["phone"] == "+4791234567"
    assert [(c["purpose"], c["withdrawn"] is not None) for c in data["consents"]] == [
        (PRIVACY_PURPOSE, False), (consents.PHOTOS, True)]
    assert data["enrolments"][0]["activity"] == "Norsk A1"
    assert data["attendance"][0]["minutes"] == 90
    assert data["goals"][0]["title"] == "Jobb i barnehage"
    assert data["goals"][0]["steps"] == [{"text": "Skrive CV", "done": False}]
    assert data["shared_with"][0]["staff"] == "Coach"
    assert {m["topic"] for m in data["meetings"]} == {"CV", "Praksis"}
    assert data["notifications"] and data["notifications"][0]["kind"] == "booking_confirmed"
    page = client.get("/privacy/my-data").get_data(as_text=True)
    assert "Hodan Warsame" in page and "Jobb i barnehage" in page and "+4791234567" in page
    # Consents by what they are for, in words, with their dates; never the stored key.
    assert "Privacy notice: yes from" in page and "Photos: yes from" in page
    assert "withdrawn" in page and PRIVACY_PURPOSE not in page


def test_the_page_shows_the_same_with_only_its_sections_as_with_every_one(client, life,
                                                                          monkeypatch):
    """The page asks the features for its sections only (views.PAGE_SECTIONS); a section the
    template uses and the list forgets would show as empty here."""
    from portal.privacy import views

    client.login(life["person"].email)
    only_its_own = client.get("/privacy/my-data").get_data(as_text=True)
    monkeypatch.setattr(views, "PAGE_SECTIONS", None)
    every_one = client.get("/privacy/my-data").get_data(as_text=True)
    tokens = re.compile(r'name="csrf_token" value="[^"]*"|"X-CSRFToken": *"[^"]*"|'
                        r'<meta name="csrf-token" content="[^"]*"')
    assert tokens.sub("", only_its_own) == tokens.sub("", every_one)
    assert "Jobb i barnehage" in only_its_own and "Norsk A1" in only_its_own


def test_deleting_my_account_erases_me_and_keeps_the_numbers(client, site, life):
    person, coach = life["person"], life["coach"]
    today = utcnow().date()  # the past month up to yesterday: what has already happened
    period = period_for("custom", today, today - timedelta(days=30), today - timedelta(days=1))
    before = reports.build([site], period)
    assert before.participants["active"] == 1 and before.meetings["held"] == 1
    client.login(person.email)
    wrong = client.post("/privacy/delete", {"password": "not my password"})
    assert wrong.status_code == 422 and "That password is not right." in wrong.get_data(
        as_text=True)
    assert client.post("/privacy/delete", {"password": PASSWORD}).status_code == 303
    assert client.get("/privacy/my-data").status_code in (302, 303)  # logged out
    erased = db.session.get(User, person.id)
    assert (erased.display_name, erased.phone, erased.erased_at is not None) == (
        "–", None, True)
    assert erased.email == f"erased-{person.id}@invalid"
    assert client.post("/accounts/login", {"login": "hodan@example.org",
                                           "password": PASSWORD}).status_code == 422
    # What the numbers are made of stays, under the same (now anonymous) id.
    assert db.session.scalar(select(Attendance.user_id)) == person.id
    goal = db.session.get(Goal, life["goal"].id)
    assert (goal.title, goal.why, goal.category) == ("", "", "other")
    assert db.session.scalars(select(Step)).all() == []
    assert db.session.scalars(select(Share)).all() == []
    assert db.session.scalars(select(Notification).where(
        Notification.user_id == person.id)).all() == []
    held = db.session.scalars(select(Booking).where(Booking.status == "held")).one()
    assert held.participant_id == person.id and held.topic == ""
    assert db.session.get(Booking, life["coming"].id).status == "cancelled"
    assert db.session.scalars(select(Notification).where(
        Notification.user_id == coach.id, Notification.kind == "booking_cancelled")).one()
    # The seat in the running course went to the next in line.
    seats = dict(db.session.execute(select(Enrolment.user_id, Enrolment.status)).all())
    assert seats == {person.id: "left", life["waiting"].id: "enrolled"}
    after = reports.build([site], period)
    assert (after.participants, after.meetings, after.per_week) == (
        before.participants, before.meetings, before.per_week)
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "account.erase")).one()
    assert (event.actor_id, event.subject_id) == (person.id, person.id)


def test_other_sessions_end_when_the_account_is_erased(app, client, life):
    from tests.conftest import Client

    other = Client(app.test_client())
    other.login(life["person"].email)
    client.login(life["person"].email)
    client.post("/privacy/delete", {"password": PASSWORD})
    assert other.get("/goals").status_code in (302, 303)


def test_staff_erase_on_request_only_where_they_may(client, login_as, site, make_site,
                                                    make_user, life):
    person = life["person"]
    url = f"/privacy/erase/{person.id}"
    login_as(Role.VOLUNTEER)
    assert client.get(url).status_code == 404
    login_as(Role.COORDINATOR, at=make_site("Elsewhere"))
    assert client.post(url).status_code == 404
    coordinator = login_as(Role.COORDINATOR)
    staff_member = make_user(Role.VOLUNTEER)
    assert client.get(f"/privacy/erase/{staff_member.id}").status_code == 404
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 303
    assert db.session.get(User, person.id).erased_at is not None
    assert client.get(url).status_code == 404  # once is enough
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "account.erase")).one()
    assert (event.actor_id, event.subject_id) == (coordinator.id, person.id)
    members = client.get(f"/accounts/sites/{site.id}/members").get_data(as_text=True)
    assert "Account deleted" in members and "hodan@example.org" not in members


def test_the_last_administrator_cannot_delete_themself(client, login_as):
    login_as(Role.ADMIN)
    page = client.get("/privacy/delete").get_data(as_text=True)
    assert "cannot be deleted here" in page
    response = client.post("/privacy/delete", {"password": PASSWORD})
    assert response.status_code == 422


def test_my_data_shows_the_phone_its_codes_how_messages_come_and_the_devices(
        app, monkeypatch, client, make_user, provider):
    """Everything the phone features keep: whether the number is confirmed, the codes sent to
    it (never the code), how each group of messages comes, and the devices with push."""
    use(app, monkeypatch, "46elks", provider.url + "/a1/sms", SMS_API_USERNAME="u",
        SMS_API_PASSWORD="p")
    provider.answers = [(200, {"id": "s1", "parts": 1})]
    person = make_user(phone="+4791234567", email="hodan@example.org")
    client.login(person.email)
    page = client.get("/privacy/my-data").get_data(as_text=True)
    assert "Not confirmed: Bro sends no SMS to this number." in page
    assert "No phone gets notices from Bro yet." in page
    phone.send_code(person, CodePurpose.CONFIRM_PHONE)
    [(_to, text)] = texts(provider)
    code = re.search(r"\b(\d{6})\b", text).group(1)
    phone.confirm_phone(person, code)
    db.session.add(PushSubscription(user_id=person.id, endpoint="https://push.example.org/1",
                                    p256dh="key", auth="secret", device="Firefox/Android"))
    work.commit()
    raw = client.get("/privacy/my-data.json").get_data(as_text=True)
    data = json.loads(raw)
    assert data["profile"]["phone_confirmed"] is True
    assert "earlier_confirmed_phone" not in data["profile"]
    [sent] = data["phone_codes"]
    assert (sent["purpose"], sent["phone"], sent["tries"]) == ("confirm", "+4791234567", 1)
    assert sent["used_or_replaced"] is not None and code not in raw
    assert [d["device"] for d in data["push_devices"]] == ["Firefox on Android"]
    on = {(s["messages"], s["channel"]) for s in data["notification_settings"] if s["on"]}
    assert ("changes", "email") in on and ("changes", "sms") not in on  # the defaults
    page = client.get("/privacy/my-data").get_data(as_text=True)
    assert "Confirmed with a code: Bro may send SMS to this number." in page
    assert "1 code sent to your phone by SMS" in page
    assert "<dt>Changes to my sessions and meetings</dt><dd>In the app, E-mail, and Push on " \
           "this phone</dd>" in page
    assert "<dt>News from my meeting place</dt><dd>In the app</dd>" in page  # no consent
    assert "Firefox on Android" in page and 'href="/notify/settings"' in page


def test_a_confirmed_number_kept_from_before_a_change_is_shown(client, make_user):
    """Changing the number forgets the confirmation (accounts.update_profile); one kept from
    before that rule, or written outside Bro, is shown all the same."""
    person = make_user(phone="+4791234568")
    person.phone_confirmed = "+4791234567"
    work.commit()
    client.login(person.email)
    profile = client.get("/privacy/my-data.json").json["profile"]
    assert profile["phone_confirmed"] is False
    assert profile["earlier_confirmed_phone"] == "+4791234567"


def test_my_data_lists_the_logged_in_browsers_and_reset_codes_without_keys_or_codes(
        client, make_user):
    from portal.accounts import services as accounts
    from portal.accounts.models import LoginSession

    person = make_user(email="amina@example.org")
    coordinator = make_user(Role.COORDINATOR)
    code = accounts.issue_reset_code(coordinator, person)
    work.commit()
    client.login(person.email)
    [key] = db.session.scalars(select(LoginSession.key).where(
        LoginSession.user_id == person.id)).all()
    raw = client.get("/privacy/my-data.json").get_data(as_text=True)
    data = json.loads(raw)
    [browser] = data["logged_in_browsers"]
    assert browser["since"] and browser["remembered"] is False
    [reset] = data["reset_codes"]
    assert reset["made"] and reset["expires"] and reset["used"] is None
    assert key not in raw and code not in raw and code.replace("-", "") not in raw
