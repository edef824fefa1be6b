"""`flask apply-retention`: warn the long inactive, erase them after the grace period."""

from datetime import timedelta

from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.audit.models import AuditEvent
from portal.extensions import db, utcnow
from portal.notify import worker
from portal.notify.models import Notification
from portal.privacy.retention import apply


def test_warn_then_erase_unless_they_come_back(app, make_user, smtp_server):
    long_ago = utcnow() - timedelta(days=800)
    gone = make_user(name="Gone", email="gone@example.org", language="da")
    back = make_user(name="Back")
    staff = make_user(Role.VOLUNTEER, name="Staff")
    active = make_user(name="Active")
    for user in (gone, back, staff):
        user.created_at = user.last_login_at = long_ago
    active.last_login_at = utcnow() - timedelta(days=3)
    db.session.commit()

    assert apply() == (2, 0)  # Gone and Back are warned; staff and active people never
    assert apply() == (0, 0)  # nothing twice
    warning = db.session.scalars(select(Notification).where(
        Notification.user_id == gone.id, Notification.kind == "retention_warning")).one()
    worker.run_once()
    assert [d.status for d in warning.deliveries] == ["sent"]
    mail = next(m for m in smtp_server if m["To"] == "gone@example.org")
    assert "sletter vi din konto" in mail.get_payload(decode=True).decode()  # in Danish

    back.last_login_at = utcnow()  # Back logs in during the grace period
    db.session.commit()
    later = utcnow() + timedelta(days=app.config["RETENTION_WARNING_DAYS"] + 1)
    assert apply(later) == (0, 1)
    db.session.expire_all()
    assert db.session.get(User, gone.id).erased_at is not None
    assert db.session.get(User, back.id).erased_at is None
    assert db.session.get(User, staff.id).erased_at is None
    event = db.session.scalars(select(AuditEvent)).one()
    assert (event.actor_id, event.action, event.subject_id) == (
        None, "account.erase.retention", gone.id)


def test_the_cron_command(app):
    result = app.test_cli_runner().invoke(args=["apply-retention"])
    assert result.exit_code == 0 and "0 warned, 0 erased" in result.output
