"""Realistic demo data for `flask seed-demo`: three sites, staff of every role, participants."""

import random
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from portal import work
from portal.accounts import services
from portal.accounts.models import Consent, Membership, Role, Site, User
from portal.extensions import db, utcnow

DEMO_PASSWORD = "bro-demo-2026"  # demo only: printed, and listed in the README as demo-only

SITES = [
    ("Tøyen Frivilligsentral", "NO", "Europe/Oslo", "Hagegata 30, 0653 Oslo"),
    ("Rinkeby Folkets Hus", "SE", "Europe/Stockholm", "Rinkebytorget 1, 163 73 Spånga"),
    ("Gellerup Medborgerhus", "DK", "Europe/Copenhagen", "Gudrunsvej 7, 8220 Brabrand"),
]

# (name, e-mail, language, role, site index): one login per role, printed by seed-demo.
DEMO_LOGINS = [
    ("Amina Yusuf", "amina@example.org", "nb", Role.PARTICIPANT, 0),
    ("Lars Hansen", "lars@example.org", "nb", Role.VOLUNTEER, 0),
    ("Ingrid Solberg", "ingrid@example.org", "nb", Role.COORDINATOR, 0),
    ("Admin Bro", "admin@example.org", "en", Role.ADMIN, 0),
]
STAFF = [
    ("Karin Lindqvist", "SE", "sv", Role.COORDINATOR, 1),
    ("Ahmad Rahimi", "SE", "sv", Role.VOLUNTEER, 1),
    ("Mette Nielsen", "DK", "da", Role.COORDINATOR, 2),
    ("سلمى عبد الله", "DK", "ar", Role.VOLUNTEER, 2),
    ("Ole Berg", "NO", "nb", Role.VOLUNTEER, 0),
]

LATIN_FIRST = ["Amal", "Hodan", "Olena", "Hiwet", "Nour", "Fatuma", "Mariam", "Samira", "Tigist",
               "Daria", "Leyla", "Aisha", "Zainab", "Rahel", "Iryna", "Khadija", "Abdi", "Yonas",
               "Omar", "Mohammed", "Bilal", "Taras", "Dawit", "Hassan"]
LATIN_LAST = ["Warsame", "Tesfay", "Kovalenko", "Haile", "Ahmed", "Mohamud", "Shevchenko",
              "Abebe", "Hussein", "Bondarenko", "Osman", "Gebremedhin", "Ali", "Yilmaz"]
ARABIC_FIRST = ["فاطمة", "مريم", "نور", "خديجة", "زينب", "سارة", "ليلى", "هدى", "رنا", "أمل",
                "أحمد", "محمد", "يوسف", "عمر", "خالد", "سامي"]
ARABIC_LAST = ["حسن", "الخطيب", "إبراهيم", "السيد", "عثمان", "منصور", "النجار", "حداد",
               "الأحمد", "يوسف"]
MOBILE_PREFIX = {"NO": ("+474", 7), "SE": ("+4670", 7), "DK": ("+4520", 6)}


def seed(participants: int = 200, rng_seed: int = 7, scale: int = 1) -> bool:
    """Fill an empty database. Returns False (and changes nothing) if sites exist already."""
    if db.session.scalar(select(Site.id).limit(1)) is not None:
        return False
    rng = random.Random(rng_seed)
    password_hash = services.hash_password(DEMO_PASSWORD)
    version = current_app.config["PRIVACY_NOTICE_VERSION"]
    sites = [Site(name=n, country=c, timezone=tz, address=a) for n, c, tz, a in SITES]
    db.session.add_all(sites)

    def person(name, site, role, language, email=None, phone=None, birth_year=None):
        user = User(display_name=name, email=email, phone=phone, language=language,
                    password_hash=password_hash, birth_year=birth_year)
        user.memberships.append(Membership(site=site, role=role))
        db.session.add(user)
        db.session.add(Consent(user=user, purpose=services.PRIVACY_PURPOSE,
                               notice_version=version, language=language))
        return user

    for name, email, language, role, index in DEMO_LOGINS:
        person(name, sites[index], role, language, email=email, birth_year=1985)
    for name, _country, language, role, index in STAFF:
        email = f"staff{index}.{rng.randrange(10_000)}@example.org"
        person(name, sites[index], role, language, email=email)

    phones = set()
    for _ in range(participants):
        site = rng.choice(sites)
        if rng.random() < 0.4:
            name = f"{rng.choice(ARABIC_FIRST)} {rng.choice(ARABIC_LAST)}"
            language = "ar"
        else:
            name = f"{rng.choice(LATIN_FIRST)} {rng.choice(LATIN_LAST)}"
            language = rng.choice([site.language, site.language, "en"])
        prefix, digits = MOBILE_PREFIX[site.country]
        phone = prefix + "".join(str(rng.randrange(10)) for _ in range(digits))
        if phone in phones:
            continue
        phones.add(phone)
        person(name, site, Role.PARTICIPANT, language, phone=phone,
               birth_year=rng.choice([None, *range(1960, 2008)]))
    db.session.commit()
    _seed_activities(rng, sites, scale)
    _seed_plans(rng)
    _seed_competences()
    _seed_meetings(rng, sites)
    _seed_road_to_work(rng, sites)
    _seed_certificates(sites)
    if scale > 1:
        _seed_history(rng, sites, scale)
        from portal.reports.services import recount

        recount()  # the history was written in bulk, past the reports' upkeep
    return True


PLANS = [
    ("work", "Get a job in a kindergarten", ["Ask about work practice", "Write my CV",
                                               "Visit two kindergartens", "Apply for a job"]),
    ("language", "Speak with my neighbours", ["Go to the language café", "Learn 10 words a week",
                                               "Say hello to three neighbours"]),
    ("education", "Take a driving licence", ["Read the theory book", "Book a lesson"]),
    ("network", "Find friends who like sewing", ["Join the sewing circle"]),
]


def _seed_plans(rng) -> None:
    """Realistic plans for a third of the participants; a few shared with a coach."""
    from portal.goals import services as goals
    from portal.goals.models import Step

    people = list(db.session.scalars(select(User).join(Membership).where(
        Membership.role == "participant").order_by(User.id).limit(600)))  # bulk beyond that
    coaches = {m.site_id: m.user for m in db.session.scalars(select(Membership).where(
        Membership.role.in_(["volunteer", "coordinator"])))}
    for person in people[::3]:
        for category, title, steps in rng.sample(PLANS, rng.randint(1, 2)):
            goal = goals.create_goal(person, goals.GoalData(title=title, category=category))
            for text in steps:
                step = Step(goal_id=goal.id, text=text, position=len(goal.steps) + 1,
                                  done=rng.random() < 0.4)
                db.session.add(step)
                goal.steps.append(step)
            db.session.commit()
        coach = coaches.get(person.memberships[0].site_id)
        if coach is not None and rng.random() < 0.3:
            goals.share(person, coach.id, None)


ACTIVITIES = {
    "NO": [("language_cafe", "Språkkafé på Tøyen", "norsk", None, False, 1, time(17, 30), 120),
           ("study_circle", "Norsk for nybegynnere", "norsk, arabisk, tigrinja", 8, False, 0,
            time(10, 0), 90),
           ("study_circle", "Sykkelkurs for kvinner", "norsk, somali", 6, True, 3,
            time(12, 0), 90)],
    "SE": [("language_cafe", "Språkcafé i Rinkeby", "svenska", None, False, 2, time(18, 0), 90),
           ("study_circle", "Svenska i vardagen", "svenska, arabiska", 10, False, 1,
            time(13, 0), 135)],
    "DK": [("language_cafe", "Sprogcafé i Gellerup", "dansk", None, False, 3, time(16, 30), 120),
           ("study_circle", "Dansk og jobsøgning", "dansk, engelsk", 8, False, 2,
            time(9, 30), 120)],
}


def _seed_activities(rng, sites, scale: int = 1) -> None:
    from portal.activities import services as activities
    from portal.activities.models import Kind

    for site in sites:
        leader = db.session.scalar(select(User).join(Membership).where(
            Membership.site_id == site.id, Membership.role.in_(["volunteer", "coordinator"])))
        participants = list(db.session.scalars(select(User).join(Membership).where(
            Membership.site_id == site.id, Membership.role == "participant")))
        # Up to ten copies made through the services; larger scales add bulk history instead.
        groups = [(group, *row) for group in range(1, min(scale, 10) + 1)
                  for row in ACTIVITIES[site.country]]
        for group, kind, title, languages, capacity, women, weekday, start, minutes in groups:
            if group > 1:
                title = f"{title} ({group})"
            start = time((start.hour + group - 1) % 24, start.minute)  # groups never overlap
            activity = activities.create_activity(leader, site, activities.ActivityData(
                kind=kind, title=title, languages=languages, capacity=capacity,
                women_only=women, description=title, level="beginner"))
            first = activities.local_today(site) + timedelta(days=1)
            first += timedelta(days=(weekday - first.weekday()) % 7)
            planned = activities.plan_series(site, first, start, minutes, 1, count=10)
            activities.add_series(leader, activity, planned, keep_holidays=False)
            if kind == Kind.STUDY_CIRCLE:
                for person in rng.sample(participants, min(len(participants), capacity + 3)):
                    activities.enrol(person, activity.id)
            else:
                for person in rng.sample(participants, min(len(participants), 12)):
                    activities.follow(person, activity)
            _seed_term(rng, activity, leader, planned[0].starts_at, minutes)


def _seed_term(rng, activity, leader, first_coming, minutes: int, weeks: int = 8) -> None:
    """The weeks before the coming series: held sessions with signed attendance lists."""
    from portal.activities.models import Attendance, Enrolment, Session

    members = list(db.session.scalars(select(Enrolment.user_id).where(
        Enrolment.activity_id == activity.id, Enrolment.status == "enrolled")))
    for week in range(weeks, 0, -1):
        starts = first_coming - timedelta(weeks=week)
        local = starts.astimezone(ZoneInfo(activity.site.timezone)).replace(tzinfo=None)
        session = Session(activity_id=activity.id, starts_at=starts, local_start=local,
                          ends_at=starts + timedelta(minutes=minutes),
                          signed_off_at=starts + timedelta(minutes=minutes),
                          signed_off_by_id=leader.id)
        if activity.is_cafe:
            session.headcount = rng.randint(8, 30)
        db.session.add(session)
        db.session.flush()
        for user_id in members:
            present = rng.random() < 0.8
            db.session.add(Attendance(
                session_id=session.id, user_id=user_id,
                status="present" if present else "absent",
                minutes=(minutes if rng.random() < 0.9 else minutes // 2) if present else 0))
    db.session.commit()


FINISHED = {"NO": ("Norsk på jobben (vår)", 120), "SE": ("Svenska för vardagen (vår)", 135),
            "DK": ("Dansk på arbejdspladsen (forår)", 120)}


def _seed_certificates(sites) -> None:
    """At every place a study circle that ended last term (the demo participant took part in
    Tøyen's), and certificates for most of what participants completed there or in work
    practice: My certificates and the public check have something to show. Its own random
    numbers, so the rest of the demo stays as it was."""
    from portal.activities import services as activities
    from portal.activities.models import Attendance, Kind, Session
    from portal.certificates import services as certificates
    from portal.employment.models import Placement

    rng = random.Random(23)
    amina = db.session.scalar(select(User).where(User.email == "amina@example.org"))
    people = []
    for site in sites:
        leader = db.session.scalar(select(User).join(Membership).where(
            Membership.site_id == site.id, Membership.role.in_(["volunteer", "coordinator"])))
        title, minutes = FINISHED[site.country]
        circle = activities.create_activity(leader, site, activities.ActivityData(
            kind=Kind.STUDY_CIRCLE, title=title, capacity=12, level="beginner"))
        members = list(db.session.scalars(select(User).join(Membership).where(
            Membership.site_id == site.id, Membership.role == "participant",
            User.id != amina.id).order_by(User.id)))
        members = rng.sample(members, min(8, len(members)))
        if site.id == amina.home_site.id:
            members.append(amina)
        for person in members:
            activities.enrol(person, circle.id)
        start = utcnow().replace(hour=9, minute=0, second=0, microsecond=0)
        for week in range(26, 18, -1):
            starts = start - timedelta(weeks=week)
            session = Session(activity_id=circle.id, starts_at=starts,
                              ends_at=starts + timedelta(minutes=minutes),
                              signed_off_at=starts + timedelta(minutes=minutes),
                              signed_off_by_id=leader.id)
            db.session.add(session)
            db.session.flush()
            for person in members:
                present = person is amina or rng.random() < 0.85
                db.session.add(Attendance(
                    session_id=session.id, user_id=person.id,
                    status="present" if present else "absent",
                    minutes=(minutes if rng.random() < 0.9 else minutes - 30) if present else 0))
        people += members
    people += db.session.scalars(select(User).join(
        Placement, Placement.participant_id == User.id).where(
        Placement.status == "completed").distinct().order_by(User.id))
    db.session.flush()
    for person in dict.fromkeys(people):
        for item in certificates.earned(person):
            if person is amina or rng.random() < 0.7:
                certificates.issue(person, item.kind, item.source_id)
    db.session.commit()


TOPICS = ["CV and job applications", "Work practice", "Norwegian course", "Childcare",
          "Driving licence", "Recognition of my education", ""]


def _seed_meetings(rng, sites) -> None:
    """Every volunteer and coordinator offers meeting times; four weeks of meetings around
    today: the past two held (or missed), the next two booked."""
    from portal.meetings import slots
    from portal.meetings.models import Availability, Booking, BookingStatus, Mode, Window

    for site in sites:
        today = slots.local_today(site)
        staff = list(db.session.scalars(select(User).join(Membership).where(
            Membership.site_id == site.id, Membership.role.in_(["volunteer", "coordinator"]))
            .order_by(User.id)))
        participants = list(db.session.scalars(select(User).join(Membership).where(
            Membership.site_id == site.id, Membership.role == "participant").order_by(User.id)))
        for number, host in enumerate(staff):
            db.session.add(Availability(
                host_id=host.id, site_id=site.id, mode=Mode.IN_PERSON, place="Rom 2",
                languages="norsk, engelsk" if site.country == "NO" else "",
                slot_minutes=30, buffer_minutes=0, valid_from=today - timedelta(days=21),
                windows=[Window(weekday=day, starts=time(9 + number % 2), ends=time(12))
                         for day in (1, 3)]))
            db.session.add(Availability(
                host_id=host.id, site_id=site.id, mode=Mode.PHONE, slot_minutes=15,
                buffer_minutes=5, valid_from=today - timedelta(days=21),
                windows=[Window(weekday=2, starts=time(13), ends=time(15))]))
        db.session.commit()
        past = utcnow() - timedelta(days=14)
        free = slots.free_slots(site, today - timedelta(days=14), today + timedelta(days=14),
                                now=past)
        taken: set = set()
        for slot in rng.sample(free, min(len(free), len(free) // 3)):
            person = rng.choice(participants)
            if (person.id, slot.starts_at) in taken:
                continue
            taken.add((person.id, slot.starts_at))
            over = slot.ends_at < utcnow()
            db.session.add(Booking(
                site_id=site.id, host_id=slot.host_id, participant_id=person.id,
                availability_id=slot.availability.id, starts_at=slot.starts_at,
                ends_at=slot.ends_at, mode=slot.availability.mode,
                place=slot.availability.place, topic=rng.choice(TOPICS),
                interpreter=rng.choice(["", "", "", "ar", "ti"]),
                status=(BookingStatus.HELD if rng.random() < 0.85 else BookingStatus.NO_SHOW)
                if over else BookingStatus.BOOKED,
                created_at=slot.starts_at - timedelta(days=3),
                scheduled_at=slot.starts_at - timedelta(days=3)))
        db.session.commit()
    _seed_amina_meeting()


WORK = [("Cook", "Syria"), ("Tailor", "Eritrea"), ("Shop assistant", "Ukraine"),
        ("Farmer", "Somalia"), ("Carer for my parents", "Afghanistan"), ("Teacher", "Syria")]


def _seed_competences() -> None:
    """The demo participant's competences and CV choices, and a few for others (with their
    own random numbers, so the rest of the demo stays as it was)."""
    from portal.competences import services as competences
    from portal.competences.models import EducationLevel, LanguageLevel

    amina = db.session.scalar(select(User).where(User.email == "amina@example.org"))
    add = competences.add_item
    add(amina, competences.LanguageData("Arabisk", LanguageLevel.NATIVE))
    add(amina, competences.LanguageData("Engelsk", LanguageLevel.WORK))
    add(amina, competences.LanguageData("Norsk", LanguageLevel.EVERYDAY))
    add(amina, competences.WorkData("Kokk", "Restaurant Al-Sham, Aleppo", "Syria", 2008, 2015))
    add(amina, competences.WorkData("Frivillig på kjøkkenet", "Tøyen frivilligsentral", "Norge",
                                    2024))
    add(amina, competences.EducationData(EducationLevel.VOCATIONAL, "Matlaging", "Syria", 2003,
                                         2005, recognition_applied=True))
    add(amina, competences.CertificateData("Mattrygghet og hygiene", "Oslo kommune", 2025))
    competences.save_talents(amina, "Lager mat til mange, syr klær, tålmodig med barn.")
    competences.save_licences(amina, ["B"])
    competences.save_cv_choices(amina, competences.CvChoices(
        language="nb", summary="Jeg søker jobb på et kjøkken eller i en barnehage.",
        included={kind: {item.id for item in competences.items(amina, kind)}
                  for kind in competences.KINDS}))
    people = list(db.session.scalars(select(User).join(Membership).where(
        Membership.role == "participant", User.id != amina.id).order_by(User.id).limit(60)))
    rng = random.Random(19)
    for person in rng.sample(people, min(12, len(people))):
        what, country = rng.choice(WORK)
        language = {"NO": "Norsk", "SE": "Svenska", "DK": "Dansk"}[person.home_site.country]
        add(person, competences.LanguageData(language, rng.choice(list(LanguageLevel)[:3])))
        add(person, competences.WorkData(what, "", country, rng.randrange(2000, 2015)))
    db.session.commit()


def _seed_amina_meeting() -> None:
    """The demo participant has a meeting coming up with the demo volunteer."""
    from portal.meetings import services as meetings

    amina = db.session.scalar(select(User).where(User.email == "amina@example.org"))
    lars = db.session.scalar(select(User).where(User.email == "lars@example.org"))
    if any(b.host_id == lars.id for b in meetings.my_bookings(amina)[0]):
        return
    found = meetings.find_slots(amina, amina.home_site, lars.id)
    free = [slot for slot in found if not slot.clash]
    if free:
        with work.unit():  # booking locks both calendars: only inside a unit of work
            meetings.book(amina, free[min(3, len(free) - 1)].key, "CV and job applications")


def _seed_history(rng, sites, scale: int, weeks: int = 48, group: int = 10) -> None:
    """For benchmarks (`--scale N`): a year of study circles, about 20,000 × N attendance rows,
    and 40 × N meetings per site, written in bulk (rows, not one service call per row)."""
    from portal.activities.models import Activity, Attendance, Enrolment, Session
    from portal.activities.rules import default_rule_set
    from portal.goals.models import Goal
    from portal.meetings.models import Booking

    circles_per_site = max(1, round(20_000 * scale / len(sites) / (weeks * group * 0.8)))
    for site in sites:
        zone = ZoneInfo(site.timezone)
        people = list(db.session.scalars(select(Membership.user_id).where(
            Membership.site_id == site.id, Membership.role == "participant")))
        staff = list(db.session.scalars(select(Membership.user_id).where(
            Membership.site_id == site.id, Membership.role.in_(["volunteer", "coordinator"]))
            .order_by(Membership.user_id)))
        rule_set = default_rule_set(site.country)
        today = datetime.now(zone).replace(hour=0, minute=0, second=0, microsecond=0)
        first_monday = today - timedelta(days=today.weekday(), weeks=weeks)
        activities = [dict(site_id=site.id, kind="study_circle", title=f"Historikk {n + 1}",
                           description="", languages="", level="all", place="",
                           capacity=group, women_only=False, status="archived",
                           rule_set_id=rule_set.id if rule_set else None, queue_counter=0,
                           created_at=first_monday.astimezone(UTC))
                      for n in range(circles_per_site)]
        ids = _insert_returning_ids(Activity, activities)
        for number, activity_id in enumerate(ids):
            members = rng.sample(people, min(group, len(people)))
            db.session.execute(Enrolment.__table__.insert(), [
                dict(activity_id=activity_id, user_id=user_id, status="enrolled",
                     queue_position=i, updated_at=first_monday.astimezone(UTC))
                for i, user_id in enumerate(members)])
            day = first_monday + timedelta(days=number % 5, hours=9 + number % 9)
            sessions = []
            for week in range(weeks):
                local = day + timedelta(weeks=week)
                starts = local.astimezone(UTC)
                sessions.append(dict(activity_id=activity_id, local_start=local.replace(
                    tzinfo=None), starts_at=starts, ends_at=starts + timedelta(minutes=120),
                    place="", status="scheduled", reason="", note="", holiday="",
                    signed_off_at=starts + timedelta(minutes=120)))
            session_ids = _insert_returning_ids(Session, sessions)
            db.session.execute(Attendance.__table__.insert(), [
                dict(session_id=session_id, user_id=user_id,
                     status="present" if present else "absent",
                     minutes=120 if present else 0, updated_at=utcnow())
                for session_id in session_ids for user_id in members
                for present in [rng.random() < 0.8]])
        bookings, taken = [], set()
        for k in range(40 * scale):
            host = staff[k % len(staff)]
            slot = k // len(staff)  # per host: 12 half hours a day, weekdays only
            day = first_monday + timedelta(weeks=(slot // 60) % weeks, days=(slot // 12) % 5,
                                           hours=9, minutes=30 * (slot % 12))
            if (host, day) in taken:
                continue
            taken.add((host, day))
            starts = day.astimezone(UTC)
            status = rng.choice(["held", "held", "held", "no_show", "cancelled"])
            bookings.append(dict(site_id=site.id, host_id=host,
                                 participant_id=rng.choice(people), starts_at=starts,
                                 ends_at=starts + timedelta(minutes=30), mode="in_person",
                                 place="", topic="", interpreter=rng.choice(["", "", "ar"]),
                                 status=status, cancel_reason="", created_at=starts,
                                 scheduled_at=starts))
        if bookings:
            db.session.execute(Booking.__table__.insert(), bookings)
        db.session.execute(Goal.__table__.insert(), [
            dict(owner_id=user_id, title=title, why="", category=category, status=status,
                 created_at=first_monday.astimezone(UTC) + timedelta(days=rng.randrange(300)),
                 achieved_at=utcnow() - timedelta(days=rng.randrange(300))
                 if status == "achieved" else None)
            for user_id in people[::3]
            for category, title, _steps in [rng.choice(PLANS)]
            for status in [rng.choice(["active", "active", "achieved", "paused", "let_go"])]])
        db.session.commit()


def _insert_returning_ids(model, rows: list[dict]) -> list[int]:
    """Insert many rows and get their ids back in order (SQLite and PostgreSQL)."""
    result = db.session.execute(model.__table__.insert().returning(model.__table__.c.id,
                                                                   sort_by_parameter_order=True),
                                rows)
    return [row[0] for row in result]


PARTNERS = {
    "NO": [("Kafé Bro AS", "employer", "Kari Nordmann"), ("Fretex Oslo", "social_economy", ""),
           ("NAV Gamle Oslo", "job_centre", "Per Hansen"), ("K-studier", "study_association", "")],
    "SE": [("ICA Rinkeby", "employer", "Eva Berg"), ("Stadsmissionen", "voluntary", ""),
           ("Arbetsförmedlingen Spånga", "job_centre", "")],
    "DK": [("Netto Gellerup", "employer", "Jens Holm"), ("Aarhus Kommune", "municipal", ""),
           ("Jobcenter Aarhus", "job_centre", "")],
}
ROLES = ["Kitchen assistant", "Shop assistant", "Warehouse", "Cleaning", "Reception"]


def _seed_road_to_work(rng, sites) -> None:
    """Partners at every place; for a share of each place's participants, who joined over the
    past year: work practice in every status, statuses (jobs and education, some still to
    confirm), interviews and self-assessments, so the reports' road-to-work rows show numbers.
    The demo participant has work practice going on and a self-assessment due."""
    from portal.employment import services as employment
    from portal.employment.models import CheckIn, Interview, Outcome, Placement

    today = utcnow().date()
    for site in sites:
        coordinator = db.session.scalar(select(User).join(Membership).where(
            Membership.site_id == site.id, Membership.role == Role.COORDINATOR)
            .order_by(User.id))
        partners = [employment.add_partner(coordinator, site, employment.PartnerData(
            name=name, kind=kind, contact_name=contact)) for name, kind, contact
            in PARTNERS[site.country]]
        memberships = list(db.session.scalars(select(Membership).where(
            Membership.site_id == site.id, Membership.role == Role.PARTICIPANT)
            .order_by(Membership.id)))
        for membership in memberships[1::2][:40]:
            joined = today - timedelta(days=rng.randrange(20, 365))
            membership.created_at = datetime.combine(joined, time(10), UTC)
            person = membership.user_id
            status = rng.choice(["planned", "active", "ended_early", "completed",
                                 "completed"])
            starts = joined + timedelta(days=rng.randrange(14, 60))
            if status == "planned":
                starts = today + timedelta(days=rng.randrange(3, 30))
            elif status == "active":
                starts = min(starts, today - timedelta(days=7))
            ends = starts + timedelta(weeks=rng.choice([4, 8, 12]))
            if status in ("completed", "ended_early") and ends >= today:
                ends = today - timedelta(days=1)
                starts = min(starts, ends)
            elif status == "active":
                ends = max(ends, today + timedelta(days=14))
            db.session.add(Placement(
                site_id=site.id, participant_id=person, partner_id=rng.choice(partners).id,
                role=rng.choice(ROLES), starts_on=starts, ends_on=ends,
                weekdays=rng.choice(["024", "0123", "13"]), hours_per_week=rng.choice(
                    [10, 15, 20, 30]), status=status, created_by_id=coordinator.id))
            exit_after = timedelta(days=rng.randrange(30, 300))
            kind = rng.choice(["job", "job", "education", "programme", "moved", None])
            if kind is not None and joined + exit_after <= today:
                confirmed = rng.random() < 0.85
                db.session.add(Outcome(
                    site_id=site.id, participant_id=person, kind=kind,
                    extent=rng.choice(["part_time", "full_time"]) if kind == "job" else None,
                    on_date=joined + exit_after, recorded_by_id=coordinator.id,
                    reported_by_participant=not confirmed,
                    confirmed_at=utcnow() if confirmed else None,
                    confirmed_by_id=coordinator.id if confirmed else None))
            if rng.random() < 0.4:
                db.session.add(Interview(
                    site_id=site.id, participant_id=person, employer=rng.choice(partners).name,
                    on_date=joined + timedelta(days=rng.randrange(10, 200))))
            respondent = f"{rng.getrandbits(64):016x}"  # random, as the service makes them
            for months in range(0, (today - joined).days // 91 + 1):
                level = min(5, 1 + months + rng.randrange(0, 2))
                db.session.add(CheckIn(
                    site_id=site.id, participant_id=person, respondent=respondent,
                    created_at=datetime.combine(joined + timedelta(days=91 * months),
                                                time(11), UTC),
                    **{s: max(1, min(5, level + rng.randrange(-1, 2)))
                       for s in ("language", "network", "next_step", "at_home")}))
        db.session.commit()
    amina = db.session.scalar(select(User).where(User.email == "amina@example.org"))
    ingrid = db.session.scalar(select(User).where(User.email == "ingrid@example.org"))
    partner = employment.partners_at(amina.home_site)[0]
    employment.record_placement(ingrid, amina, employment.PlacementData(
        partner_id=partner.id, role="Kitchen assistant", starts_on=today - timedelta(days=7),
        ends_on=today + timedelta(weeks=8), weekdays=[0, 2], hours_per_week=12,
        mentor_name="Ola Nordmann", status="active"))
    db.session.commit()
