"""The request's person as pages read them (portal.accounts.viewer): the same as the User."""

import pytest
from sqlalchemy import delete, select

from portal.accounts import services, viewer
from portal.accounts.models import Membership, Role, Site, User
from portal.extensions import db
from portal.notify.services import notify

BORROWED = ("is_admin", "is_staff", "phone_is_confirmed", "timezone")


def _open_login(user: User) -> str:
    key = services.open_login(user)
    db.session.commit()
    return key


def test_a_viewer_reads_as_its_user_does(app, make_site, make_user):
    other = make_site("Rosengård", "SE", "Europe/Stockholm", "Rosengårdsstråket 1")
    person = make_user(Role.VOLUNTEER, phone="+4791234567", gender="woman")
    person.memberships.append(Membership(site=other, role=Role.COORDINATOR))
    person.phone_confirmed = person.phone
    notify([person], "promoted", {"title": "Café"})
    db.session.commit()
    key = _open_login(person)
    with app.test_request_context("/"):
        user = db.session.get(User, person.id)
        seen = viewer.load(user.id, str(user.session_version), key)
        for column in User.__table__.c:
            if column.key != "password_hash":
                assert getattr(seen, column.key) == getattr(user, column.key), column.key
        assert not hasattr(seen, "password_hash")
        assert [(m.id, m.site_id, m.role, m.site.name, m.site.timezone, m.site.language)
                for m in seen.memberships] == [
            (m.id, m.site_id, m.role, m.site.name, m.site.timezone, m.site.language)
            for m in user.memberships]
        assert seen.memberships[1].site.today() == other.today()
        for name in BORROWED:
            assert getattr(seen, name) == getattr(user, name), name
        assert seen.is_staff and not seen.is_admin and seen.phone_is_confirmed
        assert [s.id for s in seen.sites_where(Role.COORDINATOR)] == [other.id]
        assert seen.role_at(other.id) == Role.COORDINATOR and seen.has_role(
            other.id, Role.COORDINATOR) and not seen.has_role(other.id, Role.ADMIN)
        assert seen.home_site.id == user.home_site.id
        assert seen.get_id() == f"{user.id}.{user.session_version}.{key}"
        assert seen.unread_on_load == 1 and seen.is_authenticated


def test_a_viewer_is_read_only_and_gives_its_account_to_change(app, make_user):
    person = make_user()
    key = _open_login(person)
    with app.test_request_context("/"):
        seen = viewer.load(person.id, "0", key)
        with pytest.raises(AttributeError, match="read-only"):
            seen.language = "sv"
        account = seen.account
        assert account is db.session.get(User, person.id) and account.account is account
        services.set_language(account, "sv")
        db.session.commit()
    assert db.session.get(User, person.id).language == "sv"


def test_no_viewer_for_an_ended_login_or_an_old_session_version(app, make_user):
    person = make_user()
    key = _open_login(person)
    with app.test_request_context("/"):
        assert viewer.load(person.id, "1", key) is None  # the password changed since
        assert viewer.load(person.id, "0", "another-browser") is None
        assert viewer.load(person.id + 1, "0", key) is None


def test_a_person_without_a_membership_is_read_without_places(app, make_user):
    person = make_user()
    key = _open_login(person)
    db.session.execute(delete(Membership).where(Membership.user_id == person.id))
    db.session.commit()
    with app.test_request_context("/"):
        seen = viewer.load(person.id, "0", key)
        assert seen.memberships == [] and seen.home_site is None and not seen.is_staff
        assert seen.timezone == "Europe/Oslo"  # accounts.models.DEFAULT_TIMEZONE


def test_every_site_reads_as_the_sites_do(app, site, make_site):
    make_site("Aker", "NO", "Europe/Oslo", "Akersgata 1")
    make_site("Rosengård", "SE", "Europe/Stockholm", "Rosengårdsstråket 1")
    db.session.commit()
    with app.test_request_context("/"):
        read = viewer.every_site()
        loaded = db.session.scalars(select(Site).order_by(Site.name)).all()
        assert len(read) == len(loaded) == 3  # in the same order: the database's, by name
        for seen, place in zip(read, loaded, strict=True):
            assert seen == tuple(getattr(place, c.key) for c in Site.__table__.c)
            assert (seen.language, seen.today()) == (place.language, place.today())
