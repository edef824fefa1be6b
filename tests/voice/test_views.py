"""Proposal pages: each state change as a plain form post (a message and a redirect) and as an
htmx request (the card, the form with its errors, or HX-Redirect); who sees what."""

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.activities import services as activities
from portal.activities.models import Activity, ActivityStatus, Enrolment
from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.voice import services
from portal.voice.models import Proposal, ProposalStatus, Support


@pytest.fixture(autouse=True)
def _pages_in_english(people):
    """Pages are in the reader's saved language: here everyone reads English."""
    for person in people.values():
        person.language = "en"
    db.session.commit()


def fresh(proposal) -> Proposal:
    return db.session.get(Proposal, proposal.id)


def supporters(proposal) -> int:
    return db.session.scalar(select(func.count()).select_from(Support).where(
        Support.proposal_id == proposal.id))


# -- the list and a new proposal -------------------------------------------------------------

def test_the_place_lists_open_proposals_most_supported_first(client, site, people, propose):
    propose("Chess club")
    popular = propose("Sewing circle")
    services.support(people["fatima"], popular.id)
    services.decline(people["coordinator"], propose("Opera trip").id, "Too dear")
    client.login(people["olena"].email)
    page = client.get("/voice").get_data(as_text=True)
    assert page.index("Sewing circle") < page.index("Chess club") < page.index("Opera trip")
    assert "1 person supports this" in page and "I want this too" in page
    assert "Not now" in page
    assert "Answer this proposal" not in page and "Amina Proposer" not in page
    same = client.get(f"/voice/sites/{site.id}").get_data(as_text=True)
    assert same.index("Sewing circle") < same.index("Chess club")


def test_coordinators_find_what_to_answer(client, site, people, propose):
    propose()
    client.login(people["coordinator"].email)
    assert "Answer this proposal" in client.get(f"/voice/sites/{site.id}").get_data(
        as_text=True)
    assert f'href="/voice/sites/{site.id}"' in client.get("/").get_data(as_text=True)


def test_a_participant_proposes(client, site, people):
    client.login(people["olena"].email)
    page = client.get(f"/voice/sites/{site.id}/new").get_data(as_text=True)
    assert "Norwegian" in page and "Tigrinya" in page and "I can help run it" in page
    response = client.post(f"/voice/sites/{site.id}/new", {
        "kind": "theme", "title": "Talk about housing", "description": "Rent, contracts",
        "languages": ["no", "ti"], "can_help": "y"})
    proposal = db.session.scalars(select(Proposal)).one()
    assert response.status_code == 303
    assert response.headers["Location"] == f"/voice/{proposal.id}"
    assert (proposal.kind, proposal.title, proposal.language_codes, proposal.can_help,
            proposal.proposer_id) == ("theme", "Talk about housing", ["no", "ti"], True,
                                      people["olena"].id)


def test_a_proposal_without_a_title_comes_back_with_the_input_page_and_fragment(
        client, site, people):
    client.login(people["olena"].email)
    data = {"kind": "activity", "title": "", "description": "Bikes", "languages": ["xx"]}
    page = client.post(f"/voice/sites/{site.id}/new", data)
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "<html" in text and "This field is required." in text and "Bikes</textarea>" in text
    fragment = client.post(f"/voice/sites/{site.id}/new", data, htmx=True)
    assert fragment.status_code == 422
    text = fragment.get_data(as_text=True)
    assert "<html" not in text and text.lstrip().startswith('<form id="proposal-form"')
    assert "Choose only from the options shown." in text
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 0


# -- support with one tap --------------------------------------------------------------------

def test_support_and_withdraw_by_plain_form(client, site, people, propose):
    proposal = propose()
    client.login(people["fatima"].email)
    response = client.post(f"/voice/{proposal.id}/support")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/voice/sites/{site.id}#proposal-{proposal.id}"
    assert (supporters(proposal), fresh(proposal).support_count) == (1, 1)
    assert "Thank you for your support." in client.get("/voice").get_data(as_text=True)
    client.post(f"/voice/{proposal.id}/withdraw-support")
    assert (supporters(proposal), fresh(proposal).support_count) == (0, 0)


def test_support_and_withdraw_by_htmx_swap_the_card(client, people, propose):
    proposal = propose()
    client.login(people["fatima"].email)
    response = client.post(f"/voice/{proposal.id}/support", htmx=True)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert text.lstrip().startswith(f'<li class="card" id="proposal-{proposal.id}"')
    assert "You support this." in text and "1 person supports this" in text
    assert "Remove my support" in text
    text = client.post(f"/voice/{proposal.id}/withdraw-support", htmx=True).get_data(
        as_text=True)
    assert "I want this too" in text and "0 people support this" in text
    assert supporters(proposal) == 0


def test_a_refused_tap_says_why_and_keeps_nothing(client, people, propose):
    proposal = propose()
    client.login(people["proposer"].email)
    text = client.post(f"/voice/{proposal.id}/support", htmx=True).get_data(as_text=True)
    assert 'role="alert">This is your own proposal.' in text
    response = client.post(f"/voice/{proposal.id}/support")
    assert response.status_code == 303
    assert "This is your own proposal." in client.get("/voice").get_data(as_text=True)
    assert supporters(proposal) == 0


def test_the_proposer_takes_it_back_and_nobody_else_can(client, site, people, propose):
    proposal = propose()
    client.login(people["olena"].email)
    assert client.post(f"/voice/{proposal.id}/take-back").status_code == 403
    client.login(people["proposer"].email)
    assert "Take back my proposal" in client.get(f"/voice/{proposal.id}").get_data(
        as_text=True)
    response = client.post(f"/voice/{proposal.id}/take-back")
    assert response.headers["Location"] == f"/voice/sites/{site.id}"
    assert fresh(proposal).status == ProposalStatus.WITHDRAWN
    assert "Your proposal is taken back." in client.get(f"/voice/sites/{site.id}").get_data(
        as_text=True)


def test_taking_back_by_htmx_redirects_and_twice_says_why(client, site, people, propose):
    proposal = propose()
    client.login(people["proposer"].email)
    response = client.post(f"/voice/{proposal.id}/take-back", htmx=True)
    assert response.headers["HX-Redirect"] == f"/voice/sites/{site.id}"
    response = client.post(f"/voice/{proposal.id}/take-back")
    assert response.headers["Location"] == f"/voice/{proposal.id}"
    assert "This proposal was taken back." in client.get(
        f"/voice/{proposal.id}").get_data(as_text=True)


# -- one proposal: who sees what -------------------------------------------------------------

def test_staff_see_who_proposed_and_the_view_is_in_the_audit_log(client, people, propose):
    proposal = propose()
    client.login(people["olena"].email)
    page = client.get(f"/voice/{proposal.id}").get_data(as_text=True)
    assert "Cycling course for women" in page and "Amina Proposer" not in page
    assert "Answer the proposal" not in page
    client.login(people["volunteer"].email)
    page = client.get(f"/voice/{proposal.id}").get_data(as_text=True)
    assert "Amina Proposer" in page and "can help run it" in page
    assert "Answer the proposal" not in page
    client.login(people["coordinator"].email)
    page = client.get(f"/voice/{proposal.id}").get_data(as_text=True)
    assert "Answer the proposal" in page
    assert db.session.execute(select(AuditEvent.actor_id, AuditEvent.action).where(
        AuditEvent.subject_id == proposal.id)).all() == [
        (people["volunteer"].id, "proposal.view"), (people["coordinator"].id, "proposal.view")]


def test_people_of_another_place_do_not_see_its_proposals(client, site, make_site, make_user,
                                                          propose):
    proposal = propose()
    rinkeby = make_site("Rinkeby", "SE", "Europe/Stockholm")
    for role in (Role.PARTICIPANT, Role.COORDINATOR):
        client.login(make_user(role, at=rinkeby).email)
        for url in (f"/voice/{proposal.id}", f"/voice/sites/{site.id}",
                    f"/voice/sites/{site.id}/new"):
            assert client.get(url).status_code == 404, (role, url)
        assert client.post(f"/voice/{proposal.id}/support").status_code == 404
        assert client.post(f"/voice/{proposal.id}/not-now", {"reason": "No"}).status_code == 404
        assert "Cycling course" not in client.get("/voice").get_data(as_text=True)
    assert supporters(proposal) == 0 and fresh(proposal).status == ProposalStatus.OPEN


def test_only_coordinators_of_the_place_answer(client, people, propose):
    proposal = propose()
    for who in ("proposer", "olena", "volunteer"):
        client.login(people[who].email)
        for path, data in (("realise", {"kind": "study_circle", "capacity": "5"}),
                           ("not-now", {"reason": "No"}), ("join", {"into": "1"})):
            assert client.post(f"/voice/{proposal.id}/{path}", data).status_code == 403
    assert fresh(proposal).status == ProposalStatus.OPEN


# -- answers ------------------------------------------------------------------------------------

def test_well_do_it_by_plain_form_goes_on_to_the_sessions(client, people, propose):
    proposal = propose()
    client.login(people["coordinator"].email)
    response = client.post(f"/voice/{proposal.id}/realise", {"kind": "study_circle",
                                                              "capacity": "8"})
    activity = db.session.scalars(select(Activity)).one()
    assert response.status_code == 303
    assert response.headers["Location"] == f"/activities/{activity.id}/series"
    assert (activity.status, fresh(proposal).status) == (ActivityStatus.CLOSED,
                                                         ProposalStatus.REALISED)
    page = client.get(f"/activities/{activity.id}/series").get_data(as_text=True)
    assert "closed to others for now" in page


def test_well_do_it_by_htmx_redirects_or_shows_the_form_with_its_error(client, people,
                                                                       propose):
    proposal = propose()
    client.login(people["coordinator"].email)
    response = client.post(f"/voice/{proposal.id}/realise", {"kind": "study_circle"},
                           htmx=True)
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert text.lstrip().startswith('<form id="realise-form"')
    assert "A study circle needs a number of seats." in text
    assert fresh(proposal).status == ProposalStatus.OPEN
    assert db.session.scalar(select(func.count()).select_from(Activity)) == 0
    response = client.post(f"/voice/{proposal.id}/realise", {"kind": "language_cafe"},
                           htmx=True)
    activity = db.session.scalars(select(Activity)).one()
    assert response.headers["HX-Redirect"] == f"/activities/{activity.id}/series"


def test_not_now_page_and_fragment(client, people, propose):
    proposal = propose()
    client.login(people["coordinator"].email)
    response = client.post(f"/voice/{proposal.id}/not-now", {"reason": ""}, htmx=True)
    assert response.status_code == 422
    assert "Please tell them why." in response.get_data(as_text=True)
    assert "<html" not in response.get_data(as_text=True)
    page = client.post(f"/voice/{proposal.id}/not-now", {"reason": ""})
    assert page.status_code == 422 and "<html" in page.get_data(as_text=True)
    response = client.post(f"/voice/{proposal.id}/not-now", {"reason": "No room this term"})
    assert response.headers["Location"] == f"/voice/{proposal.id}"
    page = client.get(f"/voice/{proposal.id}").get_data(as_text=True)
    assert "Your answer is saved" in page and "No room this term" in page
    assert (fresh(proposal).status, fresh(proposal).reason) == (ProposalStatus.NOT_NOW,
                                                                "No room this term")


def test_joined_with_page_and_fragment(client, people, propose):
    proposal, other = propose("Bikes"), propose("Cycling", by=people["other"])
    services.support(people["fatima"], proposal.id)
    client.login(people["coordinator"].email)
    page = client.get(f"/voice/{proposal.id}").get_data(as_text=True)
    assert f'<option dir="auto" value="{other.id}">Cycling</option>' in page
    response = client.post(f"/voice/{proposal.id}/join", {"into": "nonsense"}, htmx=True)
    assert response.status_code == 422
    assert "Choose one of the options." in response.get_data(as_text=True)
    response = client.post(f"/voice/{proposal.id}/join", {"into": str(other.id)}, htmx=True)
    assert response.headers["HX-Redirect"] == f"/voice/{proposal.id}"
    assert (fresh(proposal).status, fresh(other).support_count) == (ProposalStatus.JOINED, 2)
    page = client.get(f"/voice/{proposal.id}").get_data(as_text=True)
    assert "Joined with" in page and f'href="/voice/{other.id}"' in page


# -- the head start and the place's public page -------------------------------------------

def test_a_supporter_sees_the_join_button_before_the_activity_opens(client, people, propose):
    proposal = propose()
    services.support(people["fatima"], proposal.id)
    activity = services.realise(people["coordinator"], proposal.id, "study_circle", 5)
    client.login(people["olena"].email)
    page = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "may join now" not in page and ">Join<" not in page
    client.login(people["fatima"].email)
    page = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "This activity is not open to everyone yet, but you may join now." in page
    fragment = client.post(f"/activities/{activity.id}/join", htmx=True).get_data(as_text=True)
    assert "You are in this circle." in fragment
    client.login(people["proposer"].email)
    assert client.post(f"/activities/{activity.id}/join").status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 2
    activities.update_activity(people["coordinator"], activity.id, activities.ActivityData(
        kind="study_circle", title=activity.title, capacity=5), "open")
    client.login(people["olena"].email)
    assert ">Join<" in client.get(f"/activities/{activity.id}").get_data(as_text=True)


def test_the_place_page_says_what_was_asked_and_what_became_of_it(client, site, people,
                                                                  propose):
    done, later = propose("Cycling course for women"), propose("Opera trip")
    services.realise(people["coordinator"], done.id, "study_circle", 5)
    services.decline(people["coordinator"], later.id, "Too dear")
    propose("Chess club")
    page = client.get(f"/activities/places/{site.id}").get_data(as_text=True)
    asked = page[page.index("You asked — we did"):]
    for text in ("Cycling course for women", "We'll do it", "Opera trip", "Not now",
                 "Chess club", "Waiting for an answer"):
        assert text in asked
    assert "Amina Proposer" not in page and "Too dear" not in page


def test_supporting_from_the_proposals_page_comes_back_to_it(client, people, propose):
    proposal = propose()
    client.login(people["fatima"].email)
    page = client.get(f"/voice/{proposal.id}").get_data(as_text=True)
    assert f'action="/voice/{proposal.id}/support?single=1"' in page
    assert page.count("Cycling course for women</bdi>") == 1  # the heading, not the card too
    response = client.post(f"/voice/{proposal.id}/support?single=1")
    assert response.headers["Location"] == f"/voice/{proposal.id}"
    text = client.post(f"/voice/{proposal.id}/withdraw-support?single=1",
                       htmx=True).get_data(as_text=True)
    assert f'action="/voice/{proposal.id}/support?single=1"' in text
    assert "card-title" not in text and supporters(proposal) == 0
