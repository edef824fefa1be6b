"""Realistic demo data for `flask seed-demo`: three sites, staff of every role, participants."""

import random
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select, update

from portal import work
from portal.accounts import services
from portal.accounts.models import Consent, Gender, Membership, Role, Site, User
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

# Women's names first (the first 16 Latin, the first 10 Arabic): demo people's gender follows.
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

    def person(name, site, role, language, email=None, phone=None, birth_year=None,
               gender=None):
        user = User(display_name=name, email=email, phone=phone, language=language,
                    password_hash=password_hash, birth_year=birth_year, gender=gender)
        user.memberships.append(Membership(site=site, role=role))
        db.session.add(user)
        db.session.add(Consent(user=user, purpose=services.PRIVACY_PURPOSE,
                               notice_version=version, language=language))
        return user

    for name, email, language, role, index in DEMO_LOGINS:
        person(name, sites[index], role, language, email=email, birth_year=1985,
               gender=Gender.WOMAN if name in ("Amina Yusuf", "Ingrid Solberg") else None)
    for name, _country, language, role, index in STAFF:
        email = f"staff{index}.{rng.randrange(10_000)}@example.org"
        person(name, sites[index], role, language, email=email)

    phones = set()
    for _ in range(participants):
        site = rng.choice(sites)
        if rng.random() < 0.4:
            firsts, lasts, women, language = ARABIC_FIRST, ARABIC_LAST, 10, "ar"
        else:
            firsts, lasts, women = LATIN_FIRST, LATIN_LAST, 16
            language = rng.choice([site.language, site.language, "en"])
        first = rng.randrange(len(firsts))
        name = f"{firsts[first]} {rng.choice(lasts)}"
        # Most say it; some would rather not, some leave it empty (it is optional).
        gender = rng.choices([Gender.WOMAN if first < women else Gender.MAN,
                              Gender.UNSAID, None], [85, 5, 10])[0]
        prefix, digits = MOBILE_PREFIX[site.country]
        phone = prefix + "".join(str(rng.randrange(10)) for _ in range(digits))
        if phone in phones:
            continue
        phones.add(phone)
        person(name, site, Role.PARTICIPANT, language, phone=phone,
               birth_year=rng.choice([None, *range(1960, 2008)]), gender=gender)
    db.session.commit()
    _seed_activities(rng, sites, scale)
    _seed_plans(rng)
    _seed_competences()
    _seed_meetings(rng, sites)
    _seed_road_to_work(rng, sites)
    _seed_co_leaders(rng, sites)
    _seed_feedback(rng)
    _seed_proposals(rng, sites)
    _seed_dialogues(sites)
    _seed_certificates(sites)
    _seed_workshop_and_lower_grant(sites)
    if scale > 1:
        _seed_history(rng, sites, scale)
    _register_before_history(rng)
    if scale > 1:
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


WOMEN, CHILDCARE, CHILDREN = "women_only", "childcare", "children_welcome"
# (kind, title, languages, seats, what it says (WOMEN …), weekday, start, minutes)
ACTIVITIES = {
    "NO": [("language_cafe", "Språkkafé på Tøyen", "norsk", None, (CHILDREN,), 1,
            time(17, 30), 120),
           ("study_circle", "Norsk for nybegynnere", "norsk, arabisk, tigrinja", 8, (), 0,
            time(10, 0), 90),
           ("study_circle", "Sykkelkurs for kvinner", "norsk, somali", 6, (WOMEN, CHILDCARE),
            3, time(12, 0), 90)],
    "SE": [("language_cafe", "Språkcafé i Rinkeby", "svenska", None, (), 2, time(18, 0), 90),
           ("study_circle", "Svenska i vardagen", "svenska, arabiska", 10, (CHILDCARE,), 1,
            time(13, 0), 135),
           ("language_cafe", "Kvinnocafé", "svenska, arabiska, somaliska", None,
            (WOMEN, CHILDCARE, CHILDREN), 4, time(10, 0), 120)],
    "DK": [("language_cafe", "Sprogcafé i Gellerup", "dansk", None, (), 3, time(16, 30), 120),
           ("study_circle", "Dansk og jobsøgning", "dansk, engelsk", 8, (), 2,
            time(9, 30), 120),
           ("study_circle", "Svømning for kvinder", "dansk, arabisk", 8, (WOMEN, CHILDCARE), 5,
            time(11, 0), 60)],
}


def _seed_activities(rng, sites, scale: int = 1) -> None:
    from portal.activities import services as activities
    from portal.activities.models import Kind

    for site in sites:
        leader = db.session.scalar(select(User).join(Membership).where(
            Membership.site_id == site.id, Membership.role.in_(["volunteer", "coordinator"])))
        participants = list(db.session.scalars(select(User).join(Membership).where(
            Membership.site_id == site.id, Membership.role == "participant")))
        women = [p for p in participants if p.gender == Gender.WOMAN]
        # Up to ten copies made through the services; larger scales add bulk history instead.
        groups = [(group, *row) for group in range(1, min(scale, 10) + 1)
                  for row in ACTIVITIES[site.country]]
        for group, kind, title, languages, capacity, says, weekday, start, minutes in groups:
            if group > 1:
                title = f"{title} ({group})"
            start = time((start.hour + group - 1) % 24, start.minute)  # groups never overlap
            activity = activities.create_activity(leader, site, activities.ActivityData(
                kind=kind, title=title, languages=languages, capacity=capacity,
                description=title, level="beginner", **dict.fromkeys(says, True)))
            people = women if WOMEN in says else participants
            first = site.today() + timedelta(days=1)
            first += timedelta(days=(weekday - first.weekday()) % 7)
            planned = activities.plan_series(site, first, start, minutes, 1, count=10)
            activities.add_series(leader, activity, planned, keep_holidays=False)
            if WOMEN in says and group == 1:  # a leader added a woman who gave no gender
                unsaid = [p for p in participants if p.gender is None]
                if unsaid:
                    activities.admit(leader, activity, unsaid[0].id)
                    people = [*people, unsaid[0]]
            if kind == Kind.STUDY_CIRCLE:
                for person in rng.sample(people, min(len(people), capacity + 3)):
                    activities.enrol(person, activity.id)
            else:
                for person in rng.sample(people, min(len(people), 12)):
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


def _seed_co_leaders(rng, sites) -> None:
    """Each place's coordinator makes a participant co-leader of its café (at Tøyen the demo
    participant, so a newcomer logged in as Amina sees what a co-leader sees)."""
    from portal.activities import services as activities
    from portal.activities.models import Activity, Kind

    amina = db.session.scalar(select(User).where(User.email == "amina@example.org"))
    for site in sites:
        coordinator = db.session.scalar(select(User).join(Membership).where(
            Membership.site_id == site.id, Membership.role == "coordinator").order_by(User.id))
        cafe = db.session.scalar(select(Activity).where(
            Activity.site_id == site.id, Activity.kind == Kind.LANGUAGE_CAFE).order_by(
            Activity.id))
        participants = list(db.session.scalars(select(User).join(Membership).where(
            Membership.site_id == site.id, Membership.role == "participant").order_by(User.id)))
        if coordinator is None or cafe is None or not participants:
            continue
        person = amina if amina in participants else rng.choice(participants)
        with work.unit():  # the co-leader is told, after the commit
            activities.add_co_leader(coordinator, cafe, person)


# Comments and "What should we change?" as participants write them (in the places' languages).
SAID = {
    "NO": [("Vi snakket mye, det var fint.", ""), ("Fin gruppe!", "Mer tid til å snakke"),
           ("Vanskelige ord i dag", "Litt saktere, takk"), ("", "Begynn klokka 10.30"),
           ("Jeg lærte nye ord", ""), ("For varmt i rommet", "Åpne vinduet"),
           ("Læreren forklarer godt", ""), ("", "Mer om jobb og skjema")],
    "SE": [("Bra samtal idag", ""), ("", "Fler övningar"), ("Trevlig grupp", "")],
    "DK": [("Godt at øve til jobsamtalen", ""), ("", "Mere tid til spørgsmål")],
}


def _seed_feedback(rng) -> None:
    """How was it?: most who were present at a held session, or had a meeting held, answered
    with a face (some "Not now", a few wrote words). Everyone present at the first study circle
    at each place answered, many with words, so its leaders see comments (five or more people
    answered in the month). The demo participant answered nothing: her start page asks."""
    from portal.activities.models import Activity, Attendance, Kind, Session
    from portal.feedback.models import Face, Feedback
    from portal.meetings.models import Booking, BookingStatus

    now = utcnow()
    amina = db.session.scalar(select(User.id).where(User.email == "amina@example.org"))
    first_circle: dict[int, int] = {}  # site id: its first study circle
    for site_id, activity_id in db.session.execute(select(Activity.site_id, Activity.id).where(
            Activity.kind == Kind.STUDY_CIRCLE).order_by(Activity.id)):
        first_circle.setdefault(site_id, activity_id)
    talkative = set(first_circle.values())
    marks = db.session.execute(
        select(Session.id, Session.activity_id, Session.ends_at, Attendance.user_id,
               Site.country)
        .join(Attendance, Attendance.session_id == Session.id)
        .join(Activity, Activity.id == Session.activity_id)
        .join(Site, Site.id == Activity.site_id)
        .where(Attendance.status == "present", Session.ends_at <= now)
        .order_by(Session.id, Attendance.user_id)).all()

    def face():
        return rng.choices([Face.GOOD, Face.OKAY, Face.BAD], weights=[6, 3, 1])[0]

    for session_id, activity_id, ends_at, user_id, country in marks:
        chatty = activity_id in talkative
        if user_id == amina or rng.random() < (0.1 if chatty else 0.3):
            continue  # not answered (yet)
        if not chatty and rng.random() < 0.1:
            db.session.add(Feedback(session_id=session_id, user_id=user_id, face=None,
                                    created_at=ends_at + timedelta(hours=2)))
            continue
        comment, change = rng.choice(SAID[country]) if rng.random() < (
            0.6 if chatty else 0.1) else ("", "")
        db.session.add(Feedback(session_id=session_id, user_id=user_id, face=face(),
                                comment=comment, change=change,
                                created_at=ends_at + timedelta(hours=2)))
    for booking_id, user_id, ends_at in db.session.execute(select(
            Booking.id, Booking.participant_id, Booking.ends_at).where(
            Booking.status == BookingStatus.HELD, Booking.ends_at <= now)):
        if user_id != amina and rng.random() < 0.7:
            db.session.add(Feedback(booking_id=booking_id, user_id=user_id, face=face(),
                                    created_at=ends_at + timedelta(hours=1)))
    # The demo participant had a meeting with the demo volunteer last week: her start page
    # asks how it was.
    lars = db.session.scalar(select(User).where(User.email == "lars@example.org"))
    if amina is not None and lars is not None:
        site = lars.memberships[0].site
        day = datetime.now(ZoneInfo(site.timezone)).replace(hour=8, minute=0, second=0,
                                                            microsecond=0) - timedelta(days=4)
        starts = day.astimezone(UTC)
        db.session.add(Booking(site_id=site.id, host_id=lars.id, participant_id=amina,
                               starts_at=starts, ends_at=starts + timedelta(minutes=30),
                               mode="in_person", place="Rom 2", topic="CV and job applications",
                               status=BookingStatus.HELD, created_at=starts - timedelta(days=3),
                               scheduled_at=starts - timedelta(days=3)))


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


def _seed_workshop_and_lower_grant(sites) -> None:
    """At Tøyen: a workshop that ended two months ago (three sessions, lists signed), whose
    certificate Ingrid made for Amina on her behalf and some others made themselves; and an
    evening course running this month that reaches its four only with its leader counted, so
    the reports' Grant column says "lower". Its own random numbers, so the rest of the demo
    stays as it was."""
    from portal.activities import services as activities
    from portal.activities.models import Attendance, Kind, Session
    from portal.certificates import services as certificates
    from portal.certificates.models import CertificateKind

    rng = random.Random(29)
    tøyen = sites[0]
    zone = ZoneInfo(tøyen.timezone)
    amina = db.session.scalar(select(User).where(User.email == "amina@example.org"))
    ingrid = db.session.scalar(select(User).where(User.email == "ingrid@example.org"))
    lars = db.session.scalar(select(User).where(User.email == "lars@example.org"))
    people = list(db.session.scalars(select(User).join(Membership).where(
        Membership.site_id == tøyen.id, Membership.role == Role.PARTICIPANT,
        User.id != amina.id, User.birth_year.is_not(None)).order_by(User.id)))
    workshop = activities.create_activity(ingrid, tøyen, activities.ActivityData(
        kind=Kind.WORKSHOP, title="Verksted: slik skriver du en søknad", languages="norsk",
        description="Tre kvelder: finn stillinger, skriv søknaden, øv på intervjuet.",
        capacity=12, childcare=True))
    members = [amina, *rng.sample(people, min(9, len(people)))]
    for person in members:
        activities.enrol(person, workshop.id)
    today = tøyen.today()

    def held(activity, leader, day, minutes):
        starts = datetime.combine(day, time(17), zone)
        session = Session(activity_id=activity.id, starts_at=starts.astimezone(UTC),
                          local_start=starts.replace(tzinfo=None),
                          ends_at=(starts + timedelta(minutes=minutes)).astimezone(UTC))
        if session.ends_at <= utcnow():
            session.signed_off_at, session.signed_off_by_id = session.ends_at, leader.id
        db.session.add(session)
        db.session.flush()
        return session

    for weeks, minutes in ((10, 150), (9, 120), (8, 90)):
        session = held(workshop, ingrid, today - timedelta(weeks=weeks), minutes)
        for person in members:
            present = person is amina or rng.random() < 0.8
            db.session.add(Attendance(
                session_id=session.id, user_id=person.id,
                status="present" if present else "absent",
                minutes=(minutes if person is amina or rng.random() < 0.8 else minutes - 30)
                if present else 0))
    db.session.flush()
    certificates.issue_for(ingrid, amina, CertificateKind.WORKSHOP, workshop.id)
    for person in members[1:]:
        for item in certificates.earned(person):
            if item.kind == CertificateKind.WORKSHOP and rng.random() < 0.6:
                certificates.issue(person, item.kind, item.source_id)

    # Norway: three come to every session and two came once; with Lars, the leader, that is
    # four who complete: allowed, funded as a course without a teacher.
    course = activities.create_activity(lars, tøyen, activities.ActivityData(
        kind=Kind.STUDY_CIRCLE, title="Norsk i hverdagen (kveld)", languages="norsk",
        capacity=8))
    rest = [p for p in people if p not in members]
    others = rng.sample(rest, min(5, len(rest)))  # a small demo (--participants 30) has fewer
    regulars, once = others[:3], others[3:]
    for person in regulars + once:
        activities.enrol(person, course.id)
    for days in (28, 21, 14, 7, 0, -7):
        session = held(course, lars, today - timedelta(days=days), 120)
        if session.starts_at > utcnow():
            continue
        for person in regulars + (once if days == 28 else []):
            db.session.add(Attendance(session_id=session.id, user_id=person.id,
                                      status="present", minutes=120))
    db.session.commit()


TOPICS = ["CV and job applications", "Work practice", "Norwegian course", "Childcare",
          "Driving licence", "Recognition of my education", ""]


def _seed_meetings(rng, sites) -> None:
    """Every volunteer and coordinator offers meeting times; four weeks of meetings around
    today: the past two held (or missed), the next two booked."""
    from portal.meetings import slots
    from portal.meetings.models import Availability, Booking, BookingStatus, Mode, Window

    for site in sites:
        today = site.today()
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


def _seed_dialogues(sites) -> None:
    """A dialogue seminar with NAV and the district at Tøyen, held two weeks ago: guests,
    questions, main points and agreed actions (one done); a workshop coming up in Rinkeby."""
    from portal.activities import services as activities
    from portal.activities.models import Attendance, Kind, Session
    from portal.dialogues import services as dialogues

    tøyen, rinkeby = sites[0], sites[1]
    ingrid = db.session.scalar(select(User).where(User.email == "ingrid@example.org"))
    seminar = activities.create_activity(ingrid, tøyen, activities.ActivityData(
        kind=Kind.DIALOGUE_SEMINAR, title="Dialogseminar: veien til jobb",
        description="Deltakere, NAV og bydelen møtes som likeverdige.", languages="norsk",
        place="Storsalen", capacity=30, childcare=True, children_welcome=True))
    starts = datetime.combine(tøyen.today() - timedelta(days=14), time(17),
                              ZoneInfo(tøyen.timezone))
    held = Session(activity_id=seminar.id, starts_at=starts.astimezone(UTC),
                   local_start=starts.replace(tzinfo=None),
                   ends_at=(starts + timedelta(hours=2)).astimezone(UTC),
                   signed_off_at=(starts + timedelta(hours=2)).astimezone(UTC),
                   signed_off_by_id=ingrid.id)
    db.session.add(held)
    db.session.flush()
    people = list(db.session.scalars(select(User).join(Membership).where(
        Membership.site_id == tøyen.id, Membership.role == Role.PARTICIPANT)
        .order_by(User.id).limit(14)))
    for person in people:
        activities.enrol(person, seminar.id)
        db.session.add(Attendance(session_id=held.id, user_id=person.id, status="present",
                                  minutes=120))
    for name, organisation in [("Kari Nordmann", "NAV Gamle Oslo"),
                               ("Per Olsen", "Bydel Gamle Oslo"),
                               ("Sara Ahmed", "Oslo Voksenopplæring")]:
        dialogues.add_guest(ingrid, seminar, name, organisation)
    for question in ["Hva trenger du for å komme i arbeidspraksis?",
                     "Hva gjør det vanskelig å snakke med NAV?",
                     "Hvordan kan vi hjelpe hverandre?"]:
        dialogues.add_question(ingrid, seminar, question)
    for point in ["Mange vil ha praksis i butikk og barnehage, men vet ikke hvem de kan spørre.",
                  "Brev fra NAV er vanskelige å forstå; flere ønsker tolk på første møte.",
                  "Barnepass gjør det mulig for mødre å komme."]:
        dialogues.add_point(ingrid, seminar, point)
    today = tøyen.today()
    for what, who, due, done in [
            ("Lage en liste over butikker og barnehager som tar imot praksis", "NAV",
             today + timedelta(days=30), False),
            ("Bestille tolk til første møte for dem som ønsker det", "koordinatoren",
             today - timedelta(days=3), True),
            ("Holde et nytt dialogseminar om brev fra NAV", "Bydel Gamle Oslo",
             today + timedelta(days=60), False)]:
        action = dialogues.add_action(ingrid, seminar, what, who, due)
        if done:
            dialogues.set_done(ingrid, action, True)
    karin = db.session.scalar(select(User).join(Membership).where(
        Membership.site_id == rinkeby.id, Membership.role == Role.COORDINATOR))
    workshop = activities.create_activity(karin, rinkeby, activities.ActivityData(
        kind=Kind.WORKSHOP, title="Verkstad: kartlägg dina talanger", languages="svenska",
        description="Tre träffar där vi kartlägger vad vi kan och vill.", capacity=12,
        childcare=True))
    first = rinkeby.today() + timedelta(days=7)
    activities.add_series(karin, workshop, activities.plan_series(
        rinkeby, first, time(17), 120, 1, count=3), keep_holidays=False)
    dialogues.add_guest(karin, workshop, "Johan Berg", "Arbetsförmedlingen")
    dialogues.add_question(karin, workshop, "Vad är du bra på, som ingen har frågat om?")
    db.session.commit()


def _register_before_history(rng) -> None:
    """Demo people were registered before anything happened to them: an account (and its
    membership and consent) dates from some days before the person's first attendance,
    meeting, goal or check-in, or from some time in the past year. Staff were there before
    the first of their place's participants."""
    from portal.activities.models import Attendance, Session
    from portal.employment.models import CheckIn
    from portal.goals.models import Goal
    from portal.meetings.models import Booking

    first: dict[int, datetime] = {}
    for statement in (
            select(Attendance.user_id, func.min(Session.starts_at)).join(
                Session, Session.id == Attendance.session_id).group_by(Attendance.user_id),
            select(Booking.participant_id, func.min(Booking.created_at))
            .group_by(Booking.participant_id),
            select(Booking.participant_id, func.min(Booking.starts_at))
            .group_by(Booking.participant_id),
            select(Goal.owner_id, func.min(Goal.created_at)).group_by(Goal.owner_id),
            select(CheckIn.participant_id, func.min(CheckIn.created_at))
            .group_by(CheckIn.participant_id),
            select(Membership.user_id, func.min(Membership.created_at))
            .group_by(Membership.user_id)):
        for user_id, moment in db.session.execute(statement):
            if moment is not None:
                moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
                first[user_id] = min(first.get(user_id, moment), moment)
    now = utcnow()
    registered: dict[int, datetime] = {}
    for user_id, moment in first.items():
        if moment > now - timedelta(days=1):  # nothing happened yet: came some time this year
            moment = now - timedelta(days=rng.randrange(1, 365))
        registered[user_id] = moment - timedelta(days=rng.randrange(3, 30),
                                                 minutes=rng.randrange(600))
    staff = select(Membership.user_id, Membership.site_id).where(
        Membership.role != Role.PARTICIPANT)
    earliest_at = {}
    for membership in db.session.scalars(select(Membership).where(
            Membership.role == Role.PARTICIPANT)):
        at = registered[membership.user_id]
        earliest_at[membership.site_id] = min(earliest_at.get(membership.site_id, at), at)
    for user_id, site_id in db.session.execute(staff):
        registered[user_id] = min(registered.get(user_id, now),
                                  earliest_at.get(site_id, now) - timedelta(days=30))
    for model, person, column in ((User, User.id, User.created_at),
                                  (Membership, Membership.user_id, Membership.created_at),
                                  (Consent, Consent.user_id, Consent.given_at)):
        db.session.execute(update(model), [
            {"id": row_id, column.key: registered[user_id]}
            for row_id, user_id in db.session.execute(select(model.id, person))
            if user_id in registered])
    db.session.commit()


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


# What participants asked for at each place (portal/voice), each with what became of it:
# (kind, title, description, languages, can help run it, the answer). "joined" goes into the
# place's first realised proposal; "not_now" carries its reason.
PROPOSALS = {
    "NO": [
        ("activity", "Svømmekurs for kvinner", "Mange av oss kan ikke svømme. Vi vil lære det "
         "sammen, med en kvinnelig instruktør.", ["no", "ar", "so"], True, "realised"),
        ("activity", "Matlaging fra hele verden", "Vi lager mat fra landene våre og snakker "
         "norsk mens vi lager den.", ["no", "ar", "ti"], True, "realised"),
        ("theme", "Hvordan fungerer NAV?", "Hva kan NAV hjelpe med, og hva må jeg gjøre selv?",
         ["no", "ar", "ti"], False, "open"),
        ("theme", "Å leie bolig", "Kontrakter, depositum og hva utleier kan kreve.",
         ["no", "uk", "so"], False, "open"),
        ("activity", "Fotball for ungdom", "Trening for ungdom en kveld i uka.", ["no"], True,
         "not_now:Vi har ikke bane før i april. Spør oss gjerne igjen i mars."),
        ("activity", "Svømming for damer", "Svømmetimer bare for kvinner.", ["no", "ar"],
         False, "joined"),
        ("activity", "Tur til Holmenkollen", "En søndagstur med matpakke.", ["no"], False,
         "withdrawn"),
    ],
    "SE": [
        ("activity", "Cykelkurs för kvinnor", "Vi vill lära oss cykla tillsammans i parken.",
         ["sv", "ar", "so"], True, "realised"),
        ("theme", "Hur söker jag jobb?", "CV, personligt brev och intervjuer.",
         ["sv", "ar", "fa"], False, "open"),
        ("activity", "Schackklubb", "Schack en kväll i veckan för alla åldrar.", ["sv"], True,
         "not_now:Vi har ingen ledare för det just nu. Vill du hålla i det? Säg till!"),
        ("activity", "Cykla tillsammans", "Korta cykelturer för nybörjare.", ["sv", "ar"],
         False, "joined"),
        ("activity", "Syjunta", "Vi syr och lagar kläder tillsammans.", ["sv", "ti"], True,
         "open"),
    ],
    "DK": [
        ("activity", "Cykelkursus for kvinder", "Vi vil lære at cykle sammen.",
         ["da", "ar", "so"], True, "realised"),
        ("theme", "Hvordan virker uddannelse i Danmark?", "SU, VUC og erhvervsuddannelser.",
         ["da", "ar"], False, "open"),
        ("activity", "Fodbold for piger", "Træning for piger om onsdagen.", ["da"], True,
         "not_now:Hallen er optaget om aftenen hele efteråret."),
        ("activity", "Strikkeklub", "Vi strikker og snakker dansk.", ["da", "uk"], False,
         "withdrawn"),
        ("activity", "Lektiecafé for børn", "Hjælp til lektier efter skole.", ["da", "ar"],
         True, "open"),
    ],
}


def _seed_proposals(rng, sites) -> None:
    """Proposals in every state at every place, supported by others, answered days or weeks
    after they were made (so the reports have a median). The demo participant proposed one
    that waits for an answer and supports the swimming course, which she may join before it
    opens to everyone."""
    from portal.voice import services as voice
    from portal.voice.models import ANSWERED

    now = utcnow()
    amina = db.session.scalar(select(User).where(User.email == "amina@example.org"))
    for site in sites:
        coordinator = db.session.scalar(select(User).join(Membership).where(
            Membership.site_id == site.id, Membership.role == Role.COORDINATOR)
            .order_by(User.id))
        people = list(db.session.scalars(select(User).join(Membership).where(
            Membership.site_id == site.id, Membership.role == Role.PARTICIPANT,
            User.id != amina.id).order_by(User.id)))
        first_realised = None
        for kind, title, description, languages, can_help, answer in PROPOSALS[site.country]:
            if not people:  # a tiny demo (--participants 5) may leave a place empty
                break
            proposer, *supporters = rng.sample(people, min(len(people), 1 + rng.randrange(9)))
            proposal = voice.propose(proposer, site, voice.ProposalData(
                kind=kind, title=title, description=description, languages=languages,
                can_help=can_help))
            if site.id == amina.home_site.id and title == "Svømmekurs for kvinner":
                supporters.append(amina)
            for supporter in supporters:
                voice.support(supporter, proposal.id)
            if answer == "realised":
                activity = voice.realise(coordinator, proposal.id, "study_circle", 10)
                activity.women_only = "kvinn" in title or "kvind" in title
                first_realised = first_realised or proposal
            elif answer.startswith("not_now:"):
                voice.decline(coordinator, proposal.id, answer.removeprefix("not_now:"))
            elif answer == "joined":
                voice.join(coordinator, proposal.id, first_realised.id)
            elif answer == "withdrawn":
                voice.take_back(proposer, proposal.id)
            made = now - timedelta(days=rng.randrange(20, 80), hours=rng.randrange(0, 24))
            proposal.created_at = made
            if proposal.status in ANSWERED:
                proposal.answered_at = made + timedelta(days=rng.randrange(1, 15),
                                                        hours=rng.randrange(0, 24))
        if site.id == amina.home_site.id:
            voice.propose(amina, site, voice.ProposalData(
                kind="activity", title="Leksehjelp for foreldre",
                description="Vi vil hjelpe barna med lekser, men forstår ikke alt selv.",
                languages=["no", "ar"], can_help=False))
    db.session.commit()
