"""Web push: a browser subscribes (one row per device), the worker posts each notice to the
push service encrypted for that browser — only a title, a short text and the page, in the
reader's language, signed with Bro's VAPID key — and a device the push service no longer
knows is forgotten. Tested against a real push endpoint on loopback that decrypts."""

import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from py_vapid import Vapid
from sqlalchemy import select

from portal import signals, work
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.notify import worker
from portal.notify.models import Channel, Delivery, DeliveryStatus
from portal.notify.services import notify
from portal.push import services
from portal.push.models import PushSubscription
from portal.push.services import _decoded
from tests.push.conftest import Browser

# Tomorrow at noon: all that is queued now is due, and it is not in quiet hours.
NOON = datetime.combine(date.today() + timedelta(days=1), time(12), ZoneInfo("Europe/Oslo"))
PARAMS = {"title": "Norsk A1", "timezone": "Europe/Oslo", "activity_id": 42}
ANDROID = ("Mozilla/5.0 (Linux; Android 14; SM-A145R) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/131.0 Mobile Safari/537.36")


def subscribed(person, push_service, name="phone", browser=None):
    browser = browser or Browser()
    services.subscribe(person, push_service.endpoint(name), browser.p256dh, browser.auth,
                       ANDROID)
    return browser


def subscriptions() -> list[PushSubscription]:
    db.session.expire_all()
    return list(db.session.scalars(select(PushSubscription).order_by(PushSubscription.id)))


def push_deliveries() -> list[Delivery]:
    db.session.expire_all()
    return list(db.session.scalars(select(Delivery).where(Delivery.channel == Channel.PUSH)))


def test_a_notice_reaches_the_phone_encrypted_in_the_readers_language(app, make_user,
                                                                      push_service):
    person = make_user(language="nb")
    browser = subscribed(person, push_service)
    notify([person], "promoted", PARAMS)
    work.commit()
    assert worker.run_once(now=NOON) == {"sent": 1}

    [post] = push_service.posts
    assert post.path == "/push/phone" and post.headers["content-encoding"] == "aes128gcm"
    assert b"Norsk" not in post.body  # the push service sees only encrypted bytes
    assert json.loads(browser.read(post.body)) == {
        "title": "Du har fått plass i Norsk A1",
        "body": "En plass i Norsk A1 ble ledig, og nå er den din. Velkommen!",
        "url": "/activities/42"}
    # Signed with Bro's key, for this push service, with a day to reach a phone that is off.
    scheme, _, fields = post.headers["authorization"].partition(" ")
    claims = dict(part.split("=", 1) for part in fields.split(","))
    assert scheme == "vapid" and claims["k"] == services.public_key()
    signed, signature = claims["t"].rsplit(".", 1)
    assert Vapid.from_raw_public(claims["k"].encode()).verify_token(signed.encode(), signature)
    assert json.loads(_decoded(signed.split(".")[1]))["aud"] == push_service.url
    assert post.headers["ttl"] == str(services.TTL_SECONDS)
    assert [d.status for d in push_deliveries()] == [DeliveryStatus.SENT]
    assert subscriptions()[0].last_sent_at is not None


def test_a_long_text_is_cut_short_and_a_notice_without_a_page_opens_the_messages(
        make_user, push_service):
    person = make_user()
    browser = subscribed(person, push_service)
    notify([person], "promoted", {"title": "Ord " * 80, "timezone": "Europe/Oslo"})
    work.commit()
    worker.run_once(now=NOON)
    notice = json.loads(browser.read(push_service.posts[0].body))
    assert len(notice["body"]) == services.TEXT_LENGTH and notice["body"].endswith("…")
    assert notice["url"] == "/notify" and set(notice) == {"title", "body", "url"}


def test_a_device_the_push_service_forgot_is_removed(make_user, push_service):
    person = make_user()
    subscribed(person, push_service, "gone")
    push_service.answers["/push/gone"] = 410
    notify([person], "promoted", PARAMS)
    work.commit()
    assert worker.run_once(now=NOON) == {"skipped": 1}
    assert subscriptions() == []
    [delivery] = push_deliveries()
    assert "no longer knows" in delivery.error


def test_one_forgotten_device_of_two_does_not_stop_the_notice(make_user, push_service):
    person = make_user()
    subscribed(person, push_service, "old")
    subscribed(person, push_service, "new")
    push_service.answers["/push/old"] = 404
    notify([person], "promoted", PARAMS)
    work.commit()
    assert worker.run_once(now=NOON) == {"sent": 1}
    assert [s.endpoint for s in subscriptions()] == [push_service.endpoint("new")]


def test_a_push_service_in_trouble_is_tried_again_and_a_refusal_is_not(make_user,
                                                                        push_service):
    busy, refused = make_user(), make_user()
    subscribed(busy, push_service, "busy")
    subscribed(refused, push_service, "refused")
    push_service.answers.update({"/push/busy": 503, "/push/refused": 400})
    notify([busy, refused], "promoted", PARAMS)
    work.commit()
    assert worker.run_once(now=NOON) == {"retried": 1, "failed": 1}
    assert len(subscriptions()) == 2  # neither is forgotten


def test_push_waits_through_the_night(make_user, push_service):
    person = make_user()
    subscribed(person, push_service)
    notify([person], "promoted", PARAMS)
    work.commit()
    assert worker.run_once(now=NOON.replace(hour=23)) == {"held": 1}
    assert push_service.posts == []


def test_subscribing_checks_what_the_browser_sent(make_user, app):
    person, browser = make_user(), Browser()
    with pytest.raises(DomainError, match="Bro cannot use"):
        services.subscribe(person, "http://push.example.org/x", browser.p256dh, browser.auth)
    with pytest.raises(DomainError, match="Bro cannot use"):
        services.subscribe(person, "https://push.example.org/x", browser.auth, browser.auth)
    with pytest.raises(DomainError, match="Bro cannot use"):
        services.subscribe(person, "https://push.example.org/x", browser.p256dh, "c2hvcnQ")
    assert subscriptions() == []


def test_a_browser_has_one_subscription_and_a_shared_phone_passes_to_the_next_person(
        make_user):
    first, second, browser = make_user(), make_user(), Browser()
    for person in (first, first, second):
        services.subscribe(person, "https://push.example.org/same", browser.p256dh,
                           browser.auth)
    assert [s.user_id for s in subscriptions()] == [second.id]


def test_the_oldest_of_too_many_devices_makes_room(make_user, monkeypatch):
    person = make_user()
    monkeypatch.setattr(services, "MAX_DEVICES", 2)
    for name in ("a", "b", "c"):
        services.subscribe(person, f"https://push.example.org/{name}", Browser().p256dh,
                           Browser().auth)
        db.session.flush()
    assert [s.endpoint[-1] for s in subscriptions()] == ["b", "c"]


def test_the_device_is_named_from_the_browser_and_in_the_readers_language():
    assert services.device_name(ANDROID) == "Chrome/Android"
    assert services.device_name("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Version/17.0 "
                                "Mobile/15E148 Safari/604.1") == "Safari/iPhone"
    assert services.device_label("Chrome/Android") == "Chrome on Android"
    assert services.device_label("/") == "A browser"


def test_the_browser_subscribes_through_the_page(client, login_as, push_service):
    person = login_as()
    page = client.get("/notify/settings").get_data(as_text=True)
    assert 'id="push-subscribe" class="stack" hidden' in page  # shown only by push.js
    assert f'data-key="{services.public_key()}"' in page
    assert "No phone gets notices from Bro yet." in page
    token = client.token()
    browser = Browser()
    answer = client.raw.post("/push/subscriptions", json={
        "endpoint": push_service.endpoint("mine"),
        "keys": {"p256dh": browser.p256dh, "auth": browser.auth}},
        headers={"X-CSRFToken": token, "User-Agent": ANDROID, "Accept-Language": "en"})
    assert answer.status_code == 201
    [row] = subscriptions()
    assert (row.user_id, row.device) == (person.id, "Chrome/Android")
    page = client.get("/notify/settings").get_data(as_text=True)
    assert "Chrome on Android" in page and "This phone now gets your notices." in page
    assert "Turn on notices on this phone first." not in page


def test_a_subscription_without_the_csrf_token_or_with_bad_keys_is_refused(client, login_as):
    login_as()
    refused = client.raw.post("/push/subscriptions", json={"endpoint": "https://x.example/1"})
    assert refused.status_code == 400
    bad = client.raw.post("/push/subscriptions", json={"endpoint": "https://x.example/1",
                                                       "keys": "nonsense"},
                          headers={"X-CSRFToken": client.token(), "Accept-Language": "en"})
    assert bad.status_code == 422 and "Bro cannot use" in bad.get_json()["error"]
    assert subscriptions() == []


def test_a_device_is_removed_without_javascript_and_only_by_its_owner(client, login_as,
                                                                     make_user):
    person, other = login_as(), make_user()
    mine = services.subscribe(person, "https://push.example.org/mine", Browser().p256dh,
                              Browser().auth)
    theirs = services.subscribe(other, "https://push.example.org/theirs", Browser().p256dh,
                                Browser().auth)
    work.commit()
    mine_id, theirs_id = mine.id, theirs.id
    page = client.get("/notify/settings").get_data(as_text=True)
    assert f'action="/push/devices/{mine_id}/remove"' in page
    assert f"/push/devices/{theirs_id}/remove" not in page
    answer = client.post(f"/push/devices/{theirs_id}/remove", follow_redirects=True)
    assert "That device is not on your list any more." in answer.get_data(as_text=True)
    answer = client.post(f"/push/devices/{mine_id}/remove", follow_redirects=True)
    assert "That device gets no more notices from Bro." in answer.get_data(as_text=True)
    assert [s.id for s in subscriptions()] == [theirs_id]


def test_logging_out_stops_this_devices_notices_and_empties_the_browser(client, login_as,
                                                                        push_service):
    login_as()
    browser = Browser()
    client.raw.post("/push/subscriptions", json={
        "endpoint": push_service.endpoint("shared"),
        "keys": {"p256dh": browser.p256dh, "auth": browser.auth}},
        headers={"X-CSRFToken": client.token()})
    assert len(subscriptions()) == 1
    answer = client.post("/accounts/logout")
    assert answer.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert subscriptions() == []
    assert "Clear-Site-Data" not in client.get("/privacy").headers


def test_erasing_a_person_removes_their_devices_and_my_data_lists_them(make_user):
    person, other = make_user(), make_user()
    services.subscribe(person, "https://push.example.org/a", Browser().p256dh,
                       Browser().auth, ANDROID)
    services.subscribe(other, "https://push.example.org/b", Browser().p256dh, Browser().auth)
    db.session.flush()
    [device] = signals.collect(signals.data_requested, person)["push_devices"]
    assert device["device"] == "Chrome on Android" and device["last_notice"] is None
    assert "endpoint" not in device
    signals.person_erased.send(person, actor=None, now=utcnow())
    assert [s.user_id for s in subscriptions()] == [other.id]


def test_the_service_worker_is_served_from_the_root(client):
    answer = client.get("/sw.js")
    assert answer.status_code == 200 and answer.mimetype == "text/javascript"
    assert answer.headers["Cache-Control"] == "no-cache"
    text = answer.get_data(as_text=True)
    assert 'addEventListener("push"' in text and 'addEventListener("notificationclick"' in text


@pytest.mark.parametrize("path", ["/activities/calendar", "/goals"])
def test_the_pages_kept_offline_carry_their_note_hidden(client, login_as, path):
    """The service worker shows the note only on a copy it serves without a network; the
    time in it is when the page was made (the person's local time)."""
    login_as()
    html = client.get(path).get_data(as_text=True)
    assert ("<p class=\"offline-note\" role=\"status\" data-offline-note hidden>"
            "You are offline — as of ") in html


def test_the_service_worker_keeps_only_my_calendar_and_my_plan(client):
    text = client.get("/sw.js").get_data(as_text=True)
    assert 'var KEPT_PAGES = ["/activities/calendar", "/goals"];' in text
    assert 'request.method !== "GET"' in text  # never an answer to a form
