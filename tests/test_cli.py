"""flask commands and the migrations."""

from datetime import timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text

from portal import work
from portal.accounts.models import Membership, Role, Site, User
from portal.extensions import db, utcnow


def test_migrations_build_exactly_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_seed_demo_fills_three_countries_and_prints_one_login_per_role(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert sorted(db.session.scalars(select(Site.country))) == ["DK", "NO", "SE"]
    participants = db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.role == Role.PARTICIPANT))
    assert 180 <= participants <= 210
    roles = set(db.session.scalars(select(Membership.role)))
    assert roles == {"participant", "volunteer", "coordinator", "admin"}
    names = db.session.scalars(select(User.display_name)).all()
    assert any("\u0600" <= ch <= "\u06ff" for name in names for ch in name)  # Arabic script
    assert any(name.isascii() for name in names)
    for role in ("participant", "volunteer", "coordinator", "admin"):
        assert role in result.output
    again = runner.invoke(args=["seed-demo"])
    assert "nothing was added" in again.output
    assert db.session.scalar(select(func.count()).select_from(Site)) == 3
    _demo_shows_seminars_women_only_and_registration_before_history()
    _demo_shows_workshop_certificates_and_the_lower_grant()


def _demo_shows_workshop_certificates_and_the_lower_grant():
    from portal.audit.models import AuditEvent
    from portal.certificates import services as certificates
    from portal.certificates.models import CertificateKind, CourseCertificate
    from portal.reports import services as reports
    from portal.reports.periods import month

    amina = db.session.scalar(select(User).where(User.email == "amina@example.org"))
    ingrid = db.session.scalar(select(User).where(User.email == "ingrid@example.org"))
    workshop = next(item for item in certificates.earned(amina)
                    if item.kind == CertificateKind.WORKSHOP)
    assert workshop.minutes == 360 and workshop.certificate is not None  # 150 + 120 + 90
    made_for = db.session.execute(select(AuditEvent.actor_id, AuditEvent.subject_id).where(
        AuditEvent.action == "certificate.issued_for")).all()
    assert made_for == [(ingrid.id, workshop.certificate.id)]
    assert db.session.scalar(select(func.count()).select_from(CourseCertificate).where(
        CourseCertificate.kind == CertificateKind.WORKSHOP)) >= 2  # others made their own
    tøyen = amina.home_site
    circles = reports.build([tøyen], month(utcnow().date().replace(day=1))).circles
    lower = [c["title"] for c in circles if "without_teacher" in c["status"].problems]
    assert "Norsk i hverdagen (kveld)" in lower
    # Amina's CV lists the workshop among her courses, with the time she was present.
    from portal.competences import cv as cv_document
    from portal.competences import services as competences
    from tests.pdfs import text_of

    cv = competences.cv_of(amina)
    assert [(c.activity_id, c.minutes) for c in cv.courses if c.minutes] == [
        (workshop.source_id, 360)]
    text, _reader = text_of(cv_document.pdf_of(cv))
    assert "Verksted: slik skriver du en søknad" in text and "6 timer" in text


def _demo_shows_seminars_women_only_and_registration_before_history():
    from portal.accounts.models import Gender
    from portal.activities.models import (
        Activity,
        Admission,
        Attendance,
        Enrolment,
        Follow,
        Kind,
        Session,
    )
    from portal.dialogues import services as dialogues
    from portal.dialogues.models import Action, Guest, Question
    from portal.reports import services as reports
    from portal.reports.periods import month

    (seminar,) = db.session.scalars(select(Activity).where(
        Activity.kind == Kind.DIALOGUE_SEMINAR))
    actions = db.session.scalars(select(Action).where(Action.activity_id == seminar.id)).all()
    assert {a.done_at is None for a in actions} == {True, False}  # done and open ones
    amina = db.session.scalar(select(User).where(User.email == "amina@example.org"))
    assert dialogues.took_part(amina, seminar)  # the demo participant sees the actions
    for model in (Guest, Question):
        assert db.session.scalar(select(func.count()).select_from(model)) >= 2
    women_only = db.session.scalars(select(Activity).where(Activity.women_only)).all()
    assert len([a for a in women_only if a.childcare]) >= 2  # and some from proposals
    admitted = set(db.session.scalars(select(Admission.user_id)))
    assert admitted  # a leader added someone by name
    for activity in women_only:
        taking_part = [*db.session.scalars(select(Enrolment.user_id).where(
            Enrolment.activity_id == activity.id)), *db.session.scalars(
            select(Follow.user_id).where(Follow.activity_id == activity.id))]
        # (one just made from a proposal has nobody yet)
        assert taking_part or activity.status != "open"
        assert all(db.session.get(User, user_id).gender == Gender.WOMAN
                   or user_id in admitted for user_id in taking_part)
    # Registered before their history: no one attended before their account existed …
    early = db.session.scalar(select(func.count()).select_from(Attendance).join(
        Session, Session.id == Attendance.session_id).join(
        Membership, Membership.user_id == Attendance.user_id).where(
        Session.starts_at < Membership.created_at))
    assert early == 0
    # … so no past month shows fewer registered than active.
    sites = db.session.scalars(select(Site)).all()
    this_month = utcnow().date().replace(day=1)
    for back in range(1, 3):
        first = (this_month - timedelta(days=28 * back)).replace(day=1)
        counts = reports.build(sites, month(first)).participants
        assert counts["registered"] >= counts["active"] > 0, (first, counts)


def test_demo_logins_work(app, client):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--participants", "5"])
    assert result.exit_code == 0, result.output
    from portal.demo import DEMO_PASSWORD

    client.login("ingrid@example.org", DEMO_PASSWORD)
    site = db.session.scalar(select(Site).where(Site.country == "NO"))
    assert client.get(f"/accounts/sites/{site.id}/members").status_code == 200


def test_create_admin_creates_site_and_admin(app):
    result = app.test_cli_runner().invoke(args=[
        "create-admin", "--name", "Root", "--login", "root@example.org", "--password",
        "a long admin password", "--site", "Bro Oslo"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "root@example.org"))
    assert user.is_admin and user.memberships[0].site.name == "Bro Oslo"


def test_create_admin_reports_bad_input_without_a_traceback(app):
    result = app.test_cli_runner().invoke(args=[
        "create-admin", "--name", "Root", "--login", "root@example.org", "--password", "short"])
    assert result.exit_code != 0 and "at least 10" in result.output


def test_runs_on_the_configured_database(app):
    import os

    expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") \
        else "sqlite"
    assert db.engine.dialect.name == expected
    if expected == "sqlite":  # the pragmas that make SQLite safe for a web app
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
            # temporary tables of sorts and unions in memory (2), not in a file each time
            assert connection.exec_driver_sql("PRAGMA temp_store").scalar() == 2


def test_send_notifications_command_sends_pending_mail(app, make_user, smtp_server):
    from portal.notify import services as notify

    person = make_user()
    notify.notify([person], "promoted", {"title": "Norsk A1", "timezone": "Europe/Oslo"})
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["send-notifications"])
    assert result.exit_code == 0 and "1 sent, 0 to retry, 0 failed" in result.output
    assert len(smtp_server) == 1


def test_backup_copies_the_database_and_the_copy_restores(app, site, make_user, tmp_path):
    """SQLite: an online copy that opens as a Bro database with the same rows. PostgreSQL:
    the command says to use pg_dump instead (and fails, so a cron job notices)."""
    import sqlite3

    make_user(name="Backed up")
    target = tmp_path / "bro-backup.sqlite3"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    if db.engine.dialect.name != "sqlite":
        assert result.exit_code != 0 and "pg_dump" in result.output
        return
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        names = {row[0] for row in copy.execute("SELECT display_name FROM user_account")}
        version = copy.execute("SELECT version_num FROM alembic_version").fetchone()
    assert names == set(db.session.scalars(select(User.display_name)))
    restored = create_app_on(f"sqlite:///{target}")
    with restored.app_context():
        assert restored.extensions["sqlalchemy"].session.scalar(
            select(func.count()).select_from(User)) == len(names)
    with db.engine.connect() as connection:
        assert version[0] == connection.exec_driver_sql(
            "SELECT version_num FROM alembic_version").scalar()


def row_counts(*tables: str) -> dict[str, int]:
    from sqlalchemy import text

    return {table: db.session.execute(
        text(f"SELECT count(*) FROM {table}")).scalar()  # noqa: S608  (fixed names)
        for table in tables}


def create_app_on(url: str):
    from portal import create_app

    return create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})


def test_upgrading_a_database_of_the_previous_release_keeps_its_data(tmp_path):
    """A database built by the migrations of the release before meetings, reports and privacy
    (revision cae3c684fbaf), with data in it, upgraded to today's schema: nothing is lost."""
    from flask_migrate import upgrade
    from sqlalchemy import create_engine, text

    from portal import create_app
    from portal.extensions import db as database

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    old = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
    with old.app_context():
        upgrade(revision="cae3c684fbaf")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO site (id, name, country, timezone, address, created_at) "
            "VALUES (1, 'Tøyen', 'NO', 'Europe/Oslo', '', '2026-01-01 10:00:00')"))
        connection.execute(text(
            "INSERT INTO user_account (id, display_name, email, password_hash, language, "
            "session_version, created_at) VALUES (1, 'Amina', 'amina@example.org', 'x', 'nb', "
            "0, '2026-01-01 10:00:00')"))
        connection.execute(text(
            "INSERT INTO membership (user_id, site_id, role, created_at) "
            "VALUES (1, 1, 'participant', '2026-01-01 10:00:00')"))
        connection.execute(text(
            "INSERT INTO goal (owner_id, title, why, category, status, created_at) "
            "VALUES (1, 'Jobb', '', 'work', 'active', '2026-01-02 10:00:00')"))
    with old.app_context():
        upgrade()
        names = database.session.scalars(select(User.display_name)).all()
        roles = database.session.scalars(select(Membership.role)).all()
        goal = database.session.execute(text("SELECT title FROM goal")).scalar()
        tables = set(database.inspect(database.engine).get_table_names())
    engine.dispose()
    assert names == ["Amina"] and roles == ["participant"] and goal == "Jobb"
    assert {"booking", "availability", "booking_reminder"} <= tables


def test_the_reports_migration_fills_its_tables_from_the_rows_there(tmp_path):
    """Upgrading to the reports' kept figures fills them from the rows already there (the
    same figures the upkeep keeps), and loses no row on the way down or up."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    from portal import demo
    from portal.extensions import db as database

    def figures():
        counts = row_counts("attendance", "session", "booking", "enrolment", "shift")
        marks = database.session.execute(text(
            "SELECT id, present_count, absent_count FROM session ORDER BY id")).all()
        active = database.session.execute(text(
            "SELECT site_id, month, user_id FROM active_month ORDER BY 1, 2, 3")).all()
        return counts, marks, active

    app = create_app_on(f"sqlite:///{tmp_path / 'bro.sqlite3'}")
    with app.app_context():
        upgrade()
        with work.unit():
            demo.seed(participants=60)
        kept = figures()
        database.session.remove()
        downgrade(revision="33608b86ed0e")
        assert database.session.execute(text("SELECT count(*) FROM attendance")).scalar() == (
            kept[0]["attendance"])
        database.session.remove()
        upgrade()
        again = figures()
        database.session.remove()
    assert kept[0]["attendance"] > 0 and kept[1] and kept[2]
    assert again == kept


def test_every_downgrade_keeps_the_rows_of_the_tables_it_keeps(tmp_path):
    """Stepping back one migration at a time on SQLite with demo data: each step may drop the
    tables and columns it added, but no other table loses a row. (On SQLite a batch-mode
    column drop copies and drops the table, and the drop cascades to its children.)"""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    from portal import demo

    def counts():
        names = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        return row_counts(*sorted(names))

    app = create_app_on(f"sqlite:///{tmp_path / 'bro.sqlite3'}")
    steps = 0
    with app.app_context():
        upgrade()
        with work.unit():
            demo.seed(participants=60)
        before = counts()
        assert before["attendance"] > 0 and before["booking"] > 0
        while db.session.execute(text("SELECT count(*) FROM alembic_version")).scalar():
            db.session.remove()
            downgrade(revision="-1")
            steps += 1
            after = counts()
            assert after == {table: before[table] for table in after}, f"step {steps}"
            before = after
            if not after:
                break
        db.session.remove()
    assert steps > 10
