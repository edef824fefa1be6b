"""A monthly SMS budget per meeting place: a coordinator sets it; when the month's segments
reach it, notices go by the person's other channels and the page says so; the reports count
SMS sent and segments per month."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from portal import work
from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.notify import sms, worker
from portal.notify.models import Channel, Delivery, DeliveryStatus, Group
from portal.notify.preferences import save
from portal.notify.services import notify
from portal.reports import services as reports
from portal.reports.periods import month
from tests.sms_provider import use

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
    assert sms.this_month(site, NOON) == sms.Month(sent=2, segments=2, held_back=2, budget=2)
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
    assert report.sms == [(NOON.date().replace(day=1), 2, 3, 0)]


def test_a_coordinator_sets_the_budget_and_sees_when_it_is_reached(client, login_as, site,
                                                                   make_site, make_user):
    coordinator = login_as(Role.COORDINATOR)
    page = client.get(f"/reports/sms-budget/{site.id}")
    assert page.status_code == 200 and "Budget: no limit" in page.get_data(as_text=True)
    assert f'href="/reports/sms-budget/{site.id}"' in client.get(
        f"/reports?site={site.id}").get_data(as_text=True)
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
