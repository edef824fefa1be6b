"""Channel choices: sensible defaults until the person chooses, news only with the consent,
account messages never switched off; the settings page as a plain form and with htmx."""

import re
import threading
from pathlib import Path

from sqlalchemy import select

from portal import work
from portal.extensions import db
from portal.notify import worker
from portal.notify.models import (
    Channel,
    ChannelChoice,
    Delivery,
    DeliveryStatus,
    Group,
    Notification,
)
from portal.notify.preferences import chosen, save
from portal.notify.services import GROUPS, MESSAGES, group_of, notify
from portal.privacy import consents

PARAMS = {"title": "Norsk A1", "timezone": "Europe/Oslo"}
EMAIL, SMS, PUSH = Channel.EMAIL, Channel.SMS, Channel.PUSH


def phone_only(make_user, **kwargs):
    person = make_user(email="", phone="+4791234567", **kwargs)
    person.email = None
    db.session.commit()
    return person


def test_defaults_e_mail_for_those_with_an_address_sms_for_phone_only_people(make_user):
    with_email, on_phone = make_user(phone="+4790000001"), phone_only(make_user)
    for group in (Group.CHANGES, Group.REMINDERS, Group.COACH):
        assert chosen([with_email, on_phone], group) == {
            with_email.id: {EMAIL, PUSH}, on_phone.id: {SMS, PUSH}}


def test_news_goes_beyond_the_app_only_with_the_consent_and_never_by_sms_unasked(make_user):
    with_email, on_phone = make_user(), phone_only(make_user)
    assert chosen([with_email, on_phone], Group.NEWS) == {with_email.id: set(),
                                                         on_phone.id: set()}
    save(with_email, {(Group.NEWS, EMAIL)})  # not on the form without the consent: not kept
    for person in (with_email, on_phone):
        consents.give(person, consents.NEWS, "nb")
    assert chosen([with_email, on_phone], Group.NEWS) == {with_email.id: {EMAIL, PUSH},
                                                         on_phone.id: {PUSH}}
    save(on_phone, {(Group.NEWS, SMS)})
    work.commit()
    consents.withdraw(on_phone, consents.NEWS)
    assert chosen([on_phone], Group.NEWS) == {on_phone.id: set()}  # the choice waits


def test_a_saved_grid_is_the_persons_own_and_defaults_no_longer_change_it(make_user):
    person = phone_only(make_user)
    save(person, {(Group.CHANGES, SMS), (Group.REMINDERS, EMAIL)})
    work.commit()
    person.email = "now@example.org"  # an address later: the saved choice stands
    assert chosen([person], Group.CHANGES) == {person.id: {SMS}}
    assert chosen([person], Group.REMINDERS) == {person.id: {EMAIL}}
    assert chosen([person], Group.COACH) == {person.id: set()}


def test_account_messages_cannot_be_turned_off(make_user, smtp_server):
    person = make_user()
    save(person, set())
    notify([person], "reset_code_issued", {"by": "coordinator"})
    notify([person], "promoted", PARAMS)
    work.commit()
    assert group_of("reset_code_issued") == Group.ACCOUNT
    assert chosen([person], Group.ACCOUNT) == {person.id: {EMAIL, PUSH}}
    assert worker.run_once() == {"sent": 1} and len(smtp_server) == 1


def test_deliveries_are_made_only_for_channels_that_reach_the_person(make_user,
                                                                    phone_channel, app):
    app.config["MAIL_SERVER"] = "127.0.0.1"
    try:
        with_email, on_phone = make_user(), phone_only(make_user)
        notify([with_email, on_phone], "promoted", PARAMS)
        work.commit()
    finally:
        app.config["MAIL_SERVER"] = ""
    made = {(d.notification.user_id, d.channel) for d in db.session.scalars(select(Delivery))}
    # Push is wanted by default, but neither has turned notices on for a phone: no delivery
    # waits for it.
    assert made == {(with_email.id, EMAIL), (on_phone.id, SMS)}


def test_without_an_sms_provider_a_phone_only_person_is_told_in_the_app(make_user):
    person = phone_only(make_user)
    [notification_id] = notify([person], "promoted", PARAMS)
    work.commit()
    assert db.session.get(Notification, notification_id).deliveries == []
    assert chosen([person], Group.CHANGES)[person.id] == {SMS, PUSH}


def test_every_kind_of_message_belongs_to_a_group():
    """Each feature files its own kinds under a group when it registers them; notify names
    no other feature's kinds."""
    assert set(MESSAGES) == set(GROUPS)
    assert {kind for kind in GROUPS if GROUPS[kind] == Group.REMINDERS} >= {
        "meeting_reminder", "session_reminder"}
    assert group_of("retention_warning") == group_of("reset_code_issued") == Group.ACCOUNT
    assert group_of("registration_attempt") == Group.ACCOUNT
    assert group_of("session_cancelled") == group_of("booking_moved") == Group.CHANGES
    source = (Path(__file__).resolve().parents[2] / "portal/notify/services.py").read_text()
    assert not any(f'"{kind}"' in source for kind in MESSAGES)


def test_two_saves_at_once_both_succeed_and_the_later_one_stands(app, make_user):
    """Two quick taps: the first save holds its rows uncommitted for a moment while the
    second saves; neither fails, and the second choice is what is kept."""
    person = make_user()
    work.commit()
    first_saved, errors = threading.Event(), []

    def tap(on, hold):
        try:
            with app.app_context(), work.unit():
                save(db.session.get(type(person), person.id), on)
                first_saved.set()
                if hold:
                    threading.Event().wait(0.5)
        except Exception as error:  # noqa: BLE001  (reported below)
            errors.append(error)
        finally:
            with app.app_context():
                db.session.remove()

    first = threading.Thread(target=tap, args=({(Group.CHANGES, EMAIL)}, True))
    first.start()
    first_saved.wait(10)
    second = threading.Thread(target=tap, args=({(Group.CHANGES, SMS)}, False))
    second.start()
    first.join(20)
    second.join(20)
    assert errors == []
    db.session.expire_all()
    assert chosen([person], Group.CHANGES) == {person.id: {SMS}}
    assert len(db.session.scalars(select(ChannelChoice)).all()) == 9


# -- the page ---------------------------------------------------------------------------------

def boxes(html: str) -> dict[str, bool]:
    """Each channel checkbox of the grid: checked or not (disabled ones marked with '!')."""
    found = {}
    for tag in re.findall(r'<input type="checkbox"[^>]*>', html):
        name = re.search(r'id="([^"]+)"', tag).group(1)
        found[name + ("!" if " disabled" in tag else "")] = " checked" in tag
    return found


def test_the_page_shows_the_defaults_and_says_what_is_not_available(client, login_as):
    login_as()
    page = client.get("/notify/settings")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert boxes(html) == {
        "changes-app!": True, "changes-email": True, "changes-sms": False,
        "changes-push": True,
        "reminders-app!": True, "reminders-email": True, "reminders-sms": False,
        "reminders-push": True,
        "news-app!": True, "news-email!": False, "news-sms!": False, "news-push!": False,
        "coach-app!": True, "coach-email": True, "coach-sms": False, "coach-push": True}
    assert "<strong>SMS:</strong> Not set up in this Bro." in html  # no SMS_PROVIDER here
    assert "<strong>Push on this phone:</strong> Turn on notices on this phone first." in html
    assert "<strong>E-mail:</strong> Not set up in this Bro." in html  # no MAIL_SERVER here
    assert "only when you have said yes to news" in html and 'href="/privacy/consents"' in html
    assert "You cannot turn them off" in html
    assert 'aria-describedby="note-sms"' in html


def test_the_form_saves_without_javascript(client, login_as):
    person = login_as()
    response = client.post("/notify/settings", {"changes-sms": "y", "reminders-email": "y"})
    assert response.status_code == 303 and response.headers["Location"] == "/notify/settings"
    page = client.get("/notify/settings").get_data(as_text=True)
    assert "Your choices are saved." in page
    shown = boxes(page)
    assert shown["changes-sms"] and not shown["changes-email"] and shown["reminders-email"]
    assert not shown["coach-push"]
    assert chosen([person], Group.CHANGES) == {person.id: {SMS}}


def test_with_htmx_each_tap_saves_and_only_the_saved_line_comes_back(client, login_as):
    person = login_as()
    response = client.post("/notify/settings", {"changes-email": "y"}, htmx=True)
    assert response.status_code == 200
    assert response.get_data(as_text=True).strip() == "Saved."
    assert chosen([person], Group.CHANGES) == {person.id: {EMAIL}}
    fragment = client.get("/notify/settings", htmx=True).get_data(as_text=True)
    assert "<html" not in fragment and 'id="channel-settings"' in fragment
    assert 'hx-trigger="change"' in fragment and 'hx-target="#settings-status"' in fragment


def test_news_can_be_chosen_once_the_consent_is_given(client, login_as):
    person = login_as()
    consents.give(person, consents.NEWS, "en")
    html = client.get("/notify/settings").get_data(as_text=True)
    assert boxes(html)["news-email"] is True and "only when you have said yes" not in html
    client.post("/notify/settings", {"news-push": "y"})
    assert chosen([person], Group.NEWS) == {person.id: {PUSH}}


def test_the_page_in_arabic_runs_right_to_left(client, login_as):
    login_as(language="ar")
    html = client.get("/notify/settings", headers={"Accept-Language": "ar"}).get_data(
        as_text=True)
    assert 'dir="rtl"' in html and "Not available yet." not in html


def test_the_settings_need_a_login_and_a_csrf_token(client, login_as):
    assert client.get("/notify/settings").status_code in (302, 303)
    login_as()
    assert client.post("/notify/settings", {"changes-sms": "y"}, csrf=False).status_code == 400
    assert db.session.scalars(select(ChannelChoice)).all() == []


def test_links_lead_to_the_settings_from_messages_profile_and_my_page(client, login_as):
    login_as()
    for path in ("/notify", "/accounts/profile", "/"):
        assert 'href="/notify/settings"' in client.get(path).get_data(as_text=True), path


def test_a_delivery_turned_off_after_it_was_queued_is_not_sent(make_user, smtp_server):
    person = make_user()
    notify([person], "promoted", PARAMS)
    work.commit()
    save(person, {(Group.REMINDERS, EMAIL)})
    work.commit()
    assert worker.run_once() == {"skipped": 1} and smtp_server == []
    assert db.session.scalar(select(Delivery.status)) == DeliveryStatus.SKIPPED
