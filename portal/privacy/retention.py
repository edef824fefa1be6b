"""Retention (`flask apply-retention`, from cron): participants who have not been active for
RETENTION_INACTIVE_DAYS are warned, and erased RETENTION_WARNING_DAYS later unless they log in
meanwhile. The warning is an ordinary notification (in the app, and by e-mail if they have one),
so whether and when someone was warned is on record; staff accounts are never touched."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from portal import work
from portal.accounts.models import STAFF_ROLES, Membership, User
from portal.extensions import db, utcnow
from portal.notify.models import Notification
from portal.notify.services import notify
from portal.privacy.services import erase

WARNING = "retention_warning"


def _last_seen():
    return func.coalesce(User.last_login_at, User.created_at)


def apply(now: datetime | None = None) -> tuple[int, int]:
    """Returns (warned, erased). Each person is a unit of work of their own: one erasure that
    fails leaves the others done."""
    now = now or utcnow()
    inactive_days = current_app.config["RETENTION_INACTIVE_DAYS"]
    grace = timedelta(days=current_app.config["RETENTION_WARNING_DAYS"])
    staff = select(Membership.user_id).where(Membership.role.in_(STAFF_ROLES))
    warned_at = (select(func.max(Notification.created_at)).where(
        Notification.user_id == User.id, Notification.kind == WARNING)
        .correlate(User).scalar_subquery())
    candidates = db.session.execute(select(User.id, warned_at.label("warned_at")).where(
        User.erased_at.is_(None), User.id.not_in(staff),
        _last_seen() < now - timedelta(days=inactive_days))).all()
    warned = erased = 0
    for user_id, warning in candidates:
        with work.unit():
            user = db.session.get(User, user_id)
            seen = user.last_login_at or user.created_at
            if warning is None or warning < seen:  # not warned since they were last here
                for notification in notify([user], WARNING, {
                        "timezone": user.timezone, "deadline": (now + grace).isoformat()}):
                    notification.created_at = now
                warned += 1
            elif warning <= now - grace:
                erase(None, user)
                erased += 1
    return warned, erased


