"""Every page is valid HTML (Nu HTML Checker, errors only; htmx attributes allowed)."""

import shutil
import subprocess
from datetime import time, timedelta
from pathlib import Path

from portal.accounts.models import Role
from portal.activities import services as activities
from portal.activities.models import Attendance, AttendanceStatus, Kind, Session
from portal.extensions import db, utcnow
from portal.reports.tables import PARTS
from tests.conftest import Client

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def test_pages_are_valid_html(app, site, make_user, tmp_path):
    assert VNU.exists(), "npm ci installs the Nu HTML checker (vnu-jar)"
    java = shutil.which("java")
    assert java, "the Nu HTML checker needs a Java runtime (make browser-deps installs one)"
    leader = make_user(Role.COORDINATOR, name="Ingrid")
    participant = make_user(name="Amina")
    admin = make_user(Role.ADMIN)
    circle = activities.create_activity(leader, site, activities.ActivityData(
        kind=Kind.STUDY_CIRCLE, title="Norsk A1", capacity=5))
    cafe = activities.create_activity(leader, site, activities.ActivityData(
        kind=Kind.LANGUAGE_CAFE, title="Språkkafé"))
    workshop = activities.create_activity(leader, site, activities.ActivityData(
        kind=Kind.WORKSHOP, title="Verksted: skriv en søknad"))
    monday = utcnow().date() + timedelta(days=7 - utcnow().weekday())
    for activity in (circle, cafe):
        activities.add_series(leader, activity, activities.plan_series(
            site, monday, time(18, 0), 90, 1, count=2), True)
    started = utcnow() - timedelta(minutes=15)
    held = Session(activity_id=circle.id, starts_at=started, ends_at=started + timedelta(hours=1))
    db.session.add(held)
    db.session.commit()
    activities.enrol(participant, circle.id)
    activities.follow(participant, cafe)
    activities.add_co_leader(leader, cafe, participant)
    # An evening the participant was at and has not yet said how it was: the start page asks.
    over = Session(activity_id=circle.id, starts_at=started - timedelta(days=1),
                   ends_at=started - timedelta(days=1) + timedelta(hours=1))
    db.session.add(over)
    db.session.flush()
    db.session.add(Attendance(session_id=over.id, user_id=participant.id,
                              status=AttendanceStatus.PRESENT, minutes=60))
    db.session.commit()
    upcoming = circle.sessions[0]
    from portal.goals import services as goals

    goal = goals.create_goal(participant, goals.GoalData(title="Find work", why="For us"))
    goals.add_step(goal, "Write a CV")
    goals.share(participant, leader.id, None)
    goals.add_comment(leader, goal, "Good start")
    from portal.meetings import services as meetings
    from portal.meetings.models import Availability, Window

    availability = Availability(host_id=leader.id, site_id=site.id, slot_minutes=30,
                                languages="norsk", valid_from=utcnow().date(),
                                windows=[Window(weekday=d, starts=time(9), ends=time(12))
                                         for d in range(5)])
    db.session.add(availability)
    db.session.commit()
    slots = meetings.find_slots(participant, site, None)
    booking = meetings.book(participant, slots[0].key, "CV", "ar")
    from portal.competences import services as competences
    from portal.goals.models import ShareScope

    work = competences.add_item(participant, competences.WorkData("Kokk", "حلب", "Syria", 2010))
    competences.add_item(participant, competences.LanguageData("العربية", "native"))
    competences.save_licences(participant, ["B"])
    goals.share(participant, leader.id, None, ShareScope.COMPETENCES)
    from portal.employment import services as employment

    partner = employment.add_partner(leader, site, employment.PartnerData(
        name="Kafé Bro AS", kind="job_centre", contact_name="Kari", notes="Kitchen"))
    placement = employment.record_placement(leader, participant, employment.PlacementData(
        partner_id=partner.id, role="Kitchen assistant", starts_on=utcnow().date(),
        ends_on=utcnow().date() + timedelta(days=30), weekdays=[0, 2], hours_per_week=12,
        goal_id=goal.id, status="active", staff_notes="Quiet start"))
    done = employment.record_placement(leader, participant, employment.PlacementData(
        partner_id=partner.id, role="Oppvask", starts_on=utcnow().date() - timedelta(days=60),
        ends_on=utcnow().date() - timedelta(days=30), weekdays=[1], hours_per_week=8,
        status="completed"))
    employment.record_placement(leader, participant, employment.PlacementData(
        partner_id=partner.id, role="Lager", starts_on=utcnow().date() - timedelta(days=90),
        ends_on=utcnow().date() - timedelta(days=70), weekdays=[1], hours_per_week=8,
        status="completed"))  # completed, its certificate not made yet
    from portal.certificates import services as certificates
    from portal.certificates.models import CertificateKind

    code = certificates.shown(certificates.issue(participant, CertificateKind.WORK_PRACTICE,
                                                 done.id).code)
    employment.report_outcome(participant, employment.OutcomeData(
        kind="job", on_date=utcnow().date(), extent="part_time", note="Café"))
    employment.note_interview(participant, participant, utcnow().date(), "Rema 1000")
    employment.answer_check_in(participant, {"language": 2, "network": 3, "next_step": 4,
                                             "at_home": 5})
    db.session.commit()

    pages = {
        None: ["/", "/privacy", "/accounts/login", "/accounts/register", "/accounts/reset",
               "/accounts/forgot", "/accounts/forgot/sms", "/accounts/reset/sms",
               "/accounts/join", "/activities", f"/activities/{circle.id}",
               f"/activities/places/{site.id}", f"/activities/{workshop.id}", "/no-such-page",
               "/c", f"/c/{code}",
               "/c/00000-00000", "/c?code=abc"],
        participant: ["/", "/accounts/profile", "/accounts/password", "/accounts/phone",
                      "/activities/calendar",
                      "/notify", "/notify/settings", f"/activities/{cafe.id}", "/goals",
                      "/goals/new", f"/goals/{goal.id}", f"/goals/{goal.id}/edit",
                      "/goals/sharing",
                      "/meetings", "/meetings/book", "/meetings/book?host=any",
                      f"/meetings/book/{slots[1].key}", f"/meetings/{booking.id}",
                      f"/meetings/{booking.id}/move", "/privacy/my-data", "/privacy/delete",
                      "/privacy/consents", "/competences", f"/competences/work/{work.id}",
                      "/competences/cv", "/competences/cv/preview", "/employment/me",
                      "/employment/me/check-in",
                      f"/employment/placements/{placement.id}",
                      f"/employment/people/{participant.id}/statement",
                      f"/feedback/sessions/{over.id}", "/certificates"],
        leader: ["/", f"/accounts/sites/{site.id}/members", f"/accounts/sites/{site.id}/register",
                 f"/accounts/sites/{site.id}/invitations", "/activities/new",
                 f"/activities/{circle.id}", f"/activities/{circle.id}/edit",
                 f"/activities/{circle.id}/series", f"/activities/sessions/{upcoming.id}",
                 f"/activities/sessions/{held.id}/attendance",
                 f"/activities/{circle.id}/attendance-list", f"/activities/{cafe.id}/co-leaders",
                 f"/reports/activities/{circle.id}/feedback",
                 f"/reports/activities/{circle.id}/feedback?period=year",
                 "/goals/shared", "/competences/shared",
                 f"/competences/shared/{participant.id}",
                 f"/goals/shared/{goal.id}", "/meetings/agenda",
                 f"/meetings/agenda?site={site.id}", "/meetings/availability",
                 f"/meetings/availability/{availability.id}", f"/meetings/{booking.id}",
                 f"/privacy/erase/{participant.id}", "/reports", "/reports?period=year",
                 "/reports?period=custom&start=2026-01-01&end=2026-03-31",
                 *(f"/reports/{part.slug}?period=year" for part in PARTS[1:]),
                 f"/employment/sites/{site.id}/partners", f"/employment/partners/{partner.id}/edit",
                 f"/employment/sites/{site.id}/people", f"/employment/people/{participant.id}",
                 f"/employment/people/{participant.id}/placements/new",
                 f"/employment/placements/{placement.id}",
                 f"/employment/placements/{placement.id}/edit",
                 f"/employment/people/{participant.id}/statement",
                 f"/certificates/people/{participant.id}",
                 f"/reports/sms-budget/{site.id}"],
        admin: ["/accounts/sites", "/accounts/sites/new", f"/accounts/sites/{site.id}/edit",
                "/reports?period=term", "/audit"],
    }
    files = []
    for user, urls in pages.items():
        client = Client(app.test_client())
        if user is not None:
            client.login(user.email)
        for language in ("nb", "ar"):
            for url in urls:
                response = client.get(url, headers={"Accept-Language": language})
                path = tmp_path / f"{len(files):03d}.html"
                path.write_text(response.get_data(as_text=True), encoding="utf-8")
                files.append((path, f"{url} [{language}]"))
        # Error states: the same forms after a bad submission.
        invalid = client.post("/accounts/register" if user is None else "/accounts/password",
                              {"password": "x"})
        path = tmp_path / f"{len(files):03d}.html"
        path.write_text(invalid.get_data(as_text=True), encoding="utf-8")
        files.append((path, "form with errors"))
        if user is participant:
            invalid = client.post("/competences/education", {"education-from_year": "x"})
            path = tmp_path / f"{len(files):03d}.html"
            path.write_text(invalid.get_data(as_text=True), encoding="utf-8")
            files.append((path, "competences with errors"))
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--filterpattern",
         ".*Attribute “hx-[a-z:-]+” not allowed.*", *(str(p) for p, _ in files)],
        capture_output=True, text=True, timeout=300)
    names = {str(p): label for p, label in files}
    report = "\n".join(
        line.replace(f'"file:{path}"', names[path]) for line in result.stderr.splitlines()
        for path in names if f"file:{path}" in line)
    assert result.returncode == 0 and not result.stderr.strip(), report or result.stderr
