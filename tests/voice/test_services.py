"""Proposals: propose, support once (and withdraw), and the coordinators' three answers, each
with who is told; the head start for those who asked."""

import threading

import pytest
from flask import g
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal import work
from portal.accounts.models import Role
from portal.activities import services as activities
from portal.activities.models import ActivityStatus, Enrolment, EnrolmentStatus
from portal.audit.models import AuditEvent
from portal.errors import DomainError
from portal.extensions import db
from portal.notify.models import Notification
from portal.voice import services
from portal.voice.models import Proposal, ProposalStatus, Support


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def told(kind: str) -> set[int]:
    return set(db.session.scalars(select(Notification.user_id).where(Notification.kind == kind)))


# -- proposing ---------------------------------------------------------------------------------

def test_a_participant_proposes_at_their_meeting_place(site, people, propose):
    proposal = propose(languages=["ar", "no", "so"])
    assert (proposal.site_id, proposal.proposer_id, proposal.status, proposal.support_count) == (
        site.id, people["proposer"].id, ProposalStatus.OPEN, 0)
    # Kept in the order the form lists them: the country's language first.
    assert proposal.language_codes == ["no", "ar", "so"]
    assert proposal.can_help is True


def test_a_language_the_form_does_not_offer_is_refused(propose):
    with pytest.raises(DomainError, match="Choose only from the options shown") as refused:
        propose(languages=["no", "xx"])
    assert refused.value.field == "languages"


def test_nobody_proposes_at_a_place_they_do_not_belong_to(make_site, people, propose):
    elsewhere = make_site("Rinkeby", "SE", "Europe/Stockholm")
    with pytest.raises(DomainError, match="only make proposals at your own meeting place"):
        propose(at=elsewhere)


def test_open_proposals_are_listed_by_support_then_age(people, propose):
    first, second, third = propose("First"), propose("Second"), propose("Third")
    services.support(people["fatima"], third.id)
    services.support(people["olena"], third.id)
    services.support(people["fatima"], second.id)
    listed = services.open_proposals(first.site, people["fatima"])
    assert [(p.title, mine) for p, mine in listed] == [
        ("Third", True), ("Second", True), ("First", False)]


# -- supporting ----------------------------------------------------------------------------------

def test_support_counts_once_and_can_be_withdrawn(people, propose):
    proposal = propose()
    services.support(people["fatima"], proposal.id)
    services.support(people["fatima"], proposal.id)  # a second tap changes nothing
    services.support(people["olena"], proposal.id)
    assert proposal.support_count == 2
    assert count(Support, Support.proposal_id == proposal.id) == 2
    services.withdraw_support(people["fatima"], proposal.id)
    services.withdraw_support(people["fatima"], proposal.id)  # nothing left to withdraw
    assert proposal.support_count == 1
    assert not services.supports(people["fatima"], proposal)
    assert services.supports(people["olena"], proposal)


def test_the_proposer_does_not_support_their_own_proposal(people, propose):
    proposal = propose()
    with pytest.raises(DomainError, match="This is your own proposal"):
        services.support(people["proposer"], proposal.id)


def test_only_people_of_the_place_support_its_proposals(make_site, make_user, propose):
    stranger = make_user(at=make_site("Rinkeby", "SE", "Europe/Stockholm"))
    with pytest.raises(DomainError, match="Only people at this meeting place can support"):
        services.support(stranger, propose().id)


def test_an_answered_proposal_takes_no_more_support(people, propose):
    proposal = propose()
    services.support(people["olena"], proposal.id)
    services.decline(people["coordinator"], proposal.id, "No room this term")
    with pytest.raises(DomainError, match="has an answer already"):
        services.support(people["fatima"], proposal.id)
    with pytest.raises(DomainError, match="has an answer already"):
        services.withdraw_support(people["olena"], proposal.id)


def test_the_database_keeps_one_support_per_person(people, propose):
    proposal = propose()
    services.support(people["fatima"], proposal.id)
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(Support(proposal_id=proposal.id, user_id=people["fatima"].id))
            db.session.flush()


def test_the_same_person_tapping_twice_at_once_supports_once(app, people, propose):
    """Two requests at the same moment, each in its own unit of work and connection."""
    proposal = propose()
    work.commit()
    proposal_id, person_id = proposal.id, people["fatima"].id
    start, errors = threading.Barrier(2), []

    def tap():
        with app.app_context():
            g.bro_unit = True
            try:
                start.wait()
                services.support(db.session.get(type(people["fatima"]), person_id), proposal_id)
                work.commit()
            except Exception as error:  # noqa: BLE001  (reported below, with its type)
                errors.append(error)
                work.roll_back()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=tap) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.expire_all()
    assert errors == []
    assert count(Support, Support.proposal_id == proposal_id) == 1
    assert db.session.get(Proposal, proposal_id).support_count == 1


def test_the_proposer_takes_an_open_proposal_back(people, propose):
    proposal = propose()
    with pytest.raises(DomainError, match="Only the person who made a proposal"):
        services.take_back(people["olena"], proposal.id)
    services.take_back(people["proposer"], proposal.id)
    assert proposal.status == ProposalStatus.WITHDRAWN
    assert services.open_proposals(proposal.site, people["olena"]) == []
    with pytest.raises(DomainError, match="This proposal was taken back"):
        services.support(people["olena"], proposal.id)
    with pytest.raises(DomainError, match="This proposal was taken back"):
        services.decline(people["coordinator"], proposal.id, "Too late")


# -- answering: we'll do it ----------------------------------------------------------------------

def test_well_do_it_makes_a_closed_study_circle_and_tells_everyone_who_asked(people, propose):
    proposal = propose(languages=["no", "ar"])
    for name in ("fatima", "olena"):
        services.support(people[name], proposal.id)
    activity = services.realise(people["coordinator"], proposal.id, "study_circle", 8)
    assert (activity.title, activity.description, activity.capacity, activity.status) == (
        "Cycling course for women", "Learn to ride a bike together", 8, ActivityStatus.CLOSED)
    assert activity.languages == "norsk, arabisk"  # in the place's language
    assert activity.leaders == [people["coordinator"]]
    assert (proposal.status, proposal.activity_id, proposal.answered_by_id) == (
        ProposalStatus.REALISED, activity.id, people["coordinator"].id)
    assert proposal.answered_at is not None
    assert told("proposal_realised") == {people[n].id for n in ("proposer", "fatima", "olena")}
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.subject_type == "proposal", AuditEvent.subject_id == proposal.id)) == (
        "proposal.realised")


def test_a_study_circle_needs_seats_and_nothing_is_answered_without_them(people, propose):
    proposal = propose()
    with pytest.raises(DomainError, match="A study circle needs a number of seats") as refused:
        services.realise(people["coordinator"], proposal.id, "study_circle", None)
    assert refused.value.field == "capacity"


def test_a_cafe_can_be_made_from_a_proposal_too(people, propose):
    activity = services.realise(people["coordinator"], propose().id, "language_cafe", 12)
    assert (activity.is_cafe, activity.capacity, activity.status) == (
        True, None, ActivityStatus.CLOSED)


@pytest.mark.parametrize("who", ["volunteer", "olena"])
def test_only_coordinators_of_the_place_answer(people, propose, who):
    proposal = propose()
    for answer in (lambda: services.realise(people[who], proposal.id, "study_circle", 5),
                   lambda: services.decline(people[who], proposal.id, "No"),
                   lambda: services.join(people[who], proposal.id, propose("Other").id)):
        with pytest.raises(DomainError, match="Only coordinators of this meeting place"):
            answer()
    assert proposal.status == ProposalStatus.OPEN


def test_a_coordinator_of_another_place_does_not_answer(make_site, make_user, propose):
    stranger = make_user(Role.COORDINATOR, at=make_site("Rinkeby", "SE", "Europe/Stockholm"))
    with pytest.raises(DomainError, match="Only coordinators of this meeting place"):
        services.decline(stranger, propose().id, "No")


def test_an_answered_proposal_is_not_answered_again(people, propose):
    proposal = propose()
    services.decline(people["coordinator"], proposal.id, "Not this term")
    with pytest.raises(DomainError, match="has an answer already"):
        services.realise(people["coordinator"], proposal.id, "study_circle", 5)


# -- the head start -------------------------------------------------------------------------

def test_those_who_asked_join_first_and_others_once_it_opens(people, propose, make_user):
    proposal = propose()
    services.support(people["fatima"], proposal.id)
    activity = services.realise(people["coordinator"], proposal.id, "study_circle", 5)
    for name in ("proposer", "fatima"):
        assert activities.may_join_early(people[name], activity)
        assert activities.enrol(people[name], activity.id).status == EnrolmentStatus.ENROLLED
    assert not activities.may_join_early(people["olena"], activity)
    with pytest.raises(DomainError, match="not open for new participants"):
        activities.enrol(people["olena"], activity.id)
    activities.update_activity(people["coordinator"], activity.id, activities.ActivityData(
        kind=activity.kind, title=activity.title, capacity=5), ActivityStatus.OPEN)
    assert activities.enrol(people["olena"], activity.id).status == EnrolmentStatus.ENROLLED
    assert count(Enrolment, Enrolment.activity_id == activity.id) == 3


def test_a_closed_activity_not_made_from_a_proposal_stays_closed(people, propose):
    activity = activities.create_activity(people["coordinator"], propose().site,
                                          activities.ActivityData(
        kind="study_circle", title="Closed", capacity=4), status=ActivityStatus.CLOSED)
    with pytest.raises(DomainError, match="not open for new participants"):
        activities.enrol(people["proposer"], activity.id)


def test_a_withdrawn_support_loses_the_head_start(people, propose):
    proposal = propose()
    services.support(people["fatima"], proposal.id)
    services.withdraw_support(people["fatima"], proposal.id)
    activity = services.realise(people["coordinator"], proposal.id, "study_circle", 5)
    assert not activities.may_join_early(people["fatima"], activity)


# -- answering: not now, joined with --------------------------------------------------------------

def test_not_now_needs_a_reason_and_everyone_who_asked_reads_it(people, propose):
    proposal = propose()
    services.support(people["olena"], proposal.id)
    with pytest.raises(DomainError, match="Please tell them why") as refused:
        services.decline(people["coordinator"], proposal.id, "  ")
    assert refused.value.field == "reason"
    services.decline(people["coordinator"], proposal.id, "No bikes until spring")
    assert (proposal.status, proposal.reason) == (ProposalStatus.NOT_NOW,
                                                  "No bikes until spring")
    assert told("proposal_not_now") == {people["proposer"].id, people["olena"].id}
    params = db.session.scalars(select(Notification.params)).first()
    assert params["reason"] == "No bikes until spring"


def test_joined_with_moves_supporters_over_counting_each_once(people, propose, make_user):
    """A (by the proposer; Fatima, Olena) joins B (by Omar; Olena, Lars): B ends with Olena,
    Lars, Fatima and A's proposer; Omar proposed B and is not a supporter of his own."""
    a, b = propose("Bike course"), propose("Cycling for women", by=people["other"])
    for name in ("fatima", "olena"):
        services.support(people[name], a.id)
    for name in ("olena", "volunteer"):
        services.support(people[name], b.id)
    services.join(people["coordinator"], a.id, b.id)
    supporters = set(db.session.scalars(select(Support.user_id).where(
        Support.proposal_id == b.id)))
    assert supporters == {people[n].id for n in ("olena", "volunteer", "fatima", "proposer")}
    assert b.support_count == 4
    assert count(Support, Support.proposal_id == a.id) == 0
    assert (a.status, a.joined_into_id, a.support_count) == (ProposalStatus.JOINED, b.id, 2)
    assert told("proposal_joined") == {people[n].id for n in ("proposer", "fatima", "olena")}


def test_joined_into_a_proposal_by_one_of_its_supporters(people, propose):
    """Fatima supports A and proposed B: she is not her own supporter after the join."""
    a, b = propose("Bike course"), propose("Cycling", by=people["fatima"])
    services.support(people["fatima"], a.id)
    services.join(people["coordinator"], a.id, b.id)
    assert set(db.session.scalars(select(Support.user_id).where(
        Support.proposal_id == b.id))) == {people["proposer"].id}
    assert b.support_count == 1


def test_supporters_moved_into_a_realised_proposal_get_its_head_start(people, propose):
    a, b = propose("Bike course"), propose("Cycling", by=people["other"])
    services.support(people["fatima"], a.id)
    activity = services.realise(people["coordinator"], b.id, "study_circle", 6)
    services.join(people["coordinator"], a.id, b.id)
    assert activities.may_join_early(people["fatima"], activity)
    assert activities.may_join_early(people["proposer"], activity)


def test_joined_only_with_another_open_or_realised_proposal_of_the_place(
        make_site, make_user, people, propose):
    a, declined = propose("A"), propose("Declined")
    services.decline(people["coordinator"], declined.id, "No")
    elsewhere = make_site("Rinkeby", "SE", "Europe/Stockholm")
    there = propose("There", by=make_user(at=elsewhere), at=elsewhere, languages=["sv"])
    with pytest.raises(DomainError, match="Choose another proposal"):
        services.join(people["coordinator"], a.id, a.id)
    for target in (declined, there):
        with pytest.raises(DomainError, match="open proposal at the same meeting place"):
            services.join(people["coordinator"], a.id, target.id)
    assert a.status == ProposalStatus.OPEN
    assert [p.title for p in services.join_targets(a)] == []


# -- what the place's public page shows ----------------------------------------------------

def test_you_asked_we_did_lists_titles_and_statuses_only(people, propose):
    done, later, joined, taken_back = (propose("Bikes"), propose("Chess"), propose("Bicycles"),
                                       propose("Oops"))
    services.realise(people["coordinator"], done.id, "study_circle", 5)
    services.decline(people["coordinator"], later.id, "No room")
    services.join(people["coordinator"], joined.id, done.id)
    services.take_back(people["proposer"], taken_back.id)
    open_one = propose("Football")
    shown = [(title, str(status)) for title, status in services.outcomes(open_one.site)]
    assert sorted(shown) == sorted([
        ("Football", "Waiting for an answer"), ("Bikes", "We'll do it"), ("Chess", "Not now"),
        ("Bicycles", "Joined with another proposal")])

