"""The authorization matrix: every route × every role × own and someone else's objects.

Built from the URL map: a route without an entry in EXPECT fails the test, so every new route
gets a decision. Each role runs in its own test with a fresh world; pages first, then forms
(those that remove things or end the session last). Forms are sent empty: for them OK means
the request got past the permission checks (200, 303, or 422 for the empty form); a service may
still refuse it with a message, which its own tests check. Found on its first run: an empty
progress note on one's own goal gave a 500 (fixed)."""

from datetime import date, time, timedelta

import pytest

from portal.accounts import services as accounts
from portal.accounts.models import Role
from portal.activities import services as activities
from portal.activities.models import Kind, Session
from portal.certificates import services as certificates
from portal.certificates.models import CertificateKind
from portal.competences import services as competences
from portal.dialogues import services as dialogues
from portal.employment import services as employment
from portal.extensions import db, utcnow
from portal.goals import services as goals
from portal.goals.models import ShareScope
from portal.meetings import services as meetings
from portal.meetings.models import Availability, ExtraWindow, TimeOff, Window
from portal.push import services as push
from portal.voice import services as voice
from tests.conftest import Client

ROLES = ["anon", "owner", "peer", "volunteer", "coordinator", "admin", "stranger"]
OK, LOGIN, DENY, GONE = "ok", "login", 403, 404  # DENY: forbidden; GONE: hidden as not found
# A browser's push keys (a P-256 public key and a 16-byte secret), as a subscription has them.
PUSH_KEY = ("BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7"
            "DkM")
PUSH_AUTH = "tBHItJI5svbpez7KI4CCXg"


@pytest.fixture
def world(site, make_site, make_user):
    """Site A: an owner with a plan, a meeting and a seat in a circle led by the volunteer;
    a peer participant; a coordinator; an admin. Site B: a coordinator (the stranger)."""
    other_site = make_site("Other place", "SE", "Europe/Stockholm")
    people = {
        "owner": make_user(name="Owner"), "peer": make_user(name="Peer"),
        "volunteer": make_user(Role.VOLUNTEER, name="Volunteer"),
        "coordinator": make_user(Role.COORDINATOR, name="Coordinator"),
        "admin": make_user(Role.ADMIN, name="Admin"),
        "stranger": make_user(Role.COORDINATOR, at=other_site, name="Stranger"),
    }
    owner, volunteer = people["owner"], people["volunteer"]
    circle = activities.create_activity(volunteer, site, activities.ActivityData(
        kind=Kind.STUDY_CIRCLE, title="Circle", capacity=5))
    cafe = activities.create_activity(volunteer, site, activities.ActivityData(
        kind=Kind.LANGUAGE_CAFE, title="Café"))
    monday = utcnow().date() + timedelta(days=7 - utcnow().weekday())
    for activity in (circle, cafe):
        activities.add_series(volunteer, activity, activities.plan_series(
            site, monday, time(18), 90, 1, count=2), True)
    started = utcnow() - timedelta(minutes=20)
    held = Session(activity_id=circle.id, starts_at=started, ends_at=started + timedelta(hours=1))
    db.session.add(held)
    db.session.commit()
    activities.enrol(owner, circle.id)
    # A dialogue seminar with one of each thing its organiser writes, and a women-only circle
    # (the routes that need one get these instead of the circle: activity_for).
    seminar = activities.create_activity(volunteer, site, activities.ActivityData(
        kind=Kind.DIALOGUE_SEMINAR, title="Seminar"))
    activities.enrol(owner, seminar.id)
    guest = dialogues.add_guest(volunteer, seminar, "Guest", "NAV")
    question = dialogues.add_question(volunteer, seminar, "Question")
    point = dialogues.add_point(volunteer, seminar, "Point")
    action = dialogues.add_action(volunteer, seminar, "Action", "NAV", None)
    women = activities.create_activity(volunteer, site, activities.ActivityData(
        kind=Kind.STUDY_CIRCLE, title="Women", capacity=5, women_only=True))
    goal = goals.create_goal(owner, goals.GoalData(title="Goal"))
    goals.add_step(goal, "Step")
    goals.share(owner, volunteer.id, None)
    goals.share(owner, volunteer.id, None, ShareScope.COMPETENCES)
    language = competences.add_item(owner, competences.LanguageData("Arabic", "native"))
    availability = Availability(host_id=volunteer.id, site_id=site.id, slot_minutes=30,
                                valid_from=date.today(), windows=[
                                    Window(weekday=d, starts=time(9), ends=time(12))
                                    for d in range(7)])
    availability.extras.append(ExtraWindow(day=monday, starts=time(14), ends=time(15)))
    db.session.add(availability)
    db.session.add(TimeOff(host_id=volunteer.id, first_day=monday + timedelta(days=60),
                           last_day=monday + timedelta(days=60)))
    db.session.commit()
    # A day ahead at least, so the owner may still move it (MEETING_CHANGE_CUTOFF_HOURS)
    # whatever the time of day the tests run.
    slots = [slot for slot in meetings.find_slots(owner, site, volunteer.id)
             if slot.starts_at > utcnow() + timedelta(days=1)]
    booking = meetings.book(owner, slots[0].key)
    invitation, _code = accounts.invite(people["coordinator"], site, Role.VOLUNTEER)
    device = push.subscribe(owner, "https://push.example.org/owner", PUSH_KEY, PUSH_AUTH)
    partner = employment.add_partner(people["coordinator"], site, employment.PartnerData(
        name="Partner", kind="employer"))
    placement = employment.record_placement(people["coordinator"], owner,
                                            employment.PlacementData(
        partner_id=partner.id, role="Role", starts_on=monday, ends_on=monday,
        weekdays=[0], hours_per_week=10, status="completed"))
    certificate = certificates.issue(owner, CertificateKind.WORK_PRACTICE, placement.id)
    outcome = employment.report_outcome(owner, employment.OutcomeData(kind="job",
                                                                      on_date=monday))
    proposal = voice.propose(owner, site, voice.ProposalData(kind="activity", title="Idea"))
    db.session.commit()
    from portal.calendar import services as calendar

    ids = {"site_id": site.id, "activity_id": circle.id, "session_id": held.id,
           "goal_id": goal.id, "step_id": goal.steps[0].id, "share_id": goal_share(owner),
           "booking_id": booking.id, "availability_id": availability.id,
           "window_id": availability.windows[0].id, "extra_id": availability.extras[0].id,
           "time_off_id": db.session.query(TimeOff).one().id, "user_id": owner.id,
           "invitation_id": invitation.id, "key": slots[1].key, "question": "dream",
           "purpose": "photos", "kind": "languages", "item_id": language.id,
           "partner_id": partner.id, "placement_id": placement.id,
           "outcome_id": outcome.id, "subscription_id": device.id,
           "certificate_id": certificate.id, "code": certificates.shown(certificate.code),
           "what": "work-practice", "source_id": placement.id,
           "provider": "46elks", "secret": "not-the-secret", "proposal_id": proposal.id,
           "seminar_id": seminar.id, "women_id": women.id,
           "guest_id": guest.id, "question_id": question.id, "point_id": point.id,
           "action_id": action.id, "part": "participants",
           "token": calendar.feed_token(owner)}
    return people, ids


def activity_for(endpoint: str) -> str:
    """Which activity a route with an activity_id is tried on."""
    if endpoint.startswith("dialogues."):
        return "seminar_id"
    if endpoint in ("activities.admissions", "activities.admit"):
        return "women_id"
    return "activity_id"


def goal_share(owner) -> int:
    from portal.goals.models import Share

    return db.session.query(Share).filter_by(owner_id=owner.id, scope=ShareScope.PLAN).one().id


# Forms that take something away run after all others, the biggest last.
LAST = ("remove", "revoke", "withdraw", "cancel", "leave", "unfollow", "unhost", "delete",
        "erase", "logout")


def _rank(endpoint: str) -> int:
    return max((i + 1 for i, word in enumerate(LAST) if word in endpoint), default=0)


def routes(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    pages = sorted((r for r in rules if "GET" in r.methods), key=lambda r: r.endpoint)
    forms = sorted((r for r in rules if "POST" in r.methods),
                   key=lambda r: (_rank(r.endpoint), r.endpoint))
    return [(r, "GET") for r in pages] + [(r, "POST") for r in forms]


def observed(response, method: str):
    location = response.headers.get("Location", "")
    if response.status_code in (302, 303) and "/accounts/login" in location:
        return LOGIN
    if method == "GET" and response.status_code == 200:
        return OK
    if method == "POST" and response.status_code in (200, 303, 422):
        return OK
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_every_route_for_every_role(app, world, role):
    import os

    people, ids = world
    client = Client(app.test_client())
    if role != "anon":
        client.login(people[role].email)
    wrong = []
    for rule, method in routes(app):
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **{
                arg: ids[activity_for(rule.endpoint) if arg == "activity_id" else arg]
                for arg in rule.arguments})
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, {})
        got = observed(response, method)
        expected = EXPECT.get(rule.endpoint, {}).get(role, "no entry")
        if os.environ.get("AUTHZ_PRINT"):
            print(f"MATRIX {rule.endpoint} {method} {role} {got}")
        elif got != expected:
            wrong.append(f"{method} {url} ({rule.endpoint}): got {got}, expected {expected}")
    assert not wrong, f"{role}:\n  " + "\n  ".join(wrong)


def row(*statuses) -> dict:
    return dict(zip(ROLES, statuses, strict=True))


EXPECT: dict[str, dict] = {  # role: anon owner peer volunteer coordinator admin stranger
    'audit.index': row(LOGIN, DENY, DENY, DENY, DENY, OK, DENY),
    'accounts.accept': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'staff.assisted': row(LOGIN, DENY, DENY, DENY, OK, OK, DENY),
    'accounts.authenticate': row(OK, OK, OK, OK, OK, OK, OK),
    'accounts.change_password': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'accounts.create': row(OK, OK, OK, OK, OK, OK, OK),
    'staff.create_site': row(LOGIN, DENY, DENY, DENY, DENY, OK, DENY),
    'staff.edit_site': row(LOGIN, DENY, DENY, DENY, DENY, OK, DENY),
    'accounts.forgot': row(OK, OK, OK, OK, OK, OK, OK),
    'accounts.forgot_sms': row(OK, OK, OK, OK, OK, OK, OK),
    'accounts.send_reset_sms': row(OK, OK, OK, OK, OK, OK, OK),
    'accounts.reset_sms': row(OK, OK, OK, OK, OK, OK, OK),
    'accounts.reset_with_sms_code': row(OK, OK, OK, OK, OK, OK, OK),
    'staff.invitations': row(LOGIN, DENY, DENY, DENY, OK, OK, DENY),
    'staff.invite': row(LOGIN, DENY, DENY, DENY, OK, OK, DENY),
    'staff.issue_code': row(LOGIN, DENY, DENY, DENY, OK, OK, DENY),
    'accounts.join': row(OK, OK, OK, OK, OK, OK, OK),
    'accounts.login': row(OK, 303, 303, 303, 303, 303, 303),
    'accounts.logout': row(OK, OK, OK, OK, OK, OK, OK),
    'staff.members': row(LOGIN, DENY, DENY, DENY, OK, OK, DENY),
    'staff.new_site': row(LOGIN, DENY, DENY, DENY, DENY, OK, DENY),
    'accounts.password': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'accounts.phone': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'accounts.send_phone_code': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'accounts.confirm_phone': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'accounts.profile': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'accounts.register': row(OK, 303, 303, 303, 303, 303, 303),
    'staff.register_for': row(LOGIN, DENY, DENY, DENY, OK, OK, DENY),
    'accounts.reset': row(OK, OK, OK, OK, OK, OK, OK),
    'accounts.reset_link': row(303, 303, 303, 303, 303, 303, 303),
    'accounts.reset_with_code': row(OK, OK, OK, OK, OK, OK, OK),
    'accounts.reset_with_link': row(OK, OK, OK, OK, OK, OK, OK),
    'staff.revoke': row(LOGIN, DENY, DENY, DENY, OK, OK, DENY),
    'accounts.send_reset_link': row(OK, OK, OK, OK, OK, OK, OK),
    'staff.sites': row(LOGIN, DENY, DENY, DENY, DENY, OK, DENY),
    'accounts.update': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'staff.update_site': row(LOGIN, DENY, DENY, DENY, DENY, OK, DENY),
    'activities.add_co_leader': row(LOGIN, DENY, DENY, DENY, OK, OK, DENY),
    'notify.sms_report': row(GONE, GONE, GONE, GONE, GONE, GONE, GONE),
    'reports.sms_budget': row(LOGIN, GONE, GONE, GONE, OK, OK, GONE),
    'reports.save_sms_budget': row(LOGIN, GONE, GONE, GONE, OK, OK, GONE),
    'activities.admissions': row(LOGIN, DENY, DENY, OK, OK, OK, DENY),
    'activities.admit': row(LOGIN, DENY, DENY, OK, OK, OK, DENY),
    'activities.add_series': row(LOGIN, DENY, DENY, OK, OK, OK, DENY),
    'activities.attendance_csv': row(LOGIN, DENY, DENY, OK, OK, OK, DENY),
    'activities.attendance_export': row(LOGIN, DENY, DENY, OK, OK, OK, DENY),
    'activities.attendance_list': row(LOGIN, DENY, DENY, OK, OK, OK, DENY),
    'activities.cancel_session': row(LOGIN, DENY, DENY, OK, OK, OK, DENY),
    'activities.co_leaders': row(LOGIN, DENY, DENY, DENY, OK, OK, DENY),
    'activities.create': row(LOGIN, DENY, DENY, OK, OK, OK, OK),
    'activities.edit': row(LOGIN, DENY, DENY, OK, OK, OK, DENY),
    'activities.edit_session': row(LOGIN, DENY, DENY, OK, OK, OK, DENY),
    'calendar.feed': row(OK, OK, OK, OK, OK, OK, OK),
    'activities.follow': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'activities.host': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'activities.index': row(OK, OK, OK, OK, OK, OK, OK),
    'activities.join': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'activities.leave': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'calendar.index': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'activities.new': row(LOGIN, DENY, DENY, OK, OK, OK, OK),
    'activities.place': row(OK, OK, OK, OK, OK, OK, OK),
    'activities.remove_co_leader': row(LOGIN, DENY, DENY, DENY, OK, OK, DENY),
    'calendar.renew_feed': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'activities.reopen': row(LOGIN, DENY, DENY, OK, OK, OK, DENY),
    'activities.save_attendance': row(LOGIN, DENY, DENY, OK, OK, OK, DENY),
    'activities.series': row(LOGIN, DENY, DENY, OK, OK, OK, DENY),
    'activities.session_ics': row(OK, OK, OK, OK, OK, OK, OK),
    'activities.show': row(OK, OK, OK, OK, OK, OK, OK),
    'activities.sign_off': row(LOGIN, DENY, DENY, OK, OK, OK, DENY),
    'activities.unfollow': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'activities.unhost': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'activities.update': row(LOGIN, DENY, DENY, OK, OK, OK, DENY),
    'activities.update_session': row(LOGIN, DENY, DENY, OK, OK, OK, DENY),
    'activities.write_note': row(LOGIN, DENY, DENY, OK, OK, OK, DENY),
    'dialogues.action_done': row(LOGIN, DENY, DENY, OK, OK, OK, DENY),
    'dialogues.add_action': row(LOGIN, DENY, DENY, OK, OK, OK, DENY),
    'dialogues.add_guest': row(LOGIN, DENY, DENY, OK, OK, OK, DENY),
    'dialogues.add_point': row(LOGIN, DENY, DENY, OK, OK, OK, DENY),
    'dialogues.add_question': row(LOGIN, DENY, DENY, OK, OK, OK, DENY),
    'dialogues.manage': row(LOGIN, DENY, DENY, OK, OK, OK, DENY),
    'dialogues.remove_action': row(LOGIN, DENY, DENY, OK, OK, OK, DENY),
    'dialogues.remove_guest': row(LOGIN, DENY, DENY, OK, OK, OK, DENY),
    'dialogues.remove_point': row(LOGIN, DENY, DENY, OK, OK, OK, DENY),
    'dialogues.remove_question': row(LOGIN, DENY, DENY, OK, OK, OK, DENY),
    'dialogues.reopen_action': row(LOGIN, DENY, DENY, OK, OK, OK, DENY),
    # The owner completed the work practice (world); the study circle is still running.
    'certificates.check': row(OK, OK, OK, OK, OK, OK, OK),
    'certificates.download': row(LOGIN, OK, GONE, GONE, GONE, GONE, GONE),
    'certificates.index': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'certificates.issue_course': row(LOGIN, GONE, GONE, GONE, GONE, GONE, GONE),
    'certificates.issue_work_practice': row(LOGIN, OK, GONE, GONE, GONE, GONE, GONE),
    'certificates.issue_workshop': row(LOGIN, GONE, GONE, GONE, GONE, GONE, GONE),
    # Staff of the owner's place, on the owner's behalf (a lower rank, accounts/policy.py).
    'certificates.person': row(LOGIN, GONE, GONE, GONE, OK, OK, GONE),
    'certificates.issue_for': row(LOGIN, GONE, GONE, GONE, OK, OK, GONE),
    'certificates.download_for': row(LOGIN, GONE, GONE, GONE, OK, OK, GONE),
    'certificates.verify': row(OK, OK, OK, OK, OK, OK, OK),
    'competences.add': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'competences.cv': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'competences.download': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'competences.edit': row(LOGIN, OK, GONE, GONE, GONE, GONE, GONE),
    'competences.index': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'competences.preview': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'competences.remove': row(LOGIN, OK, GONE, GONE, GONE, GONE, GONE),
    'competences.save_cv': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'competences.save_licences': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'competences.save_talents': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'competences.shared': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'competences.shared_profile': row(LOGIN, GONE, GONE, OK, GONE, GONE, GONE),
    'competences.update': row(LOGIN, OK, GONE, GONE, GONE, GONE, GONE),
    'employment.add_interview': row(LOGIN, GONE, GONE, GONE, OK, OK, GONE),
    'employment.add_my_interview': row(LOGIN, OK, OK, GONE, GONE, GONE, GONE),
    'employment.add_partner': row(LOGIN, DENY, DENY, DENY, OK, OK, DENY),
    'employment.answer_check_in': row(LOGIN, OK, OK, GONE, GONE, GONE, GONE),
    'employment.change_partner': row(LOGIN, GONE, GONE, GONE, OK, OK, GONE),
    'employment.check_in': row(LOGIN, OK, OK, GONE, GONE, GONE, GONE),
    'employment.confirm_outcome': row(LOGIN, GONE, GONE, GONE, OK, OK, GONE),
    'employment.create_placement': row(LOGIN, GONE, GONE, GONE, OK, OK, GONE),
    'employment.edit_partner': row(LOGIN, GONE, GONE, GONE, OK, OK, GONE),
    'employment.edit_placement': row(LOGIN, GONE, GONE, GONE, OK, OK, GONE),
    'employment.mine': row(LOGIN, OK, OK, GONE, GONE, GONE, GONE),
    'employment.new_placement': row(LOGIN, GONE, GONE, GONE, OK, OK, GONE),
    'employment.partners': row(LOGIN, DENY, DENY, DENY, OK, OK, DENY),
    'employment.people': row(LOGIN, DENY, DENY, DENY, OK, OK, DENY),
    'employment.person': row(LOGIN, GONE, GONE, GONE, OK, OK, GONE),
    'employment.placement': row(LOGIN, OK, GONE, GONE, OK, OK, GONE),
    'employment.record_outcome': row(LOGIN, GONE, GONE, GONE, OK, OK, GONE),
    'employment.remove_partner': row(LOGIN, GONE, GONE, GONE, OK, OK, GONE),
    'employment.report_outcome': row(LOGIN, OK, OK, GONE, GONE, GONE, GONE),
    'employment.skip_check_in': row(LOGIN, OK, OK, GONE, GONE, GONE, GONE),
    'employment.statement': row(LOGIN, OK, GONE, GONE, OK, OK, GONE),
    # The owner has not given the consent for the job centre: refused with an explanation.
    'employment.statement_csv': row(LOGIN, DENY, GONE, GONE, DENY, DENY, GONE),
    'employment.statement_pdf': row(LOGIN, DENY, GONE, GONE, DENY, DENY, GONE),
    'employment.update_placement': row(LOGIN, GONE, GONE, GONE, OK, OK, GONE),
    'goals.add_note': row(LOGIN, OK, GONE, GONE, GONE, GONE, GONE),
    'goals.add_step': row(LOGIN, OK, GONE, GONE, GONE, GONE, GONE),
    'goals.answer': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'goals.comment': row(LOGIN, GONE, GONE, OK, GONE, GONE, GONE),
    'goals.create': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'goals.create_share': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'goals.delete_step': row(LOGIN, OK, GONE, GONE, GONE, GONE, GONE),
    'goals.edit': row(LOGIN, OK, GONE, GONE, GONE, GONE, GONE),
    'goals.index': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'goals.new': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'goals.shared': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'goals.shared_goal': row(LOGIN, GONE, GONE, OK, GONE, GONE, GONE),
    'goals.sharing': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'goals.show': row(LOGIN, OK, GONE, GONE, GONE, GONE, GONE),
    'goals.start': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'goals.step_down': row(LOGIN, OK, GONE, GONE, GONE, GONE, GONE),
    'goals.step_up': row(LOGIN, OK, GONE, GONE, GONE, GONE, GONE),
    'goals.toggle_step': row(LOGIN, OK, GONE, GONE, GONE, GONE, GONE),
    'goals.update': row(LOGIN, OK, GONE, GONE, GONE, GONE, GONE),
    'goals.withdraw': row(LOGIN, OK, GONE, GONE, GONE, GONE, GONE),
    'home.health': row(OK, OK, OK, OK, OK, OK, OK),
    # "How was it?" only about a session one was marked present at and that is over, or one's
    # own meeting marked held: the world's session is going on and its meeting is booked.
    'feedback.session': row(LOGIN, DENY, DENY, DENY, DENY, DENY, DENY),
    'feedback.meeting': row(LOGIN, DENY, DENY, DENY, DENY, DENY, DENY),
    # What participants said: the activity's leaders and the place's coordinators.
    'reports.activity_feedback': row(LOGIN, DENY, DENY, OK, OK, OK, DENY),
    'home.index': row(OK, OK, OK, OK, OK, OK, OK),
    'home.privacy': row(OK, OK, OK, OK, OK, OK, OK),
    'home.switch_language': row(OK, OK, OK, OK, OK, OK, OK),
    'meetings.add_extra': row(LOGIN, GONE, GONE, OK, GONE, GONE, GONE),
    'meetings.add_time_off': row(LOGIN, DENY, DENY, OK, OK, OK, OK),
    'meetings.add_window': row(LOGIN, GONE, GONE, OK, GONE, GONE, GONE),
    'meetings.agenda': row(LOGIN, DENY, DENY, OK, OK, OK, OK),
    'meetings.availability': row(LOGIN, DENY, DENY, OK, OK, OK, OK),
    'meetings.book': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'meetings.cancel': row(LOGIN, OK, GONE, OK, OK, OK, GONE),
    'meetings.confirm': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'meetings.create': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'meetings.create_availability': row(LOGIN, DENY, DENY, OK, OK, OK, OK),
    'meetings.delete_availability': row(LOGIN, GONE, GONE, OK, GONE, GONE, GONE),
    'meetings.edit_availability': row(LOGIN, GONE, GONE, OK, GONE, GONE, GONE),
    'meetings.held': row(LOGIN, OK, GONE, OK, OK, OK, GONE),
    'meetings.ics': row(LOGIN, OK, GONE, OK, OK, OK, GONE),
    'meetings.index': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'meetings.move': row(LOGIN, OK, GONE, GONE, GONE, GONE, GONE),
    'meetings.move_to': row(LOGIN, OK, GONE, OK, OK, OK, GONE),
    'meetings.no_show': row(LOGIN, OK, GONE, OK, OK, OK, GONE),
    'meetings.remove_extra': row(LOGIN, GONE, GONE, OK, GONE, GONE, GONE),
    'meetings.remove_time_off': row(LOGIN, GONE, GONE, OK, GONE, GONE, GONE),
    'meetings.remove_window': row(LOGIN, GONE, GONE, OK, GONE, GONE, GONE),
    'meetings.show': row(LOGIN, OK, GONE, OK, OK, OK, GONE),
    'meetings.update_availability': row(LOGIN, GONE, GONE, OK, GONE, GONE, GONE),
    'notify.index': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'notify.read': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'notify.save_settings': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'notify.settings': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'privacy.consents_page': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'privacy.give_consent': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'privacy.withdraw_consent': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'privacy.confirm_delete': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'privacy.delete': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'privacy.erase': row(LOGIN, GONE, GONE, GONE, OK, OK, GONE),
    'privacy.erase_request': row(LOGIN, GONE, GONE, GONE, OK, OK, GONE),
    'privacy.my_data': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'privacy.my_data_json': row(LOGIN, OK, OK, OK, OK, OK, OK),
    # Someone else's device: the same "not on your list" as one removed already (303).
    'push.remove': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'push.service_worker': row(OK, OK, OK, OK, OK, OK, OK),
    'push.subscribe': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'reports.export_csv': row(LOGIN, DENY, DENY, DENY, OK, OK, OK),
    'reports.export_xlsx': row(LOGIN, DENY, DENY, DENY, OK, OK, OK),
    'reports.index': row(LOGIN, DENY, DENY, DENY, OK, OK, OK),
    # Proposals: the people of place A see and support them; its coordinators answer.
    'voice.index': row(LOGIN, OK, OK, OK, OK, OK, OK),
    'voice.place': row(LOGIN, OK, OK, OK, OK, OK, GONE),
    'voice.new': row(LOGIN, OK, OK, OK, OK, OK, GONE),
    'voice.create': row(LOGIN, OK, OK, OK, OK, OK, GONE),
    'voice.show': row(LOGIN, OK, OK, OK, OK, OK, GONE),
    'voice.support': row(LOGIN, OK, OK, OK, OK, OK, GONE),
    'voice.withdraw_support': row(LOGIN, OK, OK, OK, OK, OK, GONE),
    'voice.take_back': row(LOGIN, OK, DENY, DENY, DENY, DENY, GONE),
    'voice.realise': row(LOGIN, DENY, DENY, DENY, OK, OK, GONE),
    'voice.not_now': row(LOGIN, DENY, DENY, DENY, OK, OK, GONE),
    'voice.join_with': row(LOGIN, DENY, DENY, DENY, OK, OK, GONE),
}


def test_the_matrix_has_one_entry_per_route_and_no_more(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint != "static"}
    assert set(EXPECT) == endpoints
