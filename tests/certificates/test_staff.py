"""Staff make a participant's certificate on their behalf: a coordinator (or administrator) of
the participant's meeting place, for what was earned there, and only for someone of lower
rank (accounts/policy.py; tests/test_rank.py tries every actor on every target). The
participant owns it, is told, and sees it on their own page; each act is in the audit log."""

from sqlalchemy import select

from portal.accounts.models import Membership, Role
from portal.audit.models import AuditEvent
from portal.certificates import services
from portal.certificates.models import CertificateKind, CourseCertificate
from portal.extensions import db
from portal.notify.models import Notification
from tests.certificates.conftest import AMINA
from tests.pdfs import text_of


def events(action: str) -> list[tuple]:
    return db.session.execute(select(AuditEvent.actor_id, AuditEvent.subject_type,
                                     AuditEvent.subject_id)
                              .where(AuditEvent.action == action)).all()


def test_a_coordinator_makes_and_downloads_a_participant_s_certificate(
        client, make_user, cv_workshop):
    bo, workshop = cv_workshop["bo"], cv_workshop["workshop"]
    coordinator = make_user(Role.COORDINATOR, name="Ingrid")
    client.login(coordinator.email)
    page = client.get(f"/certificates/people/{bo.id}").text
    assert "Certificates of <bdi>Bo Ek</bdi>" in page
    assert "Skriv en god søknad" in page and "4 hours and 55 minutes" in page
    assert events("certificates.view") == [(coordinator.id, "user", bo.id)]
    response = client.post(f"/certificates/people/{bo.id}/workshop/{workshop.id}")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/certificates/people/{bo.id}")
    certificate = db.session.scalars(select(CourseCertificate)).one()
    assert (certificate.holder_id, certificate.holder_name, certificate.minutes) == (
        bo.id, "Bo Ek", 295)
    assert events("certificate.issued_for") == [(coordinator.id, "certificate",
                                                 certificate.id)]
    told = db.session.scalars(select(Notification).where(Notification.user_id == bo.id)).one()
    assert told.kind == "certificate_made" and told.params == {"title": "Skriv en god søknad"}
    page = client.get(f"/certificates/people/{bo.id}").text
    assert services.shown(certificate.code) in page and "Make the certificate" not in page
    pdf = client.get(f"/certificates/people/{bo.id}/{certificate.id}.pdf"
                     f"?c{certificate.id}-language=en")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Cache-Control"] == "private, no-store"
    text, _reader = text_of(pdf.data)
    assert "Bo Ek" in text and "4 hours and 55 minutes" in text
    assert events("certificate.downloaded_for") == [(coordinator.id, "certificate",
                                                     certificate.id)]
    # Asked again, nothing new: the same certificate, no second notice.
    client.post(f"/certificates/people/{bo.id}/workshop/{workshop.id}")
    assert db.session.scalar(select(CourseCertificate.id)) == certificate.id
    assert len(events("certificate.issued_for")) == 1
    # The participant owns it: it is on their own page, with the same code, theirs to download.
    client.login(bo.email)
    page = client.get("/certificates").text
    assert services.shown(certificate.code) in page
    assert client.get(f"/certificates/{certificate.id}.pdf").status_code == 200
    told = client.get("/notify").text
    assert "Your meeting place has made your certificate for Skriv en god søknad" in told
    assert '<a href="/certificates">Open My certificates</a>' in told


def test_the_participant_s_page_for_staff_links_to_their_certificates(client, login_as,
                                                                    cv_workshop):
    login_as(Role.COORDINATOR)
    page = client.get(f"/employment/people/{cv_workshop['amina'].id}").text
    assert f'href="/certificates/people/{cv_workshop["amina"].id}"' in page


def test_an_administrator_may_and_others_may_not(client, site, make_site, make_user,
                                                 cv_workshop):
    amina, workshop = cv_workshop["amina"], cv_workshop["workshop"]
    own = services.issue(cv_workshop["cy"], CertificateKind.WORKSHOP, workshop.id)
    cy = cv_workshop["cy"]
    refused = {"peer": cv_workshop["dag"], "volunteer": make_user(Role.VOLUNTEER),
               "coordinator elsewhere": make_user(Role.COORDINATOR, at=make_site("Other"))}
    for name, actor in refused.items():
        client.login(actor.email)
        assert client.get(f"/certificates/people/{amina.id}").status_code == 404, name
        response = client.post(f"/certificates/people/{amina.id}/workshop/{workshop.id}")
        assert response.status_code == 404, name
        assert client.get(f"/certificates/people/{cy.id}/{own.id}.pdf").status_code == 404
    assert db.session.scalar(select(CourseCertificate.id).where(
        CourseCertificate.holder_id == amina.id)) is None
    # A participant on themself: their own page is /certificates, not the staff one.
    client.login(amina.email)
    assert client.get(f"/certificates/people/{amina.id}").status_code == 404
    admin = make_user(Role.ADMIN, at=make_site("Head office"))
    client.login(admin.email)
    assert client.post(f"/certificates/people/{amina.id}/workshop/{workshop.id}"
                       ).status_code == 303
    assert db.session.scalar(select(CourseCertificate.holder_id).where(
        CourseCertificate.activity_id == workshop.id,
        CourseCertificate.holder_id == amina.id)) == amina.id
    assert client.get(f"/certificates/people/{cy.id}/{own.id}.pdf").status_code == 200


def test_staff_act_only_for_what_was_earned_at_their_place(client, site, make_site, make_user,
                                                           make_workshop):
    """Amina takes part at Tøyen and at Grünerløkka and completed a workshop at each; the
    coordinator of Tøyen sees and makes only Tøyen's, and cannot download Grünerløkka's."""
    other = make_site("Grünerløkka")
    amina = make_user(name=AMINA)
    amina.memberships.append(Membership(site=other, role=Role.PARTICIPANT))
    here = make_workshop(site, "Verksted her", {amina: (60, 60)}, minutes=(60, 60))
    there = make_workshop(other, "Verksted der", {amina: (60, 60)}, minutes=(60, 60))
    theirs = services.issue(amina, CertificateKind.WORKSHOP, there.id)
    db.session.commit()
    coordinator = make_user(Role.COORDINATOR)
    client.login(coordinator.email)
    page = client.get(f"/certificates/people/{amina.id}").text
    assert "Verksted her" in page and "Verksted der" not in page
    response = client.post(f"/certificates/people/{amina.id}/workshop/{there.id}")
    assert response.status_code == 303  # refused, with the reason on the page
    assert "at your meeting place" in client.get(f"/certificates/people/{amina.id}").text
    assert events("certificate.issued_for") == []
    assert client.get(f"/certificates/people/{amina.id}/{theirs.id}.pdf").status_code == 404
    assert events("certificate.downloaded_for") == []
    assert client.post(f"/certificates/people/{amina.id}/workshop/{here.id}").status_code == 303
    assert len(events("certificate.issued_for")) == 1
    assert client.post(f"/certificates/people/{amina.id}/course/{here.id}").status_code == 303
    assert client.post(f"/certificates/people/{amina.id}/nothing/{here.id}").status_code == 404
    assert db.session.scalar(select(CourseCertificate.id).where(
        CourseCertificate.kind == CertificateKind.COURSE)) is None
