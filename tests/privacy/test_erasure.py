"""Erasure leaves nothing that says who the person was — anywhere in the database — ends
every role they had, and the account can never be used again."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DBAPIError

from portal import work
from portal.accounts import services as accounts
from portal.accounts.models import LoginSession, Membership, ResetCode, Role, User
from portal.activities import attendance
from portal.activities import services as activities
from portal.activities.models import Activity, Enrolment, Kind, Session
from portal.calendar.services import feed_token
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.goals import services as goals
from portal.goals.models import Share
from portal.i18n import force_locale
from portal.meetings import services as meetings
from portal.meetings.models import Availability, Booking, TimeOff, Window
from portal.notify.models import Notification
from portal.notify.services import body
from portal.privacy import consents
from portal.privacy.services import erase
from portal.reports import services as reports
from portal.reports.periods import period_for
from tests.conftest import PASSWORD

ZELDA = "Zelda Quixote-Erasetest"
ZELDA_PHONE = "+4741234987"
ZELDA_EMAIL = "zelda.erasetest@example.org"
VALTER = "Valter Volunteer-Erasetest"
VALTER_PHONE = "+4741234988"
VALTER_EMAIL = "valter.erasetest@example.org"


def dump() -> list[tuple[str, str]]:
    """Everything in the database as (table, text) lines: SQLite's own dump, or on PostgreSQL
    every row of every table as PostgreSQL writes it (all its columns, JSON included)."""
    db.session.commit()
    if db.engine.dialect.name == "sqlite":
        raw = db.engine.raw_connection()
        try:
            lines = list(raw.driver_connection.iterdump())
        finally:
            raw.close()
        return [(line.split('"')[1] if line.startswith("INSERT INTO") else "", line)
                for line in lines]
    with db.engine.connect() as connection:
        return [(table, row) for table in inspect(connection).get_table_names()
                for row in connection.execute(text(
                    f'SELECT CAST(t AS TEXT) FROM "{table}" AS t')).scalars()]  # noqa: S608


def traces(*needles: str) -> set[str]:
    """The tables whose rows hold any of these anywhere (case-insensitive)."""
    return {table for table, line in dump()
            if any(needle.lower() in line.lower() for needle in needles)}


def coming_monday() -> date:
    today = utcnow().date()
    return today + timedelta(days=7 - today.weekday())


def open_hours(host: User, site, days=range(7), place="") -> Availability:
    availability = Availability(host_id=host.id, site_id=site.id, slot_minutes=30, place=place,
                                valid_from=date.today(), windows=[
                                    Window(weekday=d, starts=time(9), ends=time(12))
                                    for d in days])
    db.session.add(availability)
    db.session.commit()
    return availability


def past_session(activity, days_ago: int = 3) -> Session:
    starts = utcnow() - timedelta(days=days_ago)
    session = Session(activity_id=activity.id, starts_at=starts,
                      ends_at=starts + timedelta(minutes=90))
    db.session.add(session)
    db.session.commit()
    return session


def last_month(site):
    today = utcnow().date()  # up to yesterday: what has already happened
    return period_for("custom", today, today - timedelta(days=30), today - timedelta(days=1))


@pytest.fixture(autouse=True)
def _english():
    with force_locale("en"):
        yield


def test_erasure_leaves_no_trace_of_the_person_anywhere_in_the_database(
        app, client, site, make_user):
    from tests.conftest import Client

    coach = make_user(Role.VOLUNTEER, name="Coach Kim", email="coach@example.org")
    coordinator = make_user(Role.COORDINATOR, name="Cora Coordinator")
    zelda = make_user(name=ZELDA, phone=ZELDA_PHONE, email=ZELDA_EMAIL)
    next_in_line, seated = make_user(name="Next In Line"), make_user(name="Seated")
    # A seat in a running course (someone waits for it), and a place on another's waiting list.
    circle = activities.create_activity(coach, site, activities.ActivityData(
        kind=Kind.STUDY_CIRCLE, title="Norsk A1", capacity=1))
    full = activities.create_activity(coach, site, activities.ActivityData(
        kind=Kind.STUDY_CIRCLE, title="Norsk A2", capacity=1))
    cafe = activities.create_activity(coach, site, activities.ActivityData(
        kind=Kind.LANGUAGE_CAFE, title="Språkkafé"))
    for activity in (circle, full, cafe):
        activities.add_series(coach, activity, activities.plan_series(
            site, coming_monday(), time(18), 90, 1, count=2), True)
    activities.enrol(zelda, circle.id)
    activities.enrol(next_in_line, circle.id)
    activities.enrol(seated, full.id)
    activities.enrol(zelda, full.id)
    activities.follow(zelda, cafe)
    activities.take_shift(coach, cafe.sessions[0])
    attendance.save(coach, past_session(circle), {zelda.id: (True, 90)}, None)
    # Her plan, shared with her coach, with words from both of them.
    goal = goals.create_goal(zelda, goals.GoalData(title=f"Jobb for {ZELDA}",
                                                   why=f"Ring meg: {ZELDA_PHONE}"))
    goals.add_step(goal, f"CV til {ZELDA_EMAIL}")
    goals.add_note(goal, f"{ZELDA} har skrevet CV")
    goals.answer(zelda, "dream", f"Jeg heter {ZELDA}")
    goals.share(zelda, coach.id, None)
    goals.add_comment(coach, goal, f"Bra jobba, {ZELDA}!")
    # Meetings: one held, one coming, one she moved, one she cancelled with a message.
    open_hours(coach, site)
    slots = meetings.find_slots(zelda, site, coach.id)
    coming = meetings.book(zelda, slots[3].key, f"Ring {ZELDA_PHONE}")
    moved = meetings.book(zelda, slots[5].key, "CV")
    meetings.move(zelda, moved, slots[9].key)
    dropped = meetings.book(zelda, slots[7].key, "")
    meetings.cancel(zelda, dropped, f"{ZELDA} er syk, ring {ZELDA_PHONE}")
    earlier = utcnow() - timedelta(days=2)
    db.session.add(Booking(site_id=site.id, host_id=coach.id, participant_id=zelda.id,
                           starts_at=earlier, ends_at=earlier + timedelta(minutes=30),
                           mode="phone", status="held", topic=f"Praksis, {ZELDA_EMAIL}"))
    db.session.commit()
    consents.give(zelda, consents.PHOTOS, "nb")
    feed_token(zelda)
    accounts.issue_reset_code(coordinator, zelda)
    # The coach's messages name her, read from her account when shown.
    host = Client(app.test_client())
    host.login(coach.email)
    inbox = host.get("/notify").get_data(as_text=True)
    assert f"{ZELDA} booked a meeting with you" in inbox
    assert f"{ZELDA} moved your meeting" in inbox and f"{ZELDA} er syk" in inbox
    before = reports.build([site], last_month(site))
    assert before.participants["active"] == 1
    needles = ("Zelda", "Quixote", "Erasetest", ZELDA_PHONE.removeprefix("+47"))
    # The dump finds her while she is there: in her own rows and in what others keep.
    assert traces(*needles) == {"user_account", "goal", "step", "progress_note", "goal_comment",
                                "plan_start", "booking", "notification"}

    client.login(coordinator.email)
    assert client.post(f"/privacy/erase/{zelda.id}").status_code == 303

    assert traces(*needles) == set()
    # Her messages in other people's inboxes: the meetings stay, her name and words do not.
    inbox = host.get("/notify").get_data(as_text=True)
    assert "– booked a meeting with you" in inbox and "– moved your meeting" in inbox
    assert "The meeting with – on" in inbox and "Reason:" not in inbox
    # Her seat went to the next in line; the course numbers and the reports are kept.
    seats = dict(db.session.execute(select(Enrolment.user_id, Enrolment.status).where(
        Enrolment.activity_id == circle.id)).all())
    assert seats == {zelda.id: "left", next_in_line.id: "enrolled"}
    assert db.session.scalars(select(Enrolment.status).where(
        Enrolment.user_id == zelda.id, Enrolment.activity_id == full.id)).one() == "left"
    assert db.session.scalars(select(Notification.kind).where(
        Notification.user_id == next_in_line.id)).all() == ["promoted"]
    assert db.session.get(Booking, coming.id).status == "cancelled"
    assert db.session.scalars(select(Membership.role).where(
        Membership.user_id == zelda.id)).all() == ["participant"]
    after = reports.build([site], last_month(site))
    assert (after.participants, after.meetings, after.per_week) == (
        before.participants, before.meetings, before.per_week)


def test_an_erased_volunteer_is_no_longer_staff_bookable_leader_or_host(
        client, site, make_site, make_user):
    elsewhere = make_site("Elsewhere")
    coordinator = make_user(Role.COORDINATOR)
    colleague = make_user(Role.VOLUNTEER, name="Colleague")
    participant = make_user(name="Paula")
    valter = make_user(name=VALTER, phone=VALTER_PHONE, email=VALTER_EMAIL, at=elsewhere)
    _invitation, code = accounts.invite(coordinator, site, Role.VOLUNTEER, label=VALTER)
    accounts.accept_invitation(valter, code)
    cafe = activities.create_activity(valter, site, activities.ActivityData(
        kind=Kind.LANGUAGE_CAFE, title="Språkkafé"))
    activities.add_series(valter, cafe, activities.plan_series(
        site, coming_monday(), time(18), 90, 1, count=1), True)
    coming_shift, past_shift = cafe.sessions[0], past_session(cafe, days_ago=2)
    activities.take_shift(valter, coming_shift)
    activities.take_shift(colleague, coming_shift)
    past_shift.hosts.append(valter)  # taken before it began
    db.session.commit()
    activities.drop_shift(colleague, coming_shift)
    open_hours(valter, site, place=f"Ring meg på {VALTER_PHONE}")
    open_hours(colleague, site, days=[0])
    db.session.add(TimeOff(host_id=valter.id, first_day=date.today(),
                           last_day=date.today()))
    db.session.commit()
    meeting = meetings.book(participant, meetings.find_slots(participant, site, valter.id)[2].key)
    held = meetings.book(participant, meetings.find_slots(participant, site, valter.id)[4].key)
    held.status, held.starts_at = "held", utcnow() - timedelta(days=1)  # as if it were past
    held.ends_at = held.starts_at + timedelta(minutes=30)
    db.session.commit()
    goals.share(participant, valter.id, None)
    assert valter.id in {slot.host_id for slot in meetings.find_slots(participant, site, None)}
    before = reports.build([site], last_month(site))
    assert before.totals["shifts_filled"] == 1

    warning = "You also stop being a volunteer or coordinator"
    client.login(participant.email)
    assert warning not in client.get("/privacy/delete").get_data(as_text=True)
    client.login(VALTER_EMAIL)  # staff delete their own account; nobody else may
    assert warning in client.get("/privacy/delete").get_data(as_text=True)
    assert client.post("/privacy/delete", {"password": PASSWORD}).status_code == 303

    valter = db.session.get(User, valter.id)
    assert (valter.is_staff, valter.role_at(site.id)) == (False, None)
    assert db.session.scalars(select(LoginSession).where(
        LoginSession.user_id == valter.id)).all() == []
    assert [(m.site_id, m.role) for m in valter.memberships] == [(elsewhere.id, "participant")]
    assert db.session.get(Activity, cafe.id).leaders == []
    assert db.session.get(Session, coming_shift.id).hosts == []  # "No host yet" again
    assert [u.id for u in db.session.get(Session, past_shift.id).hosts] == [valter.id]
    assert db.session.scalars(select(Availability).where(
        Availability.host_id == valter.id)).all() == []
    assert db.session.scalars(select(TimeOff)).all() == []
    hosts = {slot.host_id for slot in meetings.find_slots(participant, site, None)}
    assert hosts == {colleague.id}
    assert meetings.find_slots(participant, site, valter.id) == []
    assert valter.id not in {host.id for host in meetings.hosts_at(site)}
    assert valter not in activities.possible_leaders(site)
    assert db.session.get(Booking, meeting.id).status == "cancelled"
    told = db.session.scalars(select(Notification).where(
        Notification.user_id == participant.id, Notification.kind == "booking_cancelled")).one()
    assert "The meeting with – on" in body(told)
    assert db.session.scalars(select(Share.withdrawn_at)).one() is not None
    with pytest.raises(DomainError, match="Only volunteers at this meeting place can host"):
        activities.take_shift(valter, db.session.get(Session, coming_shift.id))
    after = reports.build([site], last_month(site))
    assert (after.totals, after.participants) == (before.totals, before.participants)
    assert traces(VALTER, "Erasetest", VALTER_PHONE.removeprefix("+47")) == set()


def test_an_erased_account_cannot_be_reset_or_logged_in_to(client, site, make_user,
                                                           smtp_server):
    coordinator = make_user(Role.COORDINATOR)
    person = make_user(name=ZELDA, email=ZELDA_EMAIL, phone=ZELDA_PHONE)
    code = accounts.issue_reset_code(coordinator, person)
    old_link = accounts.reset_token(person)
    erase(coordinator, person)
    erased = db.session.get(User, person.id)

    # Login: neither the old contact details nor the placeholder address lead to the account.
    for login in (ZELDA_EMAIL, ZELDA_PHONE, erased.email):
        assert accounts.find_by_login(login) is None
        assert accounts.authenticate(login, PASSWORD) is None
    # Codes: the one handed out before is gone, no new one is given, and a code row for the
    # account (as if issued at the very moment of erasure) does not open it.
    with pytest.raises(DomainError, match="You cannot give a code to this person"):
        accounts.issue_reset_code(coordinator, erased)
    db.session.add(ResetCode(user_id=erased.id, code_hash=accounts.code_digest("ABCD-EFGH"),
                             issued_by_id=coordinator.id, expires_at=utcnow() + timedelta(1)))
    db.session.commit()
    for login, typed in ((ZELDA_EMAIL, code), (erased.email, code), (erased.email, "ABCD-EFGH")):
        with pytest.raises(DomainError, match="The code is wrong, used or expired"):
            accounts.reset_with_code(login, typed, "a brand new password")
    # Links: the old one, and one made for the erased account now, both refused.
    new_link = accounts.reset_token(erased)
    assert accounts.user_for_reset_token(old_link) is None
    assert accounts.user_for_reset_token(new_link) is None
    with pytest.raises(DomainError, match="This link is old or has been used"):
        accounts.reset_with_token(new_link, "a brand new password")
    live = make_user(email="still.here@example.org")
    for login in (ZELDA_EMAIL, erased.email, live.email):
        accounts.send_reset_link(login)
    assert [message["To"] for message in smtp_server] == ["still.here@example.org"]
    # The staff page's button is gone for a deleted account; posting anyway changes nothing.
    client.login(coordinator.email)
    response = client.post(f"/accounts/sites/{site.id}/members/{erased.id}/reset-code")
    assert response.status_code == 303
    assert "You cannot give a code to this person." in client.get(
        response.headers["Location"]).get_data(as_text=True)
    assert [r.code_hash for r in db.session.scalars(select(ResetCode))] == [
        accounts.code_digest("ABCD-EFGH")]
    assert db.session.get(User, erased.id).password_hash.startswith("erased:")


def test_the_invitations_an_erased_person_made_and_nobody_used_end(site, make_user):
    admin = make_user(Role.ADMIN)
    coordinator = make_user(Role.COORDINATOR)
    unused, code = accounts.invite(coordinator, site, Role.VOLUNTEER, label=VALTER)
    used, used_code = accounts.invite(coordinator, site, Role.VOLUNTEER)
    newcomer = make_user(name="Newcomer")
    accounts.accept_invitation(newcomer, used_code)
    admins, admins_code = accounts.invite(admin, site, Role.VOLUNTEER)
    db.session.commit()
    used_at = used.used_at

    erase(coordinator, coordinator)  # on their own request (staff erase participants only)
    db.session.commit()

    assert accounts.open_invitations(site) == [admins]
    later = make_user(name="Later")
    with pytest.raises(DomainError, match="This invitation code is wrong, used or expired"):
        accounts.accept_invitation(later, code)
    assert (used.used_at, used.used_by_id) == (used_at, newcomer.id)  # what was used stays
    accounts.accept_invitation(later, admins_code)  # another inviter's still works
    assert later.role_at(site.id) == Role.VOLUNTEER


@pytest.fixture
def refusing_database(app):
    """The database refuses the last write of an erasure (the anonymised name), as a full
    disk or a lost connection would at that moment."""
    if db.engine.dialect.name == "sqlite":
        statements = ["CREATE TRIGGER refuse_erasure BEFORE UPDATE OF display_name ON "
                      "user_account WHEN NEW.display_name = '–' "
                      "BEGIN SELECT RAISE(ABORT, 'erasure refused by the test'); END"]
        cleanup = ["DROP TRIGGER refuse_erasure"]
    else:
        statements = [
            "CREATE FUNCTION refuse_erasure() RETURNS trigger AS $$ BEGIN "
            "IF NEW.display_name = '–' THEN RAISE EXCEPTION 'erasure refused by the test'; "
            "END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_erasure BEFORE UPDATE ON user_account FOR EACH ROW "
            "EXECUTE FUNCTION refuse_erasure()"]
        cleanup = ["DROP TRIGGER refuse_erasure ON user_account", "DROP FUNCTION refuse_erasure()"]
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    yield
    db.session.rollback()  # PostgreSQL: dropping a trigger waits for every open transaction
    with db.engine.begin() as connection:
        for statement in cleanup:
            connection.execute(text(statement))


def test_erasure_is_all_or_nothing(site, make_user, refusing_database):
    coach = make_user(Role.VOLUNTEER, name="Coach")
    person, waiting = make_user(name=ZELDA), make_user(name="Next In Line")
    circle = activities.create_activity(coach, site, activities.ActivityData(
        kind=Kind.STUDY_CIRCLE, title="Norsk A1", capacity=1))
    activities.add_series(coach, circle, activities.plan_series(
        site, coming_monday(), time(18), 90, 1, count=2), True)
    activities.enrol(person, circle.id)
    activities.enrol(waiting, circle.id)
    open_hours(coach, site)
    booking = meetings.book(person, meetings.find_slots(person, site, coach.id)[1].key, "CV")
    staff = make_user(Role.VOLUNTEER, name="Staff Person")
    open_hours(staff, site)
    messages = db.session.scalar(select(db.func.count()).select_from(Notification))
    work.commit()

    for who in (person, staff):
        with pytest.raises(DBAPIError, match="erasure refused by the test"), work.unit():
            erase(None, who)

    seats = dict(db.session.execute(select(Enrolment.user_id, Enrolment.status)).all())
    assert seats == {person.id: "enrolled", waiting.id: "waitlisted"}
    assert db.session.get(Booking, booking.id).status == "booked"
    assert db.session.get(User, person.id).display_name == ZELDA
    assert db.session.get(User, staff.id).role_at(site.id) == "volunteer"
    assert db.session.scalars(select(Availability.host_id).where(
        Availability.host_id == staff.id)).all() == [staff.id]
    assert db.session.scalar(select(db.func.count()).select_from(Notification)) == messages


def test_the_migration_takes_stored_names_out_of_meeting_messages(tmp_path):
    """Messages stored before the names left them: upgrading points each at the other side of
    its meeting and drops the stored name; downgrading writes the names back."""
    from flask_migrate import downgrade, upgrade

    from portal import create_app
    from portal.extensions import db as database

    before = "377238b1c077"
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'bro.sqlite3'}"})
    rows = "SELECT id, about_id, params FROM notification ORDER BY id"
    with app.app_context():
        upgrade(revision=before)
        for statement in (
                "INSERT INTO site (id, name, country, timezone, address, created_at) "
                "VALUES (1, 'Tøyen', 'NO', 'Europe/Oslo', '', '2026-01-01 10:00:00')",
                "INSERT INTO user_account (id, display_name, email, password_hash, language, "
                "session_version, created_at) VALUES (1, 'Host Hanna', 'h@example.org', 'x', "
                "'en', 0, '2026-01-01'), (2, 'Zelda Old', 'z@example.org', 'x', 'en', 0, "
                "'2026-01-01')",
                "INSERT INTO booking (id, site_id, host_id, participant_id, starts_at, ends_at, "
                "mode, place, topic, interpreter, status, cancel_reason, created_at, "
                "scheduled_at) VALUES (1, 1, 1, 2, '2026-02-02 09:00:00', "
                "'2026-02-02 09:30:00', 'phone', '', '', '', 'booked', '', '2026-01-01', "
                "'2026-01-01')",
                "INSERT INTO notification (id, user_id, kind, params, created_at, email_status, "
                "email_attempts) VALUES "
                "(1, 1, 'booking_new', '{\"booking_id\": 1, \"starts_at\": "
                "\"2026-02-02T09:00:00+00:00\", \"timezone\": \"Europe/Oslo\", \"with\": "
                "\"Zelda Old\", \"mode\": \"phone\"}', '2026-01-01', 'none', 0), "
                "(2, 2, 'booking_confirmed', '{\"booking_id\": 1, \"starts_at\": "
                "\"2026-02-02T09:00:00+00:00\", \"timezone\": \"Europe/Oslo\", \"with\": "
                "\"Host Hanna\", \"mode\": \"phone\"}', '2026-01-01', 'none', 0), "
                "(3, 2, 'promoted', '{\"activity_id\": 7, \"title\": \"Norsk\", "
                "\"timezone\": \"Europe/Oslo\"}', '2026-01-01', 'none', 0)"):
            database.session.execute(text(statement))
        database.session.commit()
        database.session.remove()
        upgrade()
        upgraded = [(i, about, json_of(p)) for i, about, p in database.session.execute(
            text(rows))]
        with force_locale("en"):
            shown = body(database.session.get(Notification, 1))
        database.session.remove()
        downgrade(revision=before)
        restored = [(i, json_of(p).get("with")) for i, p in database.session.execute(
            text("SELECT id, params FROM notification ORDER BY id"))]
        database.session.remove()
    assert [(i, about) for i, about, _p in upgraded] == [(1, 2), (2, 1), (3, None)]
    assert [("with" in p) for _i, _a, p in upgraded] == [False, False, False]
    assert upgraded[2][2] == {"activity_id": 7, "title": "Norsk", "timezone": "Europe/Oslo"}
    assert shown.startswith("Zelda Old booked a meeting with you")
    assert restored == [(1, "Zelda Old"), (2, "Host Hanna"), (3, None)]


def json_of(value) -> dict:
    import json

    return json.loads(value) if isinstance(value, str) else value
