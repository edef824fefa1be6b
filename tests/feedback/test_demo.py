"""The demo shows "How was it?" and peer co-leaders to a newcomer."""

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.activities import services as activities
from portal.activities.models import Activity
from portal.extensions import db, utcnow
from portal.feedback import services
from portal.feedback.models import Feedback
from portal.reports.periods import term


def test_the_demo_has_answers_comments_to_show_a_question_and_co_leaders(app):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--participants", "60"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(Feedback).where(
        Feedback.face.is_not(None), Feedback.session_id.is_not(None))) > 0
    assert db.session.scalar(select(func.count()).select_from(Feedback).where(
        Feedback.booking_id.is_not(None))) > 0
    this_term = term(utcnow().date())
    shown = [activity.title for activity in db.session.scalars(select(Activity))
             if services.activity_summary(activity, *this_term.utc(activity.site.timezone))
             .comments]
    assert shown, "no activity has enough answers for its comments to show"
    amina = db.session.scalar(select(User).where(User.email == "amina@example.org"))
    assert services.next_question(amina) is not None  # her start page asks
    assert [a.kind for a in activities.co_led_activities(amina)] == ["language_cafe"]
    assert db.session.scalar(select(func.count()).select_from(
        Activity.__table__.metadata.tables["activity_co_leader"])) == 3
