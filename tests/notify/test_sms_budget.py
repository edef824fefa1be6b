"""A monthly SMS budget per meeting place: a coordinator sets it; when the month's segments
reach it, notices go by the person's other channels and the page says so; the reports count
SMS sent and segments per month."""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from portal import work
from portal.accounts import phone
from portal.accounts import services as accounts
from portal.accounts.models import CodePurpose, Role
from portal.audit.models import AuditEvent
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.notify import sms, worker
from portal.notify.models import Channel, CodeSms, Delivery, DeliveryStatus, Group
from portal.notify.preferences import save
from portal.notify.services import notify
from portal.privacy import services as privacy
from portal.reports import services as reports
from portal.reports.periods import month
from tests.sms_provider import texts, use

OSLO = ZoneInfo("Europe/Oslo")
NOON = datetime(2026, 12, 8, 12, 0, tzinfo=OSLO)
PARAMS = {"title": "Norsk A1", "timezone": "Europe/Oslo", "activity_id": 7}


def person_on_sms(make_user, number, email=None):
    person = make_user(email=email or "", phone=number, language="en")
    person.email = email
    person.phone_confirmed = number
    db.session.commit()
    return person


def deliveries(channel=None):
    db.session.expire_all()
    query = select(Delivery).order_by(Delivery.id)
    if channel:
        query = query.where(Delivery.channel == channel)
    return list(db.session.scalars(query))


def test_the_budget_holds_and_the_rest_goes_by_e_mail(app, monkeypatch, site, make_user,
                                                      smtp_server):
    use(app, monkeypatch, "log")
    site.sms_budget = 2  # segments
    db.session.commit()
    on_phone = person_on_sms(make_user, "+4791234561")
    with_email = person_on_sms(make_user, "+4791234562", email="both@example.org")
    save(with_email, {(Group.CHANGES, Channel.SMS)})  # SMS only: no e-mail chosen
    work.commit()
    notify([on_phone], "promoted", PARAMS)
    notify([on_phone], "promoted", PARAMS | {"title": "Norsk A2"})
    work.commit()
    assert worker.run_once(now=NOON) == {"sent": 2}  # one segment each: the budget is used
    notify([on_phone, with_email], "promoted", PARAMS | {"title": "Norsk B1"})
    work.commit()
    assert worker.run_once(now=NOON) == {"skipped": 2, "sent": 1}  # the e-mail instead
    held = [d for d in deliveries(Channel.SMS) if d.status == DeliveryStatus.SKIPPED]
    assert len(held) == 2 and all(d.error == sms.OVER_BUDGET for d in held)
    [mail] = deliveries(Channel.EMAIL)
    assert mail.fallback and mail.status == DeliveryStatus.SENT
    assert mail.notification.user_id == with_email.id
    assert sms.this_month(site, NOON) == sms.Month(sent=2, segments=2, held_back=2, codes=0,
                                                   codes_over_budget=0, budget=2)
    assert sms.this_month(site, NOON).reached
    # A new month, a new budget.
    notify([on_phone], "promoted", PARAMS)
    work.commit()
    assert worker.run_once(now=NOON + timedelta(days=30)) == {"sent": 1}


def test_reports_count_sms_and_segments_per_month(app, monkeypatch, site, make_user):
    use(app, monkeypatch, "log")
    person = person_on_sms(make_user, "+4791234563")
    notify([person], "promoted", PARAMS)
    notify([person], "promoted", PARAMS | {"title": "x" * 200})  # two segments
    work.commit()
    worker.run_once(now=NOON)
    report = reports.build([site], month(NOON.date()))
    assert report.sms == [(NOON.date().replace(day=1), 2, 3, 0, 0, 0)]


def test_a_coordinator_sets_the_budget_and_sees_when_it_is_reached(client, login_as, site,
                                                                   make_site, make_user):
    coordinator = login_as(Role.COORDINATOR)
    page = client.get(f"/reports/sms-budget/{site.id}")
    assert page.status_code == 200 and "Budget: no limit" in page.get_data(as_text=True)
    assert f'href="/reports/sms-budget/{site.id}"' in client.get(
        f"/reports/sms?site={site.id}").get_data(as_text=True)
    bad = client.post(f"/reports/sms-budget/{site.id}", {"budget": "-3"})
    assert bad.status_code == 422 and "from 0 to 1,000,000" in bad.get_data(as_text=True)
    response = client.post(f"/reports/sms-budget/{site.id}", {"budget": "0"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(type(site), site.id).sms_budget == 0
    page = client.get(f"/reports/sms-budget/{site.id}").get_data(as_text=True)
    assert "The budget for this month is reached" in page
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.actor_id == coordinator.id)) == "sms.budget"
    client.post(f"/reports/sms-budget/{site.id}", {"budget": ""})
    db.session.expire_all()
    assert db.session.get(type(site), site.id).sms_budget is None
    other = make_site("Elsewhere", "SE", "Europe/Stockholm")
    assert client.get(f"/reports/sms-budget/{other.id}").status_code == 404
    assert client.post(f"/reports/sms-budget/{other.id}", {"budget": "5"}).status_code == 404


def test_participants_and_volunteers_cannot_set_a_budget(client, login_as, site):
    login_as(Role.VOLUNTEER)
    assert client.get(f"/reports/sms-budget/{site.id}").status_code == 404
    assert client.post(f"/reports/sms-budget/{site.id}", {"budget": "5"}).status_code == 404


# -- codes people ask for: a phone number confirmed, a new password ------------------------

def urgent_change(person, title):
    """A change to something that starts within the hour: it rings even in quiet hours, so
    the worker sends it now, at any time of day, in the month the codes are counted in."""
    soon = utcnow() + timedelta(hours=1)
    notify([person], "session_cancelled", PARAMS | {"title": title,
                                                    "starts_at": soon.isoformat()})
    work.commit()


def test_codes_count_against_the_budget_and_still_go_when_it_is_reached(
        app, monkeypatch, client, site, make_user, provider, smtp_server):
    """Budget 3 segments: a confirmation code (1) and a notice (2 segments) use it up; a
    code for a new password is still sent (the person cannot get in without it), counted, and
    shown as sent over the budget; the next notice goes by e-mail instead."""
    use(app, monkeypatch, "46elks", provider.url + "/a1/sms", SMS_API_USERNAME="u",
        SMS_API_PASSWORD="p")
    provider.answers = [(200, {"id": "code-1", "parts": 1}), (200, {"id": "n-1", "parts": 2}),
                        (200, {"id": "code-2", "parts": 1})]
    site.sms_budget = 3
    db.session.commit()
    newcomer = make_user(phone="+4791234564", email="")
    newcomer.email = None
    phone.send_code(newcomer, CodePurpose.CONFIRM_PHONE)
    work.commit()
    assert sms.this_month(site) == sms.Month(sent=1, segments=1, held_back=0, codes=1,
                                             codes_over_budget=0, budget=3)
    on_phone = person_on_sms(make_user, "+4791234565", email="both@example.org")
    save(on_phone, {(Group.CHANGES, Channel.SMS)})
    work.commit()
    urgent_change(on_phone, "x" * 200)  # two segments
    assert worker.run_once() == {"sent": 1}
    assert sms.this_month(site).reached
    accounts.send_reset_sms("+4791234565")  # the budget is reached: it goes all the same
    work.commit()
    assert [to for to, _text in texts(provider)] == ["+4791234564", "+4791234565",
                                                     "+4791234565"]
    assert "new password" in texts(provider)[-1][1]
    assert sms.this_month(site) == sms.Month(sent=3, segments=4, held_back=0, codes=2,
                                             codes_over_budget=1, budget=3)
    urgent_change(on_phone, "Norsk B1")
    assert worker.run_once() == {"skipped": 1, "sent": 1}  # the e-mail instead of the SMS
    assert len(provider.requests) == 3 and [m["To"] for m in smtp_server] == [
        "both@example.org"]
    assert sms.this_month(site) == sms.Month(sent=3, segments=4, held_back=1, codes=2,
                                             codes_over_budget=1, budget=3)
    report = reports.build([site], month_of_now(site))
    assert [row[1:] for row in report.sms] == [(3, 4, 1, 2, 1)]
    login_as_coordinator(client, make_user)
    page = client.get(f"/reports/sms-budget/{site.id}").get_data(as_text=True)
    assert "Of them, codes people asked for: 2" in page
    assert "1 code was sent after the budget was reached." in page
    table = client.get(f"/reports/sms?site={site.id}").get_data(as_text=True)
    assert "<th scope=\"col\">Of them, codes people asked for</th>" in table
    assert "<th scope=\"col\">Codes sent after the budget was reached</th>" in table
    # Nothing in a code's row says whom it went to: it stays when that person is erased.
    privacy.erase(newcomer, newcomer)
    work.commit()
    assert sms.this_month(site).codes == 2
    # The notices sent or held back stay too, as rows that no longer say to whom or what;
    # the e-mail that went instead goes with the person's messages.
    privacy.erase(on_phone, on_phone)
    work.commit()
    assert sms.this_month(site) == sms.Month(sent=3, segments=4, held_back=1, codes=2,
                                             codes_over_budget=1, budget=3)
    kept = db.session.execute(select(Delivery.channel, Delivery.status, Delivery.notification_id,
                                     Delivery.provider_id, Delivery.error)
                              .order_by(Delivery.id)).all()
    assert kept == [(Channel.SMS, DeliveryStatus.SENT, None, None, None),
                    (Channel.SMS, DeliveryStatus.SKIPPED, None, None, sms.OVER_BUDGET)]


def test_a_code_in_arabic_counts_its_segments_and_a_place_without_a_budget_counts_too(
        app, monkeypatch, site, make_user, provider):
    """GatewayAPI's answer does not say how many parts: Bro counts them (UCS-2 for Arabic)."""
    use(app, monkeypatch, "gatewayapi", provider.url + "/rest/mtsms", SMS_API_TOKEN="t")
    provider.answers = [(200, {"ids": [42]})]
    person = make_user(phone="+4791234566", language="ar")
    person.phone_confirmed = person.phone
    db.session.commit()
    accounts.send_reset_sms("+4791234566")
    work.commit()
    [request] = provider.requests
    text = json.loads(request["body"])["message"]
    assert not sms.is_gsm(text) and sms.segments(text) == 2
    assert db.session.scalars(select(CodeSms.purpose)).all() == ["reset"]
    assert sms.this_month(site) == sms.Month(sent=1, segments=2, held_back=0, codes=1,
                                             codes_over_budget=0, budget=None)


def test_a_code_that_could_not_be_sent_is_not_counted(app, monkeypatch, site, make_user,
                                                      provider, english):
    use(app, monkeypatch, "46elks", provider.url + "/a1/sms", SMS_API_USERNAME="u",
        SMS_API_PASSWORD="p")
    provider.answers = [(400, {"error": "Invalid to"})]
    with pytest.raises(DomainError, match="could not send an SMS"):
        phone.send_code(make_user(phone="+4791234567"), CodePurpose.CONFIRM_PHONE)
    assert sms.this_month(site).codes == 0


def login_as_coordinator(client, make_user):
    coordinator = make_user(Role.COORDINATOR)
    client.login(coordinator.email)
    return coordinator


def month_of_now(site):
    return month(utcnow().astimezone(ZoneInfo(site.timezone)).date())
