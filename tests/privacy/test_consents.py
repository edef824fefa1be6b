"""Consents per purpose: given and withdrawn on one page, in force at once where they count."""

from datetime import timedelta

from sqlalchemy import select

from portal.accounts.models import Consent, Role
from portal.activities import attendance
from portal.activities import services as activities
from portal.activities.models import Kind, Session
from portal.extensions import db, utcnow
from portal.privacy import consents
from tests.conftest import Client


def test_give_and_withdraw_with_and_without_javascript(client, login_as):
    person = login_as(language="sv")
    page = client.get("/privacy/consents").get_data(as_text=True)
    assert "Foton" in page and "Närvaro till Arbetsförmedlingen" in page  # in Swedish
    assert client.post("/privacy/consents/photos/give").status_code == 303
    fragment = client.post("/privacy/consents/news/give", htmx=True).get_data(as_text=True)
    assert "<html" not in fragment and 'id="consents"' in fragment
    client.post("/privacy/consents/photos/give")  # twice changes nothing
    rows = db.session.scalars(select(Consent).where(Consent.user_id == person.id,
                                                    Consent.purpose != "privacy_notice")).all()
    assert sorted(c.purpose for c in rows) == ["news", "photos"]
    assert {c.language for c in rows} == {"sv"} and all(c.notice_version for c in rows)
    client.post("/privacy/consents/photos/withdraw")
    photos = db.session.scalars(select(Consent).where(Consent.purpose == "photos")).one()
    assert photos.withdrawn_at is not None  # the record stays: given, then withdrawn
    history = client.get("/privacy/consents").get_data(as_text=True)
    assert "nej från" in history  # "withdrawn %(when)s" in Swedish
    assert client.post("/privacy/consents/nonsense/give").status_code == 404


def test_a_leader_sees_a_withdrawal_at_once(app, client, site, make_user):
    leader = make_user(Role.VOLUNTEER)
    person = make_user(name="Amal")
    circle = activities.create_activity(leader, site, activities.ActivityData(
        kind=Kind.STUDY_CIRCLE, title="Circle", capacity=3))
    started = utcnow() - timedelta(minutes=5)
    session = Session(activity_id=circle.id, starts_at=started,
                      ends_at=started + timedelta(hours=1))
    db.session.add(session)
    db.session.commit()
    activities.enrol(person, circle.id)
    assert [row.photos for row in attendance.sheet(session)] == [False]
    own = Client(app.test_client())
    own.login(person.email)
    own.post("/privacy/consents/photos/give")
    db.session.expire_all()
    assert [row.photos for row in attendance.sheet(session)] == [True]
    client.login(leader.email)
    assert "No photos" not in client.get(
        f"/activities/sessions/{session.id}/attendance").get_data(as_text=True)
    own.post("/privacy/consents/photos/withdraw")
    assert "No photos" in client.get(
        f"/activities/sessions/{session.id}/attendance").get_data(as_text=True)


def test_the_page_shows_what_given_says_and_every_consent_newest_first(login_as):
    """consents.on_page (one statement of plain rows) against given() and the Consent rows."""
    person = login_as()
    consents.give(person, consents.PHOTOS, "en")
    consents.give(person, consents.NEWS, "en")
    db.session.flush()
    consents.withdraw(person, consents.PHOTOS)
    consents.give(person, consents.PHOTOS, "en")
    for number, consent in enumerate(db.session.scalars(select(Consent).where(
            Consent.user_id == person.id).order_by(Consent.id))):
        consent.given_at = utcnow() - timedelta(days=10 - number)  # distinct, in order given
    db.session.flush()
    given, history = consents.on_page(person)
    assert given == {purpose: consent is not None
                     for purpose, consent in consents.given(person).items()}
    assert given == {consents.PHOTOS: True, consents.JOB_CENTRE: False, consents.NEWS: True}
    expected = db.session.scalars(select(Consent).where(
        Consent.user_id == person.id, Consent.purpose != "privacy_notice")
        .order_by(Consent.given_at.desc())).all()
    assert [(row.purpose, row.given_at, row.withdrawn_at) for row in history] == [
        (c.purpose, c.given_at, c.withdrawn_at) for c in expected]
    assert [row.purpose for row in history] == ["photos", "news", "photos"]


def test_who_consents_says_the_same_for_one_person_as_in_a_list(login_as, make_user):
    """One person is asked with a statement of its own (no IN list): same answers."""
    person, other = login_as(), make_user(name="Other")
    consents.give(person, consents.JOB_CENTRE, "en")
    consents.give(other, consents.NEWS, "en")
    db.session.flush()
    for user in (person, other):
        for purpose in consents.PURPOSES:
            alone = consents.who_consents([user.id], purpose)
            assert alone == consents.who_consents([user.id, -1], purpose) & {user.id}
    assert consents.who_consents([person.id], consents.JOB_CENTRE) == {person.id}
    consents.withdraw(person, consents.JOB_CENTRE)
    assert consents.who_consents([person.id], consents.JOB_CENTRE) == set()
    assert consents.who_consents([], consents.NEWS) == set()
