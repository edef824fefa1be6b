"""Road-to-work services: the rules of partners, placements, outcomes and check-ins; the
placement days My calendar shows; erasure and My data (portal/employment/hooks.py)."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal import signals
from portal.accounts.models import Membership, Role
from portal.employment import services
from portal.employment.models import (
    CheckIn,
    Interview,
    Outcome,
    Partner,
    PartnerKind,
    Placement,
    partner_kind_name,
)
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.goals import services as goals
from portal.i18n import force_locale
from portal.reports import employment as figures
from portal.reports.periods import Period
from tests.employment.conftest import placement_data


def test_a_placement_names_a_partner_and_a_goal_of_its_own_place_and_person(
        road, make_user, make_site):
    coordinator, participant = road["coordinator"], road["participant"]
    elsewhere = make_site("Elsewhere")
    foreign = services.add_partner(make_user(Role.COORDINATOR, at=elsewhere), elsewhere,
                                   services.PartnerData(name="Far away", kind="employer"))
    someone_elses = goals.create_goal(make_user(), goals.GoalData(title="Not theirs"))
    own = goals.create_goal(participant, goals.GoalData(title="Cook for a living"))
    with force_locale("en"), pytest.raises(DomainError, match="partner of this meeting place"):
        services.record_placement(coordinator, participant, placement_data(foreign))
    with force_locale("en"), pytest.raises(DomainError, match="participant's goals"):
        services.record_placement(coordinator, participant, placement_data(
            road["employer"], goal_id=someone_elses.id))
    with force_locale("en"), pytest.raises(DomainError, match="at most two years"):
        services.record_placement(coordinator, participant, placement_data(
            road["employer"], ends_on=date(2028, 3, 16)))
    placement = services.record_placement(coordinator, participant, placement_data(
        road["employer"], goal_id=own.id))
    assert placement.goal_id == own.id and placement.site_id == road["site"].id


def test_staff_act_only_on_participants_of_their_place_who_rank_below_them(
        road, make_user, make_site):
    participant, employer = road["participant"], road["employer"]
    colleague = make_user(Role.COORDINATOR)
    volunteer = make_user(Role.VOLUNTEER)
    stranger = make_user(Role.COORDINATOR, at=make_site("Elsewhere"))
    for actor, person in [(stranger, participant), (volunteer, participant),
                          (road["coordinator"], colleague), (participant, participant)]:
        with force_locale("en"), pytest.raises(DomainError, match="you coordinate"):
            services.record_placement(actor, person, placement_data(employer))
        with force_locale("en"), pytest.raises(DomainError, match="you coordinate"):
            services.record_outcome(actor, person, services.OutcomeData(
                kind="job", on_date=date(2026, 1, 5)))
    # A participant who volunteers at another place ranks as a volunteer: a coordinator of
    # the place where they take part does not act on them unless they manage both places.
    both = make_user()
    db.session.add(Membership(user_id=both.id, site=make_site("Third"), role=Role.VOLUNTEER))
    db.session.commit()
    db.session.refresh(both)
    assert not services.may_follow(road["coordinator"], both)
    admin = make_user(Role.ADMIN)
    assert services.may_follow(admin, both)


def test_a_reported_outcome_counts_once_staff_confirm_it(road, make_user, make_site):
    participant, coordinator = road["participant"], road["coordinator"]
    reported = services.report_outcome(participant, services.OutcomeData(
        kind="education", on_date=date(2026, 2, 1)))
    assert services.current_outcome(services.outcomes_of(participant)) is None
    with force_locale("en"), pytest.raises(DomainError, match="you coordinate"):
        services.confirm_outcome(make_user(Role.COORDINATOR, at=make_site("Else")), reported)
    services.confirm_outcome(coordinator, reported)
    assert services.current_outcome(services.outcomes_of(participant)).id == reported.id
    with force_locale("en"), pytest.raises(DomainError, match="only for a job"):
        services.record_outcome(coordinator, participant, services.OutcomeData(
            kind="education", on_date=date(2026, 2, 1), extent="full_time"))
    with force_locale("en"), pytest.raises(DomainError, match="subsidised job of this country"):
        services.record_outcome(coordinator, participant, services.OutcomeData(
            kind="job", on_date=date(2026, 2, 1), subsidy="flexjob"))  # Danish, at Oslo
    job = services.record_outcome(coordinator, participant, services.OutcomeData(
        kind="job", on_date=date(2026, 3, 1), extent="part_time", subsidy="lonnstilskudd"))
    assert job.confirmed_at is not None and job.subsidy == "lonnstilskudd"


def test_a_job_centre_is_called_by_its_countrys_name():
    with force_locale("en"):
        assert partner_kind_name("job_centre", "NO") == "Job centre (NAV)"
        assert partner_kind_name("job_centre", "SE") == "Job centre (Arbetsförmedlingen)"
        assert partner_kind_name("employer", "DK") == "Employer"
    with force_locale("nb"):
        assert partner_kind_name("job_centre", "NO") == "NAV"  # not "NAV (NAV)"


def test_removing_a_partner_that_placements_name_keeps_only_its_name(road):
    employer = road["employer"]
    services.record_placement(road["coordinator"], road["participant"],
                              placement_data(employer))
    services.remove_partner(employer)
    kept = db.session.get(Partner, employer.id)
    assert kept.name == "Kafé Bro AS" and kept.removed_at is not None
    assert (kept.contact_name, kept.phone, kept.email, kept.notes) == ("", "", "", "")
    assert services.partners_at(road["site"]) == [road["nav"]]


def test_the_partners_page_lists_what_partners_at_gives(road):
    """partner_list (plain rows for the page) and partners_at (objects): same partners, same
    order, removed ones left out."""
    site = road["site"]
    services.add_partner(road["coordinator"], site, services.PartnerData(
        name="Bakeriet", kind=PartnerKind.EMPLOYER, phone="+47 22 00 00 00", notes="Mornings"))
    for removed in (None, road["employer"]):
        if removed is not None:
            services.remove_partner(removed)
        partners = services.partners_at(site)
        rows = services.partner_list(site)
        assert [(row.id, row.name, row.kind, row.contact_name, row.phone, row.email, row.notes)
                for row in rows] == [(p.id, p.name, p.kind, p.contact_name, p.phone, p.email,
                                      p.notes) for p in partners]
        assert len(rows) == (3 if removed is None else 2)


def test_placement_days_for_my_calendar(road, make_user):
    participant, coordinator = road["participant"], road["coordinator"]
    # Mondays and Wednesdays from Monday 2 March to Sunday 15 March 2026.
    services.record_placement(coordinator, participant, placement_data(road["employer"]))
    services.record_placement(coordinator, participant, placement_data(  # ended early
        road["nav"], role="Reception", weekdays=[4], status="ended_early",
        starts_on=date(2026, 3, 6), ends_on=date(2026, 3, 6)))
    services.record_placement(coordinator, make_user(), placement_data(road["employer"]))
    with force_locale("en"):
        days = services.placement_days(participant, date(2026, 3, 4), date(2026, 3, 31))
    assert [(d.day, d.title, d.place) for d in days] == [
        (date(2026, 3, 4), "Work practice: Kitchen assistant", "Kafé Bro AS"),
        (date(2026, 3, 6), "Work practice: Reception", "NAV Grünerløkka"),
        (date(2026, 3, 9), "Work practice: Kitchen assistant", "Kafé Bro AS"),
        (date(2026, 3, 11), "Work practice: Kitchen assistant", "Kafé Bro AS")]
    assert services.placement_days(participant, date(2026, 4, 1), date(2026, 4, 30)) == []


def test_a_check_in_takes_four_answers_from_one_to_five(road, make_user):
    participant = road["participant"]
    with force_locale("en"), pytest.raises(DomainError, match="one face for each sentence"):
        services.answer_check_in(participant, {"language": 3, "network": 3, "next_step": 3})
    with force_locale("en"), pytest.raises(DomainError, match="one face for each sentence"):
        services.answer_check_in(participant, {"language": 6, "network": 3, "next_step": 3,
                                               "at_home": 3})
    first = services.answer_check_in(participant, {"language": 1, "network": 2,
                                                   "next_step": 3, "at_home": 4})
    second = services.skip_check_in(participant)
    assert first.respondent == second.respondent and len(first.respondent) == 22
    assert services.answer_check_in(make_user(), {"language": 1, "network": 2, "next_step": 3,
                                                  "at_home": 4}).respondent != first.respondent
    with force_locale("en"), pytest.raises(DomainError, match="Only participants"):
        services.skip_check_in(road["coordinator"])
    assert not services.check_in_due(road["coordinator"])


@pytest.fixture
def history(road):
    """A participant with a placement going on, a planned one, an outcome with a note, an
    interview and two check-ins."""
    coordinator, participant = road["coordinator"], road["participant"]
    today = utcnow().date()
    participant.memberships[0].created_at = utcnow() - timedelta(days=200)
    going_on = services.record_placement(coordinator, participant, placement_data(
        road["employer"], starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=20)))
    services.record_placement(coordinator, participant, placement_data(
        road["nav"], role="Later", status="planned", starts_on=today + timedelta(days=30),
        ends_on=today + timedelta(days=40)))
    services.record_outcome(coordinator, participant, services.OutcomeData(
        kind="job", on_date=today - timedelta(days=5), note="Works at Kafé Bro with Ola"))
    services.note_interview(participant, participant, today - timedelta(days=20), "Rema 1000")
    for values in ((1, 2, 3, 4), (3, 3, 3, 4)):
        check_in = services.answer_check_in(participant, dict(zip(
            ("language", "network", "next_step", "at_home"), values, strict=True)))
        check_in.created_at -= timedelta(days=100 if values[0] == 1 else 0)
    db.session.commit()
    return going_on


def test_my_data_lists_placements_outcomes_interviews_and_self_assessments(road, history):
    participant = road["participant"]
    data = signals.collect(signals.data_requested, participant)
    assert [p["role"] for p in data["placements"]] == ["Kitchen assistant", "Later"]
    assert data["placements"][0]["mentor"] == "Ola Mentor"
    assert "Shy at first" not in repr(data)  # staff notes are the staff's working notes
    assert data["outcomes"][0]["status"] == "job"
    assert data["outcomes"][0]["note"] == "Works at Kafé Bro with Ola"
    assert data["job_interviews"] == [{"date": (utcnow().date() - timedelta(days=20))
                                       .isoformat(), "employer": "Rema 1000"}]
    assert [(c["language"], c["skipped"]) for c in data["self_assessments"]] == [
        (1, False), (3, False)]


def test_erasure_keeps_anonymous_rows_for_the_reports_and_blanks_every_text(road, history):
    participant, site = road["participant"], road["site"]
    today = utcnow().date()
    this_year = Period("custom", today - timedelta(days=365), today + timedelta(days=1))
    before = (figures.work_counts([site.id], this_year),
              figures.check_in_change([site.id], this_year, site.timezone))
    signals.person_erased.send(participant, actor=None, now=datetime.now().astimezone())
    db.session.commit()
    placements = db.session.scalars(select(Placement)).all()
    assert len(placements) == 1  # the planned one had not begun: gone
    (kept,) = placements
    assert kept.participant_id == participant.id and kept.status == "ended_early"
    assert kept.ends_on == today
    assert (kept.role, kept.mentor_name, kept.mentor_phone, kept.staff_notes) == ("", "", "",
                                                                                "")
    assert db.session.scalar(select(Outcome.note)) == ""
    assert db.session.scalar(select(Outcome.kind)) == "job"
    assert db.session.scalar(select(Interview.employer)) == ""
    check_ins = db.session.scalars(select(CheckIn)).all()
    assert {c.participant_id for c in check_ins} == {None}
    assert len({c.respondent for c in check_ins}) == 1
    after = (figures.work_counts([site.id], this_year),
             figures.check_in_change([site.id], this_year, site.timezone))
    assert after == before  # the funders' numbers stay
    assert signals.collect(signals.data_requested, participant)["self_assessments"] == []
