"""SMS: segments counted as the network bills them, messages kept to two segments with a link
into Bro, and the 46elks and GatewayAPI adapters against a real HTTP server on loopback
standing in for each provider (the exact request, retries on 5xx, none on 4xx), and the
delivery reports they post back (refused without the secret)."""

import base64
import json
from datetime import datetime
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from portal import work
from portal.extensions import db
from portal.notify import sms, worker
from portal.notify.models import Channel, Delivery, DeliveryStatus
from portal.notify.services import notify
from tests.sms_provider import SECRET, use

DAYTIME = datetime(2026, 12, 8, 12, 0, tzinfo=ZoneInfo("Europe/Oslo"))  # no quiet hours
PARAMS = {"title": "Norsk A1", "timezone": "Europe/Oslo", "activity_id": 7}


def phone_person(make_user, phone="+4791234567", language="nb", site_sender=None,
                 confirmed=True):
    person = make_user(email="", phone=phone, language=language)
    person.email = None
    person.phone_confirmed = phone if confirmed else None
    if site_sender:
        person.home_site.sms_sender = site_sender
    db.session.commit()
    return person


def sms_deliveries() -> list[Delivery]:
    db.session.expire_all()
    return list(db.session.scalars(select(Delivery).where(Delivery.channel == Channel.SMS)
                                   .order_by(Delivery.id)))


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


# -- counting -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "count"), [
    ("a" * 160, 1), ("a" * 161, 2), ("a" * 306, 2), ("a" * 307, 3),
    ("Hei! Møtet på Tøyen er flyttet. Välkommen, Åsa", 1),  # æøå äö are GSM-7
    ("€" * 80, 1), ("€" * 81, 2),  # an extension character counts twice
    # 152 + 154 septets: 306 would be two parts of 153, but a € is never split from its
    # escape, so the first part ends at 152 and the €s need two more.
    ("a" * 152 + "€" * 77, 3),
    ("م" * 70, 1), ("م" * 71, 2), ("م" * 134, 2), ("م" * 135, 3),  # Arabic: UCS-2
    ("a" * 69 + "…", 1), ("a" * 70 + "…", 2),  # one character outside GSM-7: all UCS-2
    ("😀" * 35, 1), ("😀" * 36, 2),  # beyond the basic plane: two UTF-16 units
    # 66 + 68 units would be two parts of 67, but an emoji's two units stay together
    ("a" * 66 + "😀" * 34, 3),
])
def test_segments_are_counted_as_the_network_bills_them(text, count):
    assert sms.segments(text) == count


def test_long_messages_are_cut_to_two_segments_and_keep_the_link():
    link = "https://bro.example.no/activities/7"
    for text in ("Kafeen på Tøyen er avlyst i dag. " * 20, "تم إلغاء المقهى اليوم. " * 20):
        message = sms.compose(text, link)
        assert sms.segments(message) == 2 and message.endswith("\n" + link)
        cut = message.removesuffix("\n" + link)
        assert cut.endswith("..." if sms.is_gsm(text) else "…")
        # As much of the text as fits: one more character would not.
        assert len(cut) > (250 if sms.is_gsm(text) else 80)
    assert sms.compose("Kort  melding\n", link) == f"Kort melding\n{link}"


# -- the providers ------------------------------------------------------------------------

def test_46elks_gets_its_form_with_basic_auth_e164_site_sender_and_utf8_text(
        app, monkeypatch, make_user, provider):
    use(app, monkeypatch, "46elks", provider.url + "/a1/sms",
        SMS_API_USERNAME="u0123", SMS_API_PASSWORD="elk-secret")
    provider.answers = [(200, {"id": "s17a6dafb12d6b1cabc053d57dac2b9d8", "parts": 1,
                               "status": "created"})]
    person = phone_person(make_user, language="nb", site_sender="ToyenBro")
    notify([person], "session_cancelled", PARAMS | {"title": "Norsk på Tøyen",
                                                    "starts_at": "2026-12-09T17:00:00+00:00"})
    work.commit()
    assert worker.run_once(now=DAYTIME) == {"sent": 1}
    [request] = provider.requests
    assert request["path"] == "/a1/sms"
    assert request["headers"]["Authorization"] == basic("u0123", "elk-secret")
    assert request["headers"]["Content-Type"].startswith("application/x-www-form-urlencoded")
    fields = {key: values[0] for key, values in parse_qs(request["body"].decode("utf-8"),
                                                        strict_parsing=True).items()}
    assert fields["from"] == "ToyenBro" and fields["to"] == "+4791234567"
    assert fields["message"] == ("Samlingen ons. 9. desember 2026 18:00 i Norsk på Tøyen er "
                                 "avlyst.\nhttp://bro.test/activities/7")  # in their language
    assert fields["whendelivered"] == f"http://bro.test/notify/sms/report/46elks/{SECRET}"
    [delivery] = sms_deliveries()
    assert (delivery.status, delivery.provider_id, delivery.segments) == (
        DeliveryStatus.SENT, "s17a6dafb12d6b1cabc053d57dac2b9d8", 1)


def test_gatewayapi_gets_json_with_the_token_msisdn_and_ucs2_for_arabic(
        app, monkeypatch, make_user, provider):
    use(app, monkeypatch, "gatewayapi", provider.url + "/rest/mtsms", SMS_API_TOKEN="gw-token",
        SMS_SENDER="Bro")
    provider.answers = [(200, {"ids": [421332671], "usage": {"total_cost": 0.3}})]
    person = phone_person(make_user, phone="+4520123456", language="ar")
    notify([person], "promoted", PARAMS)
    work.commit()
    assert worker.run_once(now=DAYTIME) == {"sent": 1}
    [request] = provider.requests
    assert request["path"] == "/rest/mtsms"
    assert request["headers"]["Authorization"] == basic("gw-token", "")
    assert request["headers"]["Content-Type"] == "application/json; charset=utf-8"
    body = json.loads(request["body"].decode("utf-8"))
    [delivery] = sms_deliveries()
    assert body["recipients"] == [{"msisdn": 4520123456}] and body["sender"] == "Bro"
    assert body["encoding"] == "UCS2" and body["userref"] == str(delivery.id)
    assert "Norsk A1" in body["message"] and not sms.is_gsm(body["message"])
    assert body["message"].endswith("\nhttp://bro.test/activities/7")
    assert body["callback_url"] == f"http://bro.test/notify/sms/report/gatewayapi/{SECRET}"
    assert (delivery.provider_id, delivery.segments) == ("421332671",
                                                         sms.segments(body["message"]))


def test_gsm_text_goes_to_gatewayapi_without_an_encoding(app, monkeypatch, make_user,
                                                         provider):
    use(app, monkeypatch, "gatewayapi", provider.url, SMS_API_TOKEN="gw-token")
    provider.answers = [(200, {"ids": [1]})]
    notify([phone_person(make_user, language="en")], "promoted", PARAMS)
    work.commit()
    worker.run_once(now=DAYTIME)
    body = json.loads(provider.requests[0]["body"])
    assert "encoding" not in body and sms.is_gsm(body["message"])


def test_a_5xx_is_tried_again_later_and_a_4xx_never(app, monkeypatch, make_user, provider):
    use(app, monkeypatch, "46elks", provider.url, SMS_API_USERNAME="u", SMS_API_PASSWORD="p")
    provider.answers = [(503, {}), (200, {"id": "s1", "parts": 1})]
    notify([phone_person(make_user)], "promoted", PARAMS)
    work.commit()
    assert worker.run_once(now=DAYTIME) == {"retried": 1}
    [delivery] = sms_deliveries()
    assert delivery.status == DeliveryStatus.PENDING and "503" in delivery.error
    assert worker.run_once(now=delivery.next_attempt_at) == {"sent": 1}
    assert sms_deliveries()[0].status == DeliveryStatus.SENT and len(provider.requests) == 2

    provider.requests.clear()
    provider.answers = [(400, {"error": "Invalid to"})]
    notify([phone_person(make_user, phone="+4791234568")], "promoted", PARAMS)
    work.commit()
    assert worker.run_once(now=DAYTIME) == {"failed": 1}
    refused = sms_deliveries()[1]
    assert refused.status == DeliveryStatus.FAILED and "refused" in refused.error
    assert worker.run_once(now=DAYTIME.replace(day=20)) == {}
    assert len(provider.requests) == 1


def test_an_unreachable_provider_is_tried_again(app, monkeypatch, make_user, provider):
    use(app, monkeypatch, "46elks", "http://127.0.0.1:1/a1/sms", SMS_API_USERNAME="u",
        SMS_API_PASSWORD="p")
    notify([phone_person(make_user)], "promoted", PARAMS)
    work.commit()
    assert worker.run_once(now=DAYTIME) == {"retried": 1}


def test_sms_go_only_to_a_confirmed_number(app, monkeypatch, make_user):
    use(app, monkeypatch, "log")
    unconfirmed = phone_person(make_user, confirmed=False)
    changed = phone_person(make_user, phone="+4791234568")
    changed.phone = "+4791234569"  # a new number: not confirmed until confirmed again
    db.session.commit()
    confirmed = phone_person(make_user, phone="+4791234570")
    notify([unconfirmed, changed, confirmed], "promoted", PARAMS)
    work.commit()
    assert [d.notification.user_id for d in sms_deliveries()] == [confirmed.id]


def test_without_credentials_sms_is_not_set_up(app, monkeypatch, make_user):
    use(app, monkeypatch, "46elks", SMS_API_USERNAME="u")  # no password
    notify([phone_person(make_user)], "promoted", PARAMS)
    work.commit()
    assert sms_deliveries() == []


def test_the_log_backend_sends_nothing_and_records_the_segments(app, monkeypatch, make_user,
                                                                caplog):
    use(app, monkeypatch, "log")
    notify([phone_person(make_user, language="ar")], "promoted", PARAMS)
    work.commit()
    with caplog.at_level("INFO", logger="portal.sms"):
        assert worker.run_once(now=DAYTIME) == {"sent": 1}
    [delivery] = sms_deliveries()
    assert delivery.segments in (1, 2) and "to +4791234567" in caplog.text


# -- delivery reports ---------------------------------------------------------------------

def sent_by(app, monkeypatch, make_user, provider, name, provider_id, **credentials):
    use(app, monkeypatch, name, provider.url, **credentials)
    provider.answers = [(200, {"id": provider_id, "parts": 1, "ids": [provider_id]})]
    notify([phone_person(make_user)], "promoted", PARAMS)
    work.commit()
    assert worker.run_once(now=DAYTIME) == {"sent": 1}


def test_a_46elks_report_marks_the_sms_delivered_only_with_the_secret(
        app, monkeypatch, make_user, provider, client):
    sent_by(app, monkeypatch, make_user, provider, "46elks", "s-abc", SMS_API_USERNAME="u",
            SMS_API_PASSWORD="p")
    report = {"id": "s-abc", "status": "delivered", "delivered": "2026-12-08 12:00:03"}
    for address in ("/notify/sms/report/46elks/wrong-secret", "/notify/sms/report/46elks/",
                    f"/notify/sms/report/gatewayapi/{SECRET}"):  # not the configured one
        assert client.raw.post(address, data=report).status_code == 404
    assert sms_deliveries()[0].status == DeliveryStatus.SENT
    response = client.raw.post(f"/notify/sms/report/46elks/{SECRET}", data=report)
    assert response.status_code == 204  # no CSRF token: the provider has none
    assert sms_deliveries()[0].status == DeliveryStatus.DELIVERED


def test_a_gatewayapi_report_of_failure_marks_the_sms_failed(app, monkeypatch, make_user,
                                                             provider, client):
    sent_by(app, monkeypatch, make_user, provider, "gatewayapi", 9001, SMS_API_TOKEN="t")
    response = client.raw.post(f"/notify/sms/report/gatewayapi/{SECRET}", json={
        "id": 9001, "msisdn": 4791234567, "time": 1765191603, "status": "UNDELIVERED",
        "error": None, "code": None, "userref": "1"})
    assert response.status_code == 204
    [delivery] = sms_deliveries()
    assert delivery.status == DeliveryStatus.FAILED and "UNDELIVERED" in delivery.error


def test_reports_are_refused_when_no_secret_is_set(app, monkeypatch, make_user, provider,
                                                   client):
    sent_by(app, monkeypatch, make_user, provider, "46elks", "s-x", SMS_API_USERNAME="u",
            SMS_API_PASSWORD="p")
    monkeypatch.setitem(app.config, "SMS_REPORT_SECRET", "")
    assert client.raw.post("/notify/sms/report/46elks/", data={"id": "s-x"}).status_code == 404
    assert client.raw.post("/notify/sms/report/46elks/x", data={
        "id": "s-x", "status": "delivered"}).status_code == 404
