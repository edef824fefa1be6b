"""The job-centre statement: refused without the participant's consent (with an explanation),
made as PDF and CSV with it, in the country's language; each one made is an audit event."""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.activities import services as activities
from portal.activities.models import Attendance, Kind, Session
from portal.audit.models import AuditEvent
from portal.employment import services
from portal.errors import DomainError
from portal.extensions import db
from portal.i18n import force_locale
from portal.meetings.models import Booking
from portal.privacy import consents
from tests.employment.conftest import placement_data
from tests.pdfs import fonts_of, text_of

OSLO = ZoneInfo("Europe/Oslo")
MARCH = "first_day=2026-03-01&last_day=2026-03-31"


def oslo(day, hour=18):
    return datetime(2026, 3, day, hour, tzinfo=OSLO)


@pytest.fixture
def attended(road, make_user):
    """In March 2026: present at two sessions (90 and 120 minutes), absent at one, one
    session in April; one meeting held and one not; one placement."""
    participant, site = road["participant"], road["site"]
    participant.display_name = "أمينة حسن"
    leader = make_user(Role.VOLUNTEER)
    circle = activities.create_activity(leader, site, activities.ActivityData(
        kind=Kind.STUDY_CIRCLE, title="=Norsk A1", capacity=10))
    for day, status, minutes in [(3, "present", 90), (10, "present", 120), (17, "absent", 0)]:
        session = Session(activity_id=circle.id, starts_at=oslo(day),
                          ends_at=oslo(day) + timedelta(hours=2))
        db.session.add(session)
        db.session.flush()
        db.session.add(Attendance(session_id=session.id, user_id=participant.id,
                                  status=status, minutes=minutes))
    april = Session(activity_id=circle.id, starts_at=datetime(2026, 4, 2, 18, tzinfo=OSLO),
                    ends_at=datetime(2026, 4, 2, 20, tzinfo=OSLO))
    db.session.add(april)
    db.session.flush()
    db.session.add(Attendance(session_id=april.id, user_id=participant.id, status="present",
                              minutes=120))
    for day, status in [(5, "held"), (12, "no_show")]:
        db.session.add(Booking(site_id=site.id, host_id=leader.id, participant_id=participant.id,
                               starts_at=oslo(day, 10), ends_at=oslo(day, 10) +
                               timedelta(minutes=45), mode="in_person", status=status))
    services.record_placement(road["coordinator"], participant, placement_data(
        road["employer"], starts_on=date(2026, 3, 16), ends_on=date(2026, 4, 30)))
    db.session.commit()
    return participant


def statements_logged():
    return [(e.actor_id, e.action, e.subject_id) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.startswith("jobcentre")))]


def test_without_consent_the_statement_is_refused_with_an_explanation(client, road, attended):
    with force_locale("en"), pytest.raises(DomainError,
                                           match="needs the participant's consent"):
        services.statement(attended, attended, date(2026, 3, 1), date(2026, 3, 31), "pdf")
    client.login(attended.email)
    page = client.get(f"/employment/people/{attended.id}/statement").get_data(as_text=True)
    assert "Bro makes this statement only with your consent." in page
    refused = client.get(f"/employment/people/{attended.id}/statement.pdf?{MARCH}")
    assert refused.status_code == 403 and refused.mimetype == "text/html"
    assert "needs the participant's consent" in refused.get_data(as_text=True)
    assert client.get(f"/employment/people/{attended.id}/statement.csv?{MARCH}"
                      ).status_code == 403
    client.login(road["coordinator"].email)
    assert client.get(f"/employment/people/{attended.id}/statement.pdf?{MARCH}"
                      ).status_code == 403
    assert statements_logged() == []


def test_a_withdrawn_consent_stops_the_statement_at_once(client, road, attended):
    consents.give(attended, consents.JOB_CENTRE, "nb")
    consents.withdraw(attended, consents.JOB_CENTRE)
    with force_locale("en"), pytest.raises(DomainError,
                                           match="needs the participant's consent"):
        services.statement(road["coordinator"], attended, date(2026, 3, 1),
                           date(2026, 3, 31), "csv")


def test_the_statement_counts_sessions_hours_meetings_and_placements(road, attended):
    consents.give(attended, consents.JOB_CENTRE, "nb")
    made = services.statement(attended, attended, date(2026, 3, 1), date(2026, 3, 31), "pdf")
    assert [(line.day, line.minutes) for line in made.sessions] == [
        (date(2026, 3, 3), 90), (date(2026, 3, 10), 120)]
    assert made.session_minutes == 210
    assert [(line.day, line.minutes) for line in made.meetings] == [(date(2026, 3, 5), 45)]
    assert [p.role for p in made.placements] == ["Kitchen assistant"]
    assert statements_logged() == [(attended.id, "jobcentre.statement.pdf", attended.id)]
    with force_locale("en"), pytest.raises(DomainError, match="at most a year"):
        services.statement(attended, attended, date(2026, 1, 1), date(2027, 1, 2), "pdf")
    with force_locale("en"), pytest.raises(DomainError, match="on or after the first day"):
        services.statement(attended, attended, date(2026, 3, 2), date(2026, 3, 1), "pdf")


def test_the_participant_downloads_a_pdf_in_the_countrys_language(client, road, attended):
    consents.give(attended, consents.JOB_CENTRE, "nb")
    client.login(attended.email)
    response = client.get(f"/employment/people/{attended.id}/statement.pdf?{MARCH}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "bro-statement-2026-03-01-2026-03-31.pdf" in response.headers["Content-Disposition"]
    text, reader = text_of(response.data)
    assert "Bekreftelse på fremmøte" in text  # Norwegian, though the person reads English
    assert "أمينة حسن" in text  # the Arabic-script name intact
    assert "NAV" in text and "=Norsk A1" in text and "3,5 timer" in text  # 210 minutes
    assert "Møte med en veileder" in text and "0,75" in text  # a meeting of 45 minutes
    assert "Kitchen assistant" in text and "Kafé Bro AS" in text
    assert "Shy at first" not in text  # staff notes stay with staff
    fonts = fonts_of(reader)  # made by portal/pdf.py: Bro's fonts, in the file
    assert {"Noto-Sans", "Noto-Sans-Arabic"} <= set(fonts) and all(fonts.values()), fonts
    assert reader.trailer["/Root"]["/Lang"] == "nb"
    assert statements_logged() == [(attended.id, "jobcentre.statement.pdf", attended.id)]


def test_a_coordinator_downloads_the_csv_with_formula_safe_cells(client, road, attended,
                                                                  make_user, make_site):
    consents.give(attended, consents.JOB_CENTRE, "nb")
    coordinator = road["coordinator"]
    client.login(coordinator.email)
    response = client.get(f"/employment/people/{attended.id}/statement.csv?{MARCH}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Bekreftelse på fremmøte", "أمينة حسن"]
    assert ["Samling", "2026-03-03", "'=Norsk A1", "1.5"] in rows  # text, never a formula
    assert ["Samling", "2026-03-10", "'=Norsk A1", "2.0"] in rows
    assert statements_logged() == [(coordinator.id, "jobcentre.statement.csv", attended.id)]

    bad = client.get(f"/employment/people/{attended.id}/statement.pdf?first_day=nonsense")
    assert bad.status_code == 422 and "Write a date like this" in bad.get_data(as_text=True)
    for outsider in (make_user(Role.COORDINATOR, at=make_site("Elsewhere")), make_user(),
                     make_user(Role.VOLUNTEER)):
        client.login(outsider.email)
        assert client.get(f"/employment/people/{attended.id}/statement.csv?{MARCH}"
                          ).status_code == 404
    assert len(statements_logged()) == 1
