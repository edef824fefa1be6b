"""What the road to work does when a person is erased or asks for their data."""

from datetime import date

from sqlalchemy import bindparam, delete, select, update

from portal import signals, speed
from portal.accounts.models import User
from portal.employment.models import (
    CheckIn,
    Interview,
    Outcome,
    Partner,
    Placement,
    PlacementStatus,
    Statement,
)
from portal.extensions import db
from portal.speed import statement


def person_erased(person: User, actor=None, now=None, **_kwargs) -> None:
    """Keep what funders count as anonymous rows under the anonymised account (placements,
    outcomes, interviews: kinds, dates, statuses); blank every text that could say who the
    person was (the role, the mentor, notes, employers). A placement that had not begun is
    removed; one going on ends today. Self-assessments lose their link to the person and keep
    their anonymous key, so the reports still see one person's change."""
    today: date = now.date() if now is not None else date.today()
    db.session.execute(delete(Placement).where(
        Placement.participant_id == person.id, Placement.status == PlacementStatus.PLANNED,
        Placement.starts_on > today))
    for placement in db.session.scalars(select(Placement).where(
            Placement.participant_id == person.id,
            Placement.status.in_([PlacementStatus.PLANNED, PlacementStatus.ACTIVE]))):
        placement.status = PlacementStatus.ENDED_EARLY
        placement.ends_on = max(placement.starts_on, min(placement.ends_on, today))
    db.session.execute(update(Placement).where(Placement.participant_id == person.id).values(
        role="", mentor_name="", mentor_phone="", staff_notes="", goal_id=None))
    db.session.execute(update(Outcome).where(Outcome.participant_id == person.id)
                       .values(note=""))
    db.session.execute(update(Interview).where(Interview.participant_id == person.id)
                       .values(employer=""))
    db.session.execute(update(CheckIn).where(CheckIn.participant_id == person.id)
                       .values(participant_id=None))
    db.session.flush()


def data_requested(person: User, sections=None, **_kwargs) -> dict:
    """Everything the road to work keeps about the person, as plain data. Staff notes on
    placements are the staff's working notes and are not shown to the participant here.
    Plain rows from statements built once per process (not ORM objects); nothing when none
    of its sections is asked for (the readable page shows none)."""
    def when(moment):
        return moment.isoformat() if moment else None

    if not signals.asked(sections, *_SECTIONS):
        return {}
    placements, outcomes, interviews, check_ins = (
        speed.rows(built(), {"user_id": person.id}).all() for built in _DATA_STATEMENTS)
    return {
        "placements": [{
            "partner": p.partner, "role": p.role, "from": when(p.starts_on),
            "to": when(p.ends_on), "weekdays": [int(day) for day in p.weekdays],  # as .days
            "hours_per_week": p.hours_per_week,
            "mentor": p.mentor_name, "mentor_phone": p.mentor_phone, "status": p.status.value,
            "goal_id": p.goal_id} for p in placements],
        "outcomes": [{
            "status": o.kind.value, "extent": o.extent.value if o.extent else None,
            "subsidy": o.subsidy.value if o.subsidy else None, "date": when(o.on_date),
            "note": o.note, "reported_by_me": o.reported_by_participant,
            "confirmed": when(o.confirmed_at)} for o in outcomes],
        "job_interviews": [{"date": when(i.on_date), "employer": i.employer}
                           for i in interviews],
        "self_assessments": [{
            "date": when(c.created_at), "skipped": c.skipped,
            **{s.value: getattr(c, s.value) for s in Statement}}  # CheckIn.answer
            for c in check_ins],
    }


@statement
def _placements():
    return (select(Partner.name.label("partner"), Placement.role, Placement.starts_on,
                   Placement.ends_on, Placement.weekdays, Placement.hours_per_week,
                   Placement.mentor_name, Placement.mentor_phone, Placement.status,
                   Placement.goal_id)
            .outerjoin(Partner, Partner.id == Placement.partner_id)
            .where(Placement.participant_id == bindparam("user_id"))
            .order_by(Placement.starts_on))


@statement
def _outcomes():
    return (select(Outcome.kind, Outcome.extent, Outcome.subsidy, Outcome.on_date,
                   Outcome.note, Outcome.reported_by_participant, Outcome.confirmed_at)
            .where(Outcome.participant_id == bindparam("user_id"))
            .order_by(Outcome.on_date, Outcome.id))


@statement
def _interviews():
    return (select(Interview.on_date, Interview.employer)
            .where(Interview.participant_id == bindparam("user_id"))
            .order_by(Interview.on_date))


@statement
def _check_ins():
    return (select(CheckIn.created_at, CheckIn.skipped,
                   *(getattr(CheckIn, s.value) for s in Statement))
            .where(CheckIn.participant_id == bindparam("user_id"))
            .order_by(CheckIn.created_at))


# In data_requested's order.
_DATA_STATEMENTS = (_placements, _outcomes, _interviews, _check_ins)
_SECTIONS = ("placements", "outcomes", "job_interviews", "self_assessments")


def connect() -> None:
    signals.person_erased.connect(person_erased)
    signals.data_requested.connect(data_requested)
