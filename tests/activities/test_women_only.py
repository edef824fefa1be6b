"""For women only: only women (as they said in their profile) join or follow; a leader admits
someone else by name, which is written to the audit log and tells the person. Childcare and
children welcome, and the list's filters."""

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Gender, Role
from portal.activities import services
from portal.activities.models import Activity, Admission, Enrolment, Kind
from portal.audit.models import AuditEvent
from portal.errors import DomainError
from portal.extensions import db
from portal.notify.models import Notification

WOMEN_ONLY = "for women only"


@pytest.fixture
def woman(make_user):
    def make(**kwargs):
        user = make_user(**kwargs)
        user.gender = Gender.WOMAN
        db.session.commit()
        return user

    return make


@pytest.fixture
def course(make_activity):
    return make_activity(title="Sykkelkurs for kvinner", capacity=6, women_only=True,
                         childcare=True)


@pytest.mark.parametrize("gender", [None, Gender.MAN, Gender.OTHER, Gender.UNSAID])
def test_only_women_join_a_women_only_circle(course, make_user, gender):
    person = make_user()
    person.gender = gender
    with pytest.raises(DomainError, match=WOMEN_ONLY):
        services.enrol(person, course.id)
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 0


def test_a_woman_joins_and_everyone_joins_an_open_circle(course, make_activity, woman,
                                                         make_user):
    assert services.enrol(woman(), course.id).status == "enrolled"
    open_circle = make_activity(title="Norsk A1")
    assert services.enrol(make_user(), open_circle.id).status == "enrolled"


def test_only_women_follow_a_women_only_cafe(make_activity, make_user, woman):
    cafe = make_activity(kind=Kind.LANGUAGE_CAFE, capacity=None, women_only=True)
    man = make_user()
    man.gender = Gender.MAN
    with pytest.raises(DomainError, match=WOMEN_ONLY):
        services.follow(man, cafe)
    assert not services.is_following(man, cafe)
    her = woman()
    services.follow(her, cafe)
    assert services.is_following(her, cafe)


def test_a_leader_admits_someone_who_can_then_join_logged_and_told(course, leader, make_user):
    person = make_user(name="Hodan Warsame")  # gave no gender
    assert not services.may_take_part(person, course)
    admission = services.admit(leader, course, person.id)
    assert admission.admitted_by_id == leader.id
    assert services.may_take_part(person, course)
    assert services.enrol(person, course.id).status == "enrolled"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "activity.admit"))
    assert (event.actor_id, event.subject_type, event.subject_id) == (leader.id, "user",
                                                                      person.id)
    told = db.session.scalars(select(Notification).where(Notification.user_id == person.id))
    assert [n.kind for n in told] == ["admitted"]
    # Admitting twice changes nothing and logs nothing more.
    assert services.admit(leader, course, person.id).id == admission.id
    assert db.session.scalar(select(func.count()).select_from(Admission)) == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "activity.admit")) == 1


def test_an_admission_counts_for_its_activity_only(course, make_activity, leader, make_user):
    other = make_activity(title="Svømming for kvinner", women_only=True)
    person = make_user()
    services.admit(leader, course, person.id)
    with pytest.raises(DomainError, match=WOMEN_ONLY):
        services.enrol(person, other.id)


def test_who_may_admit_and_whom(course, make_activity, leader, make_user, make_site):
    participant = make_user()
    with pytest.raises(DomainError, match="Only the leaders of this activity"):
        services.admit(make_user(Role.VOLUNTEER), course, participant.id)
    with pytest.raises(DomainError, match="Only the leaders of this activity"):
        services.admit(participant, course, participant.id)
    with pytest.raises(DomainError, match="Everyone can take part in this activity already"):
        services.admit(leader, make_activity(title="Open"), participant.id)
    for someone in (make_user(Role.VOLUNTEER).id, make_user(at=make_site("Elsewhere")).id,
                    999_999):
        with pytest.raises(DomainError, match="Choose a participant of this meeting place"):
            services.admit(leader, course, someone)
    coordinator = make_user(Role.COORDINATOR)  # coordinators of the place lead every activity
    assert services.admit(coordinator, course, participant.id).admitted_by_id == coordinator.id


def test_candidates_are_participants_of_the_place_by_name_not_yet_admitted(
        course, leader, make_user, make_site):
    hodan = make_user(name="Hodan Warsame")
    make_user(name="Hodan Elsewhere", at=make_site("Elsewhere"))
    make_user(Role.VOLUNTEER, name="Hodan Volunteer")
    assert services.admission_candidates(leader, course, "hodan") == [hodan]
    assert services.admission_candidates(leader, course, "h") == []  # at least two letters
    assert services.admission_candidates(leader, course, "%_") == []  # no wildcards
    services.admit(leader, course, hodan.id)
    assert services.admission_candidates(leader, course, "hodan") == []
    with pytest.raises(DomainError, match="Only the leaders of this activity"):
        services.admission_candidates(hodan, course, "hodan")


def test_filters_for_women_childcare_and_children(make_activity, site, leader):
    course = make_activity(title="Sykkelkurs", women_only=True, childcare=True)
    family = make_activity(title="Familiekafé", kind=Kind.LANGUAGE_CAFE, capacity=None,
                           children_welcome=True)
    make_activity(title="Norsk A1")

    def titles(**wanted):
        found = services.browse(services.Filters(**wanted))
        return sorted(activity.title for activity, _next in found)

    assert titles(women_only=True) == [course.title]
    assert titles(childcare=True) == [course.title]
    assert titles(children_welcome=True) == [family.title]
    assert titles(women_only=True, children_welcome=True) == []
    assert len(titles()) == 3


# -- views --------------------------------------------------------------------------------

def test_the_list_filters_and_shows_the_tags(client, make_activity):
    make_activity(title="Sykkelkurs", women_only=True, childcare=True)
    make_activity(title="Norsk A1")
    page = client.get("/activities?women=y&childcare=y").text
    assert "Sykkelkurs" in page and "Norsk A1" not in page
    assert "For women only" in page and "Childcare available" in page
    assert "Norsk A1" in client.get("/activities?women=&children=").text
    assert "Sykkelkurs" not in client.get("/activities?children=y").text


def test_a_man_is_told_kindly_and_kept_out(client, login_as, course):
    man = login_as()
    man.gender = Gender.MAN
    db.session.commit()
    page = client.get(f"/activities/{course.id}").text
    assert "This activity is for women only." in page and "Open your profile" in page
    response = client.post(f"/activities/{course.id}/join")
    assert response.status_code == 303
    assert "This activity is for women only." in client.get(f"/activities/{course.id}").text
    fragment = client.post(f"/activities/{course.id}/join", htmx=True)
    assert fragment.status_code == 200 and "This activity is for women only." in fragment.text
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 0
    assert db.session.get(Activity, course.id).queue_counter == 0


def test_a_woman_joins_from_the_page(client, login_as, course):
    her = login_as()
    her.gender = Gender.WOMAN
    db.session.commit()
    assert client.post(f"/activities/{course.id}/join").status_code == 303
    assert "You are in this circle." in client.get(f"/activities/{course.id}").text


def test_a_leader_finds_and_admits_by_name(client, login_as, course, make_user, site):
    person = make_user(name="Hodan Warsame")
    leader = login_as(Role.COORDINATOR)
    page = client.get(f"/activities/{course.id}").text
    assert f"/activities/{course.id}/admit" in page
    found = client.get(f"/activities/{course.id}/admit?q=hodan")
    assert found.status_code == 200 and "Hodan Warsame" in found.text
    assert "Nobody found with that name." in client.get(
        f"/activities/{course.id}/admit?q=zz").text
    response = client.post(f"/activities/{course.id}/admit", {"user_id": str(person.id)})
    assert response.status_code == 303
    after = client.get(response.headers["Location"]).text
    assert "<bdi>Hodan Warsame</bdi> can take part now, and has been told." in after
    assert db.session.scalar(select(Admission.admitted_by_id)) == leader.id


@pytest.mark.parametrize("value", ["", "abc", "-1", "999999", "1e9", "<script>", "9" * 40])
def test_admit_refuses_bad_input_with_a_message(client, login_as, course, value):
    login_as(Role.COORDINATOR)
    response = client.post(f"/activities/{course.id}/admit", {"user_id": value})
    assert response.status_code == 422 and 'role="alert"' in response.text
    assert "<script>" not in response.text
    assert db.session.scalar(select(func.count()).select_from(Admission)) == 0


def test_admit_needs_csrf_a_leader_and_a_women_only_activity(client, login_as, course,
                                                             make_activity, make_user):
    person = make_user()
    login_as(Role.COORDINATOR)
    assert client.post(f"/activities/{course.id}/admit", {"user_id": str(person.id)},
                       csrf=False).status_code == 400
    open_circle = make_activity(title="Open")
    assert client.get(f"/activities/{open_circle.id}/admit").status_code == 404
    client.post("/accounts/logout")
    login_as()
    assert client.get(f"/activities/{course.id}/admit").status_code == 403
    assert client.post(f"/activities/{course.id}/admit",
                       {"user_id": str(person.id)}).status_code == 403
    assert client.get(f"/activities/{course.id}/admit?q=%25%25").status_code == 403


def test_a_new_activity_says_childcare_and_children_welcome(client, login_as, site):
    login_as(Role.VOLUNTEER)
    response = client.post(f"/activities/new?site={site.id}", {
        "kind": "workshop", "title": "Kartlegging av talenter", "level": "all",
        "women_only": "y", "childcare": "y", "children_welcome": "y"})
    assert response.status_code == 303
    activity = db.session.scalar(select(Activity))
    assert (activity.kind, activity.women_only, activity.childcare,
            activity.children_welcome) == ("workshop", True, True, True)
    page = client.get(f"/activities/{activity.id}").text
    assert "Childcare available" in page and "Children welcome" in page


def test_a_women_only_activity_speaks_to_women_in_arabic(client, login_as, course, make_activity,
                                                         app):
    from portal.i18n import force_locale, pgettext

    her = login_as(language="ar")
    her.gender = Gender.WOMAN
    db.session.commit()
    arabic = {"Accept-Language": "ar"}
    plain = make_activity(title="Norsk A1")
    assert "انضمام" in client.get(f"/activities/{plain.id}", headers=arabic).text
    page = client.get(f"/activities/{course.id}", headers=arabic).text
    assert "انضمّي" in page and "انضمام" not in page
    client.post(f"/activities/{course.id}/join", headers=arabic)
    page = client.get(f"/activities/{course.id}", headers=arabic).text
    assert "لقد انضممتِ. أهلًا بكِ!" in page and "أنتِ مشاركة في هذه الحلقة." in page
    assert "غادري الحلقة" in page
    with app.test_request_context(), force_locale("ar"):
        assert pgettext("women", "You can join %(title)s", title="X") == (
            "يمكنكِ الانضمام إلى X")
    with app.test_request_context(), force_locale("nb"):  # alike where the language is
        assert pgettext("women", "Join") == "Bli med"


def test_my_data_lists_an_admission_and_erasure_removes_it(course, leader, make_user):
    from portal.privacy.services import erase, my_data

    person = make_user(name="Hodan Warsame")
    services.admit(leader, course, person.id)
    assert [a["activity"] for a in my_data(person)["admitted_to"]] == [course.title]
    erase(None, person)
    db.session.flush()
    assert db.session.scalar(select(func.count()).select_from(Admission)) == 0
