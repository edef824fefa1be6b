"""axe-core (WCAG 2.0–2.2 A and AA) on every page, in every language Bro speaks, for every role.

One browser context per role and language: it logs in once and walks that role's pages. The
database is emptied after each test (tests/conftest.py), so a login cannot outlive its test;
grouping by role and language keeps the module fast. A failure names each failing page and
the language, and lists every page that failed, not only the first.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta

import pytest

from portal.accounts.models import Gender
from portal.extensions import db, utcnow
from portal.i18n import html_lang, text_direction
from portal.reports.tables import PARTS
from tests.browser.conftest import LANGUAGES, NARROW_PHONE, describe_violations
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:.*base_url.*")]

PARTICIPANT_NAME = "Layla Hassan"


@dataclass
class World:
    site: object
    participant: object
    circle: object
    cafe: object

    booking: object = None
    code: str = ""  # the participant's certificate for completed work practice

    def ids(self) -> dict:
        return {"site": self.site.id, "circle": self.circle.id, "cafe": self.cafe.id,
                "session": self.upcoming.id, "held": self.held.id, "booking": self.booking.id,
                "participant": self.participant.id, "code": self.code}

    @property
    def upcoming(self):
        return next(s for s in self.circle.sessions if s.starts_at > utcnow())

    @property
    def held(self):  # the session in progress: the latest that has started
        return [s for s in self.circle.sessions if s.starts_at <= utcnow()][-1]


@dataclass
class Step:
    """One page a role can reach: `name` for messages, `go` gets the tab there."""

    name: str
    go: Callable

    def label(self, world: World) -> str:
        return self.name.format(**world.ids())


def visit(path: str, status: int = 200) -> Step:
    return Step(path, lambda tab, world: tab.visit(path.format(**world.ids()), status))


def register_with_errors(tab, world):
    tab.visit("/accounts/register")
    tab.expect_status(422)
    tab.page.locator("#register-form button[type=submit]").click()
    tab.page.locator("#register-form .error-summary").wait_for()
    tab.check("/accounts/register after submitting it empty")


def invitations_after_creating_one(tab, world):
    tab.visit(f"/accounts/sites/{world.site.id}/invitations")
    tab.page.fill("#label", "Café volunteer")
    tab.page.locator("#invite-form button[type=submit]").click()
    tab.page.locator("#invitations .code-card").wait_for()
    tab.check("invitations after creating one")


def one_time_code(tab, world):
    tab.visit(f"/accounts/sites/{world.site.id}/members")
    row = tab.page.locator("#member-list .row", has_text=PARTICIPANT_NAME)
    with tab.page.expect_navigation() as navigation:
        row.locator("button[type=submit]").click()  # "Password code"
    assert navigation.value.status == 200
    tab.page.locator(".code-card .code").wait_for()
    tab.check("one-time code page")


def click_in_panel(path: str, label: str):
    """Press the join/follow button: htmx swaps the panel in place."""

    def go(tab, world):
        tab.visit(path.format(**world.ids()))
        tab.page.locator("#participation button[type=submit]").click()
        tab.page.locator("#participation .status").wait_for()
        tab.check(label)

    return Step(f"{path} ({label})", go)


def make_goal(tab, world):
    """A goal with a step, made and ticked through the pages (htmx swaps the steps)."""
    tab.visit("/goals/new")
    tab.page.fill("#title", "Speak Norwegian at work")
    tab.page.locator("#goal-form button[type=submit]").click()
    tab.page.locator("#step-form").wait_for()
    tab.page.fill("#text", "Join a language café")
    tab.page.locator("#step-form button[type=submit]").click()
    tab.page.locator("#steps .tick").wait_for()
    tab.page.locator("#steps .tick").click()
    tab.page.locator("#steps .tick--done").wait_for()
    tab.check("goal with a ticked step")


def shared_goal_page(tab, world):
    """The participant shares a goal with this coordinator, who opens it and comments."""
    from sqlalchemy import select

    from portal.accounts.models import Membership, User
    from portal.goals import services as goals

    coordinator = db.session.scalar(select(User).join(Membership).where(
        Membership.role == "coordinator").order_by(User.id.desc()).limit(1))
    goal = goals.create_goal(world.participant, goals.GoalData(title="Find work",
                                                               why="For my family"))
    goals.add_step(goal, "Write a CV")
    goals.share(world.participant, coordinator.id, goal.id)
    tab.visit(f"/goals/shared/{goal.id}")
    tab.page.fill("#text", "Good start!")
    tab.page.locator("#comment-form button[type=submit]").click()
    tab.page.get_by_text("Good start!").wait_for()
    tab.check("shared goal with a comment")


def how_was_it(tab, world):
    """The participant was present at last week's session: the start page asks "How was
    it?", its own page asks too, and sending it without a face shows the error."""
    from sqlalchemy import select

    from portal.accounts.models import Membership, User
    from portal.activities.models import Attendance, AttendanceStatus

    me = db.session.scalar(select(User).join(Membership).where(
        Membership.role == "participant").order_by(User.id.desc()).limit(1))
    last_week = [s for s in world.circle.sessions
                 if s.ends_at <= utcnow() - timedelta(days=6)][-1]
    db.session.add(Attendance(session_id=last_week.id, user_id=me.id,
                              status=AttendanceStatus.PRESENT))
    db.session.commit()
    tab.visit("/")
    tab.page.locator("#feedback-form").wait_for()
    tab.check("start page asking how it was")
    tab.visit(f"/feedback/sessions/{last_week.id}")
    tab.check("how was it")
    tab.expect_status(422)
    tab.page.locator("#feedback-form button[type=submit]:not([name])").click()
    tab.page.locator("#feedback-form .error-summary").wait_for()
    tab.check("how was it, sent without a face")


def series_preview(tab, world):
    tab.visit(f"/activities/{world.circle.id}/series")
    tab.page.fill("#first_day", (date.today() + timedelta(days=7)).isoformat())
    tab.page.fill("#start", "18:00")
    tab.page.fill("#count", "3")
    tab.page.locator("button[name=preview]").click()
    tab.page.locator("#series-form .preview").wait_for()
    tab.check("series preview")


def dialogue_page(tab, world):
    """A dialogue seminar with a guest, a question, a main point and an agreed action: the
    organiser's page, then the activity's page as it shows them."""
    from sqlalchemy import select

    from portal.accounts.models import Membership, User
    from portal.activities import services as activities
    from portal.activities.models import Kind
    from portal.dialogues import services as dialogues

    coordinator = db.session.scalar(select(User).join(Membership).where(
        Membership.role == "coordinator").order_by(User.id.desc()).limit(1))
    seminar = activities.create_activity(coordinator, world.site, activities.ActivityData(
        kind=Kind.DIALOGUE_SEMINAR, title="Dialog med NAV"))
    dialogues.add_guest(coordinator, seminar, "Kari Nordmann", "NAV Grünerløkka")
    dialogues.add_question(coordinator, seminar, "Hvordan får jeg arbeidspraksis?")
    dialogues.add_point(coordinator, seminar, "Mange ønsker praksis i butikk")
    dialogues.add_action(coordinator, seminar, "Lage en liste over butikker", "NAV",
                         date.today() + timedelta(days=14))
    tab.visit(f"/activities/{seminar.id}/dialogue")
    tab.check("the organiser's page of a dialogue seminar")


def report_for_a_year(tab, world):
    tab.visit("/reports/participants")
    tab.page.select_option("#period", "year")
    tab.page.locator("#report-filter button[type=submit]").click()
    tab.page.wait_for_url("**period=year*")
    tab.page.locator("#report .chart svg").first.wait_for()


def free_times_of_any_coach(tab, world):
    """Any coach → the second day with free times (htmx swaps the day's times)."""
    tab.visit("/meetings/book")
    tab.page.locator(".choices a").first.click()
    tab.page.locator("#slots .slot a").first.wait_for()
    second = tab.page.locator("#slots .day-chips a").nth(1)
    label = second.inner_text().split("\n")[0]
    second.click()
    tab.page.locator('#slots .day-chips a[aria-current="date"]', has_text=label).wait_for()


def confirm_a_meeting(tab, world):
    tab.visit("/meetings/book?host=any")
    tab.page.locator("#slots .slot a").first.click()
    tab.page.locator("#book-form").wait_for()


def book_the_meeting(tab, world):
    # A time on the second day with free times: the first free time today may be within the
    # two hours before a meeting in which it can no longer be changed online (no cancel form)
    tab.visit("/meetings/book?host=any")
    tab.page.locator("#slots .day-chips a").nth(1).click()
    tab.page.wait_for_url("**day=*")
    tab.page.locator("#slots .slot a").first.click()
    tab.page.locator("#book-form").wait_for()
    tab.page.fill("#topic", "CV")
    tab.page.select_option("#interpreter", "ar")
    tab.page.locator("#book-form button[type=submit]").click()
    tab.page.locator("#cancel-form").wait_for()


def choose_another_time(tab, world):
    tab.visit("/meetings")
    tab.page.locator(".rows a").first.click()
    tab.page.locator("a[href$='/move']").click()
    tab.page.locator("#slots .slot button").first.wait_for()


def free_times_with_errors(tab, world):
    tab.visit("/meetings/availability")
    tab.page.locator("#weekdays-1").check()
    tab.page.fill("#starts", "09:00")
    tab.page.fill("#ends", "08:00")
    tab.expect_status(422)
    tab.page.locator("#availability-form button[type=submit]").click()
    tab.page.locator("#availability-form .error-summary").wait_for()


def change_free_times(tab, world):
    free_times_with_errors(tab, world)
    tab.page.fill("#ends", "12:00")
    tab.page.locator("#availability-form button[type=submit]").click()
    tab.page.locator(".rows a.button").first.click()
    tab.page.locator("#window-form").wait_for()


def open_language_menu(tab, world):
    """The language list lies over the page: it must fit the screen and pass axe too."""
    tab.visit("/")
    tab.page.locator("details.language-menu summary").click()
    tab.page.locator("details.language-menu button[lang=ar]").wait_for()


def open_site_menu(tab, world):
    """The menu opens in the flow, above the four places it pushes down."""
    tab.visit("/")
    tab.page.locator("details.site-menu summary").click()
    tab.page.locator("details.site-menu .menu-list a").last.wait_for()


PAGES = {
    "visitor": [
        visit("/"),
        visit("/privacy"),
        visit("/accounts/login"),
        visit("/accounts/register"),
        visit("/accounts/reset"),
        visit("/accounts/forgot"),
        visit("/accounts/forgot/sms"),
        visit("/accounts/reset/sms"),
        visit("/accounts/join"),
        visit("/no-such-page", status=404),
        Step("/accounts/register (errors)", register_with_errors),
        Step("/ (language menu open)", open_language_menu),
        visit("/activities"),
        visit("/activities?kind=study_circle&weekday=0"),
        visit("/activities/{circle}"),
        visit("/activities/{cafe}"),
        visit("/activities/places/{site}"),
        visit("/c"),
        visit("/c/{code}"),
        visit("/c/00000-00000", status=404),
        visit("/c?code=abc", status=422),
    ],
    "participant": [
        visit("/"),
        click_in_panel("/activities/{circle}", "joined"),
        click_in_panel("/activities/{cafe}", "following"),
        visit("/activities/calendar"),
        visit("/notify"),
        visit("/notify/settings"),
        visit("/goals"),
        Step("/goals/new → goal page (step added and ticked)", make_goal),
        visit("/goals"),
        visit("/goals/sharing"),
        visit("/goals/start/dream"),
        visit("/accounts/profile"),
        visit("/accounts/password"),
        visit("/accounts/phone"),
        visit("/accounts/join"),
        visit("/privacy/my-data"),
        visit("/privacy/delete"),
        visit("/privacy/consents"),
        visit("/meetings"),
        visit("/meetings/book"),
        Step("/meetings/book?host=any (another day)", free_times_of_any_coach),
        Step("/meetings/book/<slot> (confirm)", confirm_a_meeting),
        Step("/meetings/<new> (booked)", book_the_meeting),
        visit("/meetings"),
        Step("/meetings/<new>/move", choose_another_time),
        visit("/certificates"),
        visit("/competences"),
        visit("/competences/cv"),
        visit("/voice"),
        visit("/voice/sites/{site}/new"),
        Step("/feedback/sessions/<last week> (start page, page, error)", how_was_it),
    ],
    "coordinator": [
        visit("/meetings/agenda"),
        visit("/meetings/agenda?site={site}"),
        visit("/privacy/erase/{participant}"),
        visit("/reports"),
        *(visit(f"/reports/{part.slug}") for part in PARTS[1:]),
        visit("/reports/sms-budget/{site}"),
        Step("/reports/participants (a year, swapped in by htmx)", report_for_a_year),
        visit("/meetings/{booking}"),
        Step("/meetings/availability (errors)", free_times_with_errors),
        Step("/meetings/availability/<new> (published, edit)", change_free_times),
        visit("/"),
        visit("/accounts/sites/{site}/members"),
        visit("/accounts/sites/{site}/invitations"),
        Step("/accounts/sites/{site}/invitations (new invitation)",
             invitations_after_creating_one),
        visit("/accounts/sites/{site}/register"),
        Step("/accounts/sites/{site}/members/<participant>/reset-code (code page)",
             one_time_code),
        visit("/activities/new"),
        visit("/activities/{circle}/series"),
        Step("/activities/{circle}/series (preview)", series_preview),
        visit("/activities/sessions/{session}"),
        visit("/activities/sessions/{held}/attendance"),
        visit("/activities/{circle}/attendance-list"),
        visit("/activities/{circle}/edit"),
        visit("/activities/{circle}"),
        visit("/goals/shared"),
        Step("/goals/shared/<goal> (comment added)", shared_goal_page),
        visit("/voice/sites/{site}"),
        visit("/activities/{cafe}/co-leaders"),
        visit("/activities/{cafe}/admit"),
        Step("/activities/<seminar>/dialogue", dialogue_page),
        visit("/employment/sites/{site}/people"),
        visit("/employment/people/{participant}"),
        visit("/certificates/people/{participant}"),
    ],
    "admin": [
        visit("/accounts/sites"),
        visit("/accounts/sites/new"),
        visit("/accounts/sites/{site}/edit"),
        visit("/reports?period=term"),
        visit("/audit"),
        Step("/ (menu open)", open_site_menu),
    ],
}


@pytest.fixture
def world(site, make_user):
    from portal.activities import services
    from portal.activities.models import Kind, Session

    participant = make_user("participant", name=PARTICIPANT_NAME, phone="+4791234567")
    leader = make_user("volunteer", name="Lars Leader")
    circle = services.create_activity(leader, site, services.ActivityData(
        kind=Kind.STUDY_CIRCLE, title="Norsk for nybegynnere", capacity=8, languages="norsk",
        description="Vi snakker norsk sammen."))
    cafe = services.create_activity(leader, site, services.ActivityData(
        kind=Kind.LANGUAGE_CAFE, title="مقهى اللغة", women_only=True))
    monday = date.today() + timedelta(days=7 - date.today().weekday())
    for activity in (circle, cafe):
        services.add_series(leader, activity, services.plan_series(
            site, monday, time(18, 0), 90, 1, count=3), keep_holidays=True)
    services.enrol(make_user("participant", name="Nour Haddad"), circle.id)
    started = utcnow() - timedelta(minutes=20)  # a session in progress: attendance is open
    # Before it, eight weeks of sessions nobody was marked at: the funder's attendance list is
    # wider than a phone and full of visually hidden "Absent" texts, which once widened the
    # whole page (they escaped the table's scroll box).
    for weeks in range(8, -1, -1):
        starts = started - timedelta(weeks=weeks)
        db.session.add(Session(activity_id=circle.id, starts_at=starts,
                               ends_at=starts + timedelta(minutes=90)))
    db.session.commit()
    return World(site=site, participant=participant, circle=circle, cafe=cafe,
                 booking=_meetings(site, leader, participant, make_user),
                 code=certificate_code(site, participant, make_user))


def certificate_code(site, participant, make_user) -> str:
    """Work practice the participant completed, and its certificate (for its public page)."""
    from portal.certificates import services as certificates
    from portal.certificates.models import CertificateKind
    from portal.employment import services as employment

    coordinator = make_user("coordinator", name="Kari Koordinator")
    partner = employment.add_partner(coordinator, site, employment.PartnerData(
        name="Kafé Bro AS", kind="employer"))
    placement = employment.record_placement(coordinator, participant, employment.PlacementData(
        partner_id=partner.id, role="Kjøkkenassistent", starts_on=date.today() - timedelta(60),
        ends_on=date.today() - timedelta(30), weekdays=[0, 2], hours_per_week=15,
        status="completed"))
    code = certificates.issue(participant, CertificateKind.WORK_PRACTICE, placement.id).code
    db.session.commit()
    return certificates.shown(code)


def _meetings(site, leader, participant, make_user):
    """The volunteer offers weekday mornings; the participant has a meeting coming up, and
    another participant's meeting an hour ago waits to be marked."""
    from portal.meetings import services as meetings
    from portal.meetings.models import Availability, Booking, Mode, Window

    availability = Availability(
        host_id=leader.id, site_id=site.id, mode=Mode.IN_PERSON, place="Rom 2",
        languages="norsk, arabisk", slot_minutes=30, valid_from=date.today(),
        windows=[Window(weekday=day, starts=time(9), ends=time(12)) for day in range(5)])
    db.session.add(availability)
    db.session.commit()
    slot = meetings.find_slots(participant, site, leader.id)[0]
    booking = meetings.book(participant, slot.key, "Arbeidspraksis", "ti")
    earlier = utcnow() - timedelta(hours=1)
    db.session.add(Booking(site_id=site.id, host_id=leader.id,
                           participant_id=make_user("participant", name="Hiwet Tesfay").id,
                           starts_at=earlier, ends_at=earlier + timedelta(minutes=30),
                           mode=Mode.PHONE, topic="Norskkurs"))
    db.session.commit()
    return booking


@pytest.fixture
def tab_as(open_tab, make_user, world, base_url):
    """tab_as(role, language, **context_options) → a Tab showing Bro in that language, logged
    in as a new user with that role at the site (or logged out for "visitor")."""

    def open_(role: str, language: str, **options):
        tab = open_tab(**options)
        if role == "visitor":
            tab.page.context.add_cookies([{"name": "lang", "value": language, "url": base_url}])
            return tab
        # A woman: the world's café is for women only, and she joins and follows.
        user = make_user(role, at=world.site, language=language, gender=Gender.WOMAN)
        tab.visit("/accounts/login")
        tab.page.fill("#login", user.email)
        tab.page.fill("#password", PASSWORD)
        tab.page.locator("#login-form button[type=submit]").click()
        tab.page.wait_for_url(lambda url: url.rstrip("/") == base_url)
        tab.check(f"logging in as {role}")
        return tab

    return open_


def assert_language(tab, language: str, where: str) -> None:
    expected = [html_lang(language), text_direction(language)]
    actual = tab.page.evaluate(
        "() => [document.documentElement.lang, document.documentElement.dir]")
    assert actual == expected, f"{where}: <html lang dir> is {actual}, expected {expected}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", list(PAGES))
def test_every_page_passes_axe(tab_as, world, role, language):
    tab = tab_as(role, language)
    failures = []
    for step in PAGES[role]:
        where = f"{step.label(world)} [{language}, {role}]"
        step.go(tab, world)
        assert_language(tab, language, where)
        tab.check(where)
        violations = tab.axe_violations()
        if violations:
            failures.append(f"{where}:\n{describe_violations(violations)}")
    assert not failures, (f"axe found WCAG problems on {len(failures)} page(s):\n\n"
                          + "\n\n".join(failures))


@pytest.mark.parametrize("role", list(PAGES))
def test_arabic_pages_reflow_at_360_px(tab_as, world, role):
    tab = tab_as(role, "ar", viewport=NARROW_PHONE)
    failures = []
    for step in PAGES[role]:
        where = f"{step.label(world)} [ar, {role}, 360 px]"
        step.go(tab, world)
        assert_language(tab, "ar", where)
        tab.check(where)
        try:
            tab.assert_no_overflow(where)
        except AssertionError as overflow:
            failures.append(str(overflow))
    assert not failures, "Pages wider than the screen:\n" + "\n".join(failures)


@pytest.mark.parametrize("language", ["ar", "ti", "nb"])
def test_my_certificates_made_and_to_make_pass_axe_and_fit_360_px(open_tab, world, base_url,
                                                                   make_user, language):
    """The holder's own page, with a certificate made (its language form) and one to make."""
    from portal.employment import services as employment
    from portal.employment.models import Partner

    coordinator = make_user("coordinator")
    partner = db.session.query(Partner).one()
    employment.record_placement(coordinator, world.participant, employment.PlacementData(
        partner_id=partner.id, role="Lagerarbeider", starts_on=date.today() - timedelta(120),
        ends_on=date.today() - timedelta(90), weekdays=[1], hours_per_week=8,
        status="completed"))
    world.participant.language = language
    db.session.commit()
    tab = open_tab(viewport=NARROW_PHONE)
    tab.visit("/accounts/login")
    tab.page.fill("#login", world.participant.email)
    tab.page.fill("#password", PASSWORD)
    tab.page.locator("#login-form button[type=submit]").click()
    tab.page.wait_for_url(lambda url: url.rstrip("/") == base_url)
    tab.visit("/certificates")
    where = f"/certificates [{language}, 360 px]"
    assert_language(tab, language, where)
    assert tab.page.locator(".panel select").count() == 1  # the made one: its language
    assert tab.page.locator(".panel form[method=post] button").count() == 1  # one to make
    tab.assert_no_overflow(where)
    violations = tab.axe_violations()
    assert not violations, describe_violations(violations)


@pytest.mark.parametrize("language", ["ar", "ti", "nb"])
def test_workshop_certificates_staff_certificates_and_the_lower_grant_pass_axe_and_fit_360_px(
        open_tab, world, make_user, base_url, language):
    """A workshop the participant completed (its page says the rule, and their CV's choices
    and preview list it with the time present), the coordinator's page of the participant's
    certificates with one made and one to make, the public page of a workshop certificate, and
    a report whose study circles table marks a lower grant."""
    from portal.activities import services as activities
    from portal.activities.models import Attendance, Kind, Session
    from portal.certificates import services as certificates
    from portal.certificates.models import CertificateKind
    from tests.browser.conftest import log_in

    site, participant = world.site, world.participant
    leader = make_user("volunteer", name="Verkstedleder")
    nour = make_user("participant", name="نور حداد")
    workshop = activities.create_activity(leader, site, activities.ActivityData(
        kind=Kind.WORKSHOP, title="Verksted: skriv en søknad", capacity=10))
    circle = activities.create_activity(leader, site, activities.ActivityData(
        kind=Kind.STUDY_CIRCLE, title="Norsk om kvelden", capacity=10))
    regulars = [make_user("participant", name=f"Deltaker {n}") for n in range(3)]
    for person in (participant, nour):
        activities.enrol(person, workshop.id)
    for person in [*regulars, make_user("participant", name="Kom aldri")]:
        activities.enrol(person, circle.id)
    now = utcnow()
    for weeks, minutes in ((9, 150), (8, 120), (7, 90)):
        starts = now - timedelta(weeks=weeks)
        session = Session(activity_id=workshop.id, starts_at=starts,
                          ends_at=starts + timedelta(minutes=minutes),
                          signed_off_at=starts + timedelta(minutes=minutes),
                          signed_off_by_id=leader.id)
        db.session.add(session)
        db.session.flush()
        db.session.add_all(Attendance(session_id=session.id, user_id=person.id,
                                      status="present", minutes=minutes - 5)
                           for person in (participant, nour))
    for weeks in range(4):  # four course hours; three of four complete, the leader the fourth
        starts = now - timedelta(weeks=weeks, hours=2)
        session = Session(activity_id=circle.id, starts_at=starts,
                          ends_at=starts + timedelta(minutes=60))
        db.session.add(session)
        db.session.flush()
        db.session.add_all(Attendance(session_id=session.id, user_id=person.id,
                                      status="present", minutes=60) for person in regulars)
    code = certificates.shown(certificates.issue(nour, CertificateKind.WORKSHOP,
                                                 workshop.id).code)
    coordinator = make_user("coordinator", language=language)
    participant.language = language
    db.session.commit()
    lower = gettext_in(language, "Lower: a course without a teacher (the leader counted)")
    first = (now - timedelta(weeks=5)).date().isoformat()
    tab = open_tab(viewport=NARROW_PHONE)
    tab.page.context.add_cookies([{"name": "lang", "value": language, "url": base_url}])
    failures = []

    def walk(path: str, tab=tab) -> None:
        where = f"{path} [{language}, 360 px]"
        tab.visit(path)
        assert_language(tab, language, where)
        tab.check(where)
        try:
            tab.assert_no_overflow(where)
        except AssertionError as overflow:
            failures.append(str(overflow))
        violations = tab.axe_violations()
        if violations:
            failures.append(f"{where}:\n{describe_violations(violations)}")

    walk(f"/activities/{workshop.id}")
    assert tab.page.locator("main h2").filter(has_text=gettext_in(language, "Course certificate")
                                              ).count() == 1
    walk(f"/c/{code}")
    own = open_tab(viewport=NARROW_PHONE)
    own.page.context.add_cookies([{"name": "lang", "value": language, "url": base_url}])
    log_in(own, participant)
    walk("/competences/cv", own)
    assert own.page.locator(f"input[name=courses][value='{workshop.id}']").is_checked()
    walk("/competences/cv/preview", own)  # the CV in Norwegian: 145 + 115 + 85 minutes
    assert own.page.locator(".cv", has_text="5 timer og 45 minutter").count() == 1
    log_in(tab, coordinator)
    walk(f"/certificates/people/{participant.id}")
    assert tab.page.locator(".panel select").count() == 1  # the work practice: made
    assert tab.page.locator(".panel form[method=post] button").count() == 1  # the workshop
    walk(f"/reports/circles?period=custom&start={first}&end={now.date().isoformat()}")
    assert tab.page.locator("#report td", has_text=lower).count() == 1
    assert not failures, "\n\n".join(failures)


def gettext_in(language: str, text: str) -> str:
    from flask_babel import gettext

    from portal.i18n import force_locale

    with force_locale(language):
        return gettext(text)
