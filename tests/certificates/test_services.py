"""Certificates: what a person earned by Bro's records (hand-computed hours), issuing one
once, and checking a code as the public page does."""

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.certificates import services
from portal.certificates.models import CertificateKind, CourseCertificate
from portal.employment import services as employment
from portal.errors import DomainError
from portal.extensions import db


def test_swedish_hours_are_whole_study_hours_of_45_minutes(swedish_course):
    (amina_course,) = services.earned(swedish_course["amina"])
    assert (amina_course.kind, amina_course.title, amina_course.organisation) == (
        CertificateKind.COURSE, "Svenska för vardagen", "Malmö Möllan")
    assert (amina_course.hours, amina_course.hour_minutes, amina_course.country) == (7, 45, "SE")
    assert [item.hours for item in services.earned(swedish_course["bo"])] == [9]
    assert services.earned(swedish_course["cy"]) == []


def test_norwegian_hours_are_hours_of_60_minutes(site, make_user, make_circle):
    """Norway: a course hour is 60 minutes; a participant completes with ¾ of the hours.
    Three meetings of 120 minutes (360 held; ¾ is 270).
    Ola: 120, 100, 90 = 310 minutes ≥ 270: completed, 2 + 1 + 1 = 4 hours (not 310 / 60).
    Kari: 120, absent, 120 = 240 < 270: not completed."""
    ola, kari = make_user(name="Ola"), make_user(name="Kari")
    make_circle(site, "Norsk på jobben", {ola: (120, 100, 90), kari: (120, 0, 120)},
                minutes=(120, 120, 120))
    (course,) = services.earned(ola)
    assert (course.hours, course.hour_minutes, course.country) == (4, 60, "NO")
    assert services.earned(kari) == []


def test_a_course_gets_certificates_once_every_list_is_signed(site, make_user, make_circle):
    """The hours printed are those of the signed lists: not before the last one is signed."""
    ola = make_user(name="Ola")
    circle = make_circle(site, "Norsk på jobben", {ola: (120, 120)}, minutes=(120, 120),
                         signed=False)
    assert services.earned(ola) == []
    with pytest.raises(DomainError, match="no record that you completed"):
        services.issue(ola, CertificateKind.COURSE, circle.id)
    for session in circle.sessions:
        session.signed_off_at = session.ends_at
    assert [item.hours for item in services.earned(ola)] == [4]


def test_a_certificate_is_made_once_with_a_code_and_an_audit_event(swedish_course):
    amina, circle = swedish_course["amina"], swedish_course["circle"]
    first = services.issue(amina, CertificateKind.COURSE, circle.id)
    again = services.issue(amina, CertificateKind.COURSE, circle.id)
    assert first.id == again.id and first.code == again.code
    assert len(first.code) == 10 and set(first.code) <= set(services.ALPHABET)
    assert (first.holder_name, first.hours, first.hour_minutes) == (
        swedish_course["amina"].display_name, 7, 45)
    assert db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.subject_type == "certificate")).all() == ["certificate.issued"]
    (listed,) = services.earned(amina)
    assert listed.certificate.id == first.id


def test_nothing_completed_gets_no_certificate(swedish_course):
    with pytest.raises(DomainError, match="no record that you completed"):
        services.issue(swedish_course["cy"], CertificateKind.COURSE, swedish_course["circle"].id)
    with pytest.raises(DomainError, match="no record that you completed"):  # someone else's
        services.issue(swedish_course["cy"], CertificateKind.WORK_PRACTICE, 1)
    assert db.session.scalar(select(CourseCertificate)) is None


def test_completed_work_practice_earns_a_certificate_with_its_hours_a_week(
        site, make_user):
    coordinator = make_user(Role.COORDINATOR)
    person = make_user(name="Hamid")
    partner = employment.add_partner(coordinator, site, employment.PartnerData(
        name="Kafé Bro AS", kind="employer"))
    data = employment.PlacementData(partner_id=partner.id, role="Kitchen assistant",
                                    starts_on=date(2026, 3, 2), ends_on=date(2026, 5, 29),
                                    weekdays=[0, 2], hours_per_week=15)
    placement = employment.record_placement(coordinator, person, data)
    assert services.earned(person) == []  # planned: nothing yet
    employment.change_placement(coordinator, placement, replace(data, status="completed"))
    (item,) = services.earned(person)
    assert (item.kind, item.title, item.organisation, item.hours) == (
        CertificateKind.WORK_PRACTICE, "Kitchen assistant", "Kafé Bro AS", 15)
    made = services.issue(person, CertificateKind.WORK_PRACTICE, placement.id)
    assert made.placement_id == placement.id and made.activity_id is None


@pytest.mark.parametrize("typed, code", [
    ("7K3QD-M8XTA", "7K3QDM8XTA"),
    (" 7k3qd m8xta ", "7K3QDM8XTA"),
    ("7K3QD-M8XTO", "7K3QDM8XT0"),  # O read as zero
    ("IL3QD-M8XTA", "113QDM8XTA"),  # I and L read as one
    ("7K3QD-M8XT", None),  # too short
    ("7K3QD-M8XTAA", None),  # too long
    ("7K3QD-M8XTU", None),  # U is not in the alphabet
    ("٧K3QD-M8XTA", None),  # not Latin
    ("", None),
])
def test_codes_are_read_as_people_type_them(typed, code):
    assert services.normalise(typed) == code


def test_a_real_code_checks_and_an_altered_or_forged_one_does_not(swedish_course):
    made = services.issue(swedish_course["amina"], CertificateKind.COURSE,
                          swedish_course["circle"].id)
    assert services.check(services.shown(made.code)).id == made.id
    assert services.check(made.code.lower()).id == made.id
    altered = made.code[:-1] + ("0" if made.code[-1] != "0" else "1")
    assert services.check(altered) is None
    assert services.check("0000000000") is None


@pytest.mark.parametrize("name, initials", [
    ("Amina Hassan", "A. H."), ("أمينة يوسف", "أ. ي."), ("Ola  Nordmann-Berg", "O. N."),
    ("ሳባ ተስፋይ", "ሳ. ተ."), ("  ", "")])
def test_the_public_page_shows_initials_only(name, initials):
    assert services.initials(name) == initials


def test_my_data_lists_the_certificates_and_erasure_takes_them_and_their_codes(swedish_course):
    from portal.privacy import services as privacy

    amina = swedish_course["amina"]
    certificate = services.issue(amina, CertificateKind.COURSE, swedish_course["circle"].id)
    code = certificate.code
    kept = services.issue(swedish_course["bo"], CertificateKind.COURSE,
                          swedish_course["circle"].id)
    (listed,) = privacy.my_data(amina)["certificates"]
    assert listed["code"] == code and listed["title"] == "Svenska för vardagen"
    assert listed["hours"] == 7 and listed["hour_minutes"] == 45
    privacy.erase(amina, amina)
    assert services.check(code) is None  # the public page no longer confirms her
    assert db.session.scalars(select(CourseCertificate.id)).all() == [kept.id]
